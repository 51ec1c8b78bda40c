/**
 * GF(2^255 − 19), the field of Curve25519 and edwards25519 (RFC 7748 §4.1, RFC 8032 §5.1), on
 * fixed-size limbs: the SHIPPED, constant-time path. The readable bigint twin is reference.ts.
 * An element is 15 signed limbs of radix 2^17 in a Float64Array: x = Σ x[i]·2^(17i). Every limb
 * value is an integer, and every intermediate stays below 2^53 in magnitude, so float64 arithmetic
 * is exact (bounds at each function). 2^255 ≡ 19 (mod p) folds the high half of a product.
 * Side channels: no secret-dependent branch, loop bound or index; no bigint, `%` or `/`; selects
 * and swaps go through arithmetic masks (0·x or 1·x). JS gives no constant-time guarantee (JIT,
 * GC); bench/ct.ts measures the ladder. Omitted: nothing the two protocols need.
 */
import { ctIsZero } from '../util/ct.ts';

/** A field element: 15 limbs, radix 2^17 (see the file header). */
export type Fe = Float64Array;

const RADIX = 131072; // 2^17
const INV_RADIX = 1 / RADIX; // exact power of two: x · 2^−17 then floor is ⌊x / 2^17⌋
// Adding and subtracting 1.5·2^69 rounds any |x| < 2^68 to the nearest multiple of 2^17 (the ulp
// at 2^69), exactly and without a branch: the carry step of feMul/feSqr/feMulSmall. It leaves
// limbs in [−2^16, 2^16] and is much faster in V8 than Math.floor.
const ROUND = 1.5 * 2 ** 69;
const LIMBS = 15; // 15 · 17 = 255 bits

/** A fresh element, optionally set to a small non-negative integer (< 2^17). */
export function fe(small = 0): Fe {
  const o = new Float64Array(LIMBS);
  o[0] = small;
  return o;
}

/** o ← a. */
export function feCopy(o: Fe, a: Fe): void {
  o.set(a);
}

/**
 * Decodes 32 little-endian bytes, ignoring bit 255; values in [p, 2^255) are kept as they are
 * (congruent, reduced later). RFC 7748 §5 (decodeUCoordinate masks the top bit).
 */
export function feFromBytes(o: Fe, b: Uint8Array): void {
  for (let i = 0; i < LIMBS; i++) {
    const bit = 17 * i;
    const at = bit >>> 3; // byte index: depends on the public position only
    const word = b[at] | (b[at + 1] << 8) | (b[at + 2] << 16); // 24 bits ≥ 7 + 17 needed
    o[i] = (word >>> (bit & 7)) & 0x1ffff;
  }
}

/** One carry pass: limbs 0..13 into their successor, limb 14 wraps as 19·carry (2^255 ≡ 19). */
function carryPass(t: Fe): void {
  for (let i = 0; i < LIMBS - 1; i++) {
    const c = Math.floor(t[i] * INV_RADIX);
    t[i] -= c * RADIX;
    t[i + 1] += c;
  }
  const c = Math.floor(t[14] * INV_RADIX);
  t[14] -= c * RADIX;
  t[0] += 19 * c;
}

/**
 * Encodes a as the 32-byte little-endian canonical value in [0, p).
 * RFC 7748 §5 (encodeUCoordinate).
 * Input limbs |a[i]| < 2^26 (every output of this file qualifies).
 */
export function feToBytes(out: Uint8Array, a: Fe): void {
  const t = new Float64Array(a);
  // Three passes: |v| < 2^265 → limbs canonical except limb 0 off by < 2^14 → wrap of ±1 →
  // v ∈ [0, 2^255) with canonical limbs (the last pass only propagates a ±19 adjustment).
  carryPass(t);
  carryPass(t);
  carryPass(t);
  // v ≥ p  ⇔  v + 19 ≥ 2^255: compute u = v + 19 and keep u − 2^255 when its bit 255 is set.
  const u = new Float64Array(t);
  u[0] += 19;
  for (let i = 0; i < LIMBS - 1; i++) {
    const c = Math.floor(u[i] * INV_RADIX);
    u[i] -= c * RADIX;
    u[i + 1] += c;
  }
  const ge = Math.floor(u[14] * INV_RADIX); // 1 iff v ≥ p, else 0
  u[14] -= ge * RADIX;
  for (let i = 0; i < LIMBS; i++) t[i] += ge * (u[i] - t[i]); // ge ∈ {0, 1}: arithmetic select
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let i = 0; i < LIMBS; i++) {
    acc |= t[i] << bits; // bits ≤ 7, so acc < 2^24
    bits += 17;
    while (bits >= 8) {
      out[k++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out[31] = acc; // the last 7 bits (bit 255 is 0)
  t.fill(0);
  u.fill(0);
}

/** o ← a + b, no carry: limbs grow by at most one bit (callers stay below the mul bound). */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = a[i] + b[i];
}

/** o ← a − b, no carry: limbs may be negative, which is fine for every consumer here. */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = a[i] - b[i];
}

