/**
 * The sealed group header (docs/PROTOCOL.md §15.4): in which group, by which device, on which
 * chain and at which iteration a group message was sent — encrypted under its chain's header key
 * HK (§15.2) with XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) and a fresh random 24-byte
 * nonce, so that the server sees neither the sender nor the group and no value that repeats per
 * chain. A receiver finds the chain by trial, as the Double Ratchet's HDECRYPT (DR rev. 1 §4.2):
 * openGroupHeader returns null under a wrong key and the caller tries the next one.
 *   header = groupId (16) ‖ u32 chainId ‖ u32 iteration ‖ u8 len ‖ sender (len) ‖ 0^(64 − len)
 *            (89 bytes: fixed, so its length says nothing of the sender's address)
 *   sealed = XChaCha20-Poly1305(HK, nonce, header, AD = 0x02 ‖ 0x10)               (105 bytes)
 * Side channels: HK reaches only the AEAD; the decoder branches on the opened header, which only
 * a holder of HK can have made.
 */
import { expectLength, utf8 } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { CryptoError, DecodeError } from '../../util/errors.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import type { Suite } from '../suite.ts';
import {
  GROUP_FORMAT_VERSION,
  GROUP_HEADER_NONCE_BYTES,
  GROUP_ID_BYTES,
  GROUP_MESSAGE_TYPE,
  HEADER_KEY_BYTES,
  MAX_MEMBER_NAME_BYTES,
  SEALED_GROUP_HEADER_BYTES,
} from './constants.ts';
import { decodeUtf8 } from './names.ts';

/** What the sealed header says: the group, the sending device's address, the chain and iteration. */
export interface GroupHeader {
  readonly groupId: Uint8Array;
  /** The sending device's address `user.deviceId`. */
  readonly sender: string;
  readonly chainId: number;
  readonly iteration: number;
}

/** The outer bytes of a group message, also the sealed header's associated data: 0x02 ‖ 0x10. */
export const GROUP_MESSAGE_PREFIX = Uint8Array.of(GROUP_FORMAT_VERSION, GROUP_MESSAGE_TYPE);

/** header = groupId ‖ u32 chainId ‖ u32 iteration ‖ u8 len ‖ sender ‖ zeros to 64 (89 bytes). */
export function encodeGroupHeader(h: GroupHeader): Uint8Array {
  expectLength(h.groupId, GROUP_ID_BYTES, 'group id');
  const name = utf8(h.sender);
  if (name.length > MAX_MEMBER_NAME_BYTES) throw new DecodeError('BAD_VALUE', 'group header: sender address too long');
  const w = new Writer().fixed(h.groupId).u32(h.chainId).u32(h.iteration).u8(name.length).fixed(name);
  return w.fixed(new Uint8Array(MAX_MEMBER_NAME_BYTES - name.length)).finish();
}

/** Decodes a header strictly: length ≤ 64, zero padding, UTF-8 address (DecodeError BAD_VALUE). */
export function decodeGroupHeader(bytes: Uint8Array): GroupHeader {
  const r = new Reader(bytes, 'group header');
  const groupId = r.fixed(GROUP_ID_BYTES);
  const chainId = r.u32();
  const iteration = r.u32();
  const length = r.u8();
  if (length > MAX_MEMBER_NAME_BYTES) throw new DecodeError('BAD_VALUE', `group header: sender length ${length}`);
  const sender = decodeUtf8(r.fixed(length), 'group header sender');
  const padding = r.fixed(MAX_MEMBER_NAME_BYTES - length);
  r.end();
  if (padding.some((b) => b !== 0)) throw new DecodeError('BAD_VALUE', 'group header: non-zero padding');
  return { groupId, sender, chainId, iteration };
}

/** Seals `header` under the chain's header key with the message's 24-byte nonce (105 bytes). */
export function sealGroupHeader(suite: Suite, headerKey: Uint8Array, nonce: Uint8Array, header: GroupHeader): Uint8Array {
  expectLength(headerKey, HEADER_KEY_BYTES, 'group header key');
  expectLength(nonce, GROUP_HEADER_NONCE_BYTES, 'group header nonce');
  const plain = encodeGroupHeader(header);
  const sealed = suite.xaead.seal(headerKey, nonce, plain, GROUP_MESSAGE_PREFIX);
  wipe(plain);
  return sealed;
}

/**
 * One trial: the header sealed under `headerKey`, or null if that is not its key (the AEAD tag
 * fails). A header that opens but does not decode is the sender's forgery: DecodeError.
 */
export function openGroupHeader(
  suite: Suite,
  headerKey: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
): GroupHeader | null {
  expectLength(sealed, SEALED_GROUP_HEADER_BYTES, 'sealed group header');
  let plain: Uint8Array;
  try {
    plain = suite.xaead.open(headerKey, nonce, sealed, GROUP_MESSAGE_PREFIX);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'AUTH_FAILED') return null;
    throw e;
  }
  try {
    return decodeGroupHeader(plain);
  } finally {
    wipe(plain);
  }
}
