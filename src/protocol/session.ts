/**
 * Session orchestration, pure: bundle → PQXDH → Double Ratchet, and the envelope around each
 * ratchet message (PROTOCOL.md §6.2). Every function takes a session and returns a NEW session plus
 * its output; nothing is mutated, so the caller persists the new session and only then sends
 * (STYLE §1.5 rule 5) or, on any error, keeps the old one (Double Ratchet rev. 1 §3.5).
 * The initiator repeats its handshake header on every message until the first reply decrypts
 * (Double Ratchet rev. 1 §5.1 / X3DH §3.3 practice), so a lost first message does not kill the
 * session; the responder recognizes repeats by the header's hash (`handshakeId`).
 * Side channels: secrets flow only through pqxdh.ts and the ratchet; branches here are on
 * public envelope fields.
 */
import { bytesEqual } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import type { VerifiedBundle } from './bundle.ts';
import { ENVELOPE_TYPE } from './constants.ts';
import { asEnvelope, encodeEnvelope, envelopeAD, type Envelope } from './envelope.ts';
import type { IdentityKeyPair, IdentityPublic } from './identity.ts';
import {
  decodeHandshakeHeader,
  encodeHandshakeHeader,
  pqxdhInitiate,
  pqxdhRespond,
  type HandshakeHeader,
  type HandshakeSecrets,
  type ResponderKeys,
} from './pqxdh.ts';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  ratchetInitAlice,
  ratchetInitBob,
  type RatchetState,
} from './ratchet/double-ratchet.ts';
import { wipeRatchetState } from './ratchet/state-codec.ts';
import type { Suite } from './suite.ts';
import type { Trace } from './trace.ts';

/** One pairwise session (serialize with session-state-codec.ts). */
export interface Session {
  readonly role: 'initiator' | 'responder';
  /** The peer's complete identity, as authenticated by the handshake. */
  readonly remoteIdentity: IdentityPublic;
  /** Session AD from PQXDH (binds both identities). */
  readonly ad: Uint8Array;
  /** SHA-256 of the encoded handshake header that created this session. */
  readonly handshakeId: Uint8Array;
  /** Initiator only: the encoded handshake header, repeated until the first reply; else null. */
  readonly pendingHandshake: Uint8Array | null;
  readonly ratchet: RatchetState;
}

function fromHandshake(
  suite: Suite,
  role: Session['role'],
  remoteIdentity: IdentityPublic,
  headerBytes: Uint8Array,
  secrets: HandshakeSecrets,
  ratchet: RatchetState,
): Session {
  const handshakeId = suite.sha256(headerBytes);
  wipe(secrets.sk, secrets.sharedHka, secrets.sharedNhkb);
  const pendingHandshake = role === 'initiator' ? headerBytes : null;
  return { role, remoteIdentity, ad: secrets.ad, handshakeId, pendingHandshake, ratchet };
}

/**
 * Starts a session as initiator from a verified bundle: PQXDH, then RatchetInitAliceHE with
 * SPK_B as Bob's first ratchet key. PQXDH rev. 3 §3.3; Double Ratchet rev. 1 §4.4 and §7.2.
 */
export function initiateSession(
  suite: Suite,
  local: IdentityKeyPair,
  bundle: VerifiedBundle,
  random: RandomSource,
  trace?: Trace,
): Session {
  const { header, secrets } = pqxdhInitiate(suite, local, bundle, random, trace);
  const { sk, sharedHka, sharedNhkb } = secrets;
  const spk = bundle.signedPreKey.publicKey; // Bob's first ratchet key
  const ratchet = ratchetInitAlice(suite, sk, spk, sharedHka, sharedNhkb, random, trace);
  const headerBytes = encodeHandshakeHeader(header);
  return fromHandshake(suite, 'initiator', bundle.identity, headerBytes, secrets, ratchet);
}

