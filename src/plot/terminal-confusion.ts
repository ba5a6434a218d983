// A confusion matrix as an aligned plain-text table for the terminal. K = number of classes.
import { checkConfusion } from './classification.js';
import { strWidth } from './terminal.js';

export interface TerminalConfusionOptions {
  /** Class names, index = class id; default "0".."K-1". */
  classes?: string[];
  /** Largest K drawn as a table (default 20); above it, a message and the most frequent confusions. */
  maxClasses?: number;
  /** Confusions listed when K is above maxClasses (default 10). */
  topConfusions?: number;
}

const MAX_LABEL = 20;

/** `s` cut to `max` display columns, ending in "…" when cut. */
function cut(s: string, max: number): string {
  if (strWidth(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (strWidth(out + ch) > max - 1) break;
    out += ch;
  }
  return out + '…';
}

const padStart = (s: string, w: number): string => ' '.repeat(Math.max(0, w - strWidth(s))) + s;
const padEnd = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - strWidth(s)));

/**
 * Rows = true class, columns = predicted class; counts right-aligned, zeros shown as "." so the
 * diagonal and the errors stand out. Short class names (≤ 6 columns wide) head the columns;
 * longer ones are numbered, and the rows read "i name". Above `maxClasses` classes the table
 * would not fit a terminal: a one-line message says so, followed by the most frequent confusions.
 */
export function terminalConfusionMatrix(confusion: readonly (readonly number[])[], opts: TerminalConfusionOptions = {}): string {
  const k = checkConfusion('terminalConfusionMatrix', confusion, opts.classes);
  const names = (opts.classes ?? Array.from({ length: k }, (_, i) => String(i))).map((n) => cut(n, MAX_LABEL));
  const maxClasses = opts.maxClasses ?? 20;
  if (k > maxClasses) {
    const pairs: { t: number; p: number; c: number }[] = [];
    confusion.forEach((row, t) => row.forEach((c, p) => { if (t !== p && c > 0) pairs.push({ t, p, c }); }));
    pairs.sort((a, b) => b.c - a.c || a.t - b.t || a.p - b.p);
    const top = pairs.slice(0, opts.topConfusions ?? 10);
    const lines = [`confusion matrix: ${k} classes are too many for a terminal table (at most ${maxClasses}); the HTML report and --json hold the full matrix.`];
    if (top.length === 0) {
      lines.push('no confusions: every sample is on the diagonal.');
    } else {
      lines.push(`most frequent confusions (true → predicted: count):`);
      const cw = Math.max(...top.map((x) => String(x.c).length));
      for (const x of top) lines.push(`  ${names[x.t]} → ${names[x.p]}: ${padStart(String(x.c), cw)}`);
    }
    return lines.join('\n');
  }
  const shortNames = names.every((n) => strWidth(n) <= 6);
  const colLabels = shortNames ? names : names.map((_, i) => String(i));
  const rowLabels = shortNames ? names : names.map((n, i) => `${String(i).padStart(String(k - 1).length)} ${n}`);
  const cells = confusion.map((row) => row.map((c) => (c === 0 ? '.' : String(c))));
  const corner = 'true \\ pred';
  const labelW = Math.max(strWidth(corner), ...rowLabels.map(strWidth));
  const colW = Math.max(...colLabels.map(strWidth), ...cells.flat().map((s) => s.length));
  const line = (label: string, cols: string[]): string => (padEnd(label, labelW) + cols.map((c) => '  ' + padStart(c, colW)).join('')).replace(/\s+$/, '');
  return [line(corner, colLabels), ...cells.map((row, i) => line(rowLabels[i]!, row))].join('\n');
}
