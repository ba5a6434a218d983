// Property tests of parseSeriesCsv (fast-check, every run): a valid numeric cell, however written,
// reads as exactly Number(cell.trim()); a cell that overflows is a DataError; dates with offsets
// order by their instant; any other text either parses into finite numbers or fails with a
// one-line DataError, never another exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, parseSeriesCsv, type FillMode, type SeriesTable } from '../../src/data/csv.js';
import { UserError } from '../../src/errors.js';

const MISSING = ['.', '', 'NA', 'n/a', '#N/A', 'NaN', 'null', 'None'];
const MISSING_LOWER = MISSING.map((m) => m.toLowerCase());

/** A double worth testing: any finite one, subnormals, ±0, extremes, integers. */
const aDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ noNaN: true, min: -2.3e-308, max: 2.3e-308 }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2.2250738585072014e-308, Number.MAX_SAFE_INTEGER + 2, 0.1, 1e21, 1e-7),
  fc.integer().map((i) => i * 1000),
);

/** The text of a double: toString, toExponential, toFixed or toPrecision, maybe with 'E'. */
const formattedDouble = fc
  .tuple(aDouble, fc.constantFrom('string', 'exp', 'fixed', 'prec'), fc.integer({ min: 0, max: 20 }), fc.boolean())
  .map(([v, how, p, upper]) => {
    const t = how === 'string' ? String(v) : how === 'exp' ? v.toExponential(p) : how === 'fixed' ? v.toFixed(p) : v.toPrecision(p + 1);
    return upper ? t.replace('e', 'E') : t;
  });

/** Decimal text built digit by digit: long mantissas, exponents up to the edge of the double range. */
const rawDecimal = fc
  .tuple(
    fc.stringMatching(/^[0-9]{0,30}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,30}$/)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 330 }))),
  )
  .filter(([int, frac]) => int !== '' || (frac !== null && frac !== ''))
  .map(([int, frac, exp]) => int + (frac === null ? '' : `.${frac}`) + (exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`));

/** Text that overflows to ±Infinity (or just stays finite at the edge). */
const nearOverflow = fc.oneof(
  fc.integer({ min: 300, max: 420 }).map((n) => '9'.repeat(n)),
  fc.tuple(fc.constantFrom('1', '1.7976931348623157', '1.7976931348623158', '1.797693134862315807', '17976931348623159'), fc.integer({ min: 290, max: 99999 })).map(([m, e]) => `${m}e${e}`),
);

/** A number's text with an optional sign and spaces/tabs around it (inside quotes or out). */
const numberCell = fc
  .tuple(fc.oneof({ weight: 30, arbitrary: formattedDouble }, { weight: 30, arbitrary: rawDecimal }, { weight: 1, arbitrary: nearOverflow }), fc.constantFrom('', '+', '-'), fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('', ' ', '\t '))
  .map(([t, sign, pre, post]) => pre + (t.startsWith('-') || sign === '' ? t : sign + t) + post);

const cellText = fc.oneof({ weight: 40, arbitrary: numberCell }, { weight: 1, arbitrary: fc.constantFrom(...MISSING, ' . ', ' NA') });

/** How a cell is written in the file: bare, or quoted (spaces may sit outside the quotes). */
const quoting = fc.constantFrom('bare', 'quoted', 'spaced');
function writeCell(text: string, how: string): string {
  if (how === 'bare') return text;
  const q = `"${text.replace(/"/g, '""')}"`;
  return how === 'spaced' ? ` ${q}  ` : q;
}

const NAMES = ['x', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'a,b', 'say "hi"', 'GS10', 'Ω'];

const table = fc.record({
  names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }),
  rows: fc.integer({ min: 1, max: 8 }),
  startYear: fc.integer({ min: 0, max: 9000 }),
  cells: fc.array(fc.array(fc.tuple(cellText, quoting), { minLength: 4, maxLength: 4 }), { minLength: 8, maxLength: 8 }),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  trailingEol: fc.boolean(),
  fill: fc.constantFrom<FillMode | undefined>(undefined, 'drop', 'drop', 'drop'),
});

