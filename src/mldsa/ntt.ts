/**
 * The number-theoretic transform over Z_q[X]/(X²⁵⁶ + 1) and arithmetic in T_q.
 * FIPS 204 §7.5: Algorithm 41 (NTT), 42 (NTT⁻¹), 43 (BitRev₈), 45 (MultiplyNTT),
 * 48 (MatrixVectorNTT); Appendix B (zetas).
 * Side channels: control flow and indices depend only on the fixed transform structure, never
 * on coefficients. JS gives no constant-time guarantee.
 * Bounds convention: polynomials handed between functions are centered (|a| ≤ (q−1)/2) unless a
 * function says otherwise; each reduction states why its product is < 2⁵⁰ (field.ts).
 * Coefficients are integer-valued float64 (see field.ts for why not Int32Array).
 * The twin of nttInPlace / invNttInPlace is reference.ts (ntt, invNtt: Algorithms 41 and 42 as
 * plain loops); test/mldsa/ntt.test.ts keeps them equal.
 */
import { fieldMul, reduce } from './field.ts';
import { N, Q, ZETA } from './params.ts';
import { CryptoError } from '../util/errors.ts';

/** A polynomial in R_q = Z_q[X]/(X²⁵⁶ + 1), coefficient form (integer-valued float64). */
export type Poly = Float64Array;
/** An element of T_q (NTT form, bit-reversed order). */
export type PolyNTT = Float64Array & { readonly __ntt: true };

/** A fresh zero polynomial. */
export const newPoly = (): Poly => new Float64Array(N);
/** A fresh zero element of T_q. */
export const newPolyNTT = (): PolyNTT => new Float64Array(N) as PolyNTT;

/**
 * n fresh zero polynomials as views of one buffer: one backing-store allocation instead of n (V8
 * allocates each 2 KiB typed array's store separately; per-polynomial allocation was ≈5% of a
 * signature in garbage collection). Views are made with the (buffer, offset, length) constructor:
 * about 30% cheaper than `subarray`, which looks up a species constructor each time.
 */
export function newPolys(n: number): Poly[] {
  const buf = new ArrayBuffer(n * N * 8);
  const out: Poly[] = new Array<Poly>(n);
  for (let i = 0; i < n; i++) out[i] = new Float64Array(buf, i * N * 8, N);
  return out;
}

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

/** f = 256⁻¹ mod q = 8347681 (FIPS 204 Algorithm 42), written centered. */
const F = 8347681 - Q;

/**
 * Maps w ∈ R_q to ŵ = NTT(w) ∈ T_q in place (the caller then treats the array as a PolyNTT).
 * FIPS 204, Algorithm 41 (NTT).
 * Differs from the spec's loop form (reference.ts, differentially tested) in
 * doing two layers per pass: layers len = L and L/2 on four coefficients at a time, with
 * zetas[128/L + b] for block b of layer L and zetas[256/L + 2b], zetas[256/L + 2b + 1] for its two
 * halves (m counts blocks in order). About 1.6× faster here: half the loads and stores.
 * Input |w[i]| < 2²⁶; each layer adds at most (q−1)/2, so operands stay < 2²⁶ + 4q < 2²⁷ and
 * products with |ζ| ≤ (q−1)/2 stay < 2⁵⁰. Output centered, or with `centered` false left
 * unreduced: |ŵ[i]| ≤ max|w| + 4(q − 1) < max|w| + 2²⁵ (callers state why that suffices).
 * Each pass is its own small function (the last, layers 2 and 1, written over blocks of four):
 * called from other functions, as every caller does, the former single loop with the last pass
 * as a branch in its body ran 1.9× slower in a function-level A/B (same process); at the
 * operation level the gain is smaller (signing about +3% with NTT⁻¹'s change).
 */
