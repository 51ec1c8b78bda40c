/**
 * SEND_MULTI (docs/SERVER.md §13.3; Sesame, Signal rev. 2 §3 "sending"): one message for every
 * current device of an account, in one request and one transaction. The current devices of
 * `to` are those its signed device list names AND that have registered; when `to` is the
 * sender's own account the sending device is left out (its other devices get the sent copy).
 * A set that differs — a device missing, an extra one, or an envelope for an identity other than
 * the listed one (stale) — is refused with DEVICE_MISMATCH, storing nothing; the client refreshes
 * the list and its sessions and retries. The envelopes stay opaque.
 */
import { PRIMARY_DEVICE_ID } from '../protocol/devices/constants.ts';
import { listsDevice } from '../protocol/devices/device-list.ts';
import { bytesEqual } from '../util/bytes.ts';
import { ServerError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext } from './context.ts';
import { storedList } from './device-lists.ts';
import { deliveryCutoff, mailboxQuota, requireEnvelopeSize } from './mailbox.ts';
import type { NewMessage } from './store.ts';

type SendMulti = Extract<Request, { op: 'sendMulti' }>;

/** The devices a SEND_MULTI must cover: id → SHA-256 of the registered identity. */
export async function currentDevices(ctx: ServerContext, username: string): Promise<Map<number, Uint8Array>> {
  const registered = await ctx.store.registeredDevices(username);
  const list = await storedList(ctx, username);
  const current = new Map<number, Uint8Array>();
  for (const d of registered) {
    const hash = ctx.suite.sha256(d.identity);
    // Without an uploaded list an account has its primary only (PROTOCOL.md §14.1).
    const listed = list === undefined ? d.deviceId === PRIMARY_DEVICE_ID : listsDevice(list.list, d.deviceId, hash);
    if (listed) current.set(d.deviceId, hash);
  }
  return current;
}

/** SEND_MULTI: checks the device set, then stores every envelope or none. */
export async function handleSendMulti(ctx: ServerContext, sender: Address, req: SendMulti): Promise<Outcome> {
  if ((await ctx.store.deviceIdentity(sender)) === undefined)
    throw new ServerError('DEVICE_REMOVED', `${sender.username}.${sender.deviceId} is no longer on its account's device list`);
  for (const m of req.messages) requireEnvelopeSize(ctx, m.envelope);
  const current = await currentDevices(ctx, req.to);
  if (current.size === 0 && req.to !== sender.username) throw new ServerError('UNKNOWN_ADDRESS', `no account ${req.to}`);
  if (req.to === sender.username) current.delete(sender.deviceId);
  requireDeviceSet(req.to, current, req.messages);
  const now = ctx.clock();
  const messages: NewMessage[] = req.messages.map((m) => ({
    sender,
    recipient: { username: req.to, deviceId: m.deviceId },
    clientMessageId: m.clientMessageId,
    envelope: m.envelope,
    serverTimestamp: now,
    expiredBefore: deliveryCutoff(ctx, now),
  }));
  const ack = await ctx.store.storeMessageBatch(messages, mailboxQuota(ctx));
  const response = { op: 'sendMulti' as const, ...ack };
  return ack.duplicate ? { response } : { response, deliver: messages.map((m) => m.recipient) };
}

/**
 * Throws DEVICE_MISMATCH unless `given` names exactly the devices of `current`, each once, with
 * the identity hash `current` holds (a message without a hash is not checked for staleness:
 * SEND_SEALED, docs/SERVER.md §15.1). Shared by SEND_MULTI and the sealed sends.
 */
export function requireDeviceSet(
  name: string,
  current: ReadonlyMap<number, Uint8Array>,
  given: readonly { readonly deviceId: number; readonly identityHash?: Uint8Array }[],
): void {
  const ids = new Set(given.map((m) => m.deviceId));
  const missing = [...current.keys()].filter((id) => !ids.has(id));
  const extra = [...ids].filter((id) => !current.has(id));
  if (ids.size !== given.length) extra.push(...duplicates(given.map((m) => m.deviceId)));
  const stale = given
    .filter((m) => m.identityHash !== undefined && current.has(m.deviceId) && !bytesEqual(current.get(m.deviceId)!, m.identityHash))
    .map((m) => m.deviceId);
  if (missing.length + extra.length + stale.length > 0)
    throw new ServerError('DEVICE_MISMATCH', formatDeviceMismatch(name, missing, extra, [...new Set(stale)]));
}

/** The DEVICE_MISMATCH text: `devices of NAME: missing [..] extra [..] stale [..]` (docs/SERVER.md §13.3). */
export function formatDeviceMismatch(name: string, missing: number[], extra: number[], stale: number[]): string {
  const ids = (xs: number[]) => `[${[...xs].sort((a, b) => a - b).join(',')}]`;
  return `devices of ${name}: missing ${ids(missing)} extra ${ids(extra)} stale ${ids(stale)}`;
}

function duplicates(ids: number[]): number[] {
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}
