/**
 * Sealed-sender constants: version and type bytes, signature labels, the KDF info string, sizes
 * and lifetimes. docs/PROTOCOL.md §13 is the normative text for every value here.
 * Model: Signal's sealed sender (signal.org/blog/sealed-sender, 2018; libsignal
 * `rust/protocol/src/sealed_sender.rs`), with a hybrid X25519 + ML-KEM-768 outer layer.
 * Side channels: constants only.
 */
import { utf8 } from '../../util/bytes.ts';
import { DAY_MS, HYBRID_SIGNATURE_BYTES, SIZES } from '../constants.ts';

/** Version byte of the sender certificate, the sealed-sender key and the sealed content. */
export const SEALED_SENDER_VERSION = 1;

/**
 * Envelope type of a sealed envelope: byte 1 after the version, in the same type space as the
 * pairwise envelope's PREKEY (0x01) and MESSAGE (0x02) (PROTOCOL.md §6.1), so `version ‖ type`
 * tells a receiver which decoder to use.
 */
export const ENVELOPE_TYPE_SEALED = 0x03;

/** Content types inside a sealed envelope; v1 carries only a pairwise envelope (§6.1). */
export const SEALED_CONTENT_TYPE = Object.freeze({ ENVELOPE: 0x01 });

/** Hybrid-signature label of a sender certificate (the server signs it, PROTOCOL.md §2.3). */
export const SIGNATURE_LABEL_SENDER_CERTIFICATE = 'pqmsg v1 sender certificate';

/** Hybrid-signature label of a device's sealed-sender KEM key (the device identity signs it). */
export const SIGNATURE_LABEL_SEALED_KEY = 'pqmsg v1 sealed sender key';

/** HKDF info prefix of the sealed-sender key schedule; the transcript hash TH follows it. */
export const SEALED_SENDER_INFO = utf8('pqmsg_v1_sealed_sender_X25519_ML-KEM-768_SHA-256');

/** How long a certificate the server issues stays valid: 24 hours, as the issue asks. */
export const SENDER_CERTIFICATE_LIFETIME_MS = DAY_MS;

/** Longest username in a certificate, in UTF-8 bytes (the delivery service's limit). */
export const MAX_CERTIFICATE_USERNAME_BYTES = 32;

/** Upper bound on the inner envelope of a sealed message (the pairwise envelope's own bound). */
export const MAX_SEALED_INNER_BYTES = 64 << 20;

/** Byte sizes of the fixed parts (PROTOCOL.md §13.2–§13.4). */
export const SEALED_SIZES = Object.freeze({
  /** version ‖ type ‖ u32 keyId ‖ 0x05 ‖ E ‖ CT */
  HEADER: 2 + 4 + 1 + SIZES.X25519_PUBLIC + SIZES.ML_KEM_768_CIPHERTEXT,
  /** ChaCha20-Poly1305 tag (RFC 8439 §2.8). */
  TAG: 16,
  /** Certificate minus username: version, u32 len, u32 device, H(ID), u64, H(server), sig. */
  CERTIFICATE_FIXED: 1 + 4 + 4 + SIZES.HASH + 8 + SIZES.HASH + HYBRID_SIGNATURE_BYTES,
});
