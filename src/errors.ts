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
