/**
 * `pqmsg access [--mode contacts|anyone]`: who may send this account sealed messages
 * (docs/CLIENT.md §8, docs/SERVER.md §12). "contacts" (the default): only senders holding the
 * delivery access key this account shares with its contacts; "anyone": any sender (the server
 * then cannot refuse floods by key, only by rate). Without --mode it prints the current mode.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { globals, openSync, outputFor, withService } from '../context.ts';

function mode(value: string): 'contacts' | 'anyone' {
  if (value !== 'contacts' && value !== 'anyone')
    throw new InvalidArgumentError('expected contacts or anyone');
  return value;
}

export function registerAccessCommand(program: Command): void {
  program
    .command('access')
    .description('show or set who may send this account sealed messages (contacts or anyone)')
    .option('--mode <mode>', 'contacts (holders of the access key) or anyone', mode)
    .action(async (options: { mode?: 'contacts' | 'anyone' }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        const { SealedService } = await import('../../client/sealed-service.ts');
        const sealed = new SealedService(service);
        if (options.mode !== undefined && options.mode !== sealed.access().mode) {
          sealed.setMode(options.mode); // committed; Sync.open registers it with the server
          (await openSync(service, opts)).close();
        }
        const a = sealed.access();
        out.print(`sealed messages accepted from: ${a.mode}${a.registered ? '' : ' (not yet registered)'}`, {
          type: 'access',
          mode: a.mode,
          registered: a.registered,
          epoch: a.epoch,
        });
      });
    });
}
