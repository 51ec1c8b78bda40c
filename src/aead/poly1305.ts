/**
 * Poly1305 one-time authenticator. RFC 8439 §2.5 (The Poly1305 Algorithm), §2.5.1 (pseudocode).
 * Arithmetic mod p = 2¹³⁰ − 5 on six float64 limbs of 22 bits (radix 2²², 132 bits), so every
 * product sum stays an exact integer below 2⁵³; the bounds are stated where they are used.
 * (Five 26-bit limbs would need 2²⁶·5·2²⁶·5 > 2⁵³ per column: not exact in float64.)
 * Side channels: no secret-dependent branch or index; carries use Math.floor on integers (exact,
 * constant-time on SSE4.1 hardware) and the final reduction mod p selects through a mask.
 * JS gives no constant-time guarantee. The bigint twin is test/reference/poly1305.ts.
 */
import { expectBytes, expectLength, load32LE, store32LE } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';

const M22 = 0x3fffff; // 2²² − 1
const TWO22 = 4194304; // 2²²
const INV22 = 1 / TWO22; // 2⁻²², exact
const INV32 = 1 / 4294967296; // 2⁻³², exact
/** One block of zeros as words (read only): squaring r in resetWords. */
const ZERO_BLOCK = new Uint32Array(4);

/**
 * Incremental Poly1305 state: r (clamped) and s from the one-time key, accumulator a, and a
 * partial-block buffer. RFC 8439 §2.5. The key must be used for one message only.
 * Message bytes are read as little-endian 32-bit words (load32LE, or a caller's word view).
 */
export class Poly1305 {
  /** Every array below is a view of this one buffer, so a single wipe clears them all. */
  private readonly all = new Uint8Array(288);
  /** Limbs (radix 2²²) of r, 20·r₁…₅ (2¹³² ≡ 4·5 = 20 mod p), r² (partly reduced), 20·r²₁…₅. */
  private readonly r = new Float64Array(this.all.buffer, 0, 22);
  /** The accumulator a as six limbs, each < 2²² + 2¹⁶ between blocks. */
  private readonly h = new Float64Array(this.all.buffer, 176, 6);
  /** s = le_bytes_to_num(key[16..31]) as four words. */
  private readonly s = new Uint32Array(this.all.buffer, 224, 4);
  /** Up to two blocks (or the key) as little-endian words, on their way to blocks(). */
  private readonly words = new Uint32Array(this.all.buffer, 240, 8);
  /** A partial block of message bytes (pos of them). */
  private readonly buffer = new Uint8Array(this.all.buffer, 272, 16);
  private pos = 0;
  /** Set by digestInto (which wipes r and s): update/digest then throw until reset(). */
  private finished = false;

  constructor(key: Uint8Array) {
    this.reset(key);
  }

  /**
   * Starts over with a new one-time key r‖s (lets the AEAD reuse one instance without allocating).
   * RFC 8439 §2.5.1: r = le_bytes_to_num(key[0..15]) clamped, s = le_bytes_to_num(key[16..31]).
   */
  reset(key: Uint8Array): void {
    expectLength(key, 32, 'Poly1305 key');
    const w = this.words;
    for (let i = 0; i < 8; i++) w[i] = load32LE(key, 4 * i);
    this.resetWords(w);
    w.fill(0);
  }

