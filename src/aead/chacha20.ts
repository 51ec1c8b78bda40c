/**
 * ChaCha20 stream cipher and HChaCha20.
 * RFC 8439, "ChaCha20 and Poly1305 for IETF Protocols" (June 2018): §2.1 quarter round, §2.2 on
 * the state, §2.3 block function, §2.4 encryption. HChaCha20: draft-irtf-cfrg-xchacha-03 §2.2.
 * Side channels: ARX only (add, rotate, xor on 32-bit words); no secret-dependent branch, index or
 * loop bound. Lengths and the block counter are public. JS gives no constant-time guarantee.
 * The block function, written out over local variables, is chacha20-block.ts; the plain loop
 * form is test/reference/chacha20.ts.
 */
import { expectBytes, expectLength, load32LE } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { chacha20BlockXor } from './chacha20-block.ts';

export { chacha20BlockXor };

/** "expand 32-byte k" as four little-endian words (RFC 8439 §2.3). */
export const SIGMA = Uint32Array.of(0x61707865, 0x3320646e, 0x79622d32, 0x6b206574);

/** Uint32Array views are native-endian: the word-wise fast path is for little-endian hosts. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A block counter is 32 bits (RFC 8439 §2.3), so one call covers at most 2³² blocks. */
const COUNTER_LIMIT = 2 ** 32;

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/**
 * The ChaCha quarter round on four words of the state, in place.
 * RFC 8439 §2.2 (Quarter Round on the ChaCha State); the operations are those of §2.1.
 */
export function quarterRound(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 16); // a += b; d ^= a; d <<<= 16;
  x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 12); // c += d; b ^= c; b <<<= 12;
  x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 8); //  a += b; d ^= a; d <<<= 8;
  x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 7); //  c += d; b ^= c; b <<<= 7;
}

/**
 * Builds the 16-word initial state (constants, key, block counter, nonce) in `state`.
 * RFC 8439 §2.3 (The ChaCha20 Block Function). Key 32 bytes, nonce 12 bytes (checked by callers).
 */
export function chacha20InitState(
  key: Uint8Array, counter: number, nonce: Uint8Array, state: Uint32Array = new Uint32Array(16),
): Uint32Array {
  state.set(SIGMA); //                                         cccccccc × 4
  for (let i = 0; i < 8; i++) state[4 + i] = load32LE(key, 4 * i); // kkkkkkkk × 8
  state[12] = counter; //                                     bbbbbbbb
  for (let i = 0; i < 3; i++) state[13 + i] = load32LE(nonce, 4 * i); // nnnnnnnn × 3
  return state;
}

/** Key stream of a final partial block; wiped after each use (calls are synchronous). */
const TAIL = new Uint32Array(16);

/**
 * buf[0..len) ← buf[0..len) ⊕ keystream from block `state[12]` on, in place; advances state[12].
 * RFC 8439 §2.4 (The ChaCha20 Encryption Algorithm).
 * `words`, when given, is a Uint32Array view of buf from its first byte (the caller checked
 * wordViewOf); otherwise one is made here when buf allows it.
 * Throws BAD_LENGTH if the 32-bit block counter would wrap within this call.
 */
export function chacha20XorInPlace(
  state: Uint32Array,
  buf: Uint8Array,
  len: number = buf.length,
  words: Uint32Array | null = len >= 64 ? wordViewOf(buf) : null,
): void {
  const blocks = Math.ceil(len / 64); // len is public
  if (state[12] + blocks > COUNTER_LIMIT)
    throw new CryptoError('BAD_LENGTH', 'ChaCha20: block counter would wrap (RFC 8439 §2.4)');
  let pos = 0;
  if (words !== null) {
    // Whole blocks, XORed word by word into the little-endian view.
    for (; pos + 64 <= len; pos += 64) {
      chacha20BlockXor(state, words, pos >>> 2);
      state[12]++;
    }
  }
  if (pos === len) return;
  for (; pos < len; pos += 64) {
    TAIL.fill(0);
    chacha20BlockXor(state, TAIL, 0);
    state[12]++;
    const n = Math.min(64, len - pos);
    // serialize(keystream) little-endian: byte i of the block is byte (i mod 4) of word ⌊i/4⌋
    for (let i = 0; i < n; i++) buf[pos + i] ^= TAIL[i >>> 2] >>> ((i & 3) << 3);
  }
  wipe(TAIL);
}

