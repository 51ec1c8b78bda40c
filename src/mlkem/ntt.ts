/**
 * The number-theoretic transform on R_q and multiplication in T_q.
 * NIST FIPS 203 (August 2024), §4.3: Algorithm 9 (NTT), Algorithm 10 (NTT⁻¹), Algorithm 11
 * (MultiplyNTTs), Algorithm 12 (BaseCaseMultiply); ζ = 17, zetas ζ^BitRev₇(i), gammas
 * ζ^(2BitRev₇(i)+1).
 * Side channels: loop bounds and table indices depend only on public positions; multiplications
 * by zetas use Shoup's method (public constant), products use Barrett reduction. No
 * secret-dependent branch or index. JS gives no constant-time guarantee.
 * Differs from the spec (for speed, same results): lazy reduction inside the transforms with stated
 * bounds, two layers per pass, and γ-premultiplied odd coefficients for T_q products
 * (`prepareNTT`).
 * The hot loops carry written-out copies of field.ts's mulShoup / barrettReduce(Wide)
 * (V8 did not inline those cross-module calls here: the NTT ran 2–3× slower); each copy names the
 * function it expands. The twin of nttInPlace / invNttInPlace is reference.ts (ntt, invNtt:
 * Algorithms 9 and 10 as plain loops); test/mlkem/ntt.test.ts keeps them equal.
 */
import { Q, N, ZETA } from './params.ts';
import { fieldMul, reduceOnce, shoupPrecompute, BARRETT16_MUL, Q_RECIPROCAL } from './field.ts';

/** A polynomial in R_q, coefficient form: 256 coefficients (ranges stated where used). */
export type Poly = Uint16Array;
/** A polynomial in T_q (NTT form, bit-reversed order). Branded so R_q and T_q cannot be mixed. */
export type PolyNTT = Uint16Array & { readonly __ntt: true };
/** The 128 products ĝ₂ᵢ₊₁·γᵢ mod q of a T_q element ĝ, for `multiplyAccumulate`. */
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
export const ZETAS: Uint16Array = Uint16Array.from({ length: 128 }, (_, i) =>
  powMod(ZETA, bitRev7(i)),
);
/** GAMMAS[i] = ζ^(2·BitRev₇(i)+1) mod q, i ∈ [0, 128). FIPS 203 §4.3 (Appendix A lists them). */
export const GAMMAS: Uint16Array = Uint16Array.from({ length: 128 }, (_, i) =>
  powMod(ZETA, 2 * bitRev7(i) + 1),
);

const ZETAS_I32 = Int32Array.from(ZETAS);
const ZETAS_SHOUP = Int32Array.from(ZETAS, shoupPrecompute);
const GAMMAS_I32 = Int32Array.from(GAMMAS);
const GAMMAS_SHOUP = Int32Array.from(GAMMAS, shoupPrecompute);
/** 128⁻¹ mod q = 3303, the final scaling of NTT⁻¹ (FIPS 203, Algorithm 10, last step). */
const INV_128 = 3303;
const INV_128_SHOUP = shoupPrecompute(INV_128);
/** ζ^BitRev₇(1)·128⁻¹ mod q: the last layer's zeta with the final scaling folded in. */
const ZETA1_INV_128 = fieldMul(ZETAS[1], INV_128);
const ZETA1_INV_128_SHOUP = shoupPrecompute(ZETA1_INV_128);
const TWO_Q = 2 * Q;

/**
 * Computes f̂ = NTT(f) in place (the caller then treats the array as a PolyNTT); the result is
 * in bit-reversed order, coefficients in [0, q).
 * FIPS 203, Algorithm 9 (NTT).
 * Differs from the spec text (same butterflies, same zetas): after the layer len = 128, layers
 * len and len/2 are done in one pass over four coefficients (fewer loads and stores), the last
 * two (len = 4, 2) written out over groups of eight, and reduction is lazy. Input coefficients
 * must be < 2q; each layer adds at most 2q to the bound (t = ζ·f̂[j+len] ∈ [0, 2q) by Shoup), so
 * after 7 layers every value is < 16q < 2¹⁶, and the last layer Barrett-reduces to [0, q).
 */
