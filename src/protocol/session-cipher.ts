/**
 * Store-backed send/receive on top of the pure session and session-record functions (PROTOCOL.md
 * §6.2): trust checks, prekey lookup and one-time consumption, and persistence of the per-address
 * session record (current + archived sessions) — in the order that keeps every step
 * transactional. Modelled on libsignal's SessionBuilder/SessionCipher (PQXDH rev. 3 §3.4:
 * "Bob deletes any one-time prekey private keys that were used" only after decryption succeeds).
 * Ordering rules: a session is stored BEFORE its envelope is returned for sending; on receive,
 * nothing is stored, pinned or consumed unless the message decrypted.
 * This is the byte boundary: `receiveMessage` decodes an envelope once and the layers below take
 * the decoded `Envelope`; `sendMessage` encodes the one they return (docs/ARCHITECTURE.md §4).
 * Side channels: orchestration only; branches on public envelope fields and store lookups.
 */
import { wipe } from '../util/ct.ts';
import { ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { verifyBundle, type PreKeyBundle } from './bundle.ts';
import { ENVELOPE_TYPE, PREKEY_ROLE, type PreKeyRole } from './constants.ts';
import { decodeEnvelope, encodeEnvelope } from './envelope.ts';
import { isOneTimeRole, type PreKeyRecord } from './prekeys.ts';
import { initiateSession, readPreKeyMessage, respondToPreKeyMessage } from './session.ts';
import {
  addSession,
  decryptWithRecord,
  encryptWithRecord,
  findSessionByHandshake,
  type SessionRecord,
} from './session-record.ts';
import {
  decodeSessionRecord,
  encodeSessionRecord,
  wipeSession,
  wipeSessionRecord,
} from './session-state-codec.ts';
import type { Address, IdentityStore, PreKeyStore, SessionStore, TrustStore } from './store.ts';
import type { Suite } from './suite.ts';
import type { Trace } from './trace.ts';
import { checkIdentity, expectTrustedIdentity, type TrustStatus } from './trust.ts';

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
 * Verifies `bundle` at time `now` (mandatory slots, freshness, both signature halves of every
 * prekey), runs PQXDH, checks the peer's identity against the trust store (TOFU; IDENTITY_CHANGED
 * on a mismatch) and only then stores the new session as the current one (an existing session is
 * archived). PQXDH rev. 3 §3.3; PROTOCOL.md §6.2.
 */
export function startSession(
  ctx: ProtocolContext,
  address: Address,
  bundle: PreKeyBundle,
  now: number,
): TrustStatus {
  const verified = verifyBundle(ctx.suite, bundle, now);
  const local = ctx.identity.getLocalIdentity();
  const old = loadRecord(ctx, address);
  try {
    const session = initiateSession(ctx.suite, local, verified, ctx.random, ctx.trace);
    try {
      // Pin (or detect a change) only once PQXDH succeeded: a failed handshake pins nothing.
      const status = checkIdentity(ctx.trust, address, verified.identity, now);
      ctx.sessions.storeSession(address, encodeSessionRecord(addSession(old, session).record));
      return status;
    } finally {
      wipeSession(session);
    }
  } finally {
    if (old) wipeSessionRecord(old); // every session of `old`, an evicted one included
  }
}

/**
 * Encrypts to `address` on the current session, PERSISTS the advanced record, and only then
 * returns the envelope. Throws UNTRUSTED_IDENTITY (nothing stored) if the current session's peer
 * is not the pinned identity (PROTOCOL.md §6.2, §8).
 */
export function sendMessage(
  ctx: ProtocolContext,
  address: Address,
  plaintext: Uint8Array,
): Uint8Array {
  const old = loadRecord(ctx, address);
  if (!old) throw new ProtocolError('BAD_STATE', `no session with ${address}`);
  try {
    expectTrustedIdentity(ctx.trust, address, old.current.remoteIdentity);
    const out = encryptWithRecord(ctx.suite, old, plaintext, ctx.random, ctx.trace);
    ctx.sessions.storeSession(address, encodeSessionRecord(out.record));
    wipeSession(out.record.current); // the archived sessions are shared with `old`
    return encodeEnvelope(out.envelope);
  } finally {
    wipeSessionRecord(old);
  }
}

