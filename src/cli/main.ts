#!/usr/bin/env node
/**
 * `pqmsg`: the command-line entry point. A thin registry: the program with its global flags, one
 * `registerXCommand(program)` per verb file under commands/, and the single place where an error
 * becomes a printed message and an exit code (exit-codes.ts, output.ts).
 */
import { Command, CommanderError } from 'commander';
import { registerAccessCommand } from './commands/access.ts';
import { registerContactsCommand } from './commands/contacts.ts';
import { registerDevicesCommand } from './commands/devices.ts';
import { registerLinkCommand } from './commands/link.ts';
import { registerGroupsCommand } from './commands/groups.ts';
import { registerHistoryCommand } from './commands/history.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerReceiveCommand } from './commands/receive.ts';
import { registerRegisterCommand } from './commands/register.ts';
import { registerSendCommand } from './commands/send.ts';
import { registerServerCommand } from './commands/server.ts';
import { registerWatchCommand } from './commands/watch.ts';
import { registerWhoamiCommand } from './commands/whoami.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { createPrinter, outputOptions } from './output.ts';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  usage: bad arguments, no account in --dir, unknown contact
  2  network or server: unreachable, connection lost, request refused
  3  refused for trust or crypto reasons: wrong passphrase, tampered store, a
     contact's identity changed (accept with \`pqmsg contacts trust NAME\`)

Environment:
  PQMSG_HOME        account directory when --dir is not given (else ~/.pqmsg)
  PQMSG_PASSPHRASE  the store passphrase (else asked on the terminal, not echoed)`;

// A reader that goes away (`pqmsg … | head`) ends the command as a closed pipe ends Unix tools:
// quietly, keeping the exit code so far. Anything written to the store was already committed.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? EXIT.OK);
});

const program = new Command('pqmsg')
  .description('post-quantum end-to-end encrypted messenger')
  .option('--debug', 'print stack traces with errors')
  .option('--json', 'print one JSON object per line instead of text')
  .option('--dir <dir>', 'account directory (default: $PQMSG_HOME, else ~/.pqmsg)')
  .option('--server <url>', 'delivery service URL (ws://host:port) for this command')
  .addHelpText('after', EXIT_HELP)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerServerCommand(program);
registerInitCommand(program);
registerRegisterCommand(program);
registerWhoamiCommand(program);
registerContactsCommand(program);
registerGroupsCommand(program);
registerSendCommand(program);
registerReceiveCommand(program);
registerWatchCommand(program);
registerHistoryCommand(program);
registerAccessCommand(program);
registerLinkCommand(program);
registerDevicesCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (!(e instanceof CommanderError)) createPrinter(outputOptions(program)).error(e);
  process.exitCode = exitCodeOf(e);
}
if (process.exitCode === undefined) process.exitCode = EXIT.OK;
