/**
 * `pqmsg whoami`: this device's address, identity fingerprint, server and the fingerprint of the
 * server identity pinned at `register` (the key that signs sender certificates, docs/CLIENT.md §8).
 */
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
        // First 16 bytes of the pinned SHA-256, in groups of 4 hex digits (as identity fingerprints).
        const serverKey = a.serverIdentityHash.length === 0 ? null : serverFingerprint(a.serverIdentityHash);
        out.print(
          `${a.address}\nidentity fingerprint: ${a.fingerprint}\n` +
            `server: ${a.server || '(not registered)'}` +
            (serverKey === null ? '' : `\nserver key fingerprint: ${serverKey}`),
          {
            type: 'account',
            name: a.name,
            address: a.address,
            fingerprint: a.fingerprint,
            server: a.server || null,
            serverKeyFingerprint: serverKey,
            dir: accountDir(opts),
          },
        );
      });
    });
}

function serverFingerprint(hash: Uint8Array): string {
  return Array.from(hash.subarray(0, 16), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .match(/.{4}/g)!
    .join(' ');
}