describe('parseSeriesCsv properties', () => {
  it('every valid number cell reads as Number(text.trim()), in any column, quoting, line ending; overflow is an error (1000 tables)', () => {
    fc.assert(
      fc.property(table, (t) => {
        const dates = Array.from({ length: t.rows }, (_, i) => `${String(t.startYear + i).padStart(4, '0')}-03-01`);
        const cells = t.cells.slice(0, t.rows).map((r) => r.slice(0, t.names.length));
        const header = ['date', ...t.names].map((n) => (/[",]/.test(n) ? writeCell(n, 'quoted') : n)).join(',');
        const lines = cells.map((r, i) => [dates[i]!, ...r.map(([text, how]) => writeCell(text, how))].join(','));
        const text = (t.bom ? '\uFEFF' : '') + [header, ...lines].join(t.eol) + (t.trailingEol ? t.eol : '');

        const expected = cells.map((r) => r.map(([text]) => (MISSING_LOWER.includes(text.trim().toLowerCase()) ? null : Number(text.trim()))));
        const overflow = expected.some((r) => r.some((v) => v !== null && !Number.isFinite(v)));
        const keep = expected.map((r) => r.every((v) => v !== null));
        const anyMissing = keep.some((k) => !k);

        let got: SeriesTable;
        try {
          got = parseSeriesCsv(text, { source: 't.csv', fill: t.fill });
        } catch (e) {
          expect(e).toBeInstanceOf(DataError);
          const msg = (e as Error).message;
          if (overflow) expect(msg).toMatch(/is too large for a number/);
          else if (anyMissing && t.fill === undefined) expect(msg).toMatch(/missing value/);
          else if (anyMissing && !keep.some(Boolean)) expect(msg).toMatch(/nothing is left after fill 'drop'/);
          else throw e;
          return;
        }
        expect(overflow, 'an overflowing cell was accepted').toBe(false);
        expect(Object.keys(got.columns)).toEqual(t.names);
        expect(got.dates).toEqual(dates.filter((_, i) => keep[i]));
        t.names.forEach((name, j) => {
          const want = expected.filter((_, i) => keep[i]).map((r) => r[j]!);
          const have = got.columns[name]!;
          expect(have.length).toBe(want.length);
          want.forEach((w, i) => {
            if (!Object.is(have[i], w)) expect.fail(`column ${name}, row ${i}: ${have[i]} but Number() gives ${w} (text ${JSON.stringify(cells[i]![j]![0])})`);
          });
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('date-times with offsets are ordered and deduplicated by their instant (500 columns)', () => {
    const DAY = 86400000;
    const minMs = Date.UTC(2000, 0, 1) - 730000 * DAY + 2 * DAY; // just after 0001-…, well inside year 0000–9999 after any offset
    const aDate = fc.record({
      ms: fc.oneof(fc.integer({ min: minMs, max: Date.UTC(9999, 11, 30) }).map((v) => Math.floor(v / 1000) * 1000), fc.constantFrom(Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 1, 1))),
      offsetMin: fc.oneof(fc.constantFrom(0, 60, -60, 300, 330, -300, 345), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 })),
      form: fc.constantFrom('Z', '+HH:MM', '+HHMM', 'none', 'space'),
    });
    fc.assert(
      fc.property(fc.array(aDate, { minLength: 1, maxLength: 6 }), fc.boolean(), (ds, sort) => {
        if (sort) ds.sort((a, b) => a.ms - b.ms);
        const written = ds.map(({ ms, offsetMin, form }) => {
          const off = form === 'Z' || form === 'none' || form === 'space' ? 0 : offsetMin;
          const wall = new Date(ms + off * 60000).toISOString().slice(0, 19); // YYYY-MM-DDTHH:MM:SS, years 0000–9999
          const a = Math.abs(off), hh = String(Math.floor(a / 60)).padStart(2, '0'), mm = String(a % 60).padStart(2, '0');
          const sign = off < 0 ? '-' : '+';
          return form === 'Z' ? `${wall}Z` : form === 'none' ? wall : form === 'space' ? wall.replace('T', ' ') : form === '+HH:MM' ? `${wall}${sign}${hh}:${mm}` : `${wall}${sign}${hh}${mm}`;
        });
        const text = `time,y\n${written.map((w, i) => `${w},${i}`).join('\n')}\n`;
        const increasing = ds.every((d, i) => i === 0 || d.ms > ds[i - 1]!.ms);
        const firstBad = ds.findIndex((d, i) => i > 0 && d.ms <= ds[i - 1]!.ms);
        try {
          const t = parseSeriesCsv(text);
          expect(increasing, `accepted out-of-order dates ${written.join(' ')}`).toBe(true);
          expect(t.dates).toEqual(written);
        } catch (e) {
          expect(e).toBeInstanceOf(DataError);
          expect(increasing, `${(e as Error).message}`).toBe(false);
          const kind = ds[firstBad]!.ms === ds[firstBad - 1]!.ms ? 'duplicate date' : 'dates must be in increasing order';
          expect((e as Error).message).toContain(`row ${firstBad + 2}, column "time"`);
          expect((e as Error).message).toContain(kind);
        }
      }),
      { numRuns: 500 },
    );
  });

  const TOKENS = [',', ',', '"', '""', '\n', '\r\n', '\r', ' ', '\t', '1', '2.5', '-', '+', 'e', 'E9', '.', 'NA', 'x', 'date', 'time', '2020-01-01', '2020-13', '0099', 'T00:00+05:00', 'Z', '1e999', '__proto__', 'constructor', '\uFEFF', '9'.repeat(400), 'Infinity', '\u00a0', '\u2028'];
  const garbage = fc.oneof(
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join('')),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
  );
  /** A valid file with a few characters inserted, deleted or replaced. */
  const mutated = fc
    .tuple(
      fc.constantFrom<string>('date,x,y\n2020-01-01,1,2\n2020-02-01,3,.\n2020-03-01,"4",5\n', 'DATE,GS10\r\n2018-02-01,2.86\r\n2018-03-01,.\r\n2018-04-01,2.87\r\n', 'time,"a,b",__proto__\n1,2,3\n2,"4",5e-3\n'),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 4 }),
    )
    .map(([base, edits]) => edits.reduce<string>((s, [at, op, tok]) => {
      const i = at % (s.length + 1);
      return op === 'insert' ? s.slice(0, i) + tok + s.slice(i) : op === 'delete' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + tok + s.slice(i + 1);
    }, base));
  const options = fc.record({
    fill: fc.constantFrom<FillMode | undefined>(undefined, 'ffill', 'interpolate', 'drop'),
    target: fc.option(fc.constantFrom('x', '__proto__', 'constructor', 'GS10')),
  });

  it('any text parses into finite, aligned columns or fails with a one-line DataError (1000 texts)', () => {
    fc.assert(
      fc.property(fc.oneof(garbage, mutated), options, (text, o) => {
        let t: SeriesTable;
        try {
          t = parseSeriesCsv(text, { source: 'g.csv', fill: o.fill, target: o.target ?? undefined });
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          expect(e).toBeInstanceOf(UserError);
          expect(e.message).toMatch(/^g\.csv: /);
          expect(e.message).not.toMatch(/[\r\n\x85\u2028\u2029]/);
          return;
        }
        expect(t.dates.length).toBeGreaterThan(0);
        expect(Object.hasOwn(t.columns, t.target)).toBe(true);
        for (const name of Object.keys(t.columns)) {
          const col = t.columns[name]!;
          expect(col.length).toBe(t.dates.length);
          for (const v of col) if (!Number.isFinite(v)) expect.fail(`column ${name} holds ${v} (text ${JSON.stringify(text)})`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
