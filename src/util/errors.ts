/**
 * Typed errors with stable codes (docs/ARCHITECTURE.md §3). Messages say what was wrong and cite the rule;
 * they never contain secret bytes.
 */

export type CryptoErrorCode =
  | 'BAD_TYPE' // argument is not a Uint8Array (or not the expected kind)
  | 'BAD_LENGTH' // wrong key, nonce, tag, seed or ciphertext length
  | 'BAD_PARAMS' // parameter out of range (e.g. HKDF L > 255·HashLen)
  | 'NON_CANONICAL' // encoding not in canonical form (FIPS 203 §7.2 modulus check, RFC 8032 S ≥ L, …)
  | 'AUTH_FAILED' // AEAD tag mismatch or hash check failure
  | 'LOW_ORDER'; // all-zero X25519 shared secret (RFC 7748 §6.1)

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

export type DecodeErrorCode =
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'BAD_VERSION'
  | 'BAD_TAG'
  | 'BAD_VALUE'
  | 'BAD_PADDING'; // sealed-sender padding not ISO/IEC 7816-4 to the Padmé length (PROTOCOL.md §13.5)

/** Malformed wire or stored bytes. */
export class DecodeError extends Error {
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

export type ProtocolErrorCode =
  | 'BAD_SIGNATURE'
  | 'UNTRUSTED_IDENTITY'
  | 'IDENTITY_CHANGED'
  | 'PREKEY_NOT_FOUND'
  | 'PREKEY_REUSED'
  | 'DUPLICATE_MESSAGE'
  | 'TOO_MANY_SKIPPED'
  | 'DECRYPT_FAILED'
  | 'UNKNOWN_VERSION'
  | 'BAD_STATE'
  | 'STALE_PREKEY' // a bundle's signed prekey is older than rotation + grace, or from the future
  | 'CERTIFICATE_EXPIRED' // a sender certificate's expiry is not after `now` (PROTOCOL.md §13.2)
  | 'WRONG_SERVER' // a sender certificate names a server other than the pinned one
  | 'SENDER_MISMATCH'; // a sealed message's certificate identity is not its session's peer identity

/** A protocol rule was violated (bad bundle, replay, skipped-key bound, …). */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
