/**
 * Unauthenticated delivery (docs/CLIENT.md §8, docs/SERVER.md §12): sealed envelopes leave over a
 * SECOND connection that never authenticates, so the server cannot link them to the sender's
 * device connection. The connection still checks the server: its CHALLENGE must carry the identity
 * pinned at `register` (SERVER_IDENTITY_CHANGED otherwise). Each sealed outbox row is sent with
 * the recipient's delivery access key; on the server's ack the row is marked delivered. An
 * ACCESS_DENIED means the contact rotated its access key without us: its key is forgotten, the row
 * dropped (reported undeliverable); the next message to it goes authenticated.
 * Side channels: public frames; the access key goes to the server as designed.
 */
import { sha256 } from '../hash/sha256.ts';
import { bytesEqual, fromHex } from '../util/bytes.ts';
import { ClientError, ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { CrashHook } from './crash-points.ts';
import { DEVICE_ID, loadAccount } from './account.ts';
import { deviceIdOf } from './device-service.ts';
import type { OutboxEntry } from './records.ts';
import type { SealedService } from './sealed-service.ts';
import type { Connect, Connection } from './transport.ts';
import type { Address } from '../wire/address.ts';
import type { GroupSendResult } from '../wire/responses.ts';

/** SEND_SEALED refusals that no retry of the same envelope can cure. */
const UNDELIVERABLE: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>([
  'UNKNOWN_ADDRESS',
  'BAD_USERNAME',
  'UNSUPPORTED_DEVICE',
  'ENVELOPE_TOO_LARGE',
  'ACCESS_DENIED',
]);

export type SealedSendEvent =
  | { readonly type: 'sent'; readonly entry: OutboxEntry }
  | { readonly type: 'undeliverable'; readonly entry: OutboxEntry; readonly error: ServerError };

/** Opens a connection that answers no challenge, after checking the server's identity. */
export async function openAnonymous(sealed: SealedService, connect: Connect, url: string): Promise<Connection> {
  const conn = await connect(url);
  try {
    const push = await conn.nextPush();
    if (push.type !== 'challenge')
      throw new ClientError('NETWORK', `server sent ${push.type} before its challenge`);
    const pinned = loadAccount(sealed.service.store).serverIdentityHash;
    if (!bytesEqual(sha256(push.serverIdentity), pinned))
      throw new ClientError('SERVER_IDENTITY_CHANGED', `the server at ${url} presented another identity`);
    sealed.saveServerIdentity(push.serverIdentity);
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

/** Re-fans a sealed outbox row after DEVICE_MISMATCH (refreshed list, sessions, sealed keys); Sync provides it. */
export type SealedRefan = (outboxKey: string, entry: OutboxEntry) => Promise<OutboxEntry>;

/** Re-fans per row before a DEVICE_MISMATCH is given up (as the authenticated flush, CLIENT.md §9). */
export const MAX_SEALED_FANOUT_ATTEMPTS = 3;

/**
 * Transmits every sealed outbox row in order on `conn`: SEND_SEALED_MULTI with one envelope per
 * recipient device (SEND_SEALED for a row queued before multi-device, which has no identity
 * hash). On DEVICE_MISMATCH the row is re-fanned with `refan` and sent again, up to
 * MAX_SEALED_FANOUT_ATTEMPTS times; without `refan` the mismatch is thrown and the row stays. A
 * permanent refusal drops the row (and, for ACCESS_DENIED, forgets the contact's access key); any
 * other error stops the flush.
 */
export async function flushSealedOutbox(
  sealed: SealedService,
  conn: Connection,
  onEvent?: (e: SealedSendEvent) => void,
  crash?: CrashHook,
  refan?: SealedRefan,
): Promise<void> {
  for (const { key, entry: queued } of sealed.sealedOutbox()) {
    let entry = queued;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await transmitSealed(sealed, conn, entry);
          break;
        } catch (err) {
          const mismatch = err instanceof ServerError && err.code === 'DEVICE_MISMATCH';
          if (!mismatch || refan === undefined || attempt === MAX_SEALED_FANOUT_ATTEMPTS) throw err;
          entry = await refan(key, entry);
        }
      }
    } catch (err) {
      if (!(err instanceof ServerError && UNDELIVERABLE.has(err.code))) throw err;
      if (err.code === 'ACCESS_DENIED') sealed.forgetAccessKey(entry.peer);
      sealed.dropFromSealedOutbox(key);
      onEvent?.({ type: 'undeliverable', entry, error: err });
      continue;
    }
    crash?.('after-transmit');
    sealed.markSealedDelivered(key, entry);
    onEvent?.({ type: 'sent', entry });
  }
}

