/**
 * Strict UTF-8 of the names in group encodings (docs/PROTOCOL.md §15.4–§15.8): member users,
 * device addresses and group names are UTF-8 bytes; a decoder refuses any other byte string.
 * Side channels: names are public.
 */
import { DecodeError } from '../../util/errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 of a decoded name (DecodeError BAD_VALUE otherwise). */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new DecodeError('BAD_VALUE', `${what}: not valid UTF-8`);
  }
}
