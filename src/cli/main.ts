#!/usr/bin/env node
// The `rnnkit` command: runs the program of ./program.ts on this process's arguments.
import { runCli } from './program.js';

// `rnnkit … | head`: a reader that stops early is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