/**
 * A Uint32Array view of buf[0..4·⌊len/4⌋) whose words are buf's little-endian 32-bit words, or
 * null when there is none: a big-endian host, or buf not 4-byte aligned (alignment is public).
 */
export function wordViewOf(buf: Uint8Array): Uint32Array | null {
  if (!LITTLE_ENDIAN || (buf.byteOffset & 3) !== 0) return null;
  return new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
}

function checkCounter(counter: number): void {
  if (!Number.isInteger(counter) || counter < 0 || counter >= COUNTER_LIMIT)
    throw new CryptoError('BAD_PARAMS', 'ChaCha20: counter must be an integer in [0, 2³²)');
}

/**
 * The 64-byte serialized ChaCha20 block for (key, counter, nonce).
 * RFC 8439 §2.3 (The ChaCha20 Block Function).
 */
export function chacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array): Uint8Array {
  expectLength(key, 32, 'ChaCha20 key');
  expectLength(nonce, 12, 'ChaCha20 nonce');
  checkCounter(counter);
  const state = chacha20InitState(key, counter, nonce);
  const out = new Uint8Array(64);
  chacha20XorInPlace(state, out);
  wipe(state);
  return out;
}

/**
 * Encrypts (or decrypts) `data` with ChaCha20, into a fresh array; `data` is not modified.
 * RFC 8439 §2.4 (The ChaCha20 Encryption Algorithm). Key 32 bytes, nonce 12 bytes, counter < 2³².
 */
export function chacha20(
  key: Uint8Array,
  nonce: Uint8Array,
  counter: number,
  data: Uint8Array,
): Uint8Array {
  expectLength(key, 32, 'ChaCha20 key');
  expectLength(nonce, 12, 'ChaCha20 nonce');
  expectBytes(data, 'ChaCha20 data');
  checkCounter(counter);
  const state = chacha20InitState(key, counter, nonce);
  // A copy, not data.slice(): Node's Buffer#slice returns a view. Fresh, so word-aligned.
  const out = new Uint8Array(data.length);
  out.set(data);
  chacha20XorInPlace(state, out);
  wipe(state);
  return out;
}

/**
 * Derives a 32-byte subkey from a key and a 16-byte nonce: the ChaCha20 rounds without the final
 * addition, keeping words 0–3 and 12–15. draft-irtf-cfrg-xchacha-03 §2.2 (HChaCha20).
 */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Uint8Array {
  expectLength(key, 32, 'HChaCha20 key');
  expectLength(nonce16, 16, 'HChaCha20 nonce');
  const state = new Uint32Array(16);
  state.set(SIGMA);
  for (let i = 0; i < 8; i++) state[4 + i] = load32LE(key, 4 * i);
  for (let i = 0; i < 4; i++) state[12 + i] = load32LE(nonce16, 4 * i);
  const block = new Uint32Array(16);
  chacha20BlockXor(state, block, 0);
  // The block is rounds(state) + state, so rounds(state) = block − state (mod 2³²).
  const out = new Uint8Array(32);
  const pick = [0, 1, 2, 3, 12, 13, 14, 15];
  for (let i = 0; i < 8; i++) {
    const w = (block[pick[i]] - state[pick[i]]) | 0;
    out[4 * i] = w;
    out[4 * i + 1] = w >>> 8;
    out[4 * i + 2] = w >>> 16;
    out[4 * i + 3] = w >>> 24;
  }
  wipe(state, block);
  return out;
}
