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

/**
 * Transmits every sealed outbox row in order on `conn`; a permanent refusal drops the row (and,
 * for ACCESS_DENIED, forgets the contact's access key); any other error stops the flush.
 */
export async function flushSealedOutbox(
  sealed: SealedService,
  conn: Connection,
  onEvent?: (e: SealedSendEvent) => void,
  crash?: CrashHook,
): Promise<void> {
  for (const { key, entry } of sealed.sealedOutbox()) {
    const accessKey = sealed.accessKeyFor(entry.peer) ?? new Uint8Array(0);
    try {
      await conn.request({
        op: 'sendSealed',
        to: { username: entry.peer, deviceId: DEVICE_ID },
        clientMessageId: fromHex(entry.id),
        accessKey,
        envelope: entry.envelopes[0].envelope,
      });
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
 * when everything is at hand: one device on each side, a session with `name`, `name` reachable
 * sealed with a fresh sealed key, a certificate with more than 12 h left, and no authenticated
 * message still queued; else resolves undefined and the caller takes the authenticated path
 * (which also does the upkeep).
 * Connects and checks the server first, then commits, then transmits, like every send.
 */
export async function sendSealedOnly(
  sealed: SealedService,
  connect: Connect,
  url: string,
  name: string,
  body: string,
  onEvent?: (e: SealedSendEvent) => void,
  crash?: CrashHook,
): Promise<OutboxEntry | undefined> {
  const { service } = sealed;
  // One device on each side, as the authenticated path requires for sealing (sealed fan-out to
  // several devices is not built, docs/CLIENT.md §9).
  const { account, devices } = service;
  const single = (who: string) => devices.devicesOf(who).every((d) => d.deviceId === DEVICE_ID);
  const ready =
    deviceIdOf(account) === DEVICE_ID &&
    single(account.name) &&
    single(name) &&
    service.hasSession(name) &&
    sealed.blocker(name) === undefined &&
    !sealed.needsCertificate() &&
    service.outbox().length === 0;
  if (!ready) return undefined;
  // Connect (and check the server identity) first: a wrong server leaves nothing queued.
  const conn = await openAnonymous(sealed, connect, url);
  try {
    const entry = sealed.queueSealedText(name, body);
    crash?.('after-send-commit');
    await flushSealedOutbox(sealed, conn, onEvent, crash);
    return entry;
  } finally {
    conn.close();
  }
}
