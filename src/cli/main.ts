#!/usr/bin/env node
/**
 * `pqmsg`: the command-line entry point. A thin registry: the program with its global flags, one
 * `registerXCommand(program)` per verb file under commands/, and the single place where an error
 * becomes a printed message and an exit code (exit-codes.ts, output.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerServerCommand } from './commands/server.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { createPrinter, outputOptions } from './output.ts';

const program = new Command('pqmsg')
  .description('post-quantum end-to-end encrypted messenger')
  .option('--debug', 'print stack traces with errors')
  .option('--json', 'print one JSON object per line instead of text')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerServerCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) createPrinter(outputOptions(program)).error(e);
  process.exitCode = exitCodeOf(e);
}
if (process.exitCode === undefined) process.exitCode = EXIT.OK;
