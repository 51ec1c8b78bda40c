/**
 * AEAD_CHACHA20_POLY1305. RFC 8439, "ChaCha20 and Poly1305 for IETF Protocols" (June 2018):
 * §2.6 (Poly1305 key generation), §2.8 (AEAD construction, pad16, 64-bit little-endian lengths).
 * Side channels: the tag is compared with ctEqual and checked before any plaintext is produced;
 * lengths are public. JS gives no constant-time guarantee. Secret temporaries (one-time key,
 * cipher state) are wiped, best effort.
 * Limit: plaintext ≤ 2³⁸ − 64 bytes (2³² − 1 blocks after block 0, RFC 8439 §2.8); AAD ≤ 2⁶⁴ − 1
 * is moot in JS.
 */
import { expectBytes, expectLength } from '../util/bytes.ts';
import { ctEqual, wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { chacha20BlockXor, chacha20InitState, chacha20XorInPlace, wordViewOf } from './chacha20.ts';
import { Poly1305 } from './poly1305.ts';

export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** RFC 8439 §2.8: P_MAX = 274,877,906,880 bytes = (2³² − 1) · 64 (block counter 1 … 2³² − 1). */
export const MAX_PLAINTEXT_LENGTH = 2 ** 38 - 64;

const EMPTY = new Uint8Array(0);

// Per-module scratch, so that a call allocates only its output. Calls are synchronous and never
// re-enter, and every secret in here is wiped before the call returns: the arrays are views
// of SCRATCH, which seal and open wipe once at the end (the MAC wipes its own state).
const SCRATCH = new Uint8Array(176);
const STATE = new Uint32Array(SCRATCH.buffer, 0, 16);
/** ChaCha20 block 0 as words: its first 32 bytes are the one-time key r‖s (RFC 8439 §2.6). */
const BLOCK0 = new Uint32Array(SCRATCH.buffer, 64, 16);
/** num_to_8_le_bytes(aad.length) ‖ num_to_8_le_bytes(ct.length) as four little-endian words. */
const LENGTHS = new Uint32Array(SCRATCH.buffer, 128, 4);
const TAG = new Uint8Array(SCRATCH.buffer, 144, TAG_LENGTH);
/** open: the received tag, copied next to the computed one for ctEqual. */
const RECEIVED_TAG = new Uint8Array(SCRATCH.buffer, 160, TAG_LENGTH);
const MAC = new Poly1305(new Uint8Array(32));

/**
 * Sets up STATE for (key, nonce) and the MAC with the one-time key: the first 32 bytes of the
 * ChaCha20 block with counter 0, after which STATE's counter is 1, where the cipher starts.
 * RFC 8439 §2.6 (Generating the Poly1305 Key Using ChaCha20) and §2.8.
 */
function initCipherAndMac(key: Uint8Array, nonce: Uint8Array): void {
  chacha20InitState(key, 0, nonce, STATE);
  BLOCK0.fill(0);
  chacha20BlockXor(STATE, BLOCK0, 0); //          otk ← chacha20_block(key, 0, nonce)[0..31]
  STATE[12] = 1;
  MAC.resetWords(BLOCK0); //                      r ← otk[0..15], s ← otk[16..31], as words
}

/**
 * tag = Poly1305(otk, aad ‖ pad16(aad) ‖ ct ‖ pad16(ct) ‖ num_to_8_le_bytes(aad.length) ‖
 * num_to_8_le_bytes(ct.length)) into out[off..off+15], for ct = ctBytes[0..ctLength).
 * `ctWords` is wordViewOf(ctBytes) or null. RFC 8439 §2.8 (AEAD Construction).
 */
function macInto(
  aad: Uint8Array,
  ctBytes: Uint8Array,
  ctWords: Uint32Array | null,
  ctLength: number,
  out: Uint8Array,
  off: number,
): void {
  MAC.updatePadded(aad, 0, aad.length);
  const whole = ctWords === null ? 0 : ctLength & ~15; // whole blocks read as words, in place
  if (ctWords !== null) MAC.updateWords(ctWords, 0, whole >>> 2);
  MAC.updatePadded(ctBytes, whole, ctLength);
  LENGTHS[0] = aad.length >>> 0;
  LENGTHS[1] = Math.floor(aad.length / 2 ** 32);
  LENGTHS[2] = ctLength >>> 0;
  LENGTHS[3] = Math.floor(ctLength / 2 ** 32);
  MAC.updateWords(LENGTHS, 0, 4);
  MAC.digestInto(out, off); //                    also wipes the MAC state
}

/**
 * The Poly1305 one-time key for (key, nonce). RFC 8439 §2.6 (poly1305_key_gen).
 */
export function poly1305KeyGen(key: Uint8Array, nonce: Uint8Array): Uint8Array {
  expectLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
  expectLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
  const state = chacha20InitState(key, 0, nonce);
  const otk = new Uint8Array(32);
  chacha20XorInPlace(state, otk);
  wipe(state);
  return otk;
}

/**
 * The argument checks shared by seal and open of both AEADs: key and nonce lengths (BAD_LENGTH),
 * byte arrays everywhere (BAD_TYPE). `data` is 'plaintext' or 'sealed'; messages name the AEAD.
 */
export function checkAeadArgs(
  name: string,
  nonceLength: number,
  key: unknown,
  nonce: unknown,
  data: unknown,
  dataWhat: 'plaintext' | 'sealed',
  aad: unknown,
): void {
  expectLength(key, KEY_LENGTH, `${name} key`);
  expectLength(nonce, nonceLength, `${name} nonce`);
  expectBytes(data, `${name} ${dataWhat}`);
  expectBytes(aad, `${name} aad`);
}

/**
 * Seal with an already-checked 32-byte key and 12-byte nonce: ciphertext ‖ tag, fresh.
 * RFC 8439 §2.8 (AEAD Construction). Shared with XChaCha20-Poly1305.
 */
export function sealChecked(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const n = plaintext.length;
  if (n > MAX_PLAINTEXT_LENGTH)
    throw new CryptoError(
      'BAD_LENGTH',
      'ChaCha20-Poly1305: plaintext longer than 2³⁸ − 64 bytes (RFC 8439 §2.8)',
    );
  const out = new Uint8Array(new ArrayBuffer(n + TAG_LENGTH)); // fresh: allocate before any
  out.set(plaintext); //                                           secret enters the scratch
  const words = wordViewOf(out); //               one word view for the cipher and the MAC
  initCipherAndMac(key, nonce);
  // ciphertext = chacha20_encrypt(key, 1, nonce, plaintext)
  chacha20XorInPlace(STATE, out, n, words);
  macInto(aad, out, words, n, out, n);
  wipe(SCRATCH); //                               STATE, BLOCK0
  return out;
}

/**
 * Open with an already-checked key and nonce: verifies the tag (ctEqual) before decrypting, so
 * no plaintext exists on failure. RFC 8439 §2.8. `name` and `cite` make the AUTH_FAILED message.
 */
export function openChecked(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
  name: string,
  cite: string,
): Uint8Array {
  if (sealed.length < TAG_LENGTH)
    throw new CryptoError('BAD_LENGTH', `${name}: sealed input shorter than the 16-byte tag`);
  const n = sealed.length - TAG_LENGTH;
  if (n > MAX_PLAINTEXT_LENGTH)
    throw new CryptoError('BAD_LENGTH', `${name}: ciphertext over 2³⁸ − 64 bytes (RFC 8439 §2.8)`);
  // A fresh copy of the ciphertext, word-aligned: MACed, then decrypted in place once verified.
  const out = new Uint8Array(new ArrayBuffer(n));
  out.set(sealed.subarray(0, n));
  const words = wordViewOf(out);
  initCipherAndMac(key, nonce);
  macInto(aad, out, words, n, TAG, 0);
  for (let i = 0; i < TAG_LENGTH; i++) RECEIVED_TAG[i] = sealed[n + i];
  const ok = ctEqual(TAG, RECEIVED_TAG);
  if (ok === 0) {
    // The comparison result is public (the caller learns it anyway); no plaintext was produced
    // (out still holds the ciphertext and is dropped).
    wipe(SCRATCH);
    throw new CryptoError('AUTH_FAILED', `${name}: tag mismatch (${cite})`);
  }
  chacha20XorInPlace(STATE, out, n, words); //    counter 1 onwards, as in seal
  wipe(SCRATCH); //                               STATE, BLOCK0, TAG
  return out;
}

/**
 * Encrypts and authenticates: returns ciphertext ‖ 16-byte tag (fresh). Key 32 bytes, nonce
 * 12 bytes (never reuse a nonce with a key). RFC 8439 §2.8 (AEAD Construction).
 */
export function seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkAeadArgs('ChaCha20-Poly1305', NONCE_LENGTH, key, nonce, plaintext, 'plaintext', aad);
  return sealChecked(key, nonce, plaintext, aad);
}

/**
 * Verifies and decrypts ciphertext ‖ tag; throws CryptoError AUTH_FAILED (releasing nothing) on
 * a bad tag. RFC 8439 §2.8 (AEAD Construction; decryption as described there).
 */
export function open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkAeadArgs('ChaCha20-Poly1305', NONCE_LENGTH, key, nonce, sealed, 'sealed', aad);
  return openChecked(key, nonce, sealed, aad, 'ChaCha20-Poly1305', 'RFC 8439 §2.8');
}

/** The shape of ChaCha20-Poly1305 and XChaCha20-Poly1305 (fits protocol/suite.ts AeadScheme). */
export interface Aead {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
}

/** AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8) as one object: seal, open, 32-byte key, 12-byte nonce. */
export const chacha20poly1305: Aead = Object.freeze({
  seal,
  open,
  keyLength: KEY_LENGTH,
  nonceLength: NONCE_LENGTH,
  tagLength: TAG_LENGTH,
});
