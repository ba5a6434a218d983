// Strict parsing of option values, for every command: a bad value is a one-line CliError naming
// the option. Parsers for commander (`intOption('hidden')`) and, for options parsed inside an
// action, the same rules on an optional string (`intOpt('top', o.top, 1)`).
import type { Command } from 'commander';
import type { Lang } from '../text/index.js';
import { CliError } from './errors.js';

export function intOption(name: string, min = 1) {
  return (v: string): number => {
    if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v)) || Number(v) < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return Number(v);
  };
}

export function floatOption(name: string, opts: { positive?: boolean } = {}) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || (opts.positive && !(x > 0))) {
      throw new CliError(`--${name} must be a ${opts.positive ? 'positive ' : ''}number, got '${v}'`);
    }
    return x;
  };
}

/** A count ≥ 1 or a fraction in (0, 1), e.g. --test 12 or --test 0.2. */
export function countOrFraction(name: string, allowZero = false) {
  return (v: string): number => {
    const x = Number(v);
    const ok = v.trim() !== '' && Number.isFinite(x) && ((x > 0 && x < 1) || (Number.isInteger(x) && (x >= 1 || (allowZero && x === 0))));
    if (!ok) throw new CliError(`--${name} must be a count ≥ ${allowZero ? 0 : 1} or a fraction in (0, 1), got '${v}'`);
    return x;
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) throw new CliError(`--${name} must be one of ${choices.join(', ')}; got '${v}'`);
    return v as T;
  };
}

export function listOption(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];
}

export function nonNegative(name: string, opts: { max?: number; integer?: boolean; below?: number } = {}) {
  return (v: string): number => {
    const x = Number(v);
    const ok = v.trim() !== '' && Number.isFinite(x) && x >= 0 && (!opts.integer || Number.isInteger(x))
      && (opts.max === undefined || x <= opts.max) && (opts.below === undefined || x < opts.below);
    if (!ok) {
      const range = opts.max !== undefined ? ` ≤ ${opts.max}` : opts.below !== undefined ? ` and < ${opts.below}` : '';
      throw new CliError(`--${name} must be ${opts.integer ? 'an integer' : 'a number'} ≥ 0${range}, got '${v}'`);
    }
    return x;
  };
}

// Options parsed inside an action (undefined when not given)

export function intOpt(name: string, v: string | undefined, min: number): number | undefined {
  return v === undefined ? undefined : intOption(name, min)(v);
}

export function numOpt(name: string, v: string | undefined, ok: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new CliError(`--${name} must be ${what}, got '${v}'`);
  return x;
}

export function choiceOpt<T extends string>(name: string, v: string | undefined, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new CliError(`--${name}: unknown value '${v}' (expected ${choices.join(', ')})`);
  return v as T;
}

export function langOpt(v: string | undefined): Lang {
  if (v === undefined) return 'auto';
  if (v !== 'zh' && v !== 'en' && v !== 'auto') throw new CliError(`unknown language '${v}' (expected zh, en or auto)`);
  return v;
}

/** "2" → [2, 2]; "1-3" → [1, 3]. */
export function rangeOpt(name: string, v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || lo < 1 || hi < lo) throw new CliError(`--${name} must be N or MIN-MAX with 1 ≤ MIN ≤ MAX, got '${v}'`);
  return [lo, hi];
}

/**
 * The window and network options of the forecasting commands that fit models many times
 * (backtest, tune): --seq-len --hidden --layers --dropout --epochs --lr --batch-size, each help
 * line ending with `note` (e.g. ', unless searched').
 */
export function networkOptions(c: Command, note = ''): Command {
  return c
    .option('--seq-len <n>', `window length (lags for AR)${note}`, intOption('seq-len'), 6)
    .option('--hidden <n>', `hidden units${note}`, intOption('hidden'), 10)
    .option('--layers <n>', `recurrent layers (rnn, lstm, gru)${note}`, intOption('layers'), 1)
    .option('--dropout <p>', `dropout between recurrent layers${note}`, nonNegative('dropout', { below: 1 }), 0)
    .option('--epochs <n>', `training epochs per fit${note}`, intOption('epochs'), 20)
    .option('--lr <x>', `Adam learning rate${note}`, floatOption('lr', { positive: true }), 0.01)
    .option('--batch-size <n>', `mini-batch size${note}`, intOption('batch-size'), 4);
}
