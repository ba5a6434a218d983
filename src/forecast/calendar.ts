// Calendar features generated from the dates: known for every future date, so a model may read
// them at the step it predicts (known-future covariates). Each feature is a cyclic position
// encoded as a point on the unit circle, sin(2π·k/P) and cos(2π·k/P), k = 0 … P − 1:
//   month    k = month − 1 (January 0),          P = 12
//   quarter  k = quarter − 1 (Jan–Mar 0),         P = 4
//   weekday  k = ISO weekday − 1 (Monday 0),      P = 7
// The circle keeps December next to January (one-hot would make them as far apart as any two
// months) at 2 inputs per feature instead of P, and the values already lie in [−1, 1], so they are
// not scaled. A date is YYYY, YYYY-MM or YYYY-MM-DD (separator '-' or '/'; anything after the day,
// such as a time, is ignored); YYYY-MM is the month's first day, YYYY January 1st.
import { daysFromCivil } from '../data/dates.js';
import { ValueError } from '../errors.js';

export const CALENDAR_FEATURES = ['month', 'quarter', 'weekday'] as const;
export type CalendarFeature = (typeof CALENDAR_FEATURES)[number];
const PERIOD: Record<CalendarFeature, number> = { month: 12, quarter: 4, weekday: 7 };

/** y, m (1–12), d of a date cell; null when it is none of the accepted forms. */
export function parseCalendarDate(s: string): [number, number, number] | null {
  const r = /^(\d{4})(?:([-/])(\d{1,2})(?:\2(\d{1,2}))?)?(?:$|[T ])/.exec(s.trim());
  if (!r) return null;
  const y = Number(r[1]), m = r[3] === undefined ? 1 : Number(r[3]), d = r[4] === undefined ? 1 : Number(r[4]);
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  return [y, m, d];
}

/** k, the position in the cycle (0 … P − 1) of `feature` on y-m-d. */
export function calendarIndex(feature: CalendarFeature, y: number, m: number, d: number): number {
  if (feature === 'month') return m - 1;
  if (feature === 'quarter') return Math.floor((m - 1) / 3);
  // 1970-01-01 (day 0) was a Thursday, ISO weekday 4 (k = 3)
  return (((daysFromCivil(y, m, d) + 3) % 7) + 7) % 7;
}

/** The column names of the features, in order: month_sin, month_cos, quarter_sin, … */
export function calendarNames(features: readonly CalendarFeature[]): string[] {
  return features.flatMap((f) => [`${f}_sin`, `${f}_cos`]);
}

/** One-line error unless `features` are distinct names of CALENDAR_FEATURES. */
export function checkCalendar(features: readonly string[], op = 'calendar'): asserts features is CalendarFeature[] {
  const seen = new Set<string>();
  for (const f of features) {
    if (!(CALENDAR_FEATURES as readonly string[]).includes(f)) throw new ValueError(`${op}: unknown calendar feature '${f}' (choose from ${CALENDAR_FEATURES.join(', ')})`);
    if (seen.has(f)) throw new ValueError(`${op}: calendar feature '${f}' given twice`);
    seen.add(f);
  }
}

/** The features' columns for `dates`: result[c][t], in calendarNames order. `source` names the data in errors. */
export function calendarFeatures(dates: readonly string[], features: readonly CalendarFeature[], source = 'dates'): number[][] {
  checkCalendar(features);
  const cols = calendarNames(features).map(() => new Array<number>(dates.length));
  dates.forEach((s, t) => {
    const ymd = parseCalendarDate(s);
    if (!ymd) throw new ValueError(`${source}: date ${t + 1} '${s}' is not YYYY, YYYY-MM or YYYY-MM-DD; calendar features need calendar dates`);
    features.forEach((f, i) => {
      const a = (2 * Math.PI * calendarIndex(f, ...ymd)) / PERIOD[f];
      cols[2 * i]![t] = Math.sin(a);
      cols[2 * i + 1]![t] = Math.cos(a);
    });
  });
  return cols;
}