  /**
   * reset() from the key as eight little-endian words k[0..7] (r = k[0..3], s = k[4..7]): the
   * AEAD passes the first half of ChaCha20 block 0 as it comes out (RFC 8439 §2.6).
   */
  resetWords(k: Uint32Array): void {
    this.finished = false;
    // clamp(r): r &= 0x0ffffffc0ffffffc0ffffffc0fffffff
    const t0 = k[0] & 0x0fffffff;
    const t1 = k[1] & 0x0ffffffc;
    const t2 = k[2] & 0x0ffffffc;
    const t3 = k[3] & 0x0ffffffc;
    const r = this.r;
    const h = this.h;
    r[0] = t0 & M22; //                          bits 0…21
    r[1] = ((t0 >>> 22) | (t1 << 10)) & M22; //  bits 22…43
    r[2] = ((t1 >>> 12) | (t2 << 20)) & M22; //  bits 44…65
    r[3] = (t2 >>> 2) & M22; //                  bits 66…87
    r[4] = ((t2 >>> 24) | (t3 << 8)) & M22; //   bits 88…109
    r[5] = t3 >>> 14; //                         bits 110…123 (clamped r < 2¹²⁴), so r5 < 2¹⁴
    for (let j = 1; j < 6; j++) r[5 + j] = 20 * r[j]; // 20·r_j < 2²⁶·³⁴
    // r² mod p (for two blocks per step): a ← r, then one block of zeros gives a ← r · r.
    for (let j = 0; j < 6; j++) h[j] = r[j];
    blocks(h, r, ZERO_BLOCK, 0, 4, 0);
    for (let j = 0; j < 6; j++) r[11 + j] = h[j]; // limbs < 2²² + 2¹⁶
    for (let j = 1; j < 6; j++) r[16 + j] = 20 * r[11 + j]; // < 2²⁶·³⁵
    for (let i = 0; i < 4; i++) this.s[i] = k[4 + i];
    for (let j = 0; j < 6; j++) h[j] = 0; //     a = 0
    this.pos = 0;
  }

  /** Absorbs msg; may be called repeatedly. RFC 8439 §2.5.1 (the loop over 16-byte blocks). */
  update(msg: Uint8Array): this {
    expectBytes(msg, 'Poly1305 message');
    this.absorb(msg, 0, msg.length);
    return this;
  }

  /**
   * Absorbs msg[from..to), then zeros until the total absorbed is a multiple of 16 bytes.
   * RFC 8439 §2.8 (pad16 in the AEAD construction). `from` ≤ `to` ≤ msg.length are public.
   */
  updatePadded(msg: Uint8Array, from: number, to: number): void {
    this.absorb(msg, from, to);
    if (this.pos > 0) {
      this.buffer.fill(0, this.pos);
      this.bufferBlock(1);
    }
  }

  /**
   * Absorbs whole 16-byte blocks given as little-endian words w[from..to), (to − from) a multiple
   * of 4, at a block boundary (nothing buffered). RFC 8439 §2.5.1. For the AEAD, which reads the
   * ciphertext through the word view it encrypted it with, and for its length block.
   */
  updateWords(w: Uint32Array, from: number, to: number): void {
    this.checkNotFinished();
    if (this.pos !== 0 || ((to - from) & 3) !== 0)
      throw new CryptoError('BAD_PARAMS', 'Poly1305.updateWords: not at a 16-byte block boundary');
    blocks(this.h, this.r, w, from, to, 1);
  }

  /** Absorbs msg[from..to): completes a buffered partial block, whole blocks, buffers the rest. */
  private absorb(msg: Uint8Array, from: number, to: number): void {
    this.checkNotFinished();
    let i = from;
    if (this.pos > 0) {
      while (this.pos < 16 && i < to) this.buffer[this.pos++] = msg[i++];
      if (this.pos < 16) return;
      this.bufferBlock(1);
    }
    const w = this.words;
    for (; i + 32 <= to; i += 32) {
      for (let j = 0; j < 8; j++) w[j] = load32LE(msg, i + 4 * j);
      blocks(this.h, this.r, w, 0, 8, 1);
    }
    if (i + 16 <= to) {
      for (let j = 0; j < 4; j++) w[j] = load32LE(msg, i + 4 * j);
      blocks(this.h, this.r, w, 0, 4, 1);
      i += 16;
    }
    while (i < to) this.buffer[this.pos++] = msg[i++];
  }

  /** Absorbs the 16-byte buffer as one block with bit 128 set to `hibit`; empties it. */
  private bufferBlock(hibit: number): void {
    const w = this.words;
    for (let j = 0; j < 4; j++) w[j] = load32LE(this.buffer, 4 * j);
    blocks(this.h, this.r, w, 0, 4, hibit);
    this.pos = 0;
  }

  /** Writes the 16-byte tag into out[off..off+15] and wipes the state. RFC 8439 §2.5.1. */
  digestInto(out: Uint8Array, off: number): void {
    this.checkNotFinished();
    if (this.pos > 0) {
      // Last partial block: n = le_bytes_to_num(msg[i..] | 0x01), i.e. the 1 right after the
      // bytes and no 2¹²⁸ bit.
      this.buffer[this.pos] = 1;
      this.buffer.fill(0, this.pos + 1);
      this.bufferBlock(0);
    }
    finish(this.h, this.s, out, off);
    wipe(this.all); //                              r, h, s, words, buffer
    this.pos = 0;
    this.finished = true;
  }

