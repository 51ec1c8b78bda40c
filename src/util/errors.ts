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
  | 'LOW_ORDER' // all-zero X25519 shared secret (RFC 7748 §6.1)
  | 'ENTROPY_FAILURE'; // the random source failed a health test (SP 800-90B §4.4); fail closed

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
  | 'SENDER_MISMATCH' // a sealed message's certificate identity is not its session's peer identity
  | 'DEVICE_LIST_ROLLBACK' // a device list whose version does not supersede the known one (PROTOCOL.md §14.1)
  | 'LINK_COMMITMENT' // a link request that does not match the link code's commitment (PROTOCOL.md §14.2)
  | 'NOT_A_MEMBER' // a group change, distribution or message from a device whose user is not a member (PROTOCOL.md §15)
  | 'STALE_GROUP_VERSION' // a group change whose base version is not the current one, or that lost the tie-break
  | 'BAD_GROUP_CHANGE' // a group change whose roster does not follow from its kind, target and base
  | 'STALE_DISTRIBUTION' // a sender-key distribution older than (or equal to) the sender's newest chain
  | 'UNKNOWN_SENDER_CHAIN'; // a group message on a sender chain this device never received

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

export type ServerErrorCode =
  | 'MALFORMED_FRAME' // undecodable frame or request body (fatal: the connection closes)
  | 'FRAME_TOO_LARGE' // frame over MAX_FRAME_BYTES (fatal)
  | 'UNSUPPORTED_VERSION' // frame version byte not 1 (fatal)
  | 'UNKNOWN_FRAME' // unknown kind, op or push type, a text frame, or a kind the peer may not send (fatal)
  | 'NOT_AUTHENTICATED' // request that needs an authenticated device before REGISTER/AUTHENTICATE
  | 'ALREADY_AUTHENTICATED' // second REGISTER/AUTHENTICATE on one connection (fatal)
  | 'AUTH_FAILED' // hybrid signature over the transcript does not verify, or unknown device (fatal)
  | 'USERNAME_TAKEN' // username registered to another identity
  | 'BAD_USERNAME' // username outside the allowed alphabet or length
  | 'UNSUPPORTED_DEVICE' // device id other than 1 (one device per account for now)
  | 'BAD_IDENTITY' // identity or prekey encoding does not decode
  | 'BAD_PREKEY_SIGNATURE' // a prekey in an upload fails verification: the whole upload is refused
  | 'BAD_PREKEY_BATCH' // an upload with too many keys or two keys of a single-key role
  | 'PREKEY_STOCK_FULL' // the upload would exceed the one-time prekey stock limit
  | 'UNKNOWN_ADDRESS' // no such username/device
  | 'BUNDLE_UNAVAILABLE' // the device has not published its signed and last-resort prekeys
  | 'ENVELOPE_TOO_LARGE' // envelope over MAX_ENVELOPE_BYTES, or empty
  | 'MAILBOX_FULL_COUNT' // the recipient's mailbox holds its message-count quota
  | 'MAILBOX_FULL_BYTES' // the recipient's mailbox holds its byte quota
  | 'UNKNOWN_MESSAGE' // ACK of a guid that is not in this device's mailbox
  | 'RATE_LIMITED_SEND' // the connection's send token bucket is empty
  | 'RATE_LIMITED_BUNDLE' // the connection's bundle-fetch token bucket is empty
  | 'RATE_LIMITED_REQUEST' // the connection's overall request token bucket is empty
  | 'DEVICE_REMOVED' // the device is not on its account's signed device list (removed): fatal on AUTHENTICATE
  | 'DEVICE_NOT_LISTED' // REGISTER of a device id the account's device list does not name with this identity
  | 'DEVICE_MISMATCH' // a SEND_MULTI whose devices are not the current ones: the message lists missing, extra, stale
  | 'BAD_DEVICE_LIST' // an uploaded device list that does not decode, verify, or supersede the stored one
  | 'NOT_PRIMARY' // a device-list upload or provisioning take/answer from a device other than 1
  | 'UNKNOWN_RENDEZVOUS' // no live provisioning slot with that id (expired, taken, or never opened)
  | 'PROVISIONING_FULL' // too many link requests pending on the relay
  | 'TOO_MANY_RECIPIENTS' // a GROUP_SEND with more than MAX_GROUP_RECIPIENTS devices (docs/SERVER.md §14)
  | 'BAD_RECIPIENT_LIST' // a GROUP_SEND with no recipient, a repeated one, or the sender itself
  | 'SHUTTING_DOWN' // the server is stopping (fatal)
  | 'INTERNAL' // a bug or a storage failure; nothing was stored
  | 'ACCESS_DENIED' // SEND_SEALED without the recipient's delivery access key (docs/SERVER.md §12)
  | 'RATE_LIMITED_SEALED' // sealed sends from this IP address or to this recipient over the limit
  | 'NO_SEALED_KEY' // the recipient device has not published a sealed-sender key
  | 'BAD_SEALED_KEY' // an uploaded sealed-sender key does not decode or verify
  | 'SEALED_NOT_ANONYMOUS'; // SEND_SEALED on an authenticated connection (it must be anonymous)

/** A delivery-service refusal (docs/SERVER.md §6): carried to the client as an ERROR frame. */
export class ServerError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

export type ClientErrorCode =
  | 'NOT_INITIALIZED' // no store in the directory (run `pqmsg init`)
  | 'ALREADY_INITIALIZED' // `init` on a directory that already holds a store
  | 'WRONG_PASSPHRASE' // the store's key-check value did not open under the derived key
  | 'STORE_CORRUPT' // a stored row failed authentication or decoding (tampered, swapped)
  | 'BAD_NAME' // an account or contact name outside the server's username rule
  | 'NOT_REGISTERED' // the device has not uploaded its keys to a server yet
  | 'UNKNOWN_CONTACT' // no contact of that name
  | 'IDENTITY_CHANGE_PENDING' // the contact's identity changed; `contacts trust NAME` first
  | 'SERVER_IDENTITY_CHANGED' // the server presented another identity than the one pinned at register
  | 'NOT_PRIMARY' // a device-list change (`devices add|remove`) on a device other than the primary (1)
  | 'BAD_LINK_CODE' // a link code that is not 77 base32 characters (48 bytes)
  | 'LINK_TIMEOUT' // the primary did not answer the link request in time
  | 'UNKNOWN_GROUP' // no group of that name on this device (docs/CLIENT.md §10)
  | 'GROUP_EXISTS' // `groups create` with the name of a group this device is already in
  | 'NOT_GROUP_MEMBER' // a group operation on a group this device's user has left or was removed from
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
