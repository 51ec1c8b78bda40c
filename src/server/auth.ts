/**
 * Accounts and device authentication (docs/SERVER.md §3, §4): REGISTER claims a username for a
 * device's hybrid identity, first come first served; AUTHENTICATE proves a connection belongs to a
 * registered device. Both answer the connection's fresh challenge with a hybrid signature
 * (PROTOCOL.md §2.3) over a domain-separated transcript (wire/auth-transcript.ts) that names the
 * server, so a signature is good for one connection to one server only: a replayed one fails.
 * The server stores no secret that could log in: only the public identity.
 */
import { decodeIdentityPublic } from '../protocol/identity.ts';
import { hybridVerify } from '../protocol/hybrid-signature.ts';
import { MAX_DEVICE_ID } from '../protocol/devices/constants.ts';
import { listsDevice } from '../protocol/devices/device-list.ts';
import { ServerError } from '../util/errors.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import {
  SIGNATURE_LABEL_AUTH,
  SIGNATURE_LABEL_REGISTER,
  authTranscript,
  registerTranscript,
} from '../wire/auth-transcript.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext, Session } from './context.ts';
import { storedList } from './device-lists.ts';

/** Usernames: 2–32 characters of a–z, 0–9, '.', '_', '-', starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;

/** The primary device registers the account; others register once its signed list names them (§13.1). */
export const PRIMARY_DEVICE_ID = 1;

type Register = Extract<Request, { op: 'register' }>;
type Authenticate = Extract<Request, { op: 'authenticate' }>;

/** REGISTER: checks the address and identity, verifies the registration signature, binds them. */
export async function handleRegister(ctx: ServerContext, session: Session, req: Register): Promise<Outcome> {
  expectUnauthenticated(session);
  expectAddress(req.address);
  let identity;
  try {
    identity = decodeIdentityPublic(req.identity);
  } catch (e) {
    throw new ServerError('BAD_IDENTITY', `register: identity does not decode (${(e as Error).message})`);
  }
  const transcript = registerTranscript(ctx.identity.hash, session.challenge, req.address, req.identity);
  if (!hybridVerify(ctx.suite, identity, SIGNATURE_LABEL_REGISTER, transcript, req.signature))
    throw new ServerError('AUTH_FAILED', 'register: signature does not verify');
  if (req.address.deviceId === PRIMARY_DEVICE_ID) await ctx.store.registerDevice(req.address, req.identity, ctx.clock());
  else await registerLinkedDevice(ctx, req.address, req.identity);
  return { response: { op: 'register' }, authenticated: req.address };
}

/** AUTHENTICATE: verifies the signature over the auth transcript with the registered identity. */
export async function handleAuthenticate(
  ctx: ServerContext,
  session: Session,
  req: Authenticate,
): Promise<Outcome> {
  expectUnauthenticated(session);
  const stored = await ctx.store.deviceIdentity(req.address);
  if (stored === undefined && req.address.deviceId !== PRIMARY_DEVICE_ID && (await ctx.store.deviceList(req.address.username)))
    throw new ServerError('DEVICE_REMOVED', `authenticate: ${formatAddress(req.address)} is not on its account's device list`);
  if (stored === undefined)
    throw new ServerError('AUTH_FAILED', `authenticate: no device ${formatAddress(req.address)}`);
  const transcript = authTranscript(ctx.identity.hash, session.challenge, req.address);
  if (!hybridVerify(ctx.suite, decodeIdentityPublic(stored), SIGNATURE_LABEL_AUTH, transcript, req.signature))
    throw new ServerError('AUTH_FAILED', 'authenticate: signature does not verify');
  const queued = await ctx.store.countPending(req.address, ctx.clock() - ctx.limits.messageTtlMs);
  return { response: { op: 'authenticate', queued }, authenticated: req.address };
}

/** Throws BAD_USERNAME or UNSUPPORTED_DEVICE for an address no device may claim. */
export function expectAddress(a: Address): void {
  if (!USERNAME_PATTERN.test(a.username))
    throw new ServerError('BAD_USERNAME', 'username must be 2–32 of a–z 0-9 . _ - (starting with a letter or digit)');
  if (a.deviceId < PRIMARY_DEVICE_ID || a.deviceId > MAX_DEVICE_ID)
    throw new ServerError('UNSUPPORTED_DEVICE', `device id ${a.deviceId}: must be 1–${MAX_DEVICE_ID}`);
}

/**
 * REGISTER of a linked device (id > 1, docs/SERVER.md §13.1): allowed only when the account's
 * current signed device list names this id with SHA-256 of this identity.
 */
async function registerLinkedDevice(ctx: ServerContext, address: Address, identity: Uint8Array): Promise<void> {
  const list = await storedList(ctx, address.username);
  if (list === undefined || !listsDevice(list.list, address.deviceId, ctx.suite.sha256(identity)))
    throw new ServerError('DEVICE_NOT_LISTED', `register: the device list of ${address.username} does not name this identity as device ${address.deviceId}`);
  await ctx.store.registerLinkedDevice(address, identity, ctx.clock());
}

/** Marks the challenge used; a second REGISTER/AUTHENTICATE on one connection is refused. */
function expectUnauthenticated(session: Session): void {
  if (session.challengeUsed || session.device !== undefined)
    throw new ServerError('ALREADY_AUTHENTICATED', 'this connection already answered its challenge');
  session.challengeUsed = true;
}
