// Property test of nextDates (fast-check, every run): generate a longer regular series with an
// independent calendar (JavaScript's Date with setUTCFullYear), hand nextDates its head, and the
// continuation must equal the held-back tail; where the tail passes 9999-12-31, the error must
// name exactly how many steps fit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextDates } from '../../src/data/dates.js';
import { ValueError } from '../../src/errors.js';

const DAY = 86400000;
const pad = (v: number, n = 2) => String(v).padStart(n, '0');

/** UTC milliseconds of y-m-d without Date.UTC's 1900 offset for years 0–99. */
function utc(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
}
const monthLength = (y: number, m: number) => new Date(utc(y, m + 1, 0)).getUTCDate();

type Kind =
  | { kind: 'days'; g: number }
  | { kind: 'months'; k: number; D: number; form: 'YMD' | 'YM' }
  | { kind: 'years'; k: number };

/** The i-th date of a regular series starting at y-m-d (day d clamped to each month's length for month steps). */
function oracle(rule: Kind, y: number, m: number, d: number, sep: string, i: number): { text: string; year: number } {
  if (rule.kind === 'years') return { text: pad(y + rule.k * i, 4), year: y + rule.k * i };
  if (rule.kind === 'days') {
    const t = new Date(utc(y, m, d) + rule.g * i * DAY);
    const yy = t.getUTCFullYear();
    return { text: `${pad(yy, 4)}${sep}${pad(t.getUTCMonth() + 1)}${sep}${pad(t.getUTCDate())}`, year: yy };
  }
  const idx = y * 12 + m - 1 + rule.k * i;
  const yy = Math.floor(idx / 12), mm = (idx % 12) + 1;
  const text = rule.form === 'YM' ? `${pad(yy, 4)}${sep}${pad(mm)}` : `${pad(yy, 4)}${sep}${pad(mm)}${sep}${pad(Math.min(rule.D, monthLength(yy, mm)))}`;
  return { text, year: yy };
}

const rules = fc.oneof(
  // daily, weekly and any step under 28 days (a 28–31-day step can look monthly)
  fc.oneof(fc.constantFrom(1, 7), fc.integer({ min: 1, max: 27 })).map((g): Kind => ({ kind: 'days', g })),
  // monthly, quarterly, half-yearly, yearly, any k: month starts, a fixed day, month ends
  fc.tuple(fc.oneof(fc.constantFrom(1, 3, 6, 12), fc.integer({ min: 1, max: 30 })), fc.oneof(fc.constantFrom(1, 31), fc.integer({ min: 1, max: 31 })))
    .map(([k, D]): Kind => ({ kind: 'months', k, D, form: 'YMD' })),
  fc.oneof(fc.constantFrom(1, 3, 12), fc.integer({ min: 1, max: 30 })).map((k): Kind => ({ kind: 'months', k, D: 1, form: 'YM' })),
  fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 10 })).map((k): Kind => ({ kind: 'years', k })),
);

describe('nextDates property', () => {
  it('continues a regular series exactly as the held-back tail, or says how many steps fit before year 10000 (1000 series)', () => {
    fc.assert(
      fc.property(
        rules,
        fc.oneof(fc.integer({ min: 0, max: 9990 }), fc.integer({ min: 9950, max: 9999 })),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 2, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('-', '/'),
        (rule, y, m, d0, n, h, sep) => {
          const d = rule.kind === 'months' ? Math.min(rule.D, monthLength(y, m)) : Math.min(d0, monthLength(y, m));
          const series = Array.from({ length: n + h }, (_, i) => oracle(rule, y, m, d, sep, i));
          const head = series.slice(0, n);
          fc.pre(head.every((s) => s.year <= 9999));
          // A month rule with D > 28 whose visible window never shows day D (yearly April 30 for D = 31)
          // is read as D = the largest day shown: a different but equally valid rule; skip those.
          if (rule.kind === 'months' && rule.form === 'YMD') {
            const window = head.slice(-13).map((s) => Number(s.text.slice(-2)));
            fc.pre(Math.max(...window) === rule.D || rule.D <= 28);
          }
          const tail = series.slice(n);
          const fit = tail.findIndex((s) => s.year > 9999);
          const dates = head.map((s) => s.text);
          if (fit < 0) {
            expect(nextDates(dates, h)).toEqual(tail.map((s) => s.text));
          } else {
            expect(() => nextDates(dates, h)).toThrow(ValueError);
            expect(() => nextDates(dates, h)).toThrow(new RegExp(`at most ${fit} steps? fit$`));
            expect(nextDates(dates, fit)).toEqual(tail.slice(0, fit).map((s) => s.text));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
