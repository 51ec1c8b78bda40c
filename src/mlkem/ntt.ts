/**
 * The number-theoretic transform on R_q and multiplication in T_q.
 * NIST FIPS 203 (August 2024), §4.3: Algorithm 9 (NTT), Algorithm 10 (NTT⁻¹), Algorithm 11
 * (MultiplyNTTs), Algorithm 12 (BaseCaseMultiply); ζ = 17, zetas ζ^BitRev₇(i), gammas ζ^(2BitRev₇(i)+1).
 * Side channels: loop bounds and table indices depend only on public positions; multiplications by
 * zetas use Shoup's method (public constant), products use Montgomery reduction. No secret-dependent
 * branch or index. JS gives no constant-time guarantee.
 * Differs from the spec (for speed, same results): lazy reduction inside the transforms with stated
 * bounds, and a "prepared" right operand for T_q products (see `prepareNTT`).
 */
import { Q, N, ZETA } from './params.ts';
import { fieldMul, reduceOnce, shoupPrecompute, BARRETT16_MUL, MONT_R, Q_NEG_INV } from './field.ts';

/** A polynomial in R_q, coefficient form: 256 coefficients (ranges stated where used). */
export type Poly = Uint16Array;
/** A polynomial in T_q (NTT form, bit-reversed order). Branded so R_q and T_q cannot be mixed. */
export type PolyNTT = Uint16Array & { readonly __ntt: true };
/** A T_q element pre-multiplied for `multiplyAccumulate`: per pair (b₀R, b₁R, b₁γR) mod q. */
export type PreparedNTT = Uint16Array & { readonly __prepared: true };

/** BitRev₇(r): reverses the 7 bits of r ∈ [0, 128). FIPS 203 §4.3. */
export function bitRev7(r: number): number {
  let out = 0;
  for (let b = 0; b < 7; b++) out |= ((r >> b) & 1) << (6 - b);
  return out;
}

function powMod(base: number, e: number): number {
  let result = 1;
  for (let i = 0; i < e; i++) result = fieldMul(result, base);
  return result;
}

/** ZETAS[i] = ζ^BitRev₇(i) mod q, i ∈ [0, 128). FIPS 203 §4.3 (Appendix A lists them). */
export const ZETAS: Uint16Array = Uint16Array.from({ length: 128 }, (_, i) => powMod(ZETA, bitRev7(i)));
/** GAMMAS[i] = ζ^(2·BitRev₇(i)+1) mod q, i ∈ [0, 128). FIPS 203 §4.3 (Appendix A lists them). */
export const GAMMAS: Uint16Array = Uint16Array.from({ length: 128 }, (_, i) =>
  powMod(ZETA, 2 * bitRev7(i) + 1),
);

const ZETAS_I32 = Int32Array.from(ZETAS);
const ZETAS_SHOUP = Int32Array.from(ZETAS, shoupPrecompute);
const GAMMAS_R = Int32Array.from(GAMMAS, (g) => fieldMul(g, MONT_R)); // γ·R mod q
const GAMMAS_R_SHOUP = Int32Array.from(GAMMAS_R, shoupPrecompute);
const R_SHOUP = shoupPrecompute(MONT_R);
/** 128⁻¹ mod q = 3303, the final scaling of NTT⁻¹. FIPS 203, Algorithm 10, line 14. */
const INV_128 = 3303;
const INV_128_SHOUP = shoupPrecompute(INV_128);
const TWO_Q = 2 * Q;

/**
 * Computes f̂ = NTT(f) in place; the result is in bit-reversed order, coefficients in [0, q).
 * FIPS 203, Algorithm 9 (NTT).
 * Input coefficients must be < 2q. Lazy reduction: each layer adds at most 2q to the bound
 * (t = ζ·f̂[j+len] ∈ [0, 2q) by Shoup), so after 7 layers every value is < 16q < 2¹⁶.
 */
export function nttInPlace(f: Poly): PolyNTT {
  let i = 1; // i ← 1
  for (let len = 128; len >= 2; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = ZETAS_I32[i]; // zeta ← ζ^BitRev₇(i) mod q
      const zetaShoup = ZETAS_SHOUP[i++];
      for (let j = start; j < start + len; j++) {
        const b = f[j + len];
        // t ← zeta·f̂[j+len]: mulShoup(b, zeta, zetaShoup) written out (hot loop), t ∈ [0, 2q)
        const t = (Math.imul(b, zeta) - Math.imul(Math.imul(b, zetaShoup) >>> 16, Q)) | 0;
        const a = f[j];
        f[j + len] = a - t + TWO_Q; // f̂[j+len] ← f̂[j] − t   (+2q keeps it ≥ 0)
        f[j] = a + t; // f̂[j] ← f̂[j] + t
      }
    }
  }
  for (let j = 0; j < N; j++) {
    // barrettReduce(f[j]) written out: f[j] < 16q < 2¹⁶ → [0, q)
    const x = f[j];
    const r = x - ((x * BARRETT16_MUL) >>> 26) * Q - Q;
    f[j] = r + ((r >> 31) & Q);
  }
  return f as PolyNTT;
}

/**
 * Computes f = NTT⁻¹(f̂) in place, coefficients in [0, q).
 * FIPS 203, Algorithm 10 (NTT⁻¹).
 * Input coefficients must be < 2q; every layer keeps them < 2q (sums get one conditional −2q,
 * differences + 2q stay < 4q < 2¹⁶ for Shoup).
 */
