/**
 * Arithmetic in Z_q, q = 8380417, on JavaScript numbers: exact float64 products and a
 * round-to-nearest Barrett reduction to the centered range. FIPS 204 §2.3 (mod±) and §7.5.
 * Coefficients live in Float64Array (integer values only): measured 2–2.5× faster NTTs than
 * Int32Array here, because no int32 ↔ float64 conversion sits in the butterflies.
 * Side channels: no branches, no `%` or `/` on coefficients; float multiplication and the
 * rounding add/subtract are fixed-latency on normal doubles. JS gives no constant-time guarantee.
 * Differs from the spec: instead of Montgomery reduction (Algorithm 49, which would need the high
 * half of a 64-bit product) we round c·(1/q) in float64; every caller states |c| < 2⁵⁰.
 */
import { Q } from './params.ts';

/** 1/q rounded to float64 (relative error ≤ 2⁻⁵³). */
const INV_Q = 1 / Q;
/** 1.5·2⁵²: adding and subtracting it rounds any |x| < 2⁵¹ to the nearest integer. */
const ROUND = 6755399441055744;

/**
 * c mod± q, in [−(q−1)/2, (q−1)/2], for an integer |c| < 2⁵⁰ (mod± is FIPS 204 §2.3).
 * Bound: x = fl(c·fl(1/q)) is within |c/q|·2⁻⁵² < 2⁻²⁵ of c/q, while c/q is never closer than
 * 1/(2q) > 2⁻²⁴ to a half-integer (q is odd), so t = round(x) = round(c/q) exactly and
 * t·q < 2⁵⁰ is exact: the result is the centered remainder. Tested over random |c| < 2⁵⁰.
 */
export function reduce(c: number): number {
  const t = c * INV_Q + ROUND - ROUND;
  return c - t * Q; // may be −0, which every consumer (bit ops, comparisons) treats as 0
}

/** a·b mod± q for integers with |a·b| < 2⁵⁰ (e.g. |a| < 2²⁷ and |b| ≤ (q−1)/2 < 2²³). */
export function fieldMul(a: number, b: number): number {
  return reduce(a * b);
}

/** Maps x ∈ (−q, q) to x mod q ∈ [0, q) with a sign mask instead of a branch. */
export function toUnsigned(x: number): number {
  return x + ((x >> 31) & Q);
}

/** Maps x ∈ [0, q) to x mod± q ∈ [−(q−1)/2, (q−1)/2] without a branch. */
export function toCentered(x: number): number {
  // x > (q−1)/2  ⇔  (q−1)/2 − x < 0
  return x - (((((Q - 1) >> 1) - x) >> 31) & Q);
}