export function nttInPlace(f: Poly): void {
  // len = 128: zeta ← ζ^BitRev₇(1) mod q
  const z = ZETAS_I32[1];
  const zShoup = ZETAS_SHOUP[1];
  for (let j = 0; j < 128; j++) {
    const a = f[j];
    const b = f[j + 128];
    const t = (Math.imul(b, z) - Math.imul(Math.imul(b, zShoup) >>> 16, Q)) | 0;
    f[j + 128] = a - t + TWO_Q;
    f[j] = a + t;
  }
  let i = 2; // i ← 2: the first zeta of layer len = 64
  for (let len = 64; len >= 16; len >>= 2) {
    const half = len >> 1;
    for (let g = 0, start = 0; start < N; g++, start += 2 * len) {
      const z1 = ZETAS_I32[i + g]; // zeta ← ζ^BitRev₇(i) mod q, layer len
      const z1Shoup = ZETAS_SHOUP[i + g];
      const z2 = ZETAS_I32[2 * (i + g)]; // layer len/2, first half of the group
      const z2Shoup = ZETAS_SHOUP[2 * (i + g)];
      const z3 = ZETAS_I32[2 * (i + g) + 1]; // layer len/2, second half
      const z3Shoup = ZETAS_SHOUP[2 * (i + g) + 1];
      for (let j = start; j < start + half; j++) {
        let a0 = f[j];
        let a1 = f[j + half];
        let a2 = f[j + len];
        let a3 = f[j + len + half];
        // mulShoup(a, z): t ≡ a·z (mod q), t ∈ [0, 2q)
        let t = (Math.imul(a2, z1) - Math.imul(Math.imul(a2, z1Shoup) >>> 16, Q)) | 0;
        a2 = a0 - t + TWO_Q; // f̂[j + len] ← f̂[j] − t (+ 2q: stays non-negative)
        a0 += t; // f̂[j] ← f̂[j] + t
        t = (Math.imul(a3, z1) - Math.imul(Math.imul(a3, z1Shoup) >>> 16, Q)) | 0;
        a3 = a1 - t + TWO_Q;
        a1 += t;
        t = (Math.imul(a1, z2) - Math.imul(Math.imul(a1, z2Shoup) >>> 16, Q)) | 0;
        f[j + half] = a0 - t + TWO_Q;
        f[j] = a0 + t;
        t = (Math.imul(a3, z3) - Math.imul(Math.imul(a3, z3Shoup) >>> 16, Q)) | 0;
        f[j + len + half] = a2 - t + TWO_Q;
        f[j + len] = a2 + t;
      }
    }
    i *= 4;
  }
  // len = 4 and len = 2 on each group of eight, then barrettReduce of every output (< 16q < 2¹⁶).
  for (let start = 0, g = 32; start < N; start += 8, g++) {
    const z1 = ZETAS_I32[g]; // layer len = 4: i = 32 … 63
    const z1Shoup = ZETAS_SHOUP[g];
    const z2 = ZETAS_I32[2 * g]; // layer len = 2: i = 64 … 127, two per group
    const z2Shoup = ZETAS_SHOUP[2 * g];
    const z3 = ZETAS_I32[2 * g + 1];
    const z3Shoup = ZETAS_SHOUP[2 * g + 1];
    const a0 = f[start], a1 = f[start + 1], a2 = f[start + 2], a3 = f[start + 3];
    const a4 = f[start + 4], a5 = f[start + 5], a6 = f[start + 6], a7 = f[start + 7];
    // len = 4: (j, j + 4) for j = 0 … 3
    let t = (Math.imul(a4, z1) - Math.imul(Math.imul(a4, z1Shoup) >>> 16, Q)) | 0;
    const b4 = a0 - t + TWO_Q;
    const b0 = a0 + t;
    t = (Math.imul(a5, z1) - Math.imul(Math.imul(a5, z1Shoup) >>> 16, Q)) | 0;
    const b5 = a1 - t + TWO_Q;
    const b1 = a1 + t;
    t = (Math.imul(a6, z1) - Math.imul(Math.imul(a6, z1Shoup) >>> 16, Q)) | 0;
    const b6 = a2 - t + TWO_Q;
    const b2 = a2 + t;
    t = (Math.imul(a7, z1) - Math.imul(Math.imul(a7, z1Shoup) >>> 16, Q)) | 0;
    const b7 = a3 - t + TWO_Q;
    const b3 = a3 + t;
    // len = 2: (0, 2), (1, 3) with z2; (4, 6), (5, 7) with z3; each output Barrett-reduced
    t = (Math.imul(b2, z2) - Math.imul(Math.imul(b2, z2Shoup) >>> 16, Q)) | 0;
    f[start + 2] = barrett(b0 - t + TWO_Q);
    f[start] = barrett(b0 + t);
    t = (Math.imul(b3, z2) - Math.imul(Math.imul(b3, z2Shoup) >>> 16, Q)) | 0;
    f[start + 3] = barrett(b1 - t + TWO_Q);
    f[start + 1] = barrett(b1 + t);
    t = (Math.imul(b6, z3) - Math.imul(Math.imul(b6, z3Shoup) >>> 16, Q)) | 0;
    f[start + 6] = barrett(b4 - t + TWO_Q);
    f[start + 4] = barrett(b4 + t);
    t = (Math.imul(b7, z3) - Math.imul(Math.imul(b7, z3Shoup) >>> 16, Q)) | 0;
    f[start + 7] = barrett(b5 - t + TWO_Q);
    f[start + 5] = barrett(b5 + t);
  }
}

