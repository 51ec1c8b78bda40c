/** `pqmsg whoami`: this device's address, identity fingerprint and server (reads one row). */
import type { Command } from 'commander';
import { accountDir, globals, outputFor, withStore } from '../context.ts';

export function registerWhoamiCommand(program: Command): void {
  program
    .command('whoami')
    .description('print this device\'s address, identity fingerprint and server')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      const { loadAccount } = await import('../../client/account.ts');
      await withStore(opts, async (store) => {
        const a = loadAccount(store);
        out.print(
          `${a.address}\nidentity fingerprint: ${a.fingerprint}\n` +
            `server: ${a.server || '(not registered)'}`,
          {
            type: 'account',
            name: a.name,
            address: a.address,
            fingerprint: a.fingerprint,
            server: a.server || null,
            dir: accountDir(opts),
          },
        );
      });
    });
}
