/**
 * AEAD_CHACHA20_POLY1305. RFC 8439, "ChaCha20 and Poly1305 for IETF Protocols" (June 2018):
 * §2.6 (Poly1305 key generation), §2.8 (AEAD construction, pad16, 64-bit little-endian lengths).
 * Side channels: the tag is compared with ctEqual and checked before any plaintext is produced;
 * lengths are public. JS gives no constant-time guarantee. Secret temporaries (one-time key,
 * cipher state) are wiped, best effort.
 * Limit: plaintext ≤ 2³⁸ − 64 bytes (2³² − 1 blocks after block 0, RFC 8439 §2.8); AAD ≤ 2⁶⁴ − 1
 * is moot in JS.
 */
import { expectBytes, expectLength, store64LE } from '../util/bytes.ts';
import { ctEqual, wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { chacha20InitState, chacha20XorInPlace, chacha20BlockXor } from './chacha20.ts';
import { Poly1305 } from './poly1305.ts';

export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** RFC 8439 §2.8: P_MAX = 274,877,906,880 bytes = (2³² − 1) · 64 (block counter 1 … 2³² − 1). */
export const MAX_PLAINTEXT_LENGTH = 2 ** 38 - 64;

const EMPTY = new Uint8Array(0);
const ZEROS16 = new Uint8Array(16);

/**
 * The Poly1305 one-time key: the first 32 bytes of the ChaCha20 block with counter 0.
 * RFC 8439 §2.6 (Generating the Poly1305 Key Using ChaCha20). `state[12]` must be 0.
 */
function poly1305KeyGenFromState(state: Uint32Array): Uint8Array {
  const block = new Uint32Array(16);
  chacha20BlockXor(state, block, 0);
  const otk = new Uint8Array(32);
  for (let i = 0; i < 32; i++) otk[i] = block[i >>> 2] >>> ((i & 3) << 3);
  wipe(block);
  return otk;
}

/**
 * The Poly1305 one-time key for (key, nonce). RFC 8439 §2.6 (poly1305_key_gen).
 */
export function poly1305KeyGen(key: Uint8Array, nonce: Uint8Array): Uint8Array {
  expectLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
  expectLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  const state = chacha20InitState(key, 0, nonce);
  const otk = poly1305KeyGenFromState(state);
  wipe(state);
  return otk;
}

/**
 * tag = Poly1305(otk, aad ‖ pad16(aad) ‖ ct ‖ pad16(ct) ‖ len(aad) ‖ len(ct)) into out[off..].
 * RFC 8439 §2.8 (AEAD Construction); lengths are 64-bit little-endian.
 */
function tagInto(otk: Uint8Array, aad: Uint8Array, ct: Uint8Array, out: Uint8Array, off: number): void {
  const mac = new Poly1305(otk);
  mac.update(aad).update(ZEROS16.subarray(0, (16 - (aad.length & 15)) & 15));
  mac.update(ct).update(ZEROS16.subarray(0, (16 - (ct.length & 15)) & 15));
  const lengths = new Uint8Array(16);
  store64LE(lengths, 0, aad.length);
  store64LE(lengths, 8, ct.length);
  mac.update(lengths).digestInto(out, off);
}

/**
 * Seal with an already-checked 32-byte key and 12-byte nonce: ciphertext ‖ tag, fresh.
 * RFC 8439 §2.8 (AEAD Construction). Shared with XChaCha20-Poly1305.
 */
export function sealChecked(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const n = plaintext.length;
  if (n > MAX_PLAINTEXT_LENGTH)
    throw new CryptoError('BAD_LENGTH', 'ChaCha20-Poly1305: plaintext longer than 2³⁸ − 64 bytes (RFC 8439 §2.8)');
  const state = chacha20InitState(key, 0, nonce);
  const otk = poly1305KeyGenFromState(state); // §2.6: block counter 0
  const out = new Uint8Array(n + TAG_LENGTH);
  const ct = out.subarray(0, n);
  ct.set(plaintext);
  state[12] = 1; //                              ciphertext = chacha20_encrypt(key, 1, nonce, plaintext)
  chacha20XorInPlace(state, ct);
  tagInto(otk, aad, ct, out, n);
  wipe(state, otk);
  return out;
}

/**
 * Open with an already-checked key and nonce; verifies the tag (constant-time) before decrypting.
 * RFC 8439 §2.8 (AEAD Construction). `name` prefixes the AUTH_FAILED message.
 */
export function openChecked(
  key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, name: string, cite: string,
): Uint8Array {
  if (sealed.length < TAG_LENGTH)
    throw new CryptoError('BAD_LENGTH', `${name}: sealed input shorter than the 16-byte tag`);
  const n = sealed.length - TAG_LENGTH;
  const ct = sealed.subarray(0, n);
  const state = chacha20InitState(key, 0, nonce);
  const otk = poly1305KeyGenFromState(state);
  const expected = new Uint8Array(TAG_LENGTH);
  tagInto(otk, aad, ct, expected, 0);
  const ok = ctEqual(expected, sealed.subarray(n));
  wipe(otk, expected);
  if (ok === 0) {
    // The comparison result is public (the caller learns it anyway); no plaintext was produced.
    wipe(state);
    throw new CryptoError('AUTH_FAILED', `${name}: tag mismatch (${cite})`);
  }
  const out = ct.slice(); // fresh, aligned
  state[12] = 1;
  chacha20XorInPlace(state, out);
  wipe(state);
  return out;
}

/**
 * Encrypts and authenticates: returns ciphertext ‖ 16-byte tag (fresh). Key 32 bytes, nonce
 * 12 bytes (never reuse a nonce with a key). RFC 8439 §2.8 (AEAD Construction).
 */
export function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  expectLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
  expectLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  expectBytes(plaintext, 'ChaCha20-Poly1305 plaintext');
  expectBytes(aad, 'ChaCha20-Poly1305 aad');
  return sealChecked(key, nonce, plaintext, aad);
}

/**
 * Verifies and decrypts ciphertext ‖ tag; throws CryptoError AUTH_FAILED (releasing nothing) on
 * a bad tag. RFC 8439 §2.8 (AEAD Construction; decryption as described there).
 */
export function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  expectLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
  expectLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  expectBytes(sealed, 'ChaCha20-Poly1305 sealed');
  expectBytes(aad, 'ChaCha20-Poly1305 aad');
  return openChecked(key, nonce, sealed, aad, 'ChaCha20-Poly1305', 'RFC 8439 §2.8');
}

/** The shape shared by ChaCha20-Poly1305 and XChaCha20-Poly1305 (matches protocol/suite.ts AeadScheme). */
export interface Aead {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
}

/** AEAD_CHACHA20_POLY1305 as one object (RFC 8439 §2.8): seal / open, 32-byte key, 12-byte nonce. */
export const chacha20poly1305: Aead = Object.freeze({
  seal,
  open,
  keyLength: KEY_LENGTH,
  nonceLength: NONCE_LENGTH,
  tagLength: TAG_LENGTH,
});
