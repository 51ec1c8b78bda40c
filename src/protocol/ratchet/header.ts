/**
 * The ratchet header (DHs public key, PN, N) and its encryption under a header key.
 * Double Ratchet rev. 1 §3.1 (HEADER), §4.2 (HENCRYPT, HDECRYPT). Byte layout in
 * docs/PROTOCOL.md: header = DHs (32) ‖ PN (u32 BE) ‖ N (u32 BE) ‖ PQ message (59); the encrypted
 * header is version (1) ‖ nonce (24) ‖ XChaCha20-Poly1305(HK, nonce, header, aad = version) (115).
 * Header keys are reused for a whole chain, so nonces are 192-bit random values (pitfall §4.10).
 * Side channels: the AEAD checks the tag in constant time; which trial key succeeds is public.
 */
import { Reader, Writer } from '../../wire/codec.ts';
import type { RandomSource } from '../../util/random.ts';
import type { Suite } from '../suite.ts';
import { wipe } from '../../util/ct.ts';
import { CryptoError } from '../../util/errors.ts';
import { expectLength } from '../../util/bytes.ts';
import { PQ_MESSAGE_BYTES } from '../pq-ratchet/constants.ts';
import {
  DH_PUBLIC_BYTES,
  ENC_HEADER_BYTES,
  HEADER_NONCE_BYTES,
  RATCHET_MESSAGE_VERSION,
} from './constants.ts';

/**
 * A plaintext header: the sender's ratchet public key, previous chain length, message number,
 * and the post-quantum ratchet's message for this message (pq-ratchet/chunks.ts, 59 bytes).
 */
export interface Header {
  /** DHs: the sender's current ratchet public key. */
  dh: Uint8Array;
  /** PN: number of messages in the sender's previous sending chain. */
  pn: number;
  /** N: this message's number in the current sending chain. */
  n: number;
  /** The encoded PQ message (pqmsg v2; docs/PROTOCOL.md §5.12.4). */
  pq: Uint8Array;
}

const VERSION_AAD = Uint8Array.of(RATCHET_MESSAGE_VERSION);

/**
 * Encodes a header as DHs ‖ PN ‖ N (u32 big-endian) ‖ PQ message.
 * Double Ratchet rev. 1 §3.1 (HEADER); the PQ message is pqmsg v2's (DR rev. 4 §6 carries SPQR's).
 */
export function encodeHeader(header: Header): Uint8Array {
  expectLength(header.pq, PQ_MESSAGE_BYTES, 'ratchet header: PQ message');
  return new Writer().fixed(header.dh).u32(header.pn).u32(header.n).fixed(header.pq).finish();
}

/** Parses the 99-byte plaintext header. Double Ratchet rev. 1 §3.1 (HEADER). */
export function decodeHeader(bytes: Uint8Array): Header {
  const r = new Reader(bytes, 'ratchet header');
  const header = { dh: r.fixed(DH_PUBLIC_BYTES), pn: r.u32(), n: r.u32(), pq: r.fixed(PQ_MESSAGE_BYTES) };
  r.end();
  return header;
}

/**
 * Encrypts a header under a header key with a fresh random 24-byte nonce.
 * Double Ratchet rev. 1 §4.2 (HENCRYPT). Returns version ‖ nonce ‖ sealed header (140 bytes).
 */
export function hEncrypt(
  suite: Suite,
  hk: Uint8Array,
  header: Header,
  random: RandomSource,
): Uint8Array {
  const nonce = random(HEADER_NONCE_BYTES);
  if (nonce.length !== HEADER_NONCE_BYTES)
    throw new CryptoError('BAD_LENGTH', 'HENCRYPT: RandomSource returned a wrong-length nonce');
  const plain = encodeHeader(header);
  const sealed = suite.xaead.seal(hk, nonce, plain, VERSION_AAD);
  wipe(plain); //                                 the header is hidden from the server
  const out = new Uint8Array(ENC_HEADER_BYTES);
  out[0] = RATCHET_MESSAGE_VERSION;
  out.set(nonce, 1);
  out.set(sealed, 1 + HEADER_NONCE_BYTES);
  return out;
}

/**
 * Decrypts a 140-byte encrypted header under hk, or returns null if hk is not its key.
 * Double Ratchet rev. 1 §4.2 (HDECRYPT: "returns None" on failure). The null is a trial-decryption
 * outcome, never a plaintext: the caller tries the next key or rejects the message.
 */
export function hDecrypt(suite: Suite, hk: Uint8Array, encHeader: Uint8Array): Header | null {
  // Length and version are public; parseMessage has already checked both.
  if (encHeader.length !== ENC_HEADER_BYTES || encHeader[0] !== RATCHET_MESSAGE_VERSION)
    return null;
  const nonce = encHeader.subarray(1, 1 + HEADER_NONCE_BYTES);
  const sealed = encHeader.subarray(1 + HEADER_NONCE_BYTES);
  let plain: Uint8Array;
  try {
    plain = suite.xaead.open(hk, nonce, sealed, VERSION_AAD);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'AUTH_FAILED') return null;
    throw e;
  }
  return decodeHeader(plain);
}