export function nttInPlace(w: Poly, centered = true): void {
  const out = w; // ŵ overwrites w
  nttLayers(out, 128); // len = 128 and 64
  nttLayers(out, 32); // len = 32 and 16
  nttLayers(out, 8); // len = 8 and 4
  nttLayers2And1(out);
  if (centered) for (let i = 0; i < N; i++) out[i] = reduce(out[i]);
}

/** FIPS 204 Algorithm 41, layers len = L and L/2 for L = 128, 32 or 8 (public: the pass index). */
function nttLayers(out: Poly, L: number): void {
  const h = L >> 1;
  for (let start = 0, b = 0; start < N; start += 2 * L, b++) {
    const z = ZETAS[128 / L + b]; // layer len = L
    const za = ZETAS[256 / L + 2 * b]; // layer len = L/2, first half
    const zb = ZETAS[256 / L + 2 * b + 1]; // layer len = L/2, second half
    for (let j = start; j < start + h; j++) {
      let a0 = out[j];
      let a1 = out[j + h];
      let a2 = out[j + L];
      let a3 = out[j + L + h];
      let t = reduce(z * a2); // t ← z·ŵ[j + len]
      a2 = a0 - t; // ŵ[j + len] ← ŵ[j] − t
      a0 = a0 + t; // ŵ[j] ← ŵ[j] + t
      t = reduce(z * a3);
      a3 = a1 - t;
      a1 = a1 + t;
      t = reduce(za * a1);
      a1 = a0 - t;
      a0 = a0 + t;
      t = reduce(zb * a3);
      a3 = a2 - t;
      a2 = a2 + t;
      out[j] = a0;
      out[j + h] = a1;
      out[j + L] = a2;
      out[j + L + h] = a3;
    }
  }
}

