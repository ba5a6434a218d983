// A memory cap checked before anything large is allocated, so an absurd size (`--hidden 1e5`, a
// model directory claiming a billion units) is refused at once with the bytes it would need,
// instead of running for minutes or dying with "Invalid typed array length".
//
// The cap defaults to 4 GiB. Set it with `setMemoryLimit(bytes)`, or in Node with the environment
// variable RNNKIT_MAX_MEMORY (bytes, or a number with a K/M/G/T suffix in powers of 1024); the CLI
// also takes `--max-memory`. Browser-safe: `process` is read only if it exists.
import { MemoryLimitError, ValueError } from './errors.js';

export const DEFAULT_MEMORY_LIMIT = 4 * 1024 ** 3;

let limit: number | null = null;

/** Parses "4G", "512M", "1.5GiB", "1e9" (bytes) into bytes; a bad value is a ValueError naming `what`. */
export function parseBytes(text: string, what = 'memory limit'): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const x = m ? Number(m[1]) * 1024 ** ' kmgt'.indexOf((m[2] || ' ').toLowerCase()) : NaN;
  if (!m || !Number.isFinite(x) || x <= 0) throw new ValueError(`${what} must be a positive size such as 4G, 512M or 1e9 (bytes), got '${text}'`);
  return Math.floor(x);
}

/** The cap in bytes: setMemoryLimit's value, else RNNKIT_MAX_MEMORY, else 4 GiB. */
export function memoryLimit(): number {
  if (limit !== null) return limit;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RNNKIT_MAX_MEMORY;
  return env !== undefined && env !== '' ? parseBytes(env, 'RNNKIT_MAX_MEMORY') : DEFAULT_MEMORY_LIMIT;
}

/** Sets the cap (bytes); null restores the default (RNNKIT_MAX_MEMORY or 4 GiB). */
export function setMemoryLimit(bytes: number | null): void {
  if (bytes !== null && !(bytes > 0)) throw new ValueError(`setMemoryLimit: expected a positive number of bytes, got ${bytes}`);
  limit = bytes;
}

/** "3.7 GiB" */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0, x = bytes;
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return i === 0 ? `${Math.round(x)} bytes` : `${x.toPrecision(3)} ${units[i]}`;
}

/**
 * Throws a MemoryLimitError when `bytes` exceeds the cap. `what` names the cause as the user gave
 * it (e.g. "--hidden 100000"), so the message says which value to lower.
 */
export function checkMemory(what: string, bytes: number): void {
  const cap = memoryLimit();
  if (!(bytes <= cap)) {
    throw new MemoryLimitError(`${what} needs about ${formatBytes(bytes)}, over the memory limit of ${formatBytes(cap)} (lower it, or raise the limit with --max-memory or RNNKIT_MAX_MEMORY)`);
  }
}
