/**
 * The number-theoretic transform over Z_q[X]/(X²⁵⁶ + 1) and arithmetic in T_q.
 * FIPS 204 §7.5: Algorithm 41 (NTT), 42 (NTT⁻¹), 43 (BitRev₈), 45 (MultiplyNTT),
 * 48 (MatrixVectorNTT); Appendix B (zetas).
 * Side channels: control flow and indices depend only on the fixed transform structure, never
 * on coefficients. JS gives no constant-time guarantee.
 * Bounds convention: polynomials handed between functions are centered (|a| ≤ (q−1)/2) unless a
 * function says otherwise; each reduction states why its product is < 2⁵⁰ (field.ts).
 * Coefficients are integer-valued float64 (see field.ts for why not Int32Array).
 */
import { fieldMul, reduce } from './field.ts';
import { N, Q, ZETA } from './params.ts';

/** A polynomial in R_q = Z_q[X]/(X²⁵⁶ + 1), coefficient form (integer-valued float64). */
export type Poly = Float64Array;
/** An element of T_q (NTT form, bit-reversed order). */
export type PolyNTT = Float64Array & { readonly __ntt: true };

/** A fresh zero polynomial. */
export const newPoly = (): Poly => new Float64Array(N);
/** A fresh zero element of T_q. */
export const newPolyNTT = (): PolyNTT => new Float64Array(N) as PolyNTT;

/** Reverses the 8 low bits of m. FIPS 204, Algorithm 43 (BitRev₈). */
export function bitRev8(m: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((m >> i) & 1) << (7 - i);
  return r;
}

/** zetas[m] = ζ^BitRev₈(m) mod± q for m ∈ [0, 256), computed at load (FIPS 204 Appendix B). */
export const ZETAS: Float64Array = (() => {
  const powers = new Float64Array(N); // ζ^i mod± q; factors < q so products < 2⁴⁶
  powers[0] = 1;
  for (let i = 1; i < N; i++) powers[i] = fieldMul(powers[i - 1], ZETA);
  const z = new Float64Array(N);
  for (let m = 0; m < N; m++) z[m] = powers[bitRev8(m)];
  return z;
})();

/** 256⁻¹ mod q = 8347681, written centered (FIPS 204 Algorithm 42, step 21). */
const F = 8347681 - Q;

/**
 * out ← NTT(w): maps w ∈ R_q to ŵ ∈ T_q; out may be w itself (in place).
 * FIPS 204, Algorithm 41 (NTT).
 * Input |w[i]| < 2²⁶; each layer adds at most (q−1)/2, so operands stay < 2²⁶ + 4q < 2²⁷ and
 * products with |ζ| ≤ (q−1)/2 stay < 2⁵⁰. The last layer (len = 1) also reduces both outputs,
 * so the result is centered.
 */
export function nttInto(out: PolyNTT, w: Poly): void {
  if (out !== w) out.set(w);
  let m = 0; // m ← 0
  for (let len = 128; len >= 2; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const z = ZETAS[++m]; // z ← zetas[m]
      for (let j = start; j < start + len; j++) {
        const t = reduce(z * out[j + len]); // t ← z·ŵ[j + len]
        const a = out[j];
        out[j + len] = a - t; // ŵ[j + len] ← ŵ[j] − t
        out[j] = a + t; // ŵ[j] ← ŵ[j] + t
      }
    }
  }
  for (let j = 0; j < N; j += 2) {
    const z = ZETAS[++m]; // len = 1
    const t = reduce(z * out[j + 1]);
    const a = out[j];
    out[j + 1] = reduce(a - t);
    out[j] = reduce(a + t);
  }
}

/**
 * out ← NTT⁻¹(ŵ): maps ŵ ∈ T_q back to R_q; out may be ŵ itself (in place).
 * FIPS 204, Algorithm 42 (NTT⁻¹).
 * Input centered. Without reduction the sums double each layer (q/2 → 4q after three layers),
 * so the sums of the layer len = 8 are reduced: every operand stays ≤ 8q and every product
 * ≤ 8q·(q−1)/2 < 2⁴⁹. The final scaling by f = 256⁻¹ (steps 21–23) is folded into the last
 * layer (len = 128) as f and f·z. Output centered.
 */
export function invNttInto(out: Poly, w: PolyNTT): void {
  if (out !== w) out.set(w);
  let m = N; // m ← 256
  for (let len = 1; len < N / 2; len <<= 1) {
    const reduceSums = len === 8; // public: depends on the layer only
    for (let start = 0; start < N; start += 2 * len) {
      const z = -ZETAS[--m]; // z ← −zetas[m]
      for (let j = start; j < start + len; j++) {
        const t = out[j]; // t ← w[j]
        const u = out[j + len];
        out[j] = reduceSums ? reduce(t + u) : t + u; // w[j] ← t + w[j + len]
        out[j + len] = reduce(z * (t - u)); // w[j + len] ← z·(t − w[j + len])
      }
    }
  }
  // len = 128, m = 1, with w[j] ← f·w[j] for all j (operands ≤ 8q, products < 2⁴⁹)
  const fz = reduce(F * -ZETAS[--m]);
  for (let j = 0; j < N / 2; j++) {
    const t = out[j];
    const u = out[j + N / 2];
    out[j] = reduce(F * (t + u));
    out[j + N / 2] = reduce(fz * (t - u));
  }
}

/** out ← â ∘ b̂ (coefficient-wise product in T_q). FIPS 204, Algorithm 45 (MultiplyNTT). */
export function multiplyNTT(out: PolyNTT, a: PolyNTT, b: PolyNTT): void {
  for (let i = 0; i < N; i++) out[i] = reduce(a[i] * b[i]); // centered inputs: product < 2⁴⁴
}

/**
 * out[i] ← Σ_j Â[i][j] ∘ v̂[j] for i ∈ [0, k). FIPS 204, Algorithm 48 (MatrixVectorNTT).
 * Centered inputs: each product < 2⁴⁴ and the sum of l ≤ 7 of them < 2⁴⁷, reduced once.
 */
export function matrixVectorNTT(out: PolyNTT[], AHat: PolyNTT[][], vHat: PolyNTT[]): void {
  const l = vHat.length;
  for (let i = 0; i < out.length; i++) {
    const row = AHat[i];
    const o = out[i];
    for (let c = 0; c < N; c++) {
      let acc = 0;
      for (let j = 0; j < l; j++) acc += row[j][c] * vHat[j][c];
      o[c] = reduce(acc);
    }
  }
}