/** field.ts's barrettReduce, written out here (x < 2¹⁶, so x·20158 < 2³¹ fits Math.imul). */
function barrett(x: number): number {
  const r = x - (Math.imul(x, BARRETT16_MUL) >>> 26) * Q - Q;
  return r + ((r >> 31) & Q);
}

/**
 * Computes f = NTT⁻¹(f̂) in place, coefficients in [0, q).
 * FIPS 203, Algorithm 10 (NTT⁻¹).
 * Differs from the spec text (same butterflies, same zetas): layers len and 2len are done in one
 * pass, and the last layer (len = 128) is fused with the final multiplication by 128⁻¹ = 3303.
 * Input coefficients must be < 2q. Within a pass the first layer's sums stay unreduced (< 4q),
 * the second layer's sums (< 8q) are Barrett-reduced and its products are Shoup outputs (< 2q),
 * so every pass starts below 2q and every Shoup input is < 8q < 2¹⁶.
 */
export function invNttInPlace(fHat: PolyNTT): void {
  const f: Poly = fHat;
  // Layers (2, 4), (8, 16), (32, 64). Algorithm 10's counter i runs from 127 down; in layer len
  // (G = 128/len groups) group g uses i = 2G − 1 − g.
  for (let len = 2; len <= 32; len <<= 2) {
    const G = 128 / len;
    const len2 = 2 * len;
    for (let h = 0, start = 0; start < N; h++, start += 4 * len) {
      const ia = 2 * G - 1 - 2 * h; // layer len, group 2h
      const ib = ia - 1; // layer len, group 2h + 1
      const ic = G - 1 - h; // layer 2len, group h
      const za = ZETAS_I32[ia];
      const zaShoup = ZETAS_SHOUP[ia];
      const zb = ZETAS_I32[ib];
      const zbShoup = ZETAS_SHOUP[ib];
      const zc = ZETAS_I32[ic];
      const zcShoup = ZETAS_SHOUP[ic];
      for (let j = start; j < start + len; j++) {
        const a0 = f[j];
        const a1 = f[j + len];
        const a2 = f[j + len2];
        const a3 = f[j + len2 + len];
        // layer len: f[j] ← t + f[j+len]; f[j+len] ← zeta·(f[j+len] − t)   (mulShoup written out)
        const s0 = a0 + a1; // < 4q
        let d = a1 - a0 + TWO_Q;
        const t1 = Math.imul(d, za) - Math.imul(Math.imul(d, zaShoup) >>> 16, Q);
        const s2 = a2 + a3;
        d = a3 - a2 + TWO_Q;
        const t3 = Math.imul(d, zb) - Math.imul(Math.imul(d, zbShoup) >>> 16, Q);
        // layer 2len on (s0, s2) and (t1, t3), sums Barrett-reduced (barrettReduce written out)
        let x = s0 + s2; // < 8q
        x = x - ((x * BARRETT16_MUL) >>> 26) * Q - Q;
        f[j] = x + ((x >> 31) & Q);
        d = s2 - s0 + 4 * Q;
        f[j + len2] = Math.imul(d, zc) - Math.imul(Math.imul(d, zcShoup) >>> 16, Q);
        x = t1 + t3; // < 4q
        x = x - ((x * BARRETT16_MUL) >>> 26) * Q - Q;
        f[j + len] = x + ((x >> 31) & Q);
        d = t3 - t1 + TWO_Q;
        f[j + len2 + len] = Math.imul(d, zc) - Math.imul(Math.imul(d, zcShoup) >>> 16, Q);
      }
    }
  }
  // Layer 128 (i = 1) and f ← f·3303: f[j] ← (t + u)·3303, f[j+128] ← (ζ·3303)·(u − t).
  for (let j = 0; j < 128; j++) {
    const t = f[j];
    const u = f[j + 128];
    const x = t + u; // < 4q
    const r = Math.imul(x, INV_128) - Math.imul(Math.imul(x, INV_128_SHOUP) >>> 16, Q) - Q;
    f[j] = r + ((r >> 31) & Q);
    const d = u - t + TWO_Q; // < 4q
    const quotient = Math.imul(d, ZETA1_INV_128_SHOUP) >>> 16;
    const y = Math.imul(d, ZETA1_INV_128) - Math.imul(quotient, Q) - Q;
    f[j + 128] = y + ((y >> 31) & Q);
  }
}

