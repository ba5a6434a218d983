// One root for every error that bad input can cause (a file, a value, a shape, an option): the CLI
// prints exactly these as one line and exits 2; anything else is a bug in rnnkit and is reported
// as an internal error. Library users can catch `UserError` to tell the two apart.

/** An error caused by the caller's input, not by a bug in rnnkit. */
export class UserError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An argument has a bad value, type or shape (PyTorch's ValueError/TypeError). */
export class ValueError extends UserError {}

/** A size would need more memory than the allowed cap (see `checkAllocation`). */
export class MemoryLimitError extends UserError {}

/** True for errors that bad input causes; the CLI shows these as one line, exit 2. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * A value as it may appear inside a one-line message: JSON (so strings are quoted and line breaks
 * escaped, U+2028/U+2029 too), cut to `max` characters; never throws, whatever the value.
 */
export function showValue(v: unknown, max = 60): string {
  let s: string;
  try {
    s = v === undefined ? 'nothing' : typeof v === 'number' || typeof v === 'bigint' ? String(v) : JSON.stringify(v) ?? typeof v;
  } catch {
    s = Array.isArray(v) ? 'an array' : typeof v;
  }
  s = oneLine(s);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** Escapes every line break (\n, \r, U+2028, U+2029) so a message stays on one line. */
export function oneLine(s: string): string {
  return s.replace(/[\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
