// Terminal output: a multi-series line chart (asciichart) and an aligned plain-text table.
import * as asciichart from 'asciichart';
import { formatCell } from './format.js';

export interface TerminalChartOptions {
  /** Rows of the plot area (the legend line comes on top of that). Default 12. */
  height?: number;
  /** Most data columns; longer series are resampled to this many points. Default 72. */
  width?: number;
  /** ANSI colours per series. Default false (plain text; series differ by line style). */
  colors?: boolean;
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];

// asciichart's symbol slots: axis cross, axis tick, -, -, horizontal, ╰ ╭ ╮ ╯, vertical.
const LINE_STYLES: Symbols[] = [
  ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
  ['┼', '┤', '╶', '╴', '━', '┗', '┏', '┓', '┛', '┃'],
  ['┼', '┤', '╶', '╴', '═', '╚', '╔', '╗', '╝', '║'],
  ['┼', '┤', '╶', '╴', '╌', '╰', '╭', '╮', '╯', '╎'],
  ['┼', '┤', '╶', '╴', '·', '·', '·', '·', '·', '·'],
];

// undefined = the terminal's default colour (asciichart.default is shadowed by ESM interop).
const COLORS: (string | undefined)[] = [
  undefined, asciichart.blue, asciichart.yellow, asciichart.red, asciichart.cyan,
  asciichart.green, asciichart.magenta, asciichart.lightblue, asciichart.lightred,
];

/** Sample `v` at positions 0, step, 2·step, … (linear interpolation; NaN where a neighbour is missing). */
function resample(v: number[], step: number): number[] {
  if (step <= 1) return v.slice();
  const out: number[] = [];
  for (let p = 0; p <= v.length - 1 + 1e-9; p += step) {
    const i = Math.min(Math.floor(p), v.length - 1);
    const f = p - i;
    const a = v[i]!;
    if (f < 1e-9 || i + 1 >= v.length) { out.push(a); continue; }
    const b = v[i + 1]!;
    out.push(Number.isFinite(a) && Number.isFinite(b) ? a + (b - a) * f : f < 0.5 ? a : b);
  }
  return out;
}

/** Replace missing values with a neighbour so asciichart can draw; callers blank those columns. */
function fillGaps(v: number[]): number[] {
  const first = v.findIndex((x) => Number.isFinite(x));
  if (first < 0) return v.map(() => 0);
  const out = v.slice();
  for (let i = 0; i < first; i++) out[i] = v[first]!;
  for (let i = first + 1; i < out.length; i++) if (!Number.isFinite(out[i]!)) out[i] = out[i - 1]!;
  return out;
}

const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * A line chart of one or more series for the terminal: a legend line, then `height` rows.
 * Series are aligned on their first element; NaN/±Infinity leave gaps.
 */
