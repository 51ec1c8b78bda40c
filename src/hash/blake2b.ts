/**
 * BLAKE2b, keyed and unkeyed, digest length 1..64 bytes.
 * RFC 7693 (November 2015), The BLAKE2 Cryptographic Hash and Message Authentication Code
 * (MAC): §2.1–2.7 parameters, IV and σ; §3.1 mixing function G; §3.2 compression function F;
 * §3.3 padding, keying and the digest (the `BLAKE2( d, ll, kk, nn )` procedure), incremental.
 * Words are (lo, hi) pairs of 32-bit halves, word i at [2i, 2i + 1]; F is written out over 32
 * locals, and the loop form it must equal is test/reference/blake2b.ts.
 * Omitted: the salt and personalization fields of the BLAKE2 paper's parameter block (not in
 * RFC 7693; zero here), BLAKE2s, tree hashing.
 * Side channels: no secret-dependent branch or index; the lengths and the key length are public.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import type { Hash } from './sha2-frame.ts';
import { H0_512 } from './sha512.ts';

/** Block size bb of BLAKE2b in bytes (RFC 7693 §2.1). */
const BB = 128;
/** Largest digest nn and key kk in bytes (RFC 7693 §2.1). */
const MAX_OUT = 64;
const MAX_KEY = 64;

/**
 * IV[0..7] (RFC 7693 §2.6): the same words as SHA-512's H⁽⁰⁾ (FIPS 180-4 §5.3.5), taken from
 * sha512.ts where they are computed from their definition. Stored (lo, hi).
 */
export const IV = Uint32Array.from({ length: 16 }, (_, i) => H0_512[i ^ 1]);

/** Message word schedule σ[0..9] (RFC 7693 §2.7); rounds 10 and 11 reuse σ[0] and σ[1]. */
// prettier-ignore
export const SIGMA: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/** Number of rounds r of BLAKE2b (RFC 7693 §2.1). */
const ROUNDS = 12;

/** σ[i mod 10][k] for the 12 rounds, doubled: the index of word m[σ[i mod 10][k]]'s lo half. */
const SIGMA2 = Uint8Array.from({ length: ROUNDS * 16 }, (_, j) => 2 * SIGMA[(j >> 4) % 10][j & 15]);

/** The message block m[0..15] as (lo, hi) words; scratch shared by all hashers, wiped by digest. */
const M = new Uint32Array(32);

/**
 * F(h, m, t, f): compresses the block data[off, off + 128) into h, in place.
 * RFC 7693 §3.2 (Compression Function F) with §3.1 (Mixing Function G) written out: each
 * G(v, a, b, c, d, x, y) is its eight steps on (lo, hi) locals — a ← a + b + x; d ← (d ⊕ a) ⋙ 32;
 * c ← c + d; b ← (b ⊕ c) ⋙ 24; a ← a + b + y; d ← (d ⊕ a) ⋙ 16; c ← c + d; b ← (b ⊕ c) ⋙ 63.
 * 64-bit additions sum the lo halves as non-negative float64 (≤ 3 terms < 2³⁴, exact) and carry
 * ⌊sum / 2³²⌋ into the hi half. t is the byte counter (< 2⁵³, so its high 64 bits are 0).
 */
