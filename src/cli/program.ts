// The `rnnkit` program, buildable in process: `runCli(argv, io)` parses, runs and maps errors to an
// exit code, so tests drive every command without spawning a process. Every user error is one line
// on stderr and exit code 2; an unexpected failure is one line too (exit 1), with the stack only
// when RNNKIT_DEBUG is set.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { isUserError } from '../errors.js';
import { DEFAULT_MEMORY_LIMIT, formatBytes, parseBytes, setMemoryLimit } from '../memory.js';
import { registerBacktestCommand } from './backtest.js';
import { registerClassifyCommands } from './classify.js';
import { registerDiagnoseCommands } from './diagnose.js';
import { registerExportCommand } from './export.js';
import { registerForecastCommands } from './forecast.js';
import { registerLmCommands } from './lm.js';
import { registerModesCommands } from './modes.js';
import { registerTextCommands } from './text.js';
import { registerTuneCommand } from './tune.js';

export interface ProgramIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const processIO: ProgramIO = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Commander's own errors (unknown option, missing value) as one line, like every other error. */
function oneLineParseError(str: string, write: (s: string) => void): void {
  const line = str.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? str.trim();
  write(`rnnkit: ${line.replace(/^error: /, '')} (see --help)\n`);
}

export function buildProgram(io: ProgramIO = processIO): Command {
  const program = new Command('rnnkit')
    .description('recurrent neural networks and sequence modelling: forecasting, text, language models')
    .version(version)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: oneLineParseError })
    .option('--max-memory <size>', `refuse sizes that would need more memory than this, e.g. 8G (default: RNNKIT_MAX_MEMORY or ${formatBytes(DEFAULT_MEMORY_LIMIT)})`)
    .exitOverride();
  program.hook('preAction', () => {
    const cap = program.opts<{ maxMemory?: string }>().maxMemory;
    setMemoryLimit(cap === undefined ? null : parseBytes(cap, '--max-memory'));
  });
  registerForecastCommands(program, io);
  registerBacktestCommand(program, io);
  registerTuneCommand(program, io);
  registerTextCommands(program, io);
  registerModesCommands(program, io);
  registerLmCommands(program, io);
  registerDiagnoseCommands(program, io);
  registerClassifyCommands(program, io);
  registerExportCommand(program, io);
  for (const c of program.commands) exitOverrideAll(c);
  return program;
}

function exitOverrideAll(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) exitOverrideAll(s);
}

/** Runs one command line (without the node and script names); resolves to the exit code. */
export async function runCli(argv: string[], io: ProgramIO = processIO): Promise<number> {
  const program = buildProgram(io);
  setMemoryLimit(null);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; commander already printed its one-line message otherwise
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    return reportError(e, io.stderr);
  }
}

/** The first line of an error's message (any line break, U+2028/U+2029 included); never throws. */
function firstLine(e: unknown): string {
  let m: string;
  try {
    m = String((e as Error)?.message ?? e);
  } catch {
    m = 'an error that cannot be shown';
  }
  return m.split(/\r\n|[\n\r\u2028\u2029]/)[0]!;
}

/**
 * Exactly the library's UserErrors (bad files, values, options, refused paths) are one line and
 * exit 2; anything else is a bug in rnnkit: one line that asks for a report, exit 1.
 */
export function reportError(e: unknown, write: (s: string) => void): number {
  const msg = firstLine(e);
  if (isUserError(e)) {
    write(`rnnkit: ${msg}\n`);
    return 2;
  }
  const debug = process.env.RNNKIT_DEBUG ? `\n${(e as Error)?.stack ?? ''}` : ' (set RNNKIT_DEBUG=1 for the stack trace)';
  write(`rnnkit: internal error: ${msg} (this is a bug in rnnkit; please report it with the command line)${debug}\n`);
  return 1;
}