  /** A one-time key authenticates one message: after a digest the key is gone (wiped). */
  private checkNotFinished(): void {
    if (this.finished)
      throw new CryptoError('BAD_PARAMS', 'Poly1305: used after digest (one key, one message; call reset)');
  }

  /** The 16-byte tag, fresh. RFC 8439 §2.5.1. */
  digest(): Uint8Array {
    const tag = new Uint8Array(16);
    this.digestInto(tag, 0);
    return tag;
  }
}

/**
 * For each 16-byte block n of the message, given as little-endian words m[off..end):
 * a ← ((a + n) · r) mod p, with n's bit 128 set to `hibit` (1 for a full message block).
 * RFC 8439 §2.5.1. (end − off) is a multiple of 4 words.
 * Differs from the spec in order only: two blocks n₁, n₂ per step as a ← (a + n₁)·r² + n₂·r,
 * which equals ((a + n₁)·r + n₂)·r and halves the serial carry chains.
 */
function blocks(
  h: Float64Array,
  r: Float64Array,
  m: Uint32Array,
  off: number,
  end: number,
  hibit: number,
): void {
  const r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3], r4 = r[4], r5 = r[5];
  const s1 = r[6], s2 = r[7], s3 = r[8], s4 = r[9], s5 = r[10];
  // r² and 20·r² (unused, and stale, while reset() computes r²: that is a single block)
  const q0 = r[11], q1 = r[12], q2 = r[13], q3 = r[14], q4 = r[15], q5 = r[16];
  const t1 = r[17], t2 = r[18], t3 = r[19], t4 = r[20], t5 = r[21];
  let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5];
  const top = hibit << 18; // 2¹²⁸ is bit 18 of limb 5 (limb 5 starts at bit 110)
  let i = off;
  for (; i + 8 <= end; i += 8) {
    let w0 = m[i];
    let w1 = m[i + 1];
    let w2 = m[i + 2];
    let w3 = m[i + 3];
    // a + n₁: limbs < 2²³ + 2¹⁶
    h0 += w0 & M22;
    h1 += ((w0 >>> 22) | (w1 << 10)) & M22;
    h2 += ((w1 >>> 12) | (w2 << 20)) & M22;
    h3 += (w2 >>> 2) & M22;
    h4 += ((w2 >>> 24) | (w3 << 8)) & M22;
    h5 += (w3 >>> 14) | top;
    w0 = m[i + 4];
    w1 = m[i + 5];
    w2 = m[i + 6];
    w3 = m[i + 7];
    // n₂: limbs < 2²²
    const n0 = w0 & M22;
    const n1 = ((w0 >>> 22) | (w1 << 10)) & M22;
    const n2 = ((w1 >>> 12) | (w2 << 20)) & M22;
    const n3 = (w2 >>> 2) & M22;
    const n4 = ((w2 >>> 24) | (w3 << 8)) & M22;
    const n5 = (w3 >>> 14) | top;
    // (a + n₁)·r² + n₂·r, columns as in the one-block step below. Terms of the first product are
    // < 2²³·⁰¹ · 2²⁶·³⁵, of the second < 2²² · 2²⁶·³⁴; six of each < 2⁵¹·⁹⁴ + 2⁵⁰·⁹² < 2⁵²·⁴⁷.
    let d0 = (h0 * q0 + h1 * t5) + (h2 * t4 + h3 * t3) + (h4 * t2 + h5 * t1) +
      ((n0 * r0 + n1 * s5) + (n2 * s4 + n3 * s3) + (n4 * s2 + n5 * s1));
    let d1 = (h0 * q1 + h1 * q0) + (h2 * t5 + h3 * t4) + (h4 * t3 + h5 * t2) +
      ((n0 * r1 + n1 * r0) + (n2 * s5 + n3 * s4) + (n4 * s3 + n5 * s2));
    let d2 = (h0 * q2 + h1 * q1) + (h2 * q0 + h3 * t5) + (h4 * t4 + h5 * t3) +
      ((n0 * r2 + n1 * r1) + (n2 * r0 + n3 * s5) + (n4 * s4 + n5 * s3));
    let d3 = (h0 * q3 + h1 * q2) + (h2 * q1 + h3 * q0) + (h4 * t5 + h5 * t4) +
      ((n0 * r3 + n1 * r2) + (n2 * r1 + n3 * r0) + (n4 * s5 + n5 * s4));
    let d4 = (h0 * q4 + h1 * q3) + (h2 * q2 + h3 * q1) + (h4 * q0 + h5 * t5) +
      ((n0 * r4 + n1 * r3) + (n2 * r2 + n3 * r1) + (n4 * r0 + n5 * s5));
    let d5 = (h0 * q5 + h1 * q4) + (h2 * q3 + h3 * q2) + (h4 * q1 + h5 * q0) +
      ((n0 * r5 + n1 * r4) + (n2 * r3 + n3 * r2) + (n4 * r1 + n5 * r0));
    // Carry exactly as in the one-block step (every carry out of a d_k < 2⁵³ is < 2³¹).
    let c0 = Math.floor(d0 * INV22); d0 -= c0 * TWO22; d1 += c0;
    let c3 = Math.floor(d3 * INV22); d3 -= c3 * TWO22; d4 += c3;
    const c1 = Math.floor(d1 * INV22); h1 = d1 - c1 * TWO22; d2 += c1;
    const c4 = Math.floor(d4 * INV22); h4 = d4 - c4 * TWO22; d5 += c4;
    const c2 = Math.floor(d2 * INV22); h2 = d2 - c2 * TWO22; d3 += c2;
    const c5 = Math.floor(d5 * INV22); h5 = d5 - c5 * TWO22; d0 += 20 * c5;
    c3 = Math.floor(d3 * INV22); h3 = d3 - c3 * TWO22; h4 += c3;
    c0 = Math.floor(d0 * INV22); h0 = d0 - c0 * TWO22; h1 += c0;
  }
  for (; i < end; i += 4) {
    const w0 = m[i];
    const w1 = m[i + 1];
    const w2 = m[i + 2];
    const w3 = m[i + 3];
    // a += n: limbs of n are < 2²² (limb 5 < 2¹⁹), so now h_i < 2²³ + 2¹⁶
    h0 += w0 & M22;
    h1 += ((w0 >>> 22) | (w1 << 10)) & M22;
    h2 += ((w1 >>> 12) | (w2 << 20)) & M22;
    h3 += (w2 >>> 2) & M22;
    h4 += ((w2 >>> 24) | (w3 << 8)) & M22;
    h5 += (w3 >>> 14) | top;
    // a ← a · r: column k sums h_i·r_j over i + j = k, and 20·h_i·r_j over i + j = k + 6.
    // Each term < 2²³·⁰¹ · 2²⁶·³⁴ and six terms < 2⁵¹·⁹⁴ < 2⁵³: exact in float64 in any order,
    // so the sums are grouped in pairs to shorten the dependency chain.
    let d0 = (h0 * r0 + h1 * s5) + (h2 * s4 + h3 * s3) + (h4 * s2 + h5 * s1);
    let d1 = (h0 * r1 + h1 * r0) + (h2 * s5 + h3 * s4) + (h4 * s3 + h5 * s2);
    let d2 = (h0 * r2 + h1 * r1) + (h2 * r0 + h3 * s5) + (h4 * s4 + h5 * s3);
    let d3 = (h0 * r3 + h1 * r2) + (h2 * r1 + h3 * r0) + (h4 * s5 + h5 * s4);
    let d4 = (h0 * r4 + h1 * r3) + (h2 * r2 + h3 * r1) + (h4 * r0 + h5 * s5);
    let d5 = (h0 * r5 + h1 * r4) + (h2 * r3 + h3 * r2) + (h4 * r1 + h5 * r0);
    // Carry (partial reduction mod p) in two interleaved chains, 0→1→2→3→4 and 3→4→5→0→1:
    // every carry out of a d_k < 2⁵³ is < 2³¹, so every sum stays exact.
    let c0 = Math.floor(d0 * INV22); d0 -= c0 * TWO22; d1 += c0;
    let c3 = Math.floor(d3 * INV22); d3 -= c3 * TWO22; d4 += c3;
    const c1 = Math.floor(d1 * INV22); h1 = d1 - c1 * TWO22; d2 += c1;
    const c4 = Math.floor(d4 * INV22); h4 = d4 - c4 * TWO22; d5 += c4;
    const c2 = Math.floor(d2 * INV22); h2 = d2 - c2 * TWO22; d3 += c2; //    d3 < 2²² + 2³¹
    const c5 = Math.floor(d5 * INV22); h5 = d5 - c5 * TWO22; d0 += 20 * c5; // 2¹³² ≡ 20: d0 < 2³⁷
    c3 = Math.floor(d3 * INV22); h3 = d3 - c3 * TWO22; h4 += c3; //          c3 < 2¹⁰
    c0 = Math.floor(d0 * INV22); h0 = d0 - c0 * TWO22; h1 += c0; //          c0 < 2¹⁶
    // now h0, h2, h3, h5 < 2²² and h1, h4 < 2²² + 2¹⁶
  }
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5;
}

