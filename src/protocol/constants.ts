/**
 * pqmsg v1 protocol constants: version bytes, key-type tags, domain-separation labels, KDF info
 * strings and sizes. docs/PROTOCOL.md §2–§4 is the normative text for every value here.
 * Key-type tags follow PQXDH rev. 3 §2.3 ("EncodeEC"/"EncodeKEM" with pairwise-disjoint ranges):
 * every public key on the wire or under a signature is preceded by its one-byte type tag.
 * Side channels: constants only.
 */
import { utf8 } from '../util/bytes.ts';

/** Protocol version carried (and authenticated) in every encoding of pqmsg v1. */
export const PROTOCOL_VERSION = 1;

/** One-byte key-type tags (PROTOCOL.md §2.1); disjoint, so no key parses as another type. */
export const KEY_TYPE = Object.freeze({
  X25519: 0x05,
  ML_KEM_768: 0x0b,
  ED25519: 0x21,
  ML_DSA_65: 0x22,
});

/** Key, seed and output sizes of the v1 suite (RFC 7748, RFC 8032, FIPS 203, FIPS 204). */
export const SIZES = Object.freeze({
  X25519_PUBLIC: 32,
  ED25519_PUBLIC: 32,
  ED25519_SIGNATURE: 64,
  ML_DSA_65_PUBLIC: 1952,
  ML_DSA_65_SIGNATURE: 3309,
  ML_KEM_768_PUBLIC: 1184,
  ML_KEM_768_CIPHERTEXT: 1088,
  SEED: 32,
  KEM_SEED: 64,
  HASH: 32,
});

/** Hybrid signature = Ed25519 signature ‖ ML-DSA-65 signature (PROTOCOL.md §2.3). */
export const HYBRID_SIGNATURE_BYTES = SIZES.ED25519_SIGNATURE + SIZES.ML_DSA_65_SIGNATURE;

/** Roles of a signed prekey; the role byte is under the signature (PROTOCOL.md §3.1). */
export const PREKEY_ROLE = Object.freeze({
  /** SPK: signed X25519 prekey, rotated. */
  SIGNED: 0x01,
  /** PQSPK: signed last-resort ML-KEM-768 prekey. */
  KEM_LAST_RESORT: 0x02,
  /** PQOPK: signed one-time ML-KEM-768 prekey. */
  KEM_ONE_TIME: 0x03,
  /** OPK: signed one-time X25519 prekey. */
  ONE_TIME: 0x04,
});
export type PreKeyRole = (typeof PREKEY_ROLE)[keyof typeof PREKEY_ROLE];

/** Domain-separation label prefixed to every hybrid-signed message (PROTOCOL.md §2.3). */
export const SIGNATURE_LABEL_PREKEY = 'pqmsg v1 prekey';

/** PQXDH rev. 3 §2.2 `info`: names the protocol, curve, hash and KEM. */
export const PQXDH_INFO = utf8('pqmsg_v1_X25519_SHA-256_ML-KEM-768');

/** PQXDH rev. 3 §2.2: F = 32 bytes of 0xFF for X25519, prefixed to the KDF input. */
export const PQXDH_F = new Uint8Array(32).fill(0xff);

/** PQXDH KDF output: SK ‖ shared_hka ‖ shared_nhkb, 32 bytes each (PROTOCOL.md §4.3). */
export const PQXDH_OUTPUT_BYTES = 96;


/** Envelope message types (PROTOCOL.md §6.1). */
export const ENVELOPE_TYPE = Object.freeze({
  PREKEY: 0x01,
  MESSAGE: 0x02,
});

/** Safety numbers: format version and hash iterations (PROTOCOL.md §7; Signal uses 5200). */
export const SAFETY_NUMBER_VERSION = 0;
export const SAFETY_NUMBER_ITERATIONS = 5200;
export const SAFETY_NUMBER_SCANNABLE_VERSION = 1;

/**
 * Serialization format version of one session's state (PROTOCOL.md §6.3). Version 2 (pqmsg v2)
 * embeds ratchet state version 2, which carries the post-quantum ratchet.
 */
export const SESSION_STATE_VERSION = 2;

/**
 * Serialization format version of a session record: the current session plus its archived
 * predecessors, what a SessionStore holds per address (PROTOCOL.md §6.3). Version 1 was the bare
 * single-session state of earlier builds, version 2 the pqmsg v1 record (no PQ ratchet); both are
 * rejected (DecodeError BAD_VERSION), not migrated: a v1 session's peer speaks v1 ratchet
 * messages, which v2 refuses, so the only way forward is a new session (PROTOCOL.md §6.3).
 */
export const SESSION_RECORD_VERSION = 3;

/**
 * Archived (previous) sessions kept per peer address besides the current one, as libsignal's
 * ARCHIVED_STATES_MAX_LENGTH (40) but smaller: each costs up to 7 header trial decryptions on an
 * unrecognized MESSAGE (PROTOCOL.md §6.2, §12). The oldest is evicted and wiped.
 */
export const MAX_ARCHIVED_SESSIONS = 5;

/** Signed-prekey rotation defaults (PROTOCOL.md §3.3): rotate weekly, keep old keys 30 days. */
export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_ROTATION_POLICY = Object.freeze({
  rotateAfterMs: 7 * DAY_MS,
  graceMs: 30 * DAY_MS,
});

/**
 * Oldest createdAt a bundle's SPK or PQSPK may have when Alice uses it (PROTOCOL.md §3.3): an
 * honest owner rotates after `rotateAfterMs` and deletes the old key `graceMs` after its successor,
 * so an older key is a replayed one (or its owner stopped rotating) and is refused.
 */
export const MAX_SIGNED_PREKEY_AGE_MS =
  DEFAULT_ROTATION_POLICY.rotateAfterMs + DEFAULT_ROTATION_POLICY.graceMs;

/** How far in the future a prekey's createdAt may lie (clock skew between devices). */
export const MAX_CLOCK_SKEW_MS = DAY_MS;
