// A user-facing CLI failure (a bad option, a refused path): one line on stderr, exit code 2. It is
// one of the library's UserErrors, so the CLI has a single rule for what counts as bad input.
import { UserError } from '../errors.js';

export class CliError extends UserError {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