/** One sealed outbox row on the wire, with the recipient account's access key. */
async function transmitSealed(sealed: SealedService, conn: Connection, entry: OutboxEntry): Promise<void> {
  const accessKey = sealed.accessKeyFor(entry.peer) ?? new Uint8Array(0);
  const clientMessageId = fromHex(entry.id);
  const legacy = entry.envelopes.length === 1 && entry.envelopes[0].identityHash.length === 0;
  if (legacy) {
    const to = { username: entry.peer, deviceId: DEVICE_ID };
    await conn.request({ op: 'sendSealed', to, clientMessageId, accessKey, envelope: entry.envelopes[0].envelope });
    return;
  }
  const messages = entry.envelopes.map(({ deviceId, identityHash, envelope }) => ({ deviceId, identityHash, envelope }));
  await conn.request({ op: 'sendSealedMulti', to: entry.peer, accessKey, clientMessageId, messages });
}

/**
 * One group envelope (PROTOCOL.md §15) to `recipients` with GROUP_SEND_SEALED on `conn`, an
 * anonymous connection (`openAnonymous`), admitted by `accessKey` = `combinedAccessKey` of the
 * recipients' accounts (docs/SERVER.md §15.2). Resolves the per-recipient results in
 * `recipients` order; a refusal of the whole request (ACCESS_DENIED, RATE_LIMITED_SEALED, …)
 * rejects with its ServerError. A retry with the same `clientMessageId` stores nothing twice.
 */
export async function sendGroupSealed(
  conn: Connection,
  send: { recipients: Address[]; clientMessageId: Uint8Array; accessKey: Uint8Array; envelope: Uint8Array },
): Promise<GroupSendResult[]> {
  const { results } = await conn.request({ op: 'groupSendSealed', ...send });
  return results;
}

/**
 * A sealed text over the anonymous connection ONLY — no authenticated connection is opened, so the
 * server sees no device of the sender come online around the send (docs/CLIENT.md §8). Possible
 * when everything is at hand: this account has no other device (its sent transcript would need
 * the authenticated connection, §9), a session and a fresh sealed key for every device of
 * `name`'s verified list, `name` reachable sealed, a certificate with more than 12 h left, and no
 * authenticated message still queued; else resolves undefined and the caller takes the
 * authenticated path (which also does the upkeep).
 * Connects and checks the server first, then commits, then transmits, like every send. When the
 * server answers DEVICE_MISMATCH (`name` linked or removed a device since our list), the row stays
 * in the sealed outbox and `delivered` is false: the caller opens the authenticated connection,
 * whose `Sync.flushSealed` refreshes the list, re-fans and retries (docs/CLIENT.md §9).
 */
export async function sendSealedOnly(
  sealed: SealedService,
  connect: Connect,
  url: string,
  name: string,
  body: string,
  onEvent?: (e: SealedSendEvent) => void,
  crash?: CrashHook,
): Promise<{ entry: OutboxEntry; delivered: boolean } | undefined> {
  const { service } = sealed;
  const { account, devices } = service;
  const own = devices.devicesOf(account.name).filter((d) => d.deviceId !== deviceIdOf(account));
  const peerDevices = devices.devicesOf(name).map((d) => d.deviceId); // the primary alone without a list
  const ready =
    own.length === 0 &&
    peerDevices.every((d) => service.hasSession(name, d)) &&
    sealed.blocker(name, peerDevices) === undefined &&
    !sealed.needsCertificate() &&
    service.outbox().length === 0;
  if (!ready) return undefined;
  // Connect (and check the server identity) first: a wrong server leaves nothing queued.
  const conn = await openAnonymous(sealed, connect, url);
  try {
    const entry = sealed.queueSealedText(name, body, peerDevices);
    crash?.('after-send-commit');
    try {
      await flushSealedOutbox(sealed, conn, onEvent, crash);
    } catch (err) {
      if (!(err instanceof ServerError && err.code === 'DEVICE_MISMATCH')) throw err;
      return { entry, delivered: false };
    }
    return { entry, delivered: true };
  } finally {
    conn.close();
  }
}
