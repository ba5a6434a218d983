// Long-format (panel) CSV: ids in first-appearance order, interleaved rows, the id column left out,
// errors naming the file's own row numbers.
import { describe, expect, it } from 'vitest';
import { parsePanelCsv } from '../../src/data/panel.js';

describe('parsePanelCsv', () => {
  it('groups interleaved rows by id, in the order the ids first appear', () => {
    const t = 'store,date,sales,promo\nb,2020-01-01,10,1\na,2020-01-01,1,0\na,2020-02-01,2,1\nb,2020-02-01,20,0\na,2020-03-01,3,0\n';
    const p = parsePanelCsv(t, 'store', { source: 'x.csv', target: 'sales' });
    expect(p.ids).toEqual(['b', 'a']);
    expect(p.series.a!.dates).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(p.series.a!.columns.sales).toEqual([1, 2, 3]);
    expect(p.series.a!.columns.promo).toEqual([0, 1, 0]);
    expect(Object.keys(p.series.b!.columns)).toEqual(['sales', 'promo']);
  });
  it('quoted ids and fields survive the regrouping', () => {
    const p = parsePanelCsv('id,date,v\n"x, y",2020-01-01,1\n"x, y",2020-01-02,2\n', 'id');
    expect(p.ids).toEqual(['x, y']);
    expect(p.series['x, y']!.columns.v).toEqual([1, 2]);
  });
  it("errors name the file's row, the id, the column", () => {
    expect(() => parsePanelCsv('store,date,sales\na,2020-01-01,1\nb,2020-01-01,1\na,2020-02-01,x\nb,2020-02-01,2\n', 'store', { source: 'x.csv' }))
      .toThrow('x.csv (store a): row 4, column "sales": "x" is not a number');
    expect(() => parsePanelCsv('store,date,sales\na,2020-01-01,1\n', 'shop', { source: 'x.csv' })).toThrow('x.csv: no id column "shop" (columns: store, date, sales)');
    expect(() => parsePanelCsv('store,date,sales\na,2020-01-01,1\n,2020-01-02,2\n', 'store', { source: 'x.csv' })).toThrow('x.csv: row 3 has no store');
    expect(() => parsePanelCsv('store,date,sales\na,2020-01-01,1\nb,2020-01-01,1\nb,2020-01-02,1\n', 'store', { source: 'x.csv' })).toThrow('x.csv: id a has 1 row (row 2); a series needs at least 2');
  });
});