/**
 * Decrypts an envelope from `address`. A MESSAGE is tried on the current session, then on the
 * archived ones; the session that decrypts it becomes current, unless its peer identity is not the
 * pinned one (UNTRUSTED_IDENTITY, nothing stored). A PREKEY envelope goes to the
 * session of its handshake if the record has one (so a replay can never re-install a session),
 * else starts a new session: prekeys are looked up (PREKEY_NOT_FOUND, PREKEY_REUSED), the message
 * is decrypted, the sender's identity checked (IDENTITY_CHANGED), and only then is the new session
 * stored as current (the old one archived) and the one-time prekeys consumed.
 */
export function receiveMessage(
  ctx: ProtocolContext,
  address: Address,
  envelopeBytes: Uint8Array,
  now: number,
): { plaintext: Uint8Array; newSession: boolean; promoted: boolean } {
  const envelope = decodeEnvelope(envelopeBytes);
  const old = loadRecord(ctx, address);
  try {
    const known =
      old !== undefined &&
      (envelope.type === ENVELOPE_TYPE.MESSAGE ||
        findSessionByHandshake(ctx.suite, old, envelope.handshake) >= 0);
    if (envelope.type === ENVELOPE_TYPE.MESSAGE || known) {
      if (!old) throw new ProtocolError('BAD_STATE', `no session with ${address}`);
      const out = decryptWithRecord(ctx.suite, old, envelope, ctx.random, ctx.trace);
      try {
        // The session that decrypted must belong to the pinned identity (PROTOCOL.md §6.2 step 3).
        expectTrustedIdentity(ctx.trust, address, out.record.current.remoteIdentity);
        ctx.sessions.storeSession(address, encodeSessionRecord(out.record));
      } catch (err) {
        wipe(out.plaintext);
        throw err;
      } finally {
        wipeSessionRecord(out.record);
      }
      return { plaintext: out.plaintext, newSession: false, promoted: out.promoted };
    }
    const preKeyMessage = readPreKeyMessage(envelope);
    const { header } = preKeyMessage;
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
    const { session, plaintext } = respondToPreKeyMessage(
      ctx.suite,
      local,
      preKeyMessage,
      keys,
      ctx.random,
      ctx.trace,
    );
    try {
      // The identity is now authenticated (DH1 and AD): safe to pin, or to report as changed.
      checkIdentity(ctx.trust, address, header.identity, now);
      const { record } = addSession(old, session);
      ctx.sessions.storeSession(address, encodeSessionRecord(record));
    } finally {
      wipeSession(session); // the other sessions of the new record are wiped with `old`
    }
    if (isOneTimeRole(kem.role)) ctx.prekeys.consumePreKey(kem.role, kem.id);
    if (opk) ctx.prekeys.consumePreKey(opk.role, opk.id);
    return { plaintext, newSession: true, promoted: false };
  } finally {
    if (old) wipeSessionRecord(old); // every session of `old`, evicted ones included
  }
}

function takePreKey(store: PreKeyStore, role: PreKeyRole, id: number): PreKeyRecord {
  const record = store.loadPreKey(role, id);
  if (record) return record;
  if (isOneTimeRole(role) && store.isConsumed(role, id))
    throw new ProtocolError('PREKEY_REUSED', `one-time prekey (role ${role}, id ${id}) was used`);
  throw new ProtocolError('PREKEY_NOT_FOUND', `no prekey with role ${role} and id ${id}`);
}

function loadRecord(ctx: ProtocolContext, address: Address): SessionRecord | undefined {
  const bytes = ctx.sessions.loadSession(address);
  return bytes ? decodeSessionRecord(bytes) : undefined;
}
