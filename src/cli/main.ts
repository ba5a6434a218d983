#!/usr/bin/env node
// The `rnnkit` command. Every user error is one line on stderr and exit code 2; an unexpected
// failure is one line too (exit 1), with the stack only when RNNKIT_DEBUG is set.
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { CliError } from './errors.js';
import { registerDiagnoseCommands } from './diagnose.js';
import { registerForecastCommands } from './forecast.js';
import { registerLmCommands } from './lm.js';
import { registerModesCommands } from './modes.js';
import { registerTextCommands } from './text.js';

const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Errors that come from bad input (files, options, shapes), as opposed to bugs. */
function isUserError(e: unknown): boolean {
  if (e instanceof CliError) return true;
  const name = (e as Error)?.name ?? '';
  return ['DataError', 'RangeError', 'TypeError', 'SafetensorsError', 'StateDictError', 'TrainingError', 'SyntaxError'].includes(name)
    || /^(Text|Vocab|Embedding|Pipeline)\w*Error$/.test(name);
}

export function buildProgram(io = { stdout: (s: string) => void process.stdout.write(s), stderr: (s: string) => void process.stderr.write(s) }): Command {
  const program = new Command('rnnkit')
    .description('recurrent neural networks and sequence modelling: forecasting, text, language models')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  registerForecastCommands(program, io);
  registerTextCommands(program, io);
  registerModesCommands(program, io);
  registerLmCommands(program, io);
  registerDiagnoseCommands(program, io);
  for (const c of program.commands) exitOverrideAll(c);
  return program;
}

function exitOverrideAll(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) exitOverrideAll(s);
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; commander already printed its one-line message otherwise
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    }
    const msg = (e as Error)?.message ?? String(e);
    if (isUserError(e)) {
      process.stderr.write(`rnnkit: ${msg.split('\n')[0]}\n`);
      return (e as CliError).exitCode ?? 2;
    }
    process.stderr.write(`rnnkit: internal error: ${msg.split('\n')[0]}${process.env.RNNKIT_DEBUG ? `\n${(e as Error).stack}` : ' (set RNNKIT_DEBUG=1 for the stack trace)'}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
