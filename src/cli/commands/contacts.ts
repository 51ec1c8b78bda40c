/**
 * `pqmsg contacts add|list|verify|trust`: contacts and the trust decisions about them
 * (PROTOCOL.md §7–§8). `add` fetches the contact's bundle, starts a session and pins the identity
 * on first contact (TOFU, said so); `verify` prints the 60-digit safety number with a QR code and
 * marks the contact verified when the user confirms (or with --yes); `trust` accepts a changed
 * identity, which unblocks sending.
 */
import type { Command } from 'commander';
import { confirmOnTty, globals, openSync, outputFor, withService } from '../context.ts';
import { NAME_RULE, isValidName } from '../../client/account.ts';
import { UsageError } from '../exit-codes.ts';

export function registerContactsCommand(program: Command): void {
  const contacts = program
    .command('contacts')
    .description('manage contacts: add, list, verify (safety number), trust (a changed identity), remove');

  contacts
    .command('add <name>')
    .description('fetch NAME\'s keys from the server, start a session and pin NAME\'s identity')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        expectName(name, service.account.name);
        const sync = await openSync(service, opts);
        try {
          const status = await sync.ensureSession(name);
          const view = service.listContacts().find((c) => c.name === name)!;
          const human =
            status === 'new'
              ? `added ${name}: first contact, identity pinned ` +
                `(fingerprint ${view.fingerprint}); ` +
                `compare safety numbers with \`pqmsg contacts verify ${name}\``
              : `${name} is already a contact (fingerprint ${view.fingerprint})`;
          out.print(human, { type: 'contact', name, status, fingerprint: view.fingerprint });
        } finally {
          sync.close();
        }
      });
    });

  contacts
    .command('list')
    .description('list contacts with their trust state, sealed reachability and fingerprint')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        const { SealedService } = await import('../../client/sealed-service.ts');
        const sealed = new SealedService(service);
        const devicesChanged = new Set(service.devices.changedLists());
        for (const c of service.listContacts()) {
          const state = c.identityChanged
            ? 'IDENTITY CHANGED'
            : c.verified
              ? 'verified'
              : 'unverified';
          // Reachable sealed: the contact shared its delivery access key (docs/CLIENT.md §8).
          const reachable = sealed.reachableSealed(c.name);
          // A changed signed device list is shown like an identity change (docs/CLIENT.md §9).
          const changed = devicesChanged.has(c.name) ? '\tDEVICES CHANGED' : '';
          out.print(
            `${c.name}\t${state}\t${reachable ? 'sealed' : 'not sealed'}\t${c.fingerprint}${changed}`,
            {
              type: 'contact',
              name: c.name,
              address: c.address,
              fingerprint: c.fingerprint,
              verified: c.verified,
              identityChanged: c.identityChanged,
              sealed: reachable,
              devicesChanged: devicesChanged.has(c.name),
            },
          );
        }
      });
    });

  contacts
    .command('verify <name>')
    .description('show the safety number and QR code for NAME; mark verified when confirmed')
    .option('--yes', 'mark verified without asking (the numbers were compared out of band)')
    .action(async (name: string, options: { yes?: boolean }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        expectName(name, service.account.name);
        const { safetyNumber: sn, changed } = service.safetyNumber(name);
        if (changed)
          out.note(
            `the identity of ${name} has CHANGED: this is the number for the NEW identity; ` +
              `if it matches, accept it with \`pqmsg contacts trust ${name}\`, then verify again`,
          );
        if (opts.json !== true) {
          const QRCode = (await import('qrcode')).default;
          const qr = await QRCode.toString(sn.scannableText, { type: 'terminal', small: true });
          process.stdout.write(`safety number with ${name}:\n\n  ${sn.display}\n\n${qr}\n`);
        }
        const confirmed =
          !changed &&
          (options.yes === true || (await confirmOnTty(`Does ${name} see the same number?`)));
        if (confirmed) service.markVerified(name);
        out.print(
          confirmed
            ? `${name} marked verified`
            : `${name} not marked verified (run with --yes once compared)`,
          {
            type: 'safetyNumber',
            name,
            safetyNumber: sn.digits,
            scannable: sn.scannableText,
            verified: confirmed,
            identityChanged: changed,
          },
        );
      });
    });

  contacts
    .command('trust <name>')
    .description('accept the changed identity of NAME (compare safety numbers first)')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        expectName(name, service.account.name);
        const { fingerprint } = service.trust(name);
        out.print(
          `accepted the new identity of ${name} (fingerprint ${fingerprint}); ` +
            `verify it with \`pqmsg contacts verify ${name}\``,
          { type: 'trusted', name, fingerprint },
        );
      });
    });

  contacts
    .command('remove <name>')
    .description(
      'forget NAME and rotate the delivery access key: NAME can no longer send sealed ' +
        'messages to this account; the other contacts get the new key',
    )
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        expectName(name, service.account.name);
        const { SealedService } = await import('../../client/sealed-service.ts');
        const access = new SealedService(service).removeContact(name); // committed first
        // Registers the new verifier (Sync.open → refreshSealed), then sends the new key.
        const sync = await openSync(service, opts);
        try {
          const remaining = service.listContacts().map((c) => c.name);
          for (const c of remaining) await sync.sendAccessKey(c);
          out.print(
            `removed ${name}; delivery access key rotated (epoch ${access.epoch}) and sent to ` +
              `${remaining.length} contact(s)`,
            { type: 'removed', name, epoch: access.epoch, notified: remaining },
          );
        } finally {
          sync.close();
        }
      });
    });
}

/** NAME must be a valid account name other than our own. */
export function expectName(name: string, self: string): void {
  if (!isValidName(name)) throw new UsageError(`bad contact name "${name}" (${NAME_RULE})`);
  if (name === self) throw new UsageError('that is this account\'s own name');
}

