// A user-facing CLI failure: printed as one line on stderr, exit code 2, no stack trace.
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