/** o ← −a. */
export function feNeg(o: Fe, a: Fe): void {
  for (let i = 0; i < LIMBS; i++) o[i] = -a[i];
}

/**
 * o ← a · b mod p, carried (rounding carries): output limbs in [−2^16, 2^16] except limb 1,
 * |limb 1| < 2^16 + 2^14. Inputs |a[i]|, |b[i]| < 2^19.5: each column is 15 products, the wrapped
 * ones by 19·b[j], so |t_k| < 15 · 19 · 2^39 < 2^48 < 2^53 — exact in float64. t_14 has no
 * wrapped term (< 2^43), so the final 19·carry is < 2^31 and limb 1 moves by < 2^14.
 * o may alias a or b.
 */
export function feMul(o: Fe, a: Fe, b: Fe): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
  const a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14];
  const b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5], b6 = b[6], b7 = b[7];
  const b8 = b[8], b9 = b[9], b10 = b[10], b11 = b[11], b12 = b[12], b13 = b[13], b14 = b[14];
  const c1 = 19 * b1, c2 = 19 * b2, c3 = 19 * b3, c4 = 19 * b4, c5 = 19 * b5;
  const c6 = 19 * b6, c7 = 19 * b7, c8 = 19 * b8, c9 = 19 * b9, c10 = 19 * b10;
  const c11 = 19 * b11, c12 = 19 * b12, c13 = 19 * b13, c14 = 19 * b14;
  // t_k = Σ_(i+j=k) a_i·b_j + 19·Σ_(i+j=k+15) a_i·b_j   (2^255 ≡ 19)
  let t0 = a0 * b0 + a1 * c14 + a2 * c13 + a3 * c12 + a4 * c11 + a5 * c10 + a6 * c9 + a7 * c8
    + a8 * c7 + a9 * c6 + a10 * c5 + a11 * c4 + a12 * c3 + a13 * c2 + a14 * c1;
  let t1 = a0 * b1 + a1 * b0 + a2 * c14 + a3 * c13 + a4 * c12 + a5 * c11 + a6 * c10 + a7 * c9
    + a8 * c8 + a9 * c7 + a10 * c6 + a11 * c5 + a12 * c4 + a13 * c3 + a14 * c2;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * c14 + a4 * c13 + a5 * c12 + a6 * c11 + a7 * c10
    + a8 * c9 + a9 * c8 + a10 * c7 + a11 * c6 + a12 * c5 + a13 * c4 + a14 * c3;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * c14 + a5 * c13 + a6 * c12 + a7 * c11
    + a8 * c10 + a9 * c9 + a10 * c8 + a11 * c7 + a12 * c6 + a13 * c5 + a14 * c4;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0 + a5 * c14 + a6 * c13 + a7 * c12
    + a8 * c11 + a9 * c10 + a10 * c9 + a11 * c8 + a12 * c7 + a13 * c6 + a14 * c5;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0 + a6 * c14 + a7 * c13
    + a8 * c12 + a9 * c11 + a10 * c10 + a11 * c9 + a12 * c8 + a13 * c7 + a14 * c6;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0 + a7 * c14
    + a8 * c13 + a9 * c12 + a10 * c11 + a11 * c10 + a12 * c9 + a13 * c8 + a14 * c7;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0
    + a8 * c14 + a9 * c13 + a10 * c12 + a11 * c11 + a12 * c10 + a13 * c9 + a14 * c8;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0
    + a9 * c14 + a10 * c13 + a11 * c12 + a12 * c11 + a13 * c10 + a14 * c9;
  let t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1
    + a9 * b0 + a10 * c14 + a11 * c13 + a12 * c12 + a13 * c11 + a14 * c10;
  let t10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3
    + a8 * b2 + a9 * b1 + a10 * b0 + a11 * c14 + a12 * c13 + a13 * c12 + a14 * c11;
  let t11 = a0 * b11 + a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4
    + a8 * b3 + a9 * b2 + a10 * b1 + a11 * b0 + a12 * c14 + a13 * c13 + a14 * c12;
  let t12 = a0 * b12 + a1 * b11 + a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5
    + a8 * b4 + a9 * b3 + a10 * b2 + a11 * b1 + a12 * b0 + a13 * c14 + a14 * c13;
  let t13 = a0 * b13 + a1 * b12 + a2 * b11 + a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6
    + a8 * b5 + a9 * b4 + a10 * b3 + a11 * b2 + a12 * b1 + a13 * b0 + a14 * c14;
  let t14 = a0 * b14 + a1 * b13 + a2 * b12 + a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7
    + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3 + a12 * b2 + a13 * b1 + a14 * b0;
  let c: number;
  c = t0 + ROUND - ROUND; t0 -= c; t1 += c * INV_RADIX;
  c = t1 + ROUND - ROUND; t1 -= c; t2 += c * INV_RADIX;
  c = t2 + ROUND - ROUND; t2 -= c; t3 += c * INV_RADIX;
  c = t3 + ROUND - ROUND; t3 -= c; t4 += c * INV_RADIX;
  c = t4 + ROUND - ROUND; t4 -= c; t5 += c * INV_RADIX;
  c = t5 + ROUND - ROUND; t5 -= c; t6 += c * INV_RADIX;
  c = t6 + ROUND - ROUND; t6 -= c; t7 += c * INV_RADIX;
  c = t7 + ROUND - ROUND; t7 -= c; t8 += c * INV_RADIX;
  c = t8 + ROUND - ROUND; t8 -= c; t9 += c * INV_RADIX;
  c = t9 + ROUND - ROUND; t9 -= c; t10 += c * INV_RADIX;
  c = t10 + ROUND - ROUND; t10 -= c; t11 += c * INV_RADIX;
  c = t11 + ROUND - ROUND; t11 -= c; t12 += c * INV_RADIX;
  c = t12 + ROUND - ROUND; t12 -= c; t13 += c * INV_RADIX;
  c = t13 + ROUND - ROUND; t13 -= c; t14 += c * INV_RADIX;
  c = t14 + ROUND - ROUND; t14 -= c; t0 += 19 * INV_RADIX * c;
  c = t0 + ROUND - ROUND; t0 -= c; t1 += c * INV_RADIX;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
}

