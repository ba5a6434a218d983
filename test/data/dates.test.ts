// nextDates continues the series' own calendar: month starts, month ends, Jan 1 and Dec 31 years,
// exact 7- and 1-day steps, YYYY-MM and YYYY forms; a date past 9999-12-31 is an error that says
// how many steps fit; anything irregular falls back to t+1, t+2, ….
import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, daysInMonth, nextDates } from '../../src/data/dates.js';
import { ValueError } from '../../src/errors.js';

/** The ValueError message of `f` (fails if it returns). */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return (e as Error).message;
  }
  throw new Error('expected a ValueError');
}

describe('nextDates: the series calendar', () => {
  it('yearly Jan-1 data continues on Jan 1 (not by a 365/366-day gap)', () => {
    expect(nextDates(['2006-01-01', '2007-01-01', '2008-01-01'], 3)).toEqual(['2009-01-01', '2010-01-01', '2011-01-01']);
    // the old last-gap rule gave 2008-12-31 here (2008 is a leap year)
    expect(nextDates(['2006-01-01', '2007-01-01'], 2)).toEqual(['2008-01-01', '2009-01-01']);
  });

  it('yearly Dec-31 data continues on Dec 31', () => {
    expect(nextDates(['2005-12-31', '2006-12-31', '2007-12-31'], 3)).toEqual(['2008-12-31', '2009-12-31', '2010-12-31']);
  });

  it('monthly and quarterly month starts stay month starts', () => {
    expect(nextDates(['2022-10-01', '2022-11-01', '2022-12-01'], 3)).toEqual(['2023-01-01', '2023-02-01', '2023-03-01']);
    expect(nextDates(['2022-04-01', '2022-07-01', '2022-10-01'], 3)).toEqual(['2023-01-01', '2023-04-01', '2023-07-01']);
  });

  it('month ends stay month ends, Februaries included', () => {
    expect(nextDates(['2020-01-31', '2020-02-29', '2020-03-31'], 4)).toEqual(['2020-04-30', '2020-05-31', '2020-06-30', '2020-07-31']);
    expect(nextDates(['2023-11-30', '2023-12-31', '2024-01-31'], 2)).toEqual(['2024-02-29', '2024-03-31']);
    expect(nextDates(['2020-03-31', '2020-06-30', '2020-09-30', '2020-12-31'], 4)).toEqual(['2021-03-31', '2021-06-30', '2021-09-30', '2021-12-31']);
    // yearly February ends: 29 in leap years, 28 otherwise
    expect(nextDates(['2019-02-28', '2020-02-29', '2021-02-28'], 4)).toEqual(['2022-02-28', '2023-02-28', '2024-02-29', '2025-02-28']);
  });

  it('the same day of the month stays that day', () => {
    expect(nextDates(['2021-10-15', '2021-11-15', '2021-12-15'], 2)).toEqual(['2022-01-15', '2022-02-15']);
  });

  it('weekly and daily step exactly 7 and 1 days, across months and years', () => {
    expect(nextDates(['2023-12-17', '2023-12-24', '2023-12-31'], 3)).toEqual(['2024-01-07', '2024-01-14', '2024-01-21']);
    expect(nextDates(['2024-02-27', '2024-02-28'], 3)).toEqual(['2024-02-29', '2024-03-01', '2024-03-02']);
    // two dates one month apart on the same day read as monthly; a third date 28 days on is a 28-day step
    expect(nextDates(['2021-02-01', '2021-03-01', '2021-03-29'], 2)).toEqual(['2021-04-26', '2021-05-24']);
  });

  it('YYYY-MM and YYYY continue in kind', () => {
    expect(nextDates(['2023-11', '2023-12'], 3)).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(nextDates(['2023-04', '2023-07', '2023-10'], 2)).toEqual(['2024-01', '2024-04']);
    expect(nextDates(['2019', '2020', '2021'], 3)).toEqual(['2022', '2023', '2024']);
    expect(nextDates(['2010', '2015', '2020'], 2)).toEqual(['2025', '2030']);
    expect(nextDates(['2020/01/31', '2020/02/29'], 1)).toEqual(['2020/03/31']);
  });

  it('years 0000–0099 stay literal (Date.UTC would make them 1900–1999)', () => {
    expect(nextDates(['0097-01-01', '0098-01-01', '0099-01-01'], 2)).toEqual(['0100-01-01', '0101-01-01']);
    expect(nextDates(['0000-02-27', '0000-02-28'], 2)).toEqual(['0000-02-29', '0000-03-01']);
    expect(nextDates(['0050', '0051'], 1)).toEqual(['0052']);
  });

  it('decides from several gaps, not the last one only', () => {
    // the last gap alone (one month) would look monthly; the earlier gaps disagree
    expect(nextDates(['2020-01-01', '2020-04-01', '2020-05-01'], 2)).toEqual(['t+1', 't+2']);
    // only the last 12 gaps count: an old irregularity does not matter
    const monthly = Array.from({ length: 13 }, (_, i) => (i < 12 ? `2020-${String(i + 1).padStart(2, '0')}-01` : '2021-01-01'));
    expect(nextDates(['1999-07-13', ...monthly], 1)).toEqual(['2021-02-01']);
  });

  it('irregular, unparseable, mixed or single dates fall back to t+1, t+2, …', () => {
    expect(nextDates(['2020-01-01', '2020-01-02', '2020-01-05'], 2)).toEqual(['t+1', 't+2']);
    expect(nextDates(['a', 'b'], 2)).toEqual(['t+1', 't+2']);
    expect(nextDates(['2020-01', '2020-02-01'], 1)).toEqual(['t+1']);
    expect(nextDates(['2020-01-01'], 1)).toEqual(['t+1']);
    expect(nextDates(['1', '2', '3'], 1)).toEqual(['t+1']);
    expect(nextDates(['2020-01-01T00:00', '2020-01-01T01:00'], 1)).toEqual(['t+1']);
    expect(nextDates(['2020-02-30', '2020-03-30'], 1)).toEqual(['t+1']);
    expect(nextDates([], 2)).toEqual(['t+1', 't+2']);
    expect(nextDates(['2020-01-01', '2020-02-01'], 0)).toEqual([]);
  });

  it('past year 9999 is an error that says how many steps fit', () => {
    const yearly = ['2006-12-31', '2007-12-31', '2008-12-31'];
    expect(errorOf(() => nextDates(yearly, 100000))).toBe(
      'nextDates: 100000 steps after 2008-12-31 go past the year 9999, the last year a date can be written as YYYY-MM-DD; at most 7991 steps fit',
    );
    expect(nextDates(yearly, 7991).at(-1)).toBe('9999-12-31');
    expect(nextDates(['9998-11-01', '9998-12-01'], 12).at(-1)).toBe('9999-12-01');
    expect(errorOf(() => nextDates(['9998-11-01', '9998-12-01'], 13))).toMatch(/at most 12 steps fit$/);
    expect(nextDates(['9999-12-29', '9999-12-30'], 1)).toEqual(['9999-12-31']);
    expect(errorOf(() => nextDates(['9999-12-30', '9999-12-31'], 1))).toMatch(/at most 0 steps fit$/);
    expect(errorOf(() => nextDates(['9998', '9999'], 1))).toMatch(/at most 0 steps fit$/);
    expect(errorOf(() => nextDates(['2020-01', '2020-02'], -1))).toBe('nextDates: steps must be a whole number ≥ 0, got -1');
    // the index fallback has no calendar and no limit
    expect(nextDates(['x', 'y'], 100000).at(-1)).toBe('t+100000');
  });
});

