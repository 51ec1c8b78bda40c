/**
 * `pqmsg send NAME [TEXT]`: encrypts TEXT (or stdin) to NAME. The ratchet step, new session and
 * outbox row are committed before the envelope leaves (docs/CLIENT.md "Crash safety"); earlier
 * unsent messages go first, with their original ids. With --group, NAME is a group
 * (docs/CLIENT.md §10): the message is encrypted once on this device's sender chain and uploaded
 * once with the list of member devices.
 */
import type { Command } from 'commander';
import {
  crashHook,
  globals,
  groupsOf,
  openGroupSync,
  openSync,
  outputFor,
  withService,
  type GlobalOptions,
} from '../context.ts';
import type { SessionService } from '../../client/session-service.ts';
import type { SyncEvent } from '../../client/sync.ts';
import type { ServerError } from '../../util/errors.ts';
import { UsageError } from '../exit-codes.ts';
import type { Printer } from '../output.ts';
import { expectName } from './contacts.ts';

/** Longest message body accepted, in bytes of UTF-8 (well under the server's envelope limit). */
export const MAX_BODY_BYTES = 64 * 1024;

export function registerSendCommand(program: Command): void {
  program
    .command('send <name> [text]')
    .description('send TEXT (or standard input) to contact NAME, or with --group to group NAME')
    .option('--group', 'NAME is a group: one ciphertext, one upload, every member device')
    .action(async (name: string, text: string | undefined, o: { group?: boolean }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      const body = text ?? (await readStdin());
      if (body.length === 0) throw new UsageError('empty message');
      if (Buffer.byteLength(body) > MAX_BODY_BYTES)
        throw new UsageError(`message longer than ${MAX_BODY_BYTES} bytes`);
      if (o.group === true) return sendToGroup(opts, out, name, body);
      await withService(opts, async (service) => {
        expectName(name, service.account.name);
        service.contact(name); // UNKNOWN_CONTACT before any connection
        let sealed = true;
        const refused = new Map<string, ServerError>();
        const report = (entry: { id: string }) => {
          // Refused for good (e.g. ACCESS_DENIED: NAME rotated its access key and removed us).
          const error = refused.get(entry.id);
          if (error !== undefined) throw error;
          out.print(`sent to ${name} (id ${entry.id}${sealed ? ', sealed' : ''})`, {
            type: 'sent',
            to: name,
            id: entry.id,
            sealed,
          });
        };
        const onEvent = (e: SyncEvent) => {
          if (e.type === 'undeliverable') refused.set(e.entry.id, e.error);
          if (e.type !== 'authenticatedFallback') return;
          sealed = false;
          // docs/CLIENT.md §8: the first message(s) to a contact go authenticated; say why.
          if (opts.debug === true)
            out.note(`sending to ${e.to} authenticated, not sealed: ${e.reason}`);
        };
        // Everything at hand: the anonymous connection only, no authenticated one (CLIENT.md §8).
        const only = await sealedOnly(service, opts, name, body, onEvent);
        if (only?.delivered === true) return report(only.entry);
        const sync = await openSync(service, opts, { onEvent });
        try {
          // NAME's devices changed (DEVICE_MISMATCH): the authenticated connection refreshes its
          // list, re-fans the queued sealed row and sends it again (docs/CLIENT.md §9).
          if (only !== undefined) await sync.flushSealed();
          report(only?.entry ?? (await sync.send(name, body)));
        } finally {
          sync.close();
        }
      });
    });
}

/** `sendSealedOnly` with the CLI's connection and crash hook; undefined if not possible now. */
async function sealedOnly(
  service: SessionService,
  opts: GlobalOptions,
  name: string,
  body: string,
  onEvent: (e: SyncEvent) => void,
) {
  const url = opts.server ?? service.account.server;
  if (!url) return undefined;
  const [{ SealedService }, { sendSealedOnly }, { connectWebSocket }] = await Promise.all([
    import('../../client/sealed-service.ts'),
    import('../../client/sealed-send.ts'),
    import('../../client/ws-transport.ts'),
  ]);
  const sealed = new SealedService(service);
  return sendSealedOnly(sealed, connectWebSocket, url, name, body, onEvent, crashHook());
}

/** `send --group NAME TEXT` (docs/CLIENT.md §10). */
async function sendToGroup(opts: GlobalOptions, out: Printer, name: string, body: string): Promise<void> {
  await withService(opts, async (service) => {
    groupsOf(service).find(name); // UNKNOWN_GROUP before any connection
    const { sync, groups } = await openGroupSync(service, opts);
    try {
      const sent = await groups.send(name, body);
      const mine = sent[sent.length - 1];
      const devices = mine.stored + mine.duplicate;
      out.print(`sent to group ${name}: one upload, ${devices} member devices (id ${mine.entry.id}${mine.sealed ? ', sealed' : ''})`, {
        type: 'groupSent',
        group: name,
        id: mine.entry.id,
        devices,
        refused: mine.refused,
        sealed: mine.sealed,
      });
    } finally {
      sync.close();
    }
  });
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('no TEXT given and standard input is a terminal');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}
