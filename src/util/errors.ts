/**
 * Typed errors with stable codes (STYLE §1.6). Messages say what was wrong and cite the rule;
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

export type DecodeErrorCode = 'TRUNCATED' | 'TRAILING_BYTES' | 'BAD_VERSION' | 'BAD_TAG' | 'BAD_VALUE';

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
  | 'STALE_PREKEY'; // a bundle's signed prekey is older than rotation + grace, or from the future

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

export type ClientErrorCode =
  | 'NOT_INITIALIZED' // no store in the directory (run `pqmsg init`)
  | 'ALREADY_INITIALIZED' // `init` on a directory that already holds a store
  | 'WRONG_PASSPHRASE' // the store's key-check value did not open under the derived key
  | 'STORE_CORRUPT' // a stored row failed authentication or decoding (tampered, swapped)
  | 'BAD_NAME' // an account or contact name outside a-z 0-9 _ - (1–32 characters)
  | 'NOT_REGISTERED' // the device has not uploaded its keys to a server yet
  | 'UNKNOWN_CONTACT' // no contact of that name
  | 'IDENTITY_CHANGE_PENDING' // the contact's identity changed; `contacts trust NAME` first
  | 'SERVER_IDENTITY_CHANGED' // the server presented another identity than the one pinned at register
  | 'NETWORK'; // the server could not be reached, the connection dropped or timed out

/** A client-level failure: store, contacts, trust decisions, or the connection to the server. */
export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}