describe('proleptic Gregorian day counts', () => {
  it('agree with Date.UTC from year 100 on, and count years 0–99 literally', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2100, 3, 1], [1600, 12, 31], [100, 1, 1], [9999, 12, 31]] as const) {
      const utc = new Date(0);
      utc.setUTCFullYear(y, m - 1, d);
      expect(daysFromCivil(y, m, d)).toBe(Math.floor(utc.getTime() / 86400000));
      expect(civilFromDays(daysFromCivil(y, m, d))).toEqual([y, m, d]);
    }
    expect(daysFromCivil(0, 3, 1) - daysFromCivil(0, 2, 28)).toBe(2); // year 0 is a leap year
    expect(daysFromCivil(100, 1, 1) - daysFromCivil(99, 1, 1)).toBe(365);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('round-trip every day from year 0 to 9999', () => {
    const first = daysFromCivil(0, 1, 1), last = daysFromCivil(9999, 12, 31);
    let [y, m, d] = [0, 1, 1];
    const wrong: string[] = [];
    for (let z = first; z <= last; z++) {
      const [cy, cm, cd] = civilFromDays(z);
      if (cy !== y || cm !== m || cd !== d || daysFromCivil(y, m, d) !== z) wrong.push(`${z}: ${y}-${m}-${d} vs ${cy}-${cm}-${cd}`);
      if (++d > daysInMonth(y, m)) [d, m] = [1, m + 1];
      if (m > 12) [m, y] = [1, y + 1];
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    expect([y, m, d]).toEqual([10000, 1, 1]);
  });
});