/**
 * o ← a² mod p: the schoolbook square with each cross product a_i·a_j (i < j) counted once,
 * doubled (120 products instead of 225). Same bounds and output range as feMul.
 */
export function feSqr(o: Fe, a: Fe): void {
  const a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
  const a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11], a12 = a[12], a13 = a[13], a14 = a[14];
  const d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3, d4 = 2 * a4, d5 = 2 * a5;
  const d6 = 2 * a6, d7 = 2 * a7, d8 = 2 * a8, d9 = 2 * a9, d10 = 2 * a10, d11 = 2 * a11;
  const d12 = 2 * a12, d13 = 2 * a13;
  const e8 = 19 * a8, e9 = 19 * a9, e10 = 19 * a10, e11 = 19 * a11;
  const e12 = 19 * a12, e13 = 19 * a13, e14 = 19 * a14;
  let t0 = a0 * a0 + d1 * e14 + d2 * e13 + d3 * e12 + d4 * e11 + d5 * e10 + d6 * e9 + d7 * e8;
  let t1 = d0 * a1 + d2 * e14 + d3 * e13 + d4 * e12 + d5 * e11 + d6 * e10 + d7 * e9 + a8 * e8;
  let t2 = d0 * a2 + a1 * a1 + d3 * e14 + d4 * e13 + d5 * e12 + d6 * e11 + d7 * e10 + d8 * e9;
  let t3 = d0 * a3 + d1 * a2 + d4 * e14 + d5 * e13 + d6 * e12 + d7 * e11 + d8 * e10 + a9 * e9;
  let t4 = d0 * a4 + d1 * a3 + a2 * a2 + d5 * e14 + d6 * e13 + d7 * e12 + d8 * e11 + d9 * e10;
  let t5 = d0 * a5 + d1 * a4 + d2 * a3 + d6 * e14 + d7 * e13 + d8 * e12 + d9 * e11 + a10 * e10;
  let t6 = d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3 + d7 * e14 + d8 * e13 + d9 * e12 + d10 * e11;
  let t7 = d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4 + d8 * e14 + d9 * e13 + d10 * e12 + a11 * e11;
  let t8 = d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4 + d9 * e14 + d10 * e13 + d11 * e12;
  let t9 = d0 * a9 + d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5 + d10 * e14 + d11 * e13 + a12 * e12;
  let t10 = d0 * a10 + d1 * a9 + d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5 + d11 * e14 + d12 * e13;
  let t11 = d0 * a11 + d1 * a10 + d2 * a9 + d3 * a8 + d4 * a7 + d5 * a6 + d12 * e14 + a13 * e13;
  let t12 = d0 * a12 + d1 * a11 + d2 * a10 + d3 * a9 + d4 * a8 + d5 * a7 + a6 * a6 + d13 * e14;
  let t13 = d0 * a13 + d1 * a12 + d2 * a11 + d3 * a10 + d4 * a9 + d5 * a8 + d6 * a7 + a14 * e14;
  let t14 = d0 * a14 + d1 * a13 + d2 * a12 + d3 * a11 + d4 * a10 + d5 * a9 + d6 * a8 + a7 * a7;
  let c: number;
  c = t0 + ROUND - ROUND; t0 -= c; t1 += c * INV_RADIX;
  c = t1 + ROUND - ROUND; t1 -= c; t2 += c * INV_RADIX;
  c = t2 + ROUND - ROUND; t2 -= c; t3 += c * INV_RADIX;
  c = t3 + ROUND - ROUND; t3 -= c; t4 += c * INV_RADIX;
  c = t4 + ROUND - ROUND; t4 -= c; t5 += c * INV_RADIX;
  c = t5 + ROUND - ROUND; t5 -= c; t6 += c * INV_RADIX;
  c = t6 + ROUND - ROUND; t6 -= c; t7 += c * INV_RADIX;
  c = t7 + ROUND - ROUND; t7 -= c; t8 += c * INV_RADIX;
  c = t8 + ROUND - ROUND; t8 -= c; t9 += c * INV_RADIX;
  c = t9 + ROUND - ROUND; t9 -= c; t10 += c * INV_RADIX;
  c = t10 + ROUND - ROUND; t10 -= c; t11 += c * INV_RADIX;
  c = t11 + ROUND - ROUND; t11 -= c; t12 += c * INV_RADIX;
  c = t12 + ROUND - ROUND; t12 -= c; t13 += c * INV_RADIX;
  c = t13 + ROUND - ROUND; t13 -= c; t14 += c * INV_RADIX;
  c = t14 + ROUND - ROUND; t14 -= c; t0 += 19 * INV_RADIX * c;
  c = t0 + ROUND - ROUND; t0 -= c; t1 += c * INV_RADIX;
  o[0] = t0;
  o[1] = t1;
  o[2] = t2;
  o[3] = t3;
  o[4] = t4;
  o[5] = t5;
  o[6] = t6;
  o[7] = t7;
  o[8] = t8;
  o[9] = t9;
  o[10] = t10;
  o[11] = t11;
  o[12] = t12;
  o[13] = t13;
  o[14] = t14;
}

