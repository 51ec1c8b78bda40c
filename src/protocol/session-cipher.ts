/**
 * Store-backed send/receive on top of the pure session functions (PROTOCOL.md §6.2): trust checks,
 * prekey lookup and one-time consumption, and session persistence — in the order that keeps every
 * step transactional. Modelled on libsignal's SessionBuilder/SessionCipher (PQXDH rev. 3 §3.4:
 * "Bob deletes any one-time prekey private keys that were used" only after decryption succeeds).
 * Ordering rules: a session is stored BEFORE its envelope is returned for sending; on receive,
 * nothing is stored, pinned or consumed unless the message decrypted.
 * Side channels: orchestration only; branches on public envelope fields and store lookups.
 */
import { bytesEqual } from '../util/bytes.ts';
import { ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { verifyBundle, type PreKeyBundle } from './bundle.ts';
import { ENVELOPE_TYPE, PREKEY_ROLE, type PreKeyRole } from './constants.ts';
import { decodeEnvelope } from './envelope.ts';
import { isOneTimeRole, type PreKeyRecord } from './prekeys.ts';
import {
  decryptMessage,
  encryptMessage,
  initiateSession,
  readPreKeyMessage,
  respondToPreKeyMessage,
  type Session,
} from './session.ts';
import { decodeSession, encodeSession, wipeSession } from './session-state.ts';
import type { Address, IdentityStore, PreKeyStore, SessionStore, TrustStore } from './store.ts';
import type { Suite } from './suite.ts';
import type { Trace } from './trace.ts';
import { checkIdentity, type TrustStatus } from './trust.ts';

/** Everything a device needs to run the protocol. */
export interface ProtocolContext {
  readonly suite: Suite;
  readonly identity: IdentityStore;
  readonly prekeys: PreKeyStore;
  readonly sessions: SessionStore;
  readonly trust: TrustStore;
  readonly random: RandomSource;
  readonly trace?: Trace;
}

/**
 * Verifies `bundle` (both signature halves of every prekey), checks the peer's identity against the
 * trust store (TOFU; IDENTITY_CHANGED on a mismatch), runs PQXDH and stores the new session.
 * PQXDH rev. 3 §3.3.
 */
export function startSession(
  ctx: ProtocolContext,
  address: Address,
  bundle: PreKeyBundle,
  now: number,
): TrustStatus {
  const verified = verifyBundle(ctx.suite, bundle);
  const status = checkIdentity(ctx.trust, address, verified.identity, now);
  const local = ctx.identity.getLocalIdentity();
  const session = initiateSession(ctx.suite, local, verified, ctx.random, ctx.trace);
  ctx.sessions.storeSession(address, encodeSession(session));
  wipeSession(session);
  return status;
}

/** Encrypts to `address`, PERSISTS the advanced session, and only then returns the envelope. */
export function sendMessage(
  ctx: ProtocolContext,
  address: Address,
  plaintext: Uint8Array,
): Uint8Array {
  const session = loadSession(ctx, address);
  const out = encryptMessage(ctx.suite, session, plaintext, ctx.random, ctx.trace);
  ctx.sessions.storeSession(address, encodeSession(out.session));
  wipeSession(session);
  wipeSession(out.session);
  return out.envelope;
}

/**
 * Decrypts an envelope from `address`. A PREKEY envelope either repeats the handshake of the
 * current session (decrypted on it) or starts a new session: prekeys are looked up
 * (PREKEY_NOT_FOUND, PREKEY_REUSED), the message is decrypted, the sender's identity checked
 * (IDENTITY_CHANGED), and only then is the session stored and the one-time prekeys consumed.
 */
export function receiveMessage(
  ctx: ProtocolContext,
  address: Address,
  envelopeBytes: Uint8Array,
  now: number,
): { plaintext: Uint8Array; newSession: boolean } {
  const envelope = decodeEnvelope(envelopeBytes);
  const stored = ctx.sessions.loadSession(address);
  const current = stored ? decodeSession(stored) : undefined;
  try {
    const repeat = current !== undefined && isSameHandshake(ctx, current, envelope.handshake);
    if (envelope.type === ENVELOPE_TYPE.MESSAGE || repeat) {
      if (!current) throw new ProtocolError('BAD_STATE', `no session with ${address}`);
      const out = decryptMessage(ctx.suite, current, envelope, ctx.random, ctx.trace);
      const { session, plaintext } = out;
      ctx.sessions.storeSession(address, encodeSession(session));
      wipeSession(session);
      return { plaintext, newSession: false };
    }
    const { header } = readPreKeyMessage(envelope);
    const local = ctx.identity.getLocalIdentity();
    const spk = takePreKey(ctx.prekeys, PREKEY_ROLE.SIGNED, header.signedPreKeyId);
    const kem = takePreKey(ctx.prekeys, header.kemPreKeyRole, header.kemPreKeyId);
    const opkId = header.oneTimePreKeyId;
    const opk =
      opkId === undefined ? undefined : takePreKey(ctx.prekeys, PREKEY_ROLE.ONE_TIME, opkId);
    const keys = {
      signedPreKey: spk.keyPair,
      kemPreKey: kem.keyPair,
      ...(opk ? { oneTimePreKey: opk.keyPair } : {}),
    };
    const out = respondToPreKeyMessage(ctx.suite, local, envelope, keys, ctx.random, ctx.trace);
    const { session, plaintext } = out;
    try {
      // The identity is now authenticated (DH1 and AD): safe to pin, or to report as changed.
      checkIdentity(ctx.trust, address, header.identity, now);
      ctx.sessions.storeSession(address, encodeSession(session));
    } finally {
      wipeSession(session);
    }
    if (isOneTimeRole(kem.role)) ctx.prekeys.consumePreKey(kem.role, kem.id);
    if (opk) ctx.prekeys.consumePreKey(opk.role, opk.id);
    return { plaintext, newSession: true };
  } finally {
    if (current) wipeSession(current);
  }
}

function isSameHandshake(ctx: ProtocolContext, current: Session, handshake?: Uint8Array): boolean {
  return handshake !== undefined && bytesEqual(ctx.suite.sha256(handshake), current.handshakeId);
}

function takePreKey(store: PreKeyStore, role: PreKeyRole, id: number): PreKeyRecord {
  const record = store.loadPreKey(role, id);
  if (record) return record;
  if (isOneTimeRole(role) && store.isConsumed(role, id))
    throw new ProtocolError('PREKEY_REUSED', `one-time prekey (role ${role}, id ${id}) was used`);
  throw new ProtocolError('PREKEY_NOT_FOUND', `no prekey with role ${role} and id ${id}`);
}

function loadSession(ctx: ProtocolContext, address: Address) {
  const bytes = ctx.sessions.loadSession(address);
  if (!bytes) throw new ProtocolError('BAD_STATE', `no session with ${address}`);
  return decodeSession(bytes);
}