export function nttInverseInPlace(fHat: PolyNTT): Poly {
  const f: Poly = fHat;
  let i = 127; // i ← 127
  for (let len = 2; len <= 128; len <<= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = ZETAS_I32[i]; // zeta ← ζ^BitRev₇(i) mod q
      const zetaShoup = ZETAS_SHOUP[i--];
      for (let j = start; j < start + len; j++) {
        const t = f[j]; // t ← f[j]
        const u = f[j + len];
        const s = t + u - TWO_Q; // f[j] ← t + f[j+len]   (< 4q, then −2q if ≥ 2q)
        f[j] = s + ((s >> 31) & TWO_Q);
        // f[j+len] ← zeta·(f[j+len] − t): mulShoup(d, zeta, zetaShoup) written out, d < 4q
        const d = u - t + TWO_Q;
        f[j + len] = Math.imul(d, zeta) - Math.imul(Math.imul(d, zetaShoup) >>> 16, Q);
      }
    }
  }
  for (let j = 0; j < N; j++) {
    // f ← f·3303 (= 128⁻¹ mod q): mulShoup then reduceOnce, written out
    const x = f[j];
    const r = Math.imul(x, INV_128) - Math.imul(Math.imul(x, INV_128_SHOUP) >>> 16, Q) - Q;
    f[j] = r + ((r >> 31) & Q);
  }
  return f;
}

/**
 * Computes the product (c₀, c₁) of a₀ + a₁X and b₀ + b₁X modulo X² − γ, for inputs in [0, q).
 * FIPS 203, Algorithm 12 (BaseCaseMultiply).
 */
export function baseCaseMultiply(a0: number, a1: number, b0: number, b1: number, gamma: number): [number, number] {
  const c0 = reduceOnce(fieldMul(a0, b0) + fieldMul(fieldMul(a1, b1), gamma)); // c₀ ← a₀b₀ + a₁b₁γ
  const c1 = reduceOnce(fieldMul(a0, b1) + fieldMul(a1, b0)); // c₁ ← a₀b₁ + a₁b₀
  return [c0, c1];
}

/**
 * Computes ĥ = f̂ ×_T ĝ, the product in T_q, into a fresh array (the spec-shaped version; the hot
 * path uses `multiplyAccumulate`, which a test checks against this one).
 * FIPS 203, Algorithm 11 (MultiplyNTTs).
 */
export function multiplyNTTs(fHat: PolyNTT, gHat: PolyNTT): PolyNTT {
  const hHat = new Uint16Array(N) as PolyNTT;
  for (let i = 0; i < 128; i++) {
    const [c0, c1] = baseCaseMultiply(fHat[2 * i], fHat[2 * i + 1], gHat[2 * i], gHat[2 * i + 1], GAMMAS[i]);
    hHat[2 * i] = c0;
    hHat[2 * i + 1] = c1;
  }
  return hHat;
}

/**
 * Writes the prepared form of ĝ (coefficients in [0, q)) into out (384 entries): for each pair,
 * (ĝ₂ᵢR, ĝ₂ᵢ₊₁R, ĝ₂ᵢ₊₁·γᵢR) mod q with R = 2¹⁶, so that `multiplyAccumulate` needs no reduction
 * inside a product and its single Montgomery reduction (·R⁻¹) returns the true T_q product.
 */
export function prepareNTT(out: Uint16Array, gHat: PolyNTT): PreparedNTT {
  for (let i = 0; i < 128; i++) {
    const g0 = gHat[2 * i];
    const g1 = gHat[2 * i + 1];
    const gr = GAMMAS_R[i];
    const grShoup = GAMMAS_R_SHOUP[i];
    // reduceOnce(mulShoup(·, ·, ·)) written out three times (hot loop)
    const r0 = Math.imul(g0, MONT_R) - Math.imul(Math.imul(g0, R_SHOUP) >>> 16, Q) - Q;
    const r1 = Math.imul(g1, MONT_R) - Math.imul(Math.imul(g1, R_SHOUP) >>> 16, Q) - Q;
    const r2 = Math.imul(g1, gr) - Math.imul(Math.imul(g1, grShoup) >>> 16, Q) - Q;
    out[3 * i] = r0 + ((r0 >> 31) & Q); // ĝ₂ᵢ·R
    out[3 * i + 1] = r1 + ((r1 >> 31) & Q); // ĝ₂ᵢ₊₁·R
    out[3 * i + 2] = r2 + ((r2 >> 31) & Q); // ĝ₂ᵢ₊₁·γᵢ·R
  }
  return out as PreparedNTT;
}

/**
 * acc ← acc + f̂ ×_T ĝ without reduction (Algorithms 11–12 with R-scaled ĝ), for f̂ in [0, q).
 * Each product term is < 2q² per coefficient; `reduceAccumulator` is exact for up to 9 terms.
 */
export function multiplyAccumulate(acc: Int32Array, fHat: PolyNTT, gPrep: PreparedNTT): void {
  for (let i = 0; i < 128; i++) {
    const a0 = fHat[2 * i];
    const a1 = fHat[2 * i + 1];
    const b0 = gPrep[3 * i];
    const b1 = gPrep[3 * i + 1];
    const b1g = gPrep[3 * i + 2];
    acc[2 * i] += a0 * b0 + a1 * b1g; // c₀ ← a₀b₀ + a₁b₁γ
    acc[2 * i + 1] += a0 * b1 + a1 * b0; // c₁ ← a₀b₁ + a₁b₀
  }
}

/**
 * out ← acc·R⁻¹ mod q in [0, 2q) (Montgomery), then clears acc. acc < 9·2q² < q·2¹⁶ is required.
 */
export function reduceAccumulator(out: Uint16Array, acc: Int32Array): void {
  for (let j = 0; j < N; j++) {
    const x = acc[j];
    out[j] = (x + (Math.imul(x, Q_NEG_INV) & 0xffff) * Q) >>> 16; // montgomeryReduce(x), written out
    acc[j] = 0;
  }
}