/**
 * o ← a · k mod p for a public constant 0 ≤ k < 2^17; |a[i]| < 2^19.5 gives products < 2^37.
 * Output range as feMul.
 */
export function feMulSmall(o: Fe, a: Fe, k: number): void {
  for (let i = 0; i < LIMBS; i++) o[i] = a[i] * k;
  for (let i = 0; i < LIMBS - 1; i++) {
    const c = o[i] + ROUND - ROUND;
    o[i] -= c;
    o[i + 1] += c * INV_RADIX;
  }
  const c14 = o[14] + ROUND - ROUND;
  o[14] -= c14;
  o[0] += 19 * INV_RADIX * c14;
  const c0 = o[0] + ROUND - ROUND;
  o[0] -= c0;
  o[1] += c0 * INV_RADIX;
}

/** o ← a^(2^k) (k squarings; k is public). */
export function feSqrN(o: Fe, a: Fe, k: number): void {
  feSqr(o, a);
  for (let i = 1; i < k; i++) feSqr(o, o);
}

/**
 * (a, b) ← swap ? (b, a) : (a, b) without a branch. RFC 7748 §5 (cswap).
 * Float form of the mask trick: t = swap·(a − b) is 0 or a − b exactly, since swap ∈ {0, 1}.
 */
export function feCswap(swap: number, a: Fe, b: Fe): void {
  for (let i = 0; i < LIMBS; i++) {
    const t = swap * (a[i] - b[i]);
    a[i] -= t;
    b[i] += t;
  }
}

