/**
 * Sealed sender on the server (docs/SERVER.md §12, PROTOCOL.md §13): sender certificates signed
 * with the server identity, the devices' sealed-sender KEM keys, the accounts' delivery access
 * (verifier and mode), and SEND_SEALED — a send on an UNAUTHENTICATED connection, admitted by the
 * recipient's delivery access key (checked in constant time against the verifier), rate-limited
 * per client IP and per recipient, and stored with no sender.
 * Side channels: the access-key comparison is constant time (access-key.ts); everything else is
 * public data.
 */
import { PRIMARY_DEVICE_ID } from '../protocol/devices/constants.ts';
import { decodeIdentityPublic } from '../protocol/identity.ts';
import { checkAccessKey } from '../protocol/sealed-sender/access-key.ts';
import { decodeSealedKey, verifySealedKey } from '../protocol/sealed-sender/sealed-key.ts';
import { ServerError } from '../util/errors.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext, Session } from './context.ts';
import { currentDevices, requireDeviceSet } from './fan-out.ts';
import { deliveryCutoff, mailboxQuota } from './mailbox.ts';
import { takeSealedTokens } from './sealed-buckets.ts';

type Upload = Extract<Request, { op: 'uploadSealedKey' }>;
type Fetch = Extract<Request, { op: 'fetchSealedKey' }>;
type SetAccess = Extract<Request, { op: 'setDeliveryAccess' }>;
type SendSealed = Extract<Request, { op: 'sendSealed' }>;

/** GET_SENDER_CERTIFICATE: a 24 h certificate for the connection's device and its registered identity. */
export async function handleGetSenderCertificate(ctx: ServerContext, device: Address): Promise<Outcome> {
  const stored = await ctx.store.deviceIdentity(device);
  if (stored === undefined) throw new ServerError('UNKNOWN_ADDRESS', `no device ${formatAddress(device)}`);
  const subject = { username: device.username, deviceId: device.deviceId, identity: decodeIdentityPublic(stored) };
  const certificate = ctx.identity.issueCertificate(subject, ctx.clock());
  return { response: { op: 'getSenderCertificate', certificate } };
}

/**
 * UPLOAD_SEALED_KEY: the key must decode and verify under the uploader's registered identity and
 * be fresh (PROTOCOL.md §13.3), else BAD_SEALED_KEY and nothing is stored.
 */
export async function handleUploadSealedKey(ctx: ServerContext, owner: Address, req: Upload): Promise<Outcome> {
  const stored = await ctx.store.deviceIdentity(owner);
  if (stored === undefined) throw new ServerError('UNKNOWN_ADDRESS', `no device ${formatAddress(owner)}`);
  try {
    verifySealedKey(ctx.suite, decodeIdentityPublic(stored), decodeSealedKey(req.key), ctx.clock());
  } catch (e) {
    throw new ServerError('BAD_SEALED_KEY', `sealed-sender key refused: ${(e as Error).message}`);
  }
  await ctx.store.putSealedKey(owner, req.key);
  return { response: { op: 'uploadSealedKey' } };
}

/** FETCH_SEALED_KEY: the device's current key (NO_SEALED_KEY if none; UNKNOWN_ADDRESS if no device). */
export async function handleFetchSealedKey(ctx: ServerContext, req: Fetch): Promise<Outcome> {
  const key = await ctx.store.sealedKey(req.address);
  if (key !== undefined) return { response: { op: 'fetchSealedKey', key } };
  if ((await ctx.store.deviceIdentity(req.address)) === undefined)
    throw new ServerError('UNKNOWN_ADDRESS', `no device ${formatAddress(req.address)}`);
  throw new ServerError('NO_SEALED_KEY', `${formatAddress(req.address)} has no sealed-sender key`);
}

/**
 * SET_DELIVERY_ACCESS: the caller's account verifier and mode. One verifier per account, so only
 * the primary sets it (NOT_PRIMARY): a linked device must not replace the key its contacts hold.
 */
export async function handleSetDeliveryAccess(ctx: ServerContext, owner: Address, req: SetAccess): Promise<Outcome> {
  if (owner.deviceId !== PRIMARY_DEVICE_ID)
    throw new ServerError('NOT_PRIMARY', 'only device 1 (the primary) sets the account\'s delivery access');
  await ctx.store.setDeliveryAccess(owner.username, { verifier: req.verifier, mode: req.mode });
  return { response: { op: 'setDeliveryAccess' } };
}

/** Sealed sends go over an unauthenticated connection only (SEALED_NOT_ANONYMOUS). */
export function requireAnonymous(session: Session): void {
  if (session.device !== undefined || session.challengeUsed)
    throw new ServerError('SEALED_NOT_ANONYMOUS', 'sealed sends go over an unauthenticated connection');
}

/** A sealed envelope is not empty and within maxEnvelopeBytes (ENVELOPE_TOO_LARGE). */
export function requireSealedEnvelope(ctx: ServerContext, envelope: Uint8Array): void {
  if (envelope.length === 0 || envelope.length > ctx.limits.maxEnvelopeBytes)
    throw new ServerError('ENVELOPE_TOO_LARGE', `envelope of ${envelope.length} bytes is empty or exceeds ${ctx.limits.maxEnvelopeBytes}`);
}

/**
 * ACCESS_DENIED unless `username` registered delivery access and either accepts anyone or
 * `accessKey` matches its verifier (constant-time comparison).
 */
export async function requireAccessKey(ctx: ServerContext, username: string, accessKey: Uint8Array): Promise<void> {
  const access = await ctx.store.deliveryAccess(username);
  const admitted =
    access !== undefined && (access.mode === 'anyone' || checkAccessKey(ctx.suite, access.verifier, accessKey));
  if (!admitted) throw new ServerError('ACCESS_DENIED', 'sealed send refused: missing or wrong delivery access key');
}

/**
 * SEND_SEALED: only on an unauthenticated connection (SEALED_NOT_ANONYMOUS otherwise), within the
 * per-IP and per-recipient rates (RATE_LIMITED_SEALED), with the recipient's access key unless it
 * accepts anyone (ACCESS_DENIED: also when it registered no access at all), to the account's only
 * current device (DEVICE_MISMATCH otherwise, docs/SERVER.md §15.1); then stored with no sender,
 * idempotent per (recipient, clientMessageId).
 */
export async function handleSendSealed(ctx: ServerContext, session: Session, req: SendSealed): Promise<Outcome> {
  requireAnonymous(session);
  requireSealedEnvelope(ctx, req.envelope);
  const now = ctx.clock();
  if (!takeSealedTokens(ctx, session.remote ?? '', [req.to], now))
    throw new ServerError('RATE_LIMITED_SEALED', 'sealed send rate limit (per address or per recipient)');
  await requireAccessKey(ctx, req.to.username, req.accessKey);
  // An account with linked devices takes SEND_SEALED_MULTI (docs/SERVER.md §15.1).
  const current = await currentDevices(ctx, req.to.username);
  if (current.size > 0) requireDeviceSet(req.to.username, current, [{ deviceId: req.to.deviceId }]);
  const ack = await ctx.store.storeSealedMessage(
    {
      recipient: req.to,
      clientMessageId: req.clientMessageId,
      envelope: req.envelope,
      serverTimestamp: now,
      expiredBefore: deliveryCutoff(ctx, now),
    },
    mailboxQuota(ctx),
  );
  const response = { op: 'sendSealed' as const, ...ack };
  return ack.duplicate ? { response } : { response, deliver: [req.to] };
}
