// Strict parsing of option values: a bad value is a one-line CliError naming the option.
import { CliError } from './errors.js';

export function intOption(name: string, min = 1) {
  return (v: string): number => {
    if (!/^[+-]?\d+$/.test(v.trim()) || Number(v) < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
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