/** o ← bit ? a : o without a branch (bit ∈ {0, 1}). */
export function feCmov(o: Fe, a: Fe, bit: number): void {
  for (let i = 0; i < LIMBS; i++) o[i] += bit * (a[i] - o[i]);
}

/** Returns [z^(2^250 − 1), z^11], the common prefix of the inversion and square-root chains. */
function pow250(z: Fe): [Fe, Fe] {
  const t0 = fe();
  const t1 = fe();
  const t2 = fe();
  const t3 = fe();
  feSqr(t0, z); //                      z^2
  feSqrN(t1, t0, 2); //                 z^8
  feMul(t1, z, t1); //                  z^9
  feMul(t0, t0, t1); //                 z^11
  feSqr(t2, t0); //                     z^22
  feMul(t1, t1, t2); //                 z^31 = z^(2^5 − 1)
  feSqrN(t2, t1, 5);
  feMul(t1, t2, t1); //                 z^(2^10 − 1)
  feSqrN(t2, t1, 10);
  feMul(t2, t2, t1); //                 z^(2^20 − 1)
  feSqrN(t3, t2, 20);
  feMul(t2, t3, t2); //                 z^(2^40 − 1)
  feSqrN(t2, t2, 10);
  feMul(t1, t2, t1); //                 z^(2^50 − 1)
  feSqrN(t2, t1, 50);
  feMul(t2, t2, t1); //                 z^(2^100 − 1)
  feSqrN(t3, t2, 100);
  feMul(t2, t3, t2); //                 z^(2^200 − 1)
  feSqrN(t2, t2, 50);
  feMul(t1, t2, t1); //                 z^(2^250 − 1)
  t2.fill(0);
  t3.fill(0);
  return [t1, t0];
}

/** o ← z^(p−2) = z^(−1) (and 0 for z = 0). RFC 7748 §5: "x_2 * (z_2^(p - 2))". */
export function feInvert(o: Fe, z: Fe): void {
  const [t1, z11] = pow250(z);
  feSqrN(t1, t1, 5); //                 z^(2^255 − 32)
  feMul(o, t1, z11); //                 z^(2^255 − 21) = z^(p − 2)
  t1.fill(0);
  z11.fill(0);
}

/** o ← z^((p−5)/8) = z^(2^252 − 3), the exponent of the square root in RFC 8032 §5.1.3 step 3. */
export function fePow22523(o: Fe, z: Fe): void {
  const [t1, z11] = pow250(z);
  feSqrN(t1, t1, 2); //                 z^(2^252 − 4)
  feMul(o, t1, z); //                   z^(2^252 − 3)
  t1.fill(0);
  z11.fill(0);
}

/** 1 if a ≡ 0 (mod p), else 0; constant-time (encodes, then ctIsZero). */
export function feIsZero(a: Fe): 0 | 1 {
  const b = new Uint8Array(32);
  feToBytes(b, a);
  const z = ctIsZero(b);
  b.fill(0);
  return z;
}

/** The low bit of the canonical encoding: x is "negative" in RFC 8032 §5.1.2's sense. */
export function feIsNegative(a: Fe): number {
  const b = new Uint8Array(32);
  feToBytes(b, a);
  const bit = b[0] & 1;
  b.fill(0);
  return bit;
}
