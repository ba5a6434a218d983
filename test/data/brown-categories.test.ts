import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brownCategories } from '../../src/data/datasets.js';
import { BROWN_CATEGORIES_TSV } from '../../src/data/brown-data.js';

describe('brownCategories', () => {
  const b = brownCategories();

  it('holds 1,601 passages of five genres', () => {
    expect(b.classes).toEqual(['government', 'learned', 'news', 'religion', 'romance']);
    expect(b.texts).toHaveLength(1601);
    expect(b.labels).toHaveLength(1601);
    expect(b.classes.map((_, k) => b.labels.filter((l) => l === k).length)).toEqual([317, 293, 307, 276, 408]);
    expect(b.documents[0]).toBe('ch01');
    expect(b.texts[0]).toMatch(/^The Office of Business Economics \( OBE \) of the U\.S\. Department of Commerce/);
    expect(new Set(b.documents).size).toBe(60);
  });

  it('splits by document: texts 3, 6, 9, 12 of each genre are test, none of their passages train', () => {
    expect(b.trainIdx.length + b.testIdx.length).toBe(1601);
    const trainDocs = new Set(Array.from(b.trainIdx, (i) => b.documents[i]));
    const testDocs = new Set(Array.from(b.testIdx, (i) => b.documents[i]));
    expect([...testDocs].filter((d) => trainDocs.has(d))).toEqual([]);
    expect([...testDocs].sort().slice(0, 4)).toEqual(['ca03', 'ca06', 'ca09', 'ca12']);
    expect(testDocs.size).toBe(20);
    expect(trainDocs.size).toBe(40);
  });

  it('the built-in module is data/brown-categories.tsv (regenerate: tools/make-brown-categories.ts)', () => {
    expect(BROWN_CATEGORIES_TSV).toBe(readFileSync(new URL('../../data/brown-categories.tsv', import.meta.url), 'utf8'));
  });
});
