/**
 * A device address on the delivery service: account (username) and device id. Encoded as
 * bytes(UTF-8 username, ≤ MAX_USERNAME_BYTES) ‖ u32 deviceId (docs/SERVER.md §2.1).
 * The decoder checks the length and the UTF-8; the alphabet rule is the server's (BAD_USERNAME).
 * Side channels: public data only.
 */
import { utf8 } from '../util/bytes.ts';
import { DecodeError } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { MAX_USERNAME_BYTES } from './frame-constants.ts';

export interface Address {
  readonly username: string;
  readonly deviceId: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Writes bytes(username) ‖ u32 deviceId. */
export function writeAddress(w: Writer, a: Address): Writer {
  const name = utf8(a.username);
  if (name.length > MAX_USERNAME_BYTES)
    throw new DecodeError('BAD_VALUE', `address: username longer than ${MAX_USERNAME_BYTES} bytes`);
  return w.bytes(name).u32(a.deviceId);
}

/** Reads what `writeAddress` wrote. */
export function readAddress(r: Reader): Address {
  const username = readUtf8(r, MAX_USERNAME_BYTES, 'username');
  return { username, deviceId: r.u32() };
}

/** Reads bytes(text) of at most `max` bytes that must be valid UTF-8. */
export function readUtf8(r: Reader, max: number, what: string): string {
  const raw = r.bytes(max);
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw new DecodeError('BAD_VALUE', `${what}: not valid UTF-8`);
  }
}

/** "username.deviceId", the form logs and errors print. */
export function formatAddress(a: Address): string {
  return `${a.username}.${a.deviceId}`;
}
