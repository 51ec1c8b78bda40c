/**
 * `pqmsg devices add CODE | list [--of NAME] | remove ID`: the devices of this account
 * (docs/CLIENT.md §9; PROTOCOL.md §14). `add` (primary only) links the device showing CODE;
 * `remove` (primary only) signs a list without device ID, after which the server deletes that
 * device and its mailbox; `list` fetches and verifies a device list (this account's, or a
 * contact's with --of, which also acknowledges a change shown as DEVICES CHANGED).
 */
import type { Command } from 'commander';
import { globals, openSync, outputFor, withService } from '../context.ts';
import { UsageError } from '../exit-codes.ts';

export function registerDevicesCommand(program: Command): void {
  const devices = program
    .command('devices')
    .description('devices of this account: add (link) one, list, remove one');

  devices
    .command('add <code>')
    .description('link the new device that shows CODE (`pqmsg link` there); primary only')
    .action(async (code: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      const [{ parseLinkCode }, { linkDevice }] = await Promise.all([
        import('../../client/link-code.ts'),
        import('../../client/link-service.ts'),
      ]);
      const bytes = parseLinkCode(code);
      await withService(opts, async (service) => {
        const sync = await openSync(service, opts);
        try {
          const { deviceId, version } = await linkDevice(sync.conn, service, bytes);
          out.print(`linked device ${service.account.name}.${deviceId} (device list version ${version})`, {
            type: 'deviceAdded',
            address: `${service.account.name}.${deviceId}`,
            deviceId,
            version,
          });
        } finally {
          sync.close();
        }
      });
    });

  devices
    .command('list')
    .description('fetch and verify a device list: this account\'s, or NAME\'s with --of')
    .option('--of <name>', 'a contact whose devices to show')
    .action(async (options: { of?: string }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        const name = options.of ?? service.account.name;
        if (options.of !== undefined) service.contact(options.of); // UNKNOWN_CONTACT before any connection
        const sync = await openSync(service, opts);
        try {
          await sync.refreshList(name);
        } finally {
          sync.close();
        }
        const { devices } = service;
        const list = devices.knownList(name);
        const self = name === service.account.name ? devices.deviceId : undefined;
        for (const d of devices.devicesOf(name)) {
          const hash = Array.from(d.identityHash.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
          const marks = [d.deviceId === 1 ? 'primary' : '', d.deviceId === self ? 'this device' : ''].filter(Boolean).join(', ');
          out.print(`${name}.${d.deviceId}\t${hash}${marks ? `\t(${marks})` : ''}`, {
            type: 'device',
            name,
            deviceId: d.deviceId,
            identityHash: hash,
            version: list?.list.version ?? 0,
            thisDevice: d.deviceId === self,
          });
        }
        devices.acknowledgeChange(name);
      });
    });

  devices
    .command('remove <id>')
    .description('remove device ID from this account; it receives nothing afterwards (primary only)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      if (!/^[1-9][0-9]{0,9}$/.test(id)) throw new UsageError('device ID: a positive integer (see `pqmsg devices list`)');
      const { removeDevice } = await import('../../client/link-service.ts');
      await withService(opts, async (service) => {
        const sync = await openSync(service, opts);
        try {
          const { version } = await removeDevice(sync.conn, service, Number(id));
          out.print(`removed device ${service.account.name}.${id} (device list version ${version})`, {
            type: 'deviceRemoved',
            address: `${service.account.name}.${id}`,
            deviceId: Number(id),
            version,
          });
        } finally {
          sync.close();
        }
      });
    });
}
