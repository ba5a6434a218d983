// Calendar arithmetic for series dates, and the dates past the end of a series (for labelling
// forecasts) that follow the series' own calendar.
//
// Days are counted in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`), not
// with `Date.UTC`, which maps years 0–99 to 1900–1999: here year 0050 stays year 50.
//
// `nextDates` reads the last GAPS gaps of the series (fewer when it is shorter) in one of three
// forms, YYYY, YYYY-MM or YYYY-MM-DD (separator '-' or '/', the same in every date), and continues
// the one rule that explains every one of those gaps:
//  - YYYY: a constant step of k years;
//  - YYYY-MM: a constant step of k months (1 monthly, 3 quarterly, 12 yearly, …);
//  - YYYY-MM-DD, month steps: a constant step of k months where each date's day is min(D, the
//    month's length) for D = the largest day seen. D = 1 keeps month starts (yearly Jan 1 data
//    goes on with Jan 1); D = 31 keeps month ends (…-03-31 → …-04-30; yearly Dec 31 stays Dec 31);
//  - YYYY-MM-DD, otherwise: a constant step of g days (1 daily, 7 weekly, …);
//  - anything else (one date, irregular gaps, date-times, other formats): t+1, t+2, ….
// A date past 9999-12-31 has no YYYY-MM-DD form, so asking for more steps than fit is a ValueError
// that says how many do.

import { ValueError } from '../errors.js';

/** Days from 1970-01-01 to y-m-d (m 1–12) in the proleptic Gregorian calendar; any integer year. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400; // [0, 399]
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1; // day of the year starting Mar 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The [year, month 1–12, day] of a day count from 1970-01-01 (inverse of `daysFromCivil`). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month m (1–12) of year y. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

/** How many of the last gaps decide the frequency (a year of monthly data). */
const GAPS = 12;
const MAX_YEAR = 9999;
const CAL = /^(\d{4})(?:([-/])(\d{2})(?:\2(\d{2}))?)?$/;

interface CalDate {
  form: 'Y' | 'YM' | 'YMD';
  sep: string;
  y: number;
  m: number;
  d: number;
}

/** The next dates as a rule: the date `j` steps after the last, and how many steps stay ≤ year 9999. */
interface Continuation {
  at(j: number): string;
  maxSteps: number;
}

/**
 * The `steps` dates after the last of `dates`, following the series' calendar (see the rules at
 * the top of this file); `t+1`, `t+2`, … when the dates follow none of them.
 */
export function nextDates(dates: readonly string[], steps: number): string[] {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new ValueError(`nextDates: steps must be a whole number ≥ 0, got ${steps}`);
  const tail = dates.slice(-(GAPS + 1)).map(parseCal);
  const rule = tail.length >= 2 && tail.every((c): c is CalDate => c !== null) ? continuation(tail) : null;
  if (rule === null) return Array.from({ length: steps }, (_, k) => `t+${k + 1}`);
  if (steps > rule.maxSteps) {
    throw new ValueError(
      `nextDates: ${steps} steps after ${dates.at(-1)} go past the year ${MAX_YEAR}, the last year a date can be written as YYYY-MM-DD; at most ${rule.maxSteps} step${rule.maxSteps === 1 ? '' : 's'} fit`,
    );
  }
  return Array.from({ length: steps }, (_, k) => rule.at(k + 1));
}

function parseCal(s: string): CalDate | null {
  const m = CAL.exec(s);
  if (m === null) return null;
  const y = Number(m[1]), mo = m[3] === undefined ? 1 : Number(m[3]), d = m[4] === undefined ? 1 : Number(m[4]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return { form: m[3] === undefined ? 'Y' : m[4] === undefined ? 'YM' : 'YMD', sep: m[2] ?? '-', y, m: mo, d };
}

/** The single constant positive step between consecutive values, or null. */
function constantStep(v: readonly number[]): number | null {
  const k = v[1]! - v[0]!;
  return k > 0 && v.every((x, i) => i === 0 || x - v[i - 1]! === k) ? k : null;
}

function continuation(c: readonly CalDate[]): Continuation | null {
  const { form, sep } = c[0]!;
  if (!c.every((x) => x.form === form && x.sep === sep)) return null;
  const last = c.at(-1)!;
  const pad = (v: number, n = 2) => String(v).padStart(n, '0');

  if (form === 'Y') {
    const k = constantStep(c.map((x) => x.y));
    if (k === null) return null;
    return { at: (j) => pad(last.y + k * j, 4), maxSteps: Math.floor((MAX_YEAR - last.y) / k) };
  }

  const months = c.map((x) => x.y * 12 + x.m - 1);
  const km = constantStep(months);
  const D = Math.max(...c.map((x) => x.d));
  const dayOf = (y: number, m: number) => Math.min(D, daysInMonth(y, m));
  if (km !== null && (form === 'YM' || c.every((x) => x.d === dayOf(x.y, x.m)))) {
    const ym = (j: number): [number, number] => {
      const t = months.at(-1)! + km * j;
      return [Math.floor(t / 12), (t % 12) + 1];
    };
    return {
      at: (j) => {
        const [y, m] = ym(j);
        return `${pad(y, 4)}${sep}${pad(m)}${form === 'YMD' ? `${sep}${pad(dayOf(y, m))}` : ''}`;
      },
      maxSteps: Math.floor((MAX_YEAR * 12 + 11 - months.at(-1)!) / km),
    };
  }
  if (form === 'YM') return null;

  const days = c.map((x) => daysFromCivil(x.y, x.m, x.d));
  const g = constantStep(days);
  if (g === null) return null;
  return {
    at: (j) => {
      const [y, m, d] = civilFromDays(days.at(-1)! + g * j);
      return `${pad(y, 4)}${sep}${pad(m)}${sep}${pad(d)}`;
    },
    maxSteps: Math.floor((daysFromCivil(MAX_YEAR, 12, 31) - days.at(-1)!) / g),
  };
}