export function terminalChart(series: Record<string, (number | null)[]> | Map<string, (number | null)[]>, opts: TerminalChartOptions = {}): string {
  const entries = series instanceof Map ? [...series] : Object.entries(series);
  const height = Math.max(2, Math.floor(opts.height ?? 12));
  const width = Math.max(2, Math.floor(opts.width ?? 72));
  const useColor = opts.colors ?? false;
  const names = entries.map(([n]) => n);
  if (names.length === 0) return '';
  const raw = entries.map(([, v]) => v.map((x) => (x === null ? NaN : x)));
  const maxLen = Math.max(...raw.map((v) => v.length));
  const step = maxLen > width ? (maxLen - 1) / (width - 1) : 1;
  const data = raw.map((v) => resample(v, step));

  let min = Infinity;
  let max = -Infinity;
  for (const v of data) for (const x of v) if (Number.isFinite(x)) { min = Math.min(min, x); max = Math.max(max, x); }
  if (!Number.isFinite(min)) { min = 0; max = 1; }
  if (min === max) { min -= 0.5; max += 0.5; }
  const rows = height - 1; // asciichart draws rows + 1 lines
  const toRow = (x: number): number => ((x - min) / (max - min)) * rows;
  const labelAt = (r: number): string => formatCell(min + ((max - min) * (rows - r)) / rows); // r = 0 is the top row
  const labels = Array.from({ length: height }, (_, r) => labelAt(r));
  const labelWidth = Math.max(...labels.map((l) => l.length));

  // One asciichart plot per series on the same fixed grid (values mapped to 0..rows, axis in
  // column 0, no labels), merged cell by cell with later series on top. Plotting separately
  // lets a segment touching a missing value stay blank.
  const grid: { ch: string; color: number }[][] = Array.from({ length: height }, () => []);
  data.forEach((v, j) => {
    const filled = fillGaps(v).map(toRow);
    const lines = asciichart
      .plot(filled.length > 0 ? filled : [0], {
        height: rows, min: 0, max: rows, offset: 1, format: () => ' ',
        symbols: LINE_STYLES[j % LINE_STYLES.length]!,
      })
      .split('\n');
    lines.forEach((line, r) => {
      const gr = grid[r];
      if (!gr) return;
      Array.from(line).forEach((ch, c) => {
        if (c === 0) return;
        const x = c - 1; // the segment from point x to point x + 1
        if (ch === ' ' || !Number.isFinite(v[x]!) || !Number.isFinite(v[x + 1]!)) return;
        gr[c] = { ch, color: j };
      });
    });
  });

  const paint = (s: string, j: number): string => (useColor && j >= 0 && COLORS[j % COLORS.length] !== undefined ? asciichart.colored(s, COLORS[j % COLORS.length]) : s);
  const body = grid.map((gr, r) => {
    let line = labels[r]!.padStart(labelWidth) + ' ' + (r === rows ? '┼' : '┤');
    // Group runs of one colour so each run gets one pair of escape codes.
    let run = '';
    let runColor = -1;
    for (let c = 1; c < gr.length; c++) {
      const cell = gr[c] ?? { ch: ' ', color: -1 };
      if (cell.color !== runColor && run !== '') { line += paint(run, runColor); run = ''; }
      runColor = cell.color;
      run += cell.ch;
    }
    line += paint(run.replace(/\s+$/, ''), runColor);
    return line.replace(/\s+$/, '');
  });
  const legend = ' '.repeat(labelWidth + 2) + names
    .map((n, j) => paint(LINE_STYLES[j % LINE_STYLES.length]![4].repeat(2), j) + ' ' + n.replace(ANSI, ''))
    .join('   ');
  return [legend, ...body].join('\n');
}

export interface ScoredSeries {
  name: string;
  values: (number | null)[];
  /** Lower is better (e.g. test RMSE); NaN ranks last. */
  score: number;
}

export interface BestSeriesChartOptions extends TerminalChartOptions {
  /** Models drawn beside the reference series. Default 2: five lines in box characters are a tangle. */
  keep?: number;
  /** Names the score in the note line, e.g. "test RMSE". */
  scoreName?: string;
}

/**
 * The reference series (e.g. the actuals) and the `keep` best models by score. When models are
 * left out, a first line says which are shown and why, so a reader never mistakes the chart for
 * the whole comparison. Ties keep the given order.
 */
export function bestSeriesChart(reference: { name: string; values: (number | null)[] }, models: ScoredSeries[], opts: BestSeriesChartOptions = {}): string {
  const keep = Math.max(1, Math.floor(opts.keep ?? 2));
  const rank = (x: number): number => (Number.isFinite(x) ? x : Infinity);
  const best = models.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m.score) - rank(b.m.score) || a.i - b.i).slice(0, keep).map(({ m }) => m);
  const series = new Map<string, (number | null)[]>([[reference.name, reference.values], ...best.map((m): [string, (number | null)[]] => [m.name, m.values])]);
  const chart = terminalChart(series, opts);
  if (best.length === models.length) return chart;
  const note = `showing ${reference.name} and the best ${best.length} of ${models.length} models by ${opts.scoreName ?? 'score'}: ${best.map((m) => m.name).join(', ')}`;
  return `${note}\n${chart}`;
}

/**
 * An aligned plain-text table: a header, a rule, then the rows. Numbers are right-aligned and
 * shown with 4 significant digits (integers as they are); text is left-aligned.
 */
export function metricsTable(columns: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => columns.map((_, i) => (r[i] === undefined ? '' : formatCell(r[i]!))));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === undefined));
  const widths = columns.map((c, i) => Math.max(strWidth(c), ...cells.map((r) => strWidth(r[i]!))));
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(widths[i]! - strWidth(s));
    return numeric[i] ? fill + s : s + fill;
  };
  const line = (r: string[]): string => r.map(pad).join('  ').replace(/\s+$/, '');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Display width: code points, counting East Asian wide characters as two columns. */
export function strWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(ANSI, '')) {
    const cp = ch.codePointAt(0)!;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd) ? 2 : 1;
  }
  return w;
}
