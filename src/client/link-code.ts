/**
 * The link code as text (docs/CLIENT.md §9): the 48-byte code of PROTOCOL.md §14.2 (rendezvous id
 * ‖ commitment) in RFC 4648 §6 base32 without padding — 77 characters, case-insensitive, so it
 * survives being read aloud or typed; spaces and dashes are ignored when it is read back.
 * Side channels: public data only.
 */
import { LINK_CODE_BYTES } from '../protocol/devices/constants.ts';
import { ClientError } from '../util/errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32 of `bytes`, unpadded. */
export function formatLinkCode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}

/** Reads a code printed by formatLinkCode; ClientError BAD_LINK_CODE unless it is 48 bytes exactly. */
export function parseLinkCode(text: string): Uint8Array {
  const clean = text.replace(/[\s-]/g, '').toUpperCase();
  const expected = Math.ceil((LINK_CODE_BYTES * 8) / 5);
  if (clean.length !== expected || ![...clean].every((c) => ALPHABET.includes(c)))
    throw new ClientError('BAD_LINK_CODE', `a link code is ${expected} characters of A–Z and 2–7`);
  const out = new Uint8Array(LINK_CODE_BYTES);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const c of clean) {
    acc = (acc << 5) | ALPHABET.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out[n++] = (acc >>> (bits - 8)) & 0xff;
      bits -= 8;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) throw new ClientError('BAD_LINK_CODE', 'link code: non-zero padding bits (mistyped last character?)');
  return out;
}
