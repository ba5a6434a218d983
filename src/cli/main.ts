#!/usr/bin/env node
// The `rnnkit` command: runs the program of ./program.ts on this process's arguments.
import { runCli } from './program.js';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
