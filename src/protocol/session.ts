/**
 * Session orchestration, pure: bundle → PQXDH → Double Ratchet, and the envelope around each
 * ratchet message (PROTOCOL.md §6.2). Every function takes a session and returns a NEW session plus
 * its output; nothing is mutated, so the caller persists the new session and only then sends
 * (docs/ARCHITECTURE.md §2) or, on any error, keeps the old one (Double Ratchet rev. 1 §3.5).
 * Envelopes in and out are decoded values (envelope.ts); bytes are the caller's business.
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
import { envelopeAD, type Envelope, type EnvelopeShell } from './envelope.ts';
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
 * Double Ratchet rev. 1 §4.5 (RatchetEncryptHE). Persist the returned session, then encode
 * (`encodeEnvelope`) and send.
 */
export function encryptMessage(
  suite: Suite,
  session: Session,
  plaintext: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): { session: Session; envelope: Envelope } {
  const shell: EnvelopeShell = session.pendingHandshake
    ? { type: ENVELOPE_TYPE.PREKEY, handshake: session.pendingHandshake }
    : { type: ENVELOPE_TYPE.MESSAGE };
  const ad = envelopeAD(suite, session.ad, shell);
  const { state, message } = ratchetEncrypt(suite, session.ratchet, plaintext, ad, random, trace);
  return { session: { ...session, ratchet: state }, envelope: { ...shell, message } };
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
  envelope: Envelope,
  random: RandomSource,
  trace?: Trace,
): { session: Session; plaintext: Uint8Array } {
  const { handshake, message } = envelope;
  if (handshake && !bytesEqual(suite.sha256(handshake), session.handshakeId))
    throw new ProtocolError('BAD_STATE', 'prekey message of another handshake than this session');
  const ad = envelopeAD(suite, session.ad, envelope);
  const { state, plaintext } = ratchetDecrypt(suite, session.ratchet, message, ad, random, trace);
  // A reply proves the session exists on both sides: stop repeating the handshake header.
  const pendingHandshake = session.role === 'initiator' ? null : session.pendingHandshake;
  return { session: { ...session, ratchet: state, pendingHandshake }, plaintext };
}

/** A PREKEY envelope with its handshake header decoded (PROTOCOL.md §4.5, §6.1). */
export interface PreKeyMessage {
  readonly envelope: Envelope & { readonly type: typeof ENVELOPE_TYPE.PREKEY };
  readonly header: HandshakeHeader;
}

/**
 * Decodes the handshake header of a PREKEY envelope, once: the caller looks up the prekeys it
 * names, then hands the same value to `respondToPreKeyMessage`. PQXDH rev. 3 §3.4.
 */
export function readPreKeyMessage(envelope: Envelope): PreKeyMessage {
  if (envelope.type !== ENVELOPE_TYPE.PREKEY)
    throw new ProtocolError('BAD_STATE', 'not a prekey message');
  return { envelope, header: decodeHandshakeHeader(envelope.handshake) };
}

/**
 * Responds to a PREKEY message: PQXDH respond, RatchetInitBobHE with SPK_B, then decrypts the
 * carried message. Nothing is returned unless decryption succeeds, so the caller consumes the
 * one-time prekeys only after success. PQXDH rev. 3 §3.4; Double Ratchet rev. 1 §4.4–§4.5.
 */
export function respondToPreKeyMessage(
  suite: Suite,
  local: IdentityKeyPair,
  preKeyMessage: PreKeyMessage,
  keys: ResponderKeys,
  random: RandomSource,
  trace?: Trace,
): { session: Session; plaintext: Uint8Array } {
  const { envelope, header } = preKeyMessage;
  const secrets = pqxdhRespond(suite, local, header, keys, trace);
  const { sk, sharedHka, sharedNhkb } = secrets;
  const ratchet = ratchetInitBob(suite, sk, keys.signedPreKey, sharedHka, sharedNhkb, trace);
  const { identity } = header;
  const fresh = fromHandshake(suite, 'responder', identity, envelope.handshake, secrets, ratchet);
  try {
    return decryptMessage(suite, fresh, envelope, random, trace);
  } finally {
    wipeRatchetState(fresh.ratchet); // the returned session holds its own copy
  }
}
