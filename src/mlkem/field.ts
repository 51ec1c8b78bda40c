/**
 * Arithmetic in Z_q (q = 3329): reductions with stated input bounds, and Compress/Decompress.
 * NIST FIPS 203 (August 2024): §2.3 (mod±, ⌈·⌋), §4.2.1 (Compress_d eq. 4.7, Decompress_d eq. 4.8).
 * Side channels: no `%` or `/` on secret values, no secret-dependent branches; reductions use
 * Barrett (integer, or with a float64 reciprocal for wide inputs) or Shoup multiplication by a
 * public constant; Compress uses exact float64 products (< 2⁵³). JS gives no CT guarantee.
 * Every function is exhaustively checked over its stated input range in test/mlkem/field.test.ts.
 * The hot loops of ntt.ts and kpke.ts use written-out copies of these reductions (named there).
 */
import { Q } from './params.ts';

/** 1/q rounded to float64, for `barrettReduceWide`. */
export const Q_RECIPROCAL = 1 / Q;
/** ⌊2²⁶ / q⌋, the Barrett multiplier for inputs below 2¹⁶. */
export const BARRETT16_MUL = 20158;
/**
 * ⌈2³³/q⌉ / 2³³ = 2580335·2⁻³³, the exact-division factor of Compress. It is exactly representable
 * (a 22-bit integer times a power of two); n·COMPRESS_SCALE is exact for n < 2²⁴ (n·2580335 < 2⁴⁶).
 */
export const COMPRESS_SCALE = 2580335 * 2 ** -33;

/** Maps x ∈ [0, 2q) to x mod q ∈ [0, q) with a sign mask instead of a branch. */
export function reduceOnce(x: number): number {
  const t = x - Q; // negative iff x < q
  return t + ((t >> 31) & Q);
}

/**
 * x mod q for 0 ≤ x < 2¹⁶ (Barrett). The quotient estimate ⌊x·20158 / 2²⁶⌋ is ⌊x/q⌋ or one less
 * (x · (1/q − 20158/2²⁶) < 1 for x < 2¹⁶), so x − quotient·q ∈ [0, 2q) before reduceOnce.
 * x · 20158 < 2³¹: exact in int32.
 */
export function barrettReduce(x: number): number {
  const quotient = (x * BARRETT16_MUL) >>> 26;
  return reduceOnce(x - quotient * Q);
}

/**
 * x mod q up to one extra q, for 0 ≤ x < 2³¹: returns r ≡ x (mod q) with r ∈ [0, 2q).
 * Barrett with a float64 reciprocal: x·fl(1/q) is within 2⁻³³ of x/q (two roundings), while the
 * fractional part of x/q is 0 or ≥ 1/q, so the truncated quotient is ⌊x/q⌋ or ⌊x/q⌋ − 1.
 */
export function barrettReduceWide(x: number): number {
  const quotient = (x * Q_RECIPROCAL) | 0;
  return x - quotient * Q;
}

/** Precomputes ⌊w·2¹⁶ / q⌋ for Shoup multiplication by the public constant w ∈ [0, q). */
export function shoupPrecompute(w: number): number {
  return Math.floor((w * 65536) / Q); // w is a public constant: division is fine here
}

/**
 * a·w mod q, up to one extra q: returns r ≡ a·w (mod q) with r ∈ [0, 2q), for 0 ≤ a < 2¹⁶ and a
 * public constant w ∈ [0, q) with wShoup = ⌊w·2¹⁶/q⌋ (Shoup). The quotient estimate
 * ⌊a·wShoup / 2¹⁶⌋ lies in (a·w/q − 2, a·w/q]; a·wShoup < 2³², read unsigned with >>>.
 */
export function mulShoup(a: number, w: number, wShoup: number): number {
  const quotient = Math.imul(a, wShoup) >>> 16;
  return (Math.imul(a, w) - Math.imul(quotient, Q)) | 0;
}

/**
 * a·b mod q for a, b ∈ [0, q), reduced to [0, q). Convenience for non-hot paths: a·b < q² < 2²⁴,
 * times 5039 (= ⌊2²⁴/q⌋) stays < 2⁵³, so the float64 Barrett quotient is exact up to one q.
 */
export function fieldMul(a: number, b: number): number {
  const x = a * b;
  const quotient = Math.floor((x * 5039) / 2 ** 24);
  return reduceOnce(x - quotient * Q);
}

/**
 * Compress_d(x) = ⌈(2^d / q)·x⌋ mod 2^d for x ∈ [0, q), 1 ≤ d ≤ 11.
 * FIPS 203, §4.2.1, equation (4.7).
 * ⌈(2^d·x)/q⌋ = ⌊(2^d·x + 1664)/q⌋ since q is odd; the numerator n is < 2²³ + 2¹¹, and for all
 * such n, ⌊n·⌈2³³/q⌉ / 2³³⌋ = ⌊n/q⌋ (n·(⌈2³³/q⌉·q − 2³³) < 2³³). n·COMPRESS_SCALE is exact in
 * float64 and < 2³¹, so `| 0` is the floor.
 */
export function compress(d: number, x: number): number {
  // return Math.round((2 ** d / Q) * x) % 2 ** d;   (spec form: division and % on a secret)
  const n = x * (1 << d) + (Q >> 1);
  return ((n * COMPRESS_SCALE) | 0) & ((1 << d) - 1);
}

/**
 * Decompress_d(y) = ⌈(q / 2^d)·y⌋ for y ∈ [0, 2^d), 1 ≤ d ≤ 11.
 * FIPS 203, §4.2.1, equation (4.8).
 * ⌈q·y / 2^d⌋ = ⌊(q·y + 2^(d−1)) / 2^d⌋, a shift; q·y < 2²³.
 */
export function decompress(d: number, y: number): number {
  return (y * Q + (1 << (d - 1))) >> d;
}