/** FIPS 204 Algorithm 41, layers len = 2 and 1, over blocks of four coefficients (b = 0 … 63). */
function nttLayers2And1(out: Poly): void {
  for (let j = 0, b = 0; j < N; j += 4, b++) {
    const z = ZETAS[64 + b]; // layer len = 2
    const za = ZETAS[128 + 2 * b]; // layer len = 1, first half
    const zb = ZETAS[129 + 2 * b]; // layer len = 1, second half
    let a0 = out[j];
    let a1 = out[j + 1];
    let a2 = out[j + 2];
    let a3 = out[j + 3];
    let t = reduce(z * a2);
    a2 = a0 - t;
    a0 = a0 + t;
    t = reduce(z * a3);
    a3 = a1 - t;
    a1 = a1 + t;
    t = reduce(za * a1);
    a1 = a0 - t;
    a0 = a0 + t;
    t = reduce(zb * a3);
    a3 = a2 - t;
    a2 = a2 + t;
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
}

/**
 * Maps ŵ ∈ T_q back to w = NTT⁻¹(ŵ) ∈ R_q in place.
 * FIPS 204, Algorithm 42 (NTT⁻¹).
 * Two layers per pass as in nttInPlace: layers len = L and 2L, with −zetas[256/L − 1 − b] for block
 * b of layer L (m counts down). Input centered. Without reduction the sums double each layer
 * (q/2 → 4q after three layers), so the sums of the layer len = 8 are reduced: every operand
 * stays ≤ 8q and every product ≤ 8q·(q−1)/2 < 2⁴⁹. The final scaling by f = 256⁻¹ (the last loop)
 * is folded into the last layer (len = 128) as f and f·z. Output centered.
 * Each pass is its own small function (the first, layers 1 and 2, written over blocks of four):
 * the former single loop with the per-pass cases as branches in its body ran about 1.8× slower
 * when called from other functions (function-level A/B, same process; see nttInPlace).
 */
export function invNttInPlace(wHat: PolyNTT): void {
  const out: Poly = wHat; // w overwrites ŵ
  invLayers1And2(out);
  invLayers4And8(out);
  invLayers16And32(out);
  invLayers64And128(out);
}

/** FIPS 204 Algorithm 42, layers len = 1 and 2, over blocks of four coefficients (b = 0 … 63). */
function invLayers1And2(out: Poly): void {
  for (let j = 0, b = 0; j < N; j += 4, b++) {
    const za = -ZETAS[255 - 2 * b]; // layer len = 1, first half
    const zb = -ZETAS[254 - 2 * b]; // layer len = 1, second half
    const z = -ZETAS[127 - b]; // layer len = 2
    let a0 = out[j];
    let a1 = out[j + 1];
    let a2 = out[j + 2];
    let a3 = out[j + 3];
    let t = a0; // t ← w[j]
    a0 = t + a1; // w[j] ← t + w[j + len]
    a1 = reduce(za * (t - a1)); // w[j + len] ← z·(t − w[j + len])
    t = a2;
    a2 = t + a3;
    a3 = reduce(zb * (t - a3));
    t = a0;
    a0 = t + a2;
    a2 = reduce(z * (t - a2));
    t = a1;
    a1 = t + a3;
    a3 = reduce(z * (t - a3));
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
}

/** FIPS 204 Algorithm 42, layers len = 4 and 8; the sums of len = 8 are reduced (invNttInPlace). */
function invLayers4And8(out: Poly): void {
  const L = 4;
  for (let start = 0, b = 0; start < N; start += 4 * L, b++) {
    const za = -ZETAS[256 / L - 1 - 2 * b]; // layer len = L, first half
    const zb = -ZETAS[256 / L - 2 - 2 * b]; // layer len = L, second half
    const z = -ZETAS[128 / L - 1 - b]; // layer len = 2L
    for (let j = start; j < start + L; j++) {
      let a0 = out[j];
      let a1 = out[j + L];
      let a2 = out[j + 2 * L];
      let a3 = out[j + 3 * L];
      let t = a0;
      a0 = t + a1;
      a1 = reduce(za * (t - a1));
      t = a2;
      a2 = t + a3;
      a3 = reduce(zb * (t - a3));
      t = a0;
      a0 = reduce(t + a2);
      a2 = reduce(z * (t - a2));
      t = a1;
      a1 = reduce(t + a3);
      a3 = reduce(z * (t - a3));
      out[j] = a0;
      out[j + L] = a1;
      out[j + 2 * L] = a2;
      out[j + 3 * L] = a3;
    }
  }
}

/**
 * FIPS 204 Algorithm 42, layers len = 16 and 32: invLayers4And8 without the reduction of the
 * sums. One shared function that always reduces measured 3–13% slower per NTT⁻¹ (function-level
 * A/B), and signing runs 17 NTT⁻¹ per attempt, so the pass is written twice.
 */
function invLayers16And32(out: Poly): void {
  const L = 16;
  for (let start = 0, b = 0; start < N; start += 4 * L, b++) {
    const za = -ZETAS[256 / L - 1 - 2 * b]; // layer len = L, first half
    const zb = -ZETAS[256 / L - 2 - 2 * b]; // layer len = L, second half
    const z = -ZETAS[128 / L - 1 - b]; // layer len = 2L
    for (let j = start; j < start + L; j++) {
      let a0 = out[j];
      let a1 = out[j + L];
      let a2 = out[j + 2 * L];
      let a3 = out[j + 3 * L];
      let t = a0;
      a0 = t + a1;
      a1 = reduce(za * (t - a1));
      t = a2;
      a2 = t + a3;
      a3 = reduce(zb * (t - a3));
      t = a0;
      a0 = t + a2;
      a2 = reduce(z * (t - a2));
      t = a1;
      a1 = t + a3;
      a3 = reduce(z * (t - a3));
      out[j] = a0;
      out[j + L] = a1;
      out[j + 2 * L] = a2;
      out[j + 3 * L] = a3;
    }
  }
}

/** FIPS 204 Algorithm 42, layers len = 64 and 128, with w[j] ← f·w[j] folded in (f and f·z). */
function invLayers64And128(out: Poly): void {
  const za = -ZETAS[3]; // layer len = 64, first half
  const zb = -ZETAS[2]; // layer len = 64, second half
  const z = -ZETAS[1]; // layer len = 128
  const fz = reduce(F * z);
  for (let j = 0; j < 64; j++) {
    let a0 = out[j];
    let a1 = out[j + 64];
    let a2 = out[j + 128];
    let a3 = out[j + 192];
    let t = a0;
    a0 = t + a1;
    a1 = reduce(za * (t - a1));
    t = a2;
    a2 = t + a3;
    a3 = reduce(zb * (t - a3));
    t = a0; // operands ≤ 8q, products < 2⁴⁹
    a0 = reduce(F * (t + a2));
    a2 = reduce(fz * (t - a2));
    t = a1;
    a1 = reduce(F * (t + a3));
    a3 = reduce(fz * (t - a3));
    out[j] = a0;
    out[j + 64] = a1;
    out[j + 128] = a2;
    out[j + 192] = a3;
  }
}

/**
 * out ← â ∘ b̂ (coefficient-wise product in T_q). FIPS 204, Algorithm 45 (MultiplyNTT).
 * â may be an unreduced NTT output of a polynomial with |·| ≤ 1 (ĉ: < 2²⁶); b̂ is centered, so
 * each product is < 2²⁶·2²² = 2⁴⁸.
 */
export function multiplyNTT(out: PolyNTT, a: PolyNTT, b: PolyNTT): void {
  for (let i = 0; i < N; i++) out[i] = reduce(a[i] * b[i]);
}

/**
 * out[i] ← Σ_j Â[i][j] ∘ v̂[j] for i ∈ [0, k). FIPS 204, Algorithm 48 (MatrixVectorNTT).
 * Â is centered and v̂ either centered or an unreduced NTT output of a v with |v| ≤ 2¹⁹ (y, z):
 * |v̂| ≤ 2¹⁹ + 4(q − 1), so each product is ≤ (2¹⁹ + 4(q − 1))·(q − 1)/2 < 1.43·10¹⁴ and the sum
 * of l ≤ 7 of them < 10¹⁵ < 2⁵⁰ (exact in float64, and in reduce's range), reduced once.
 * Differs from the spec's loop in order only: the products are added two at a time (one product
 * first when l is odd), the last pair together with the reduction, so each coefficient of out[i]
 * is loaded and stored about l/2 times instead of l + 2. Needs l ≥ 3 (FIPS 204: l ∈ {4, 5, 7}).
 */
export function matrixVectorNTT(out: PolyNTT[], AHat: PolyNTT[][], vHat: PolyNTT[]): void {
  const l = vHat.length;
  if (l < 3) throw new CryptoError('BAD_PARAMS', 'MatrixVectorNTT: the pairwise sum needs l ≥ 3');
  for (let i = 0; i < out.length; i++) {
    const row = AHat[i];
    const o = out[i];
    let j: number;
    if (l % 2 === 1) {
      const a = row[0];
      const v = vHat[0];
      for (let c = 0; c < N; c++) o[c] = a[c] * v[c];
      j = 1;
    } else {
      const a = row[0];
      const v = vHat[0];
      const b = row[1];
      const w = vHat[1];
      for (let c = 0; c < N; c++) o[c] = a[c] * v[c] + b[c] * w[c];
      j = 2;
    }
    for (; j < l - 2; j += 2) {
      const a = row[j];
      const v = vHat[j];
      const b = row[j + 1];
      const w = vHat[j + 1];
      for (let c = 0; c < N; c++) o[c] += a[c] * v[c] + b[c] * w[c]; // exact: integers < 2⁵³
    }
    const a = row[l - 2];
    const v = vHat[l - 2];
    const b = row[l - 1];
    const w = vHat[l - 1];
    for (let c = 0; c < N; c++) o[c] = reduce(o[c] + a[c] * v[c] + b[c] * w[c]);
  }
}