function compress(h: Uint32Array, data: Uint8Array, off: number, t: number, last: boolean): void {
  const m = M;
  for (let i = 0; i < 32; i++, off += 4)
    m[i] = data[off] | (data[off + 1] << 8) | (data[off + 2] << 16) | (data[off + 3] << 24);
  // v[0..7] ← h[0..7]; v[8..15] ← IV[0..7]
  let v0l = h[0], v0h = h[1], v1l = h[2], v1h = h[3], v2l = h[4], v2h = h[5];
  let v3l = h[6], v3h = h[7], v4l = h[8], v4h = h[9], v5l = h[10], v5h = h[11];
  let v6l = h[12], v6h = h[13], v7l = h[14], v7h = h[15], v8l = IV[0], v8h = IV[1];
  let v9l = IV[2], v9h = IV[3], v10l = IV[4], v10h = IV[5], v11l = IV[6], v11h = IV[7];
  // v[12] ← v[12] ⊕ (t mod 2⁶⁴); v[13] ← v[13] ⊕ (t ≫ 64) = v[13]
  let v12l = IV[8] ^ t, v12h = IV[9] ^ Math.floor(t / 0x100000000), v13l = IV[10], v13h = IV[11];
  // IF f = TRUE THEN v[14] ← v[14] ⊕ 0xFF..FF (the flag is public)
  let v14l = last ? ~IV[12] : IV[12], v14h = last ? ~IV[13] : IV[13], v15l = IV[14], v15h = IV[15];
  let lo = 0, x = 0, xl = 0, xh = 0;
  // prettier-ignore
  for (let o = 0; o < 16 * ROUNDS; o += 16) {
      // G(v, 0, 4, 8, 12, m[σ[0]], m[σ[1]])
      x = SIGMA2[o + 0]; lo = (v0l >>> 0) + (v4l >>> 0) + m[x];
      v0h = (v0h + v4h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v0l = lo | 0;
      xl = v12l ^ v0l; v12l = v12h ^ v0h; v12h = xl;
      lo = (v8l >>> 0) + (v12l >>> 0); v8h = (v8h + v12h + ((lo / 0x100000000) | 0)) | 0; v8l = lo | 0;
      xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 1]; lo = (v0l >>> 0) + (v4l >>> 0) + m[x];
      v0h = (v0h + v4h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v0l = lo | 0;
      xl = v12l ^ v0l; xh = v12h ^ v0h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
      lo = (v8l >>> 0) + (v12l >>> 0); v8h = (v8h + v12h + ((lo / 0x100000000) | 0)) | 0; v8l = lo | 0;
      xl = v4l ^ v8l; xh = v4h ^ v8h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
      // G(v, 1, 5, 9, 13, m[σ[2]], m[σ[3]])
      x = SIGMA2[o + 2]; lo = (v1l >>> 0) + (v5l >>> 0) + m[x];
      v1h = (v1h + v5h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v1l = lo | 0;
      xl = v13l ^ v1l; v13l = v13h ^ v1h; v13h = xl;
      lo = (v9l >>> 0) + (v13l >>> 0); v9h = (v9h + v13h + ((lo / 0x100000000) | 0)) | 0; v9l = lo | 0;
      xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 3]; lo = (v1l >>> 0) + (v5l >>> 0) + m[x];
      v1h = (v1h + v5h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v1l = lo | 0;
      xl = v13l ^ v1l; xh = v13h ^ v1h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
      lo = (v9l >>> 0) + (v13l >>> 0); v9h = (v9h + v13h + ((lo / 0x100000000) | 0)) | 0; v9l = lo | 0;
      xl = v5l ^ v9l; xh = v5h ^ v9h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
      // G(v, 2, 6, 10, 14, m[σ[4]], m[σ[5]])
      x = SIGMA2[o + 4]; lo = (v2l >>> 0) + (v6l >>> 0) + m[x];
      v2h = (v2h + v6h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v2l = lo | 0;
      xl = v14l ^ v2l; v14l = v14h ^ v2h; v14h = xl;
      lo = (v10l >>> 0) + (v14l >>> 0); v10h = (v10h + v14h + ((lo / 0x100000000) | 0)) | 0; v10l = lo | 0;
      xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 5]; lo = (v2l >>> 0) + (v6l >>> 0) + m[x];
      v2h = (v2h + v6h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v2l = lo | 0;
      xl = v14l ^ v2l; xh = v14h ^ v2h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
      lo = (v10l >>> 0) + (v14l >>> 0); v10h = (v10h + v14h + ((lo / 0x100000000) | 0)) | 0; v10l = lo | 0;
      xl = v6l ^ v10l; xh = v6h ^ v10h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
      // G(v, 3, 7, 11, 15, m[σ[6]], m[σ[7]])
      x = SIGMA2[o + 6]; lo = (v3l >>> 0) + (v7l >>> 0) + m[x];
      v3h = (v3h + v7h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v3l = lo | 0;
      xl = v15l ^ v3l; v15l = v15h ^ v3h; v15h = xl;
      lo = (v11l >>> 0) + (v15l >>> 0); v11h = (v11h + v15h + ((lo / 0x100000000) | 0)) | 0; v11l = lo | 0;
      xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 7]; lo = (v3l >>> 0) + (v7l >>> 0) + m[x];
      v3h = (v3h + v7h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v3l = lo | 0;
      xl = v15l ^ v3l; xh = v15h ^ v3h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
      lo = (v11l >>> 0) + (v15l >>> 0); v11h = (v11h + v15h + ((lo / 0x100000000) | 0)) | 0; v11l = lo | 0;
      xl = v7l ^ v11l; xh = v7h ^ v11h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
      // G(v, 0, 5, 10, 15, m[σ[8]], m[σ[9]])
      x = SIGMA2[o + 8]; lo = (v0l >>> 0) + (v5l >>> 0) + m[x];
      v0h = (v0h + v5h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v0l = lo | 0;
      xl = v15l ^ v0l; v15l = v15h ^ v0h; v15h = xl;
      lo = (v10l >>> 0) + (v15l >>> 0); v10h = (v10h + v15h + ((lo / 0x100000000) | 0)) | 0; v10l = lo | 0;
      xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl >>> 24) | (xh << 8); v5h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 9]; lo = (v0l >>> 0) + (v5l >>> 0) + m[x];
      v0h = (v0h + v5h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v0l = lo | 0;
      xl = v15l ^ v0l; xh = v15h ^ v0h; v15l = (xl >>> 16) | (xh << 16); v15h = (xh >>> 16) | (xl << 16);
      lo = (v10l >>> 0) + (v15l >>> 0); v10h = (v10h + v15h + ((lo / 0x100000000) | 0)) | 0; v10l = lo | 0;
      xl = v5l ^ v10l; xh = v5h ^ v10h; v5l = (xl << 1) | (xh >>> 31); v5h = (xh << 1) | (xl >>> 31);
      // G(v, 1, 6, 11, 12, m[σ[10]], m[σ[11]])
      x = SIGMA2[o + 10]; lo = (v1l >>> 0) + (v6l >>> 0) + m[x];
      v1h = (v1h + v6h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v1l = lo | 0;
      xl = v12l ^ v1l; v12l = v12h ^ v1h; v12h = xl;
      lo = (v11l >>> 0) + (v12l >>> 0); v11h = (v11h + v12h + ((lo / 0x100000000) | 0)) | 0; v11l = lo | 0;
      xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl >>> 24) | (xh << 8); v6h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 11]; lo = (v1l >>> 0) + (v6l >>> 0) + m[x];
      v1h = (v1h + v6h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v1l = lo | 0;
      xl = v12l ^ v1l; xh = v12h ^ v1h; v12l = (xl >>> 16) | (xh << 16); v12h = (xh >>> 16) | (xl << 16);
      lo = (v11l >>> 0) + (v12l >>> 0); v11h = (v11h + v12h + ((lo / 0x100000000) | 0)) | 0; v11l = lo | 0;
      xl = v6l ^ v11l; xh = v6h ^ v11h; v6l = (xl << 1) | (xh >>> 31); v6h = (xh << 1) | (xl >>> 31);
      // G(v, 2, 7, 8, 13, m[σ[12]], m[σ[13]])
      x = SIGMA2[o + 12]; lo = (v2l >>> 0) + (v7l >>> 0) + m[x];
      v2h = (v2h + v7h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v2l = lo | 0;
      xl = v13l ^ v2l; v13l = v13h ^ v2h; v13h = xl;
      lo = (v8l >>> 0) + (v13l >>> 0); v8h = (v8h + v13h + ((lo / 0x100000000) | 0)) | 0; v8l = lo | 0;
      xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl >>> 24) | (xh << 8); v7h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 13]; lo = (v2l >>> 0) + (v7l >>> 0) + m[x];
      v2h = (v2h + v7h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v2l = lo | 0;
      xl = v13l ^ v2l; xh = v13h ^ v2h; v13l = (xl >>> 16) | (xh << 16); v13h = (xh >>> 16) | (xl << 16);
      lo = (v8l >>> 0) + (v13l >>> 0); v8h = (v8h + v13h + ((lo / 0x100000000) | 0)) | 0; v8l = lo | 0;
      xl = v7l ^ v8l; xh = v7h ^ v8h; v7l = (xl << 1) | (xh >>> 31); v7h = (xh << 1) | (xl >>> 31);
      // G(v, 3, 4, 9, 14, m[σ[14]], m[σ[15]])
      x = SIGMA2[o + 14]; lo = (v3l >>> 0) + (v4l >>> 0) + m[x];
      v3h = (v3h + v4h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v3l = lo | 0;
      xl = v14l ^ v3l; v14l = v14h ^ v3h; v14h = xl;
      lo = (v9l >>> 0) + (v14l >>> 0); v9h = (v9h + v14h + ((lo / 0x100000000) | 0)) | 0; v9l = lo | 0;
      xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl >>> 24) | (xh << 8); v4h = (xh >>> 24) | (xl << 8);
      x = SIGMA2[o + 15]; lo = (v3l >>> 0) + (v4l >>> 0) + m[x];
      v3h = (v3h + v4h + m[x + 1] + ((lo / 0x100000000) | 0)) | 0; v3l = lo | 0;
      xl = v14l ^ v3l; xh = v14h ^ v3h; v14l = (xl >>> 16) | (xh << 16); v14h = (xh >>> 16) | (xl << 16);
      lo = (v9l >>> 0) + (v14l >>> 0); v9h = (v9h + v14h + ((lo / 0x100000000) | 0)) | 0; v9l = lo | 0;
      xl = v4l ^ v9l; xh = v4h ^ v9h; v4l = (xl << 1) | (xh >>> 31); v4h = (xh << 1) | (xl >>> 31);
  }
  // h[i] ← h[i] ⊕ v[i] ⊕ v[i + 8] for i = 0..7
  // prettier-ignore
  {
    h[0] ^= v0l ^ v8l; h[1] ^= v0h ^ v8h; h[2] ^= v1l ^ v9l; h[3] ^= v1h ^ v9h;
    h[4] ^= v2l ^ v10l; h[5] ^= v2h ^ v10h; h[6] ^= v3l ^ v11l; h[7] ^= v3h ^ v11h;
    h[8] ^= v4l ^ v12l; h[9] ^= v4h ^ v12h; h[10] ^= v5l ^ v13l; h[11] ^= v5h ^ v13h;
    h[12] ^= v6l ^ v14l; h[13] ^= v6h ^ v14h; h[14] ^= v7l ^ v15l; h[15] ^= v7h ^ v15h;
  }
}

/**
 * Incremental BLAKE2b: update any number of times, then digest once.
 * RFC 7693 §3.3 (Padding Data and Computing a BLAKE2 Digest): h[0..7] ← IV[0..7] with the
 * parameter block p[0] = 0x0101kknn folded into h[0]; a key is processed as a first block padded
 * with zeros; the last block (padded with zeros) is compressed with f = TRUE.
 * Differs from the spec text only in buffering: a full block is held back until more input
 * arrives, since only the final block may carry f = TRUE.
 */
export class Blake2b implements Hash {
  /** Digest length nn in bytes. */
  readonly outputLength: number;
  private readonly h = new Uint32Array(16);
  private readonly buffer = new Uint8Array(BB);
  private bufferLength = 0;
  private t = 0; // bytes compressed so far, < 2⁵³
  private finished = false;

  /** nn = outLen ∈ [1, 64]; key of kk ∈ [0, 64] bytes (empty: unkeyed). */
  constructor(outLen: number = MAX_OUT, key: Uint8Array = new Uint8Array(0)) {
    expectBytes(key, 'BLAKE2b key');
    if (!Number.isInteger(outLen) || outLen < 1 || outLen > MAX_OUT)
      throw new CryptoError('BAD_PARAMS', 'BLAKE2b: digest length must be 1..64 bytes (RFC 7693 §2.1)');
    if (key.length > MAX_KEY)
      throw new CryptoError('BAD_LENGTH', 'BLAKE2b: key must be at most 64 bytes (RFC 7693 §2.1)');
    this.outputLength = outLen;
    this.h.set(IV);
    this.h[0] ^= 0x01010000 ^ (key.length << 8) ^ outLen; // h[0] ← h[0] ⊕ 0x0101kknn
    if (key.length > 0) {
      this.buffer.set(key); // d[0] ← key ‖ 0^(bb − kk): a full block, compressed once more input arrives
      this.bufferLength = BB;
    }
  }

  update(data: Uint8Array): this {
    expectBytes(data, 'BLAKE2b update');
    if (this.finished) throw new CryptoError('BAD_PARAMS', 'BLAKE2b: update after digest');
    const { buffer, h } = this;
    const len = data.length;
    let off = 0;
    if (len === 0) return this;
    if (this.bufferLength === BB) {
      this.t += BB;
      compress(h, buffer, 0, this.t, false);
      this.bufferLength = 0;
    }
    if (this.bufferLength > 0) {
      const take = Math.min(BB - this.bufferLength, len);
      buffer.set(data.subarray(0, take), this.bufferLength);
      this.bufferLength += take;
      off = take;
      if (off === len) return this;
      this.t += BB;
      compress(h, buffer, 0, this.t, false);
      this.bufferLength = 0;
    }
    for (; len - off > BB; off += BB) {
      this.t += BB;
      compress(h, data, off, this.t, false);
    }
    buffer.set(data.subarray(off), 0);
    this.bufferLength = len - off;
    return this;
  }

  /** Compresses the final block (f = TRUE) and returns the first nn bytes of h. */
  digest(): Uint8Array {
    const out = new Uint8Array(this.outputLength);
    this.digestInto(out);
    return out;
  }

  /** As digest(), writing the digest into out[0, nn). */
  digestInto(out: Uint8Array): void {
    expectBytes(out, 'BLAKE2b output');
    if (out.length < this.outputLength)
      throw new CryptoError('BAD_LENGTH', 'BLAKE2b: output shorter than the digest');
    if (this.finished) throw new CryptoError('BAD_PARAMS', 'BLAKE2b: digest called twice');
    this.finished = true;
    const { buffer, h } = this;
    buffer.fill(0, this.bufferLength); // d[dd − 1] padded with zeros
    this.t += this.bufferLength;
    compress(h, buffer, 0, this.t, true);
    for (let i = 0; i < this.outputLength; i++) out[i] = h[i >> 2] >>> (8 * (i & 3)); // LE bytes
    wipe(h, buffer, M);
  }

  /** Wipes all state (best effort); the hasher cannot be used afterwards. */
  destroy(): void {
    this.finished = true;
    wipe(this.h, this.buffer, M);
  }

  /** An independent copy of the current state. */
  clone(): Blake2b {
    const c = new Blake2b(this.outputLength);
    c.h.set(this.h);
    c.buffer.set(this.buffer);
    c.bufferLength = this.bufferLength;
    c.t = this.t;
    c.finished = this.finished;
    return c;
  }
}

/**
 * BLAKE2b of a byte string: nn = outLen bytes (default 64, BLAKE2b-512), optional key (MAC).
 * RFC 7693 §3.3 (BLAKE2( d, ll, kk, nn )).
 */
export function blake2b(msg: Uint8Array, outLen: number = MAX_OUT, key?: Uint8Array): Uint8Array {
  expectBytes(msg, 'blake2b');
  return new Blake2b(outLen, key).update(msg).digest();
}
