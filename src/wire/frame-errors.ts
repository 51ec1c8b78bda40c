/**
 * Error codes of the delivery-service frames (docs/SERVER.md §6): each ServerErrorCode has a
 * stable u16 on the wire, and a fatal code always closes the connection after its ERROR frame.
 * Side channels: public data only.
 */
import { DecodeError, type ServerErrorCode } from '../util/errors.ts';

/** u16 wire value of each code; grouped by area (frame 1–15, auth 16–31, directory 32–47, …). */
// prettier-ignore
export const SERVER_ERROR_WIRE: Readonly<Record<ServerErrorCode, number>> = Object.freeze({
  MALFORMED_FRAME: 1, FRAME_TOO_LARGE: 2, UNSUPPORTED_VERSION: 3, UNKNOWN_FRAME: 4,
  NOT_AUTHENTICATED: 16, ALREADY_AUTHENTICATED: 17, AUTH_FAILED: 18, USERNAME_TAKEN: 19,
  BAD_USERNAME: 20, UNSUPPORTED_DEVICE: 21, BAD_IDENTITY: 22,
  BAD_PREKEY_SIGNATURE: 32, BAD_PREKEY_BATCH: 33, PREKEY_STOCK_FULL: 34, UNKNOWN_ADDRESS: 35,
  BUNDLE_UNAVAILABLE: 36,
  ENVELOPE_TOO_LARGE: 48, MAILBOX_FULL_COUNT: 49, MAILBOX_FULL_BYTES: 50, UNKNOWN_MESSAGE: 51,
  RATE_LIMITED_SEND: 64, RATE_LIMITED_BUNDLE: 65, RATE_LIMITED_REQUEST: 66,
  SHUTTING_DOWN: 80, INTERNAL: 81,
  ACCESS_DENIED: 96, RATE_LIMITED_SEALED: 97, NO_SEALED_KEY: 98, BAD_SEALED_KEY: 99,
  SEALED_NOT_ANONYMOUS: 100,
  DEVICE_REMOVED: 112, DEVICE_NOT_LISTED: 113, DEVICE_MISMATCH: 114, BAD_DEVICE_LIST: 115,
  NOT_PRIMARY: 116, UNKNOWN_RENDEZVOUS: 117, PROVISIONING_FULL: 118,
  TOO_MANY_RECIPIENTS: 128, BAD_RECIPIENT_LIST: 129,
});

/** Codes after which the server closes the connection (the frame stream or the auth state is unusable). */
export const FATAL_SERVER_ERRORS: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>([
  'MALFORMED_FRAME',
  'FRAME_TOO_LARGE',
  'UNSUPPORTED_VERSION',
  'UNKNOWN_FRAME',
  'ALREADY_AUTHENTICATED',
  'AUTH_FAILED',
  'DEVICE_REMOVED',
  'SHUTTING_DOWN',
]);

const BY_WIRE = new Map<number, ServerErrorCode>(
  Object.entries(SERVER_ERROR_WIRE).map(([code, v]) => [v, code as ServerErrorCode]),
);

/** The code a u16 names; DecodeError('BAD_TAG') for an unassigned value. */
export function serverErrorFromWire(v: number): ServerErrorCode {
  const code = BY_WIRE.get(v);
  if (code === undefined) throw new DecodeError('BAD_TAG', `error frame: unknown code ${v}`);
  return code;
}