/**
 * Computes the product (c₀, c₁) of a₀ + a₁X and b₀ + b₁X modulo X² − γ, for inputs in [0, q).
 * FIPS 203, Algorithm 12 (BaseCaseMultiply).
 */
export function baseCaseMultiply(
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  gamma: number,
): [number, number] {
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
    const [c0, c1] = baseCaseMultiply(
      fHat[2 * i],
      fHat[2 * i + 1],
      gHat[2 * i],
      gHat[2 * i + 1],
      GAMMAS[i],
    );
    hHat[2 * i] = c0;
    hHat[2 * i + 1] = c1;
  }
  return hHat;
}

/**
 * Writes the 128 products ĝ₂ᵢ₊₁·γᵢ mod q of ĝ (coefficients < 2¹⁶) into out: the only reduction
 * BaseCaseMultiply needs inside a product, done once per ĝ instead of once per product.
 */
export function prepareNTT(out: Uint16Array, gHat: PolyNTT): PreparedNTT {
  for (let i = 0; i < 128; i++) {
    const g1 = gHat[2 * i + 1];
    // reduceOnce(mulShoup(g1, γᵢ, ⌊γᵢ·2¹⁶/q⌋)) written out (hot loop)
    const quotient = Math.imul(g1, GAMMAS_SHOUP[i]) >>> 16;
    const r = Math.imul(g1, GAMMAS_I32[i]) - Math.imul(quotient, Q) - Q;
    out[i] = r + ((r >> 31) & Q);
  }
  return out as PreparedNTT;
}

/**
 * acc ← acc + f̂ ×_T ĝ without reduction (Algorithms 11–12), for f̂, ĝ in [0, q) and
 * gPrep = prepareNTT(ĝ). Each product adds < 2q² per coefficient; `reduceAccumulator` is exact
 * while acc < 2³¹, i.e. for up to 96 products.
 */
export function multiplyAccumulate(
  acc: Int32Array,
  fHat: PolyNTT,
  gHat: PolyNTT,
  gPrep: PreparedNTT,
): void {
  for (let i = 0; i < 128; i++) {
    const a0 = fHat[2 * i];
    const a1 = fHat[2 * i + 1];
    const b0 = gHat[2 * i];
    acc[2 * i] += a0 * b0 + a1 * gPrep[i]; // c₀ ← a₀b₀ + a₁b₁γ
    acc[2 * i + 1] += a0 * gHat[2 * i + 1] + a1 * b0; // c₁ ← a₀b₁ + a₁b₀
  }
}

/** out ← acc mod q in [0, 2q) (barrettReduceWide written out), then clears acc; acc < 2³¹. */
export function reduceAccumulator(out: Uint16Array, acc: Int32Array): void {
  for (let j = 0; j < N; j++) {
    const x = acc[j];
    out[j] = x - ((x * Q_RECIPROCAL) | 0) * Q;
    acc[j] = 0;
  }
}