/**
 * Encrypts one message and wraps it in an envelope (PREKEY while the handshake is pending).
 * Double Ratchet rev. 1 §4.5 (RatchetEncryptHE). Persist the returned session, then send.
 */
export function encryptMessage(
  suite: Suite,
  session: Session,
  plaintext: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): { session: Session; envelope: Uint8Array } {
  const shell: Omit<Envelope, 'message'> = session.pendingHandshake
    ? { type: ENVELOPE_TYPE.PREKEY, handshake: session.pendingHandshake }
    : { type: ENVELOPE_TYPE.MESSAGE };
  const ad = envelopeAD(suite, session.ad, { ...shell, message: new Uint8Array(0) });
  const { state, message } = ratchetEncrypt(suite, session.ratchet, plaintext, ad, random, trace);
  const envelope = encodeEnvelope({ ...shell, message });
  return { session: { ...session, ratchet: state }, envelope };
}

/**
 * Decrypts an envelope on an existing session: a MESSAGE, or a repeat of the PREKEY envelope
 * that created this session. Transactional: on any error the input session is untouched.
 * Double Ratchet rev. 1 §4.5 (RatchetDecryptHE). Throws ProtocolError('BAD_STATE') for a PREKEY
 * envelope of another handshake (use `respondToPreKeyMessage`).
 */
export function decryptMessage(
  suite: Suite,
  session: Session,
  envelope: Uint8Array | Envelope,
  random: RandomSource,
  trace?: Trace,
): { session: Session; plaintext: Uint8Array } {
  const e = asEnvelope(envelope);
  if (e.handshake && !bytesEqual(suite.sha256(e.handshake), session.handshakeId))
    throw new ProtocolError('BAD_STATE', 'prekey message of another handshake than this session');
  const ad = envelopeAD(suite, session.ad, e);
  const { state, plaintext } = ratchetDecrypt(suite, session.ratchet, e.message, ad, random, trace);
  // A reply proves the session exists on both sides: stop repeating the handshake header.
  const pendingHandshake = session.role === 'initiator' ? null : session.pendingHandshake;
  return { session: { ...session, ratchet: state, pendingHandshake }, plaintext };
}

/** Parses the handshake header of a PREKEY envelope (to look up the prekeys it names). */
export function readPreKeyMessage(envelope: Uint8Array | Envelope): {
  envelope: Envelope;
  header: HandshakeHeader;
} {
  const e = asEnvelope(envelope);
  if (!e.handshake) throw new ProtocolError('BAD_STATE', 'not a prekey message');
  return { envelope: e, header: decodeHandshakeHeader(e.handshake) };
}

/**
 * Responds to a PREKEY envelope: PQXDH respond, RatchetInitBobHE with SPK_B, then decrypts the
 * carried message. Nothing is returned unless decryption succeeds, so the caller consumes the
 * one-time prekeys only after success. PQXDH rev. 3 §3.4; Double Ratchet rev. 1 §4.4–§4.5.
 */
export function respondToPreKeyMessage(
  suite: Suite,
  local: IdentityKeyPair,
  envelope: Uint8Array | Envelope,
  keys: ResponderKeys,
  random: RandomSource,
  trace?: Trace,
): { session: Session; plaintext: Uint8Array; header: HandshakeHeader } {
  const { envelope: e, header } = readPreKeyMessage(envelope);
  const secrets = pqxdhRespond(suite, local, header, keys, trace);
  const { sk, sharedHka, sharedNhkb } = secrets;
  const ratchet = ratchetInitBob(suite, sk, keys.signedPreKey, sharedHka, sharedNhkb, trace);
  const fresh = fromHandshake(suite, 'responder', header.identity, e.handshake!, secrets, ratchet);
  try {
    const { session, plaintext } = decryptMessage(suite, fresh, e, random, trace);
    return { session, plaintext, header };
  } finally {
    wipeRatchetState(fresh.ratchet); // the returned session holds its own copy
  }
}
