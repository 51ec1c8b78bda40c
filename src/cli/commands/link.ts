/**
 * `pqmsg link --server URL [--no-passphrase] [--argon2 …] [--timeout SECONDS]`: makes this
 * directory a new device of an existing account (docs/CLIENT.md §9; PROTOCOL.md §14.2–§14.4).
 * It generates the device identity and a one-time link request, prints the link code as text and
 * as a terminal QR code, waits for the primary (`pqmsg devices add CODE`), then creates the
 * encrypted store from the account data it received and registers as `name.deviceId`.
 */
import type { Command } from 'commander';
import { globals, openService, openSync, outputFor } from '../context.ts';
import { UsageError } from '../exit-codes.ts';
import { createNewStore, newStoreSettings } from './init.ts';

interface LinkOptions {
  readonly passphrase: boolean;
  readonly argon2?: string;
  readonly timeout: string;
}

export function registerLinkCommand(program: Command): void {
  program
    .command('link')
    .description('make --dir a new device of an existing account: print a link code, wait for the primary')
    .option('--no-passphrase', 'keep a random store key in DIR/store.key (0600), no passphrase')
    .option('--argon2 <m=KiB,t=N,p=N>', 'Argon2id cost of the passphrase (default m=65536,t=3,p=4)')
    .option('--timeout <seconds>', 'how long to wait for `pqmsg devices add CODE` on the primary', '600')
    .action(async (options: LinkOptions, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      if (opts.server === undefined) throw new UsageError('pqmsg link needs --server URL (the primary\'s server)');
      if (!/^[1-9][0-9]{0,5}$/.test(options.timeout)) throw new UsageError('--timeout: a positive number of seconds');
      const settings = await newStoreSettings(opts, options);
      const [{ defaultSuite }, { defaultRandom }, { generateIdentity }, link, { formatLinkCode }, { connectWebSocket }] = await Promise.all([
        import('../../protocol/default-suite.ts'),
        import('../../util/random.ts'),
        import('../../protocol/identity.ts'),
        import('../../client/link-service.ts'),
        import('../../client/link-code.ts'),
        import('../../client/ws-transport.ts'),
      ]);
      const identity = generateIdentity(defaultSuite, defaultRandom);
      const conn = await connectWebSocket(opts.server);
      let data;
      try {
        const opened = await link.openLink(conn, defaultSuite, defaultRandom, identity);
        const code = formatLinkCode(opened.code);
        const QRCode = (await import('qrcode')).default;
        const qr = await QRCode.toString(code, { type: 'terminal', small: true });
        out.print(`link code (on the primary: pqmsg devices add CODE):\n${code}\n${qr}`, { type: 'linkCode', code });
        data = await link.awaitAccountData(conn, defaultSuite, opened, identity, { timeoutMs: Number(options.timeout) * 1000, now: Date.now });
      } finally {
        conn.close();
      }
      const store = await createNewStore(settings, defaultRandom);
      try {
        const account = link.createLinkedAccount(store, identity, data, Date.now());
        const service = await openService(store);
        const sync = await openSync(service, opts, { register: true });
        sync.close();
        out.print(`linked ${account.address} (${data.contacts.length} contacts); identity fingerprint: ${account.fingerprint}`, {
          type: 'linked',
          address: account.address,
          name: account.name,
          deviceId: data.deviceId,
          contacts: data.contacts.map((c) => c.name),
          fingerprint: account.fingerprint,
        });
      } finally {
        store.close();
      }
    });
}
