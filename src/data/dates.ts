// Dates past the end of a series, for labelling forecasts: monthly series (same day of month,
// one month apart) step by calendar months; anything else steps by the last gap in days.

const ISO = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/** The `steps` dates after the last of `dates` (ISO YYYY-MM-DD or YYYY-MM); indices otherwise. */
export function nextDates(dates: readonly string[], steps: number): string[] {
  const n = dates.length;
  const parsed = dates.slice(-3).map((d) => ISO.exec(d));
  if (n >= 2 && parsed.every((m) => m !== null)) {
    const [y, m, d] = parsed.map((p) => [Number(p![1]), Number(p![2]), p![3] === undefined ? null : Number(p![3])]).at(-1)!;
    const months = parsed.map((p) => Number(p![1]) * 12 + Number(p![2]));
    const days = parsed.map((p) => p![3]);
    const monthly = months.slice(1).every((v, i) => v - months[i]! === 1) && days.every((x) => x === days[0]);
    const pad = (v: number) => String(v).padStart(2, '0');
    if (monthly) {
      return Array.from({ length: steps }, (_, k) => {
        const t = y! * 12 + (m! - 1) + k + 1;
        return `${Math.floor(t / 12)}-${pad((t % 12) + 1)}${d === null ? '' : `-${pad(d)}`}`;
      });
    }
    if (d !== null) {
      const last = Date.UTC(y!, m! - 1, d);
      const prev = parsed.at(-2)!;
      const gap = last - Date.UTC(Number(prev[1]), Number(prev[2]) - 1, Number(prev[3] ?? 1));
      if (gap > 0) return Array.from({ length: steps }, (_, k) => new Date(last + gap * (k + 1)).toISOString().slice(0, 10));
    }
  }
  return Array.from({ length: steps }, (_, k) => `t+${k + 1}`);
}
