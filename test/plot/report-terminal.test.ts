import { describe, expect, it } from 'vitest';
import { htmlReport, lossCurvesSpec, metricsTable, renderSvg, terminalChart } from '../../src/plot/index.js';

const ANSI = /\u001b\[[0-9;]*m/g;

describe('htmlReport', () => {
  it('is one self-contained page with the table, the charts and escaped text', async () => {
    const svg = await renderSvg(lossCurvesSpec({ ar: { train: [3, 2, 1], val: [3, 2.5, 2] } }));
    const html = htmlReport({
      title: 'GS10 <script>alert(1)</script>',
      subtitle: 'seqLen 6 & hidden 10',
      metrics: { columns: ['model', 'rmse', 'mae'], rows: [['ar', 0.2345678, 0.1], ['rnn', 0.31, 12]] },
      charts: [{ title: 'Loss', svg }, { title: 'Loss again', svg }],
      notes: ['validation = last 10% of the training span', '<i>not italic</i>'],
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toContain('<script');
    expect(html).toContain('GS10 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('seqLen 6 &amp; hidden 10');
    expect(html).toContain('&lt;i&gt;not italic&lt;/i&gt;');
    for (const cell of ['>ar<', '>0.2346<', '>0.1<', '>rnn<', '>0.31<', '>12<', '>rmse<']) expect(html).toContain(cell);
    expect(html.match(/<svg\b/g)).toHaveLength(2);
    // No external requests: no src/href pointing anywhere but inside the page, no @import / url(http).
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(?!#)[^"'\s>]/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    // Ids stay unique when charts share the page.
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('strips scripts and external references from chart SVG', () => {
    const html = htmlReport({
      title: 't',
      metrics: { columns: ['a'], rows: [] },
      charts: [{
        title: 'c',
        svg: '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"><script>alert(1)</script><image href="http://evil/x.png"/></svg>',
      }],
    });
    expect(html).not.toMatch(/<script|onload|http:\/\/evil/);
    expect(() => htmlReport({ title: 't', metrics: { columns: [], rows: [] }, charts: [{ title: 'c', svg: '<div/>' }] })).toThrow();
  });
});

describe('terminalChart', () => {
  const actual = Array.from({ length: 200 }, (_, i) => Math.sin(i / 10));
  const pred = actual.map((v, i) => (i < 150 ? null : v + 0.1));

  it('has the legend and exactly the requested height, resampled to the width', () => {
    const out = terminalChart({ actual, rnn: pred }, { height: 10, width: 50 });
    const lines = out.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatch(/actual/);
    expect(lines[0]).toMatch(/rnn/);
    const axis = lines[1]!.search(/[┤┼]/);
    for (const l of lines.slice(1)) expect(l.length - axis - 1).toBeLessThanOrEqual(50);
    expect(out).not.toMatch(ANSI);
    expect(out).toMatch(/━/); // the second series has its own line style
  });

  it('colours series only when asked', () => {
    const out = terminalChart({ actual, rnn: pred }, { height: 6, colors: true });
    expect(out).toMatch(ANSI);
    expect(out.replace(ANSI, '').split('\n')).toHaveLength(7);
  });

  it('copes with constant and empty series', () => {
    expect(terminalChart({ flat: [2, 2, 2] }, { height: 4 }).split('\n')).toHaveLength(5);
    expect(terminalChart({ none: [] }, { height: 3 }).split('\n')).toHaveLength(4);
    expect(terminalChart({})).toBe('');
  });
});

describe('metricsTable', () => {
  it('aligns columns: text left, numbers right', () => {
    const out = metricsTable(['model', 'rmse'], [['ar', 0.123456], ['persistence', 1.5]]);
    const lines = out.split('\n');
    expect(lines).toEqual([
      'model          rmse',
      '-----------  ------',
      'ar           0.1235',
      'persistence     1.5',
    ]);
  });
});
