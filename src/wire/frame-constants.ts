/**
 * Constants of the delivery-service frame format (docs/SERVER.md §2): the version byte, frame
 * kinds, request ops, push types, and the size limits every decoder enforces (with their units).
 * Side channels: constants only.
 */

/** Version byte that opens every frame. */
export const FRAME_VERSION = 1;

/** Largest binary WebSocket message either side may send, in bytes (1 MiB). */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Largest envelope a SEND may carry by default, in bytes (256 KiB; the server's --max-envelope-bytes). */
export const MAX_ENVELOPE_BYTES = 256 * 1024;

/** Longest username, in bytes of UTF-8 (the allowed alphabet is ASCII: docs/SERVER.md §4). */
export const MAX_USERNAME_BYTES = 32;

/** Client message id: 16 random bytes chosen by the sender (the idempotency key of a SEND). */
export const CLIENT_MESSAGE_ID_BYTES = 16;

/** Most recipient devices of one GROUP_SEND (docs/SERVER.md §14) → TOO_MANY_RECIPIENTS. */
export const MAX_GROUP_RECIPIENTS = 1024;

/** Fresh random bytes of each authentication challenge. */
export const CHALLENGE_BYTES = 32;

/** Most prekeys in one UPLOAD_PREKEYS (one-time, signed and last-resort together). */
export const MAX_PREKEYS_PER_UPLOAD = 200;

/** Bound on a length-prefixed public blob (identity, prekey, signature), in bytes. */
export const MAX_BLOB_BYTES = 8192;

/** Longest error message text in an ERROR frame, in bytes of UTF-8. */
export const MAX_ERROR_MESSAGE_BYTES = 1024;

/** Frame kinds (byte 1 of every frame). */
export const FRAME_KIND = Object.freeze({ REQUEST: 0x01, RESPONSE: 0x02, ERROR: 0x03, PUSH: 0x04 });

/** Request ops; a RESPONSE repeats the op of the request it answers. */
export const OP = Object.freeze({
  REGISTER: 0x01,
  AUTHENTICATE: 0x02,
  UPLOAD_PREKEYS: 0x03,
  PREKEY_COUNT: 0x04,
  FETCH_BUNDLE: 0x05,
  SEND: 0x06,
  ACK: 0x07,
  // Sealed sender (docs/SERVER.md §12).
  GET_SENDER_CERTIFICATE: 0x08,
  UPLOAD_SEALED_KEY: 0x09,
  FETCH_SEALED_KEY: 0x0a,
  SET_DELIVERY_ACCESS: 0x0b,
  SEND_SEALED: 0x0c,
  // Multiple devices per account (docs/SERVER.md §13).
  UPLOAD_DEVICE_LIST: 0x10,
  FETCH_DEVICE_LIST: 0x11,
  PROVISION_OPEN: 0x12,
  PROVISION_TAKE: 0x13,
  PROVISION_ANSWER: 0x14,
  PROVISION_POLL: 0x15,
  SEND_MULTI: 0x16,
  /** Groups (docs/SERVER.md §14): one upload fanned out to a list of device mailboxes. */
  GROUP_SEND: 0x18,
  /** Sealed fan-out (docs/SERVER.md §15): SEND_MULTI and GROUP_SEND on an unauthenticated connection. */
  SEND_SEALED_MULTI: 0x19,
  GROUP_SEND_SEALED: 0x1a,
});

/** Server push types. */
export const PUSH = Object.freeze({
  CHALLENGE: 0x01,
  MESSAGE: 0x02,
  QUEUE_EMPTY: 0x03,
  PREKEYS_LOW: 0x04,
  /** A sealed message: as MESSAGE without a sender (docs/SERVER.md §12). */
  SEALED_MESSAGE: 0x05,
});

/** A delivery access key and its verifier: 32 bytes each (docs/SERVER.md §12). */
export const ACCESS_KEY_BYTES = 32;

/** Delivery access modes a recipient registers (docs/SERVER.md §12). */
export const ACCESS_MODE = Object.freeze({ CONTACTS: 0x01, ANYONE: 0x02 });
