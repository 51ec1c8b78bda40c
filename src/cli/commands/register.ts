/**
 * `pqmsg register --server URL`: claims the account name on the delivery service with a hybrid
 * signature over the server's challenge (docs/SERVER.md §3), pins the server's identity, and
 * uploads the signed prekeys and 100 one-time prekeys of each kind (PQXDH rev. 3 §3.2).
 */
import type { Command } from 'commander';
import { globals, openSync, outputFor, withService } from '../context.ts';
import { UsageError } from '../exit-codes.ts';

export function registerRegisterCommand(program: Command): void {
  program
    .command('register')
    .description('register this device with the server given by --server URL and upload prekeys')
    .action(async (_options: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      if (!opts.server)
        throw new UsageError('register needs --server URL (e.g. ws://127.0.0.1:8787)');
      await withService(opts, async (service) => {
        let uploaded = 0;
        const sync = await openSync(service, opts, {
          register: true,
          onEvent: (e) => {
            if (e.type === 'prekeys') uploaded += e.uploaded;
          },
        });
        sync.close();
        const { address } = service.account;
        out.print(
          `registered ${address} at ${opts.server} (${uploaded} prekeys uploaded)`,
          { type: 'registered', address, server: opts.server, prekeysUploaded: uploaded },
        );
      });
    });
}
