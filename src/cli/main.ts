/**
 * `pqmsg` entry point: global options, one register call per verb (src/cli/commands/), and the
 * single mapping from errors to exit codes and one-line messages (exit-codes.ts, output.ts).
 * Verbs import what they need lazily, so a cheap verb stays cheap.
 */
import { Command, CommanderError } from 'commander';
import { registerContactsCommand } from './commands/contacts.ts';
import { registerHistoryCommand } from './commands/history.ts';
import { registerInitCommand } from './commands/init.ts';
import { registerReceiveCommand } from './commands/receive.ts';
import { registerRegisterCommand } from './commands/register.ts';
import { registerSendCommand } from './commands/send.ts';
import { registerWatchCommand } from './commands/watch.ts';
import { registerWhoamiCommand } from './commands/whoami.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { printError } from './output.ts';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  usage: bad arguments, no account in --dir, unknown contact
  2  network or server: unreachable, connection lost, request refused
  3  refused for trust or crypto reasons: wrong passphrase, tampered store,
     a contact's identity changed (accept with \`pqmsg contacts trust NAME\`)

Environment:
  PQMSG_HOME        account directory when --dir is not given (else ~/.pqmsg)
  PQMSG_PASSPHRASE  the store passphrase (else asked on the terminal, not echoed)`;

export function buildProgram(): Command {
  const program = new Command('pqmsg')
    .description('post-quantum end-to-end encrypted messenger')
    .option('--dir <dir>', 'account directory (default: $PQMSG_HOME, else ~/.pqmsg)')
    .option('--json', 'print one JSON object per line')
    .option('--server <url>', 'delivery service URL (ws://host:port) for this command')
    .option('--debug', 'print stack traces on errors')
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  for (const register of [
    registerInitCommand,
    registerRegisterCommand,
    registerWhoamiCommand,
    registerContactsCommand,
    registerSendCommand,
    registerReceiveCommand,
    registerWatchCommand,
    registerHistoryCommand,
  ])
    register(program);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ outputError: () => {} });
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ outputError: () => {} });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    // Help was printed (asked for: exit 0; a verb group without its subcommand: exit 1).
    if (err instanceof CommanderError && ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code))
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const opts = program.opts<{ json?: boolean; debug?: boolean }>();
    const code = exitCodeOf(err);
    if (err instanceof CommanderError) err.message = `${err.message.replace(/^error: /, '')} (see --help)`;
    printError(err, opts.json === true, opts.debug === true, code);
    return code;
  }
}

process.exitCode = await main(process.argv);