/**
 * tag = (a mod p + s) mod 2¹²⁸, little-endian into out[off..off+15]. RFC 8439 §2.5.1.
 * Limbs enter < 2²² + 2¹⁶ < 2³¹, so 32-bit integer operations are exact from here on.
 */
function finish(h: Float64Array, s: Uint32Array, out: Uint8Array, off: number): void {
  let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3], h4 = h[4], h5 = h[5];
  // Two carry passes, folding bits ≥ 2¹³⁰ back as ·5: afterwards h0…h4 < 2²², h5 < 2²⁰, a < 2¹³⁰.
  for (let pass = 0; pass < 2; pass++) {
    h1 += h0 >>> 22; h0 &= M22;
    h2 += h1 >>> 22; h1 &= M22;
    h3 += h2 >>> 22; h2 &= M22;
    h4 += h3 >>> 22; h3 &= M22;
    h5 += h4 >>> 22; h4 &= M22;
    h0 += 5 * (h5 >>> 20); h5 &= 0xfffff;
  }
  // a mod p for a < 2¹³⁰ < 2p: g = a + 5 − 2¹³⁰ is the answer iff a + 5 ≥ 2¹³⁰, i.e. a ≥ p.
  // if (a >= p) a -= p;
  let g0 = h0 + 5;
  let g1 = h1 + (g0 >>> 22); g0 &= M22;
  let g2 = h2 + (g1 >>> 22); g1 &= M22;
  let g3 = h3 + (g2 >>> 22); g2 &= M22;
  let g4 = h4 + (g3 >>> 22); g3 &= M22;
  let g5 = h5 + (g4 >>> 22); g4 &= M22;
  const mask = -(g5 >>> 20); // all ones iff a ≥ p
  g5 &= 0xfffff;
  h0 = (h0 & ~mask) | (g0 & mask);
  h1 = (h1 & ~mask) | (g1 & mask);
  h2 = (h2 & ~mask) | (g2 & mask);
  h3 = (h3 & ~mask) | (g3 & mask);
  h4 = (h4 & ~mask) | (g4 & mask);
  h5 = (h5 & ~mask) | (g5 & mask);
  // a mod 2¹²⁸ as four words (limb boundaries at bits 22, 44, 66, 88, 110).
  const a0 = (h0 | (h1 << 22)) >>> 0;
  const a1 = ((h1 >>> 10) | (h2 << 12)) >>> 0;
  const a2 = ((h2 >>> 20) | (h3 << 2) | (h4 << 24)) >>> 0;
  const a3 = ((h4 >>> 8) | (h5 << 14)) >>> 0;
  // a += s, mod 2¹²⁸: each word sum < 2³³ is exact; the carry is its bit 32.
  let f = a0 + s[0];
  store32LE(out, off, f >>> 0);
  f = a1 + s[1] + Math.floor(f * INV32);
  store32LE(out, off + 4, f >>> 0);
  f = a2 + s[2] + Math.floor(f * INV32);
  store32LE(out, off + 8, f >>> 0);
  f = a3 + s[3] + Math.floor(f * INV32);
  store32LE(out, off + 12, f >>> 0);
}

/**
 * The 16-byte Poly1305 tag of msg under a 32-byte one-time key r‖s.
 * RFC 8439 §2.5 (The Poly1305 Algorithm).
 */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return new Poly1305(key).update(msg).digest();
}
