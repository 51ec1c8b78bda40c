/**
 * Rounding and hints: Power2Round, Decompose, HighBits, LowBits, MakeHint, UseHint, and the
 * infinity-norm check. FIPS 204 §7.4, Algorithms 35–40; ‖·‖∞ from §2.3.
 * Side channels: Power2Round, Decompose, HighBits, LowBits, MakeHint and the norm check run on
 * secret-derived values in signing and use only shifts, masks and float products by public
 * constants (no `%`, `/` or branches). UseHint runs on public data (verification) and branches.
 */
import { D, N, Q } from './params.ts';

const HALF_2D = 1 << (D - 1); // 2^(d−1) = 4096

/**
 * r ↦ (r₁, r₀) with r = r₁·2^d + r₀ and r₀ = r mod± 2^d, for r ∈ [0, q); returns r₁ and writes
 * r₀ into r0[i]. FIPS 204, Algorithm 35 (Power2Round).
 */
export function power2Round(r: number, r0: Float64Array, i: number): number {
  // r₀ ∈ (−2^(d−1), 2^(d−1)] ⇔ r₁ = ⌊(r + 2^(d−1) − 1) / 2^d⌋
  const r1 = (r + HALF_2D - 1) >> D;
  r0[i] = r - (r1 << D); // r₀ ← r⁺ − r₁·2^d
  return r1;
}

/** 2⁴⁴: scale of the reciprocal used to divide by 2γ₂ (see quotient). */
const SHIFT = 2 ** 44;
/**
 * M·2⁻⁴⁴ with M = ⌈2⁴⁴ / (2γ₂)⌉ for each γ₂; M is chosen so that ⌊n·M / 2⁴⁴⌋ = ⌊n / (2γ₂)⌋ for all
 * n < 2²⁴. M < 2²⁶ is an integer, so M·2⁻⁴⁴ is exact in float64, and so is n·(M·2⁻⁴⁴) = n·M·2⁻⁴⁴
 * (n·M < 2⁵⁰): one product instead of two.
 */
const scaledRecip = (gamma2: number): number => Math.ceil(SHIFT / (2 * gamma2)) / SHIFT;
const GAMMA2_88 = (Q - 1) / 88;
const RECIP_88 = scaledRecip(GAMMA2_88);
const RECIP_32 = scaledRecip((Q - 1) / 32);

/**
 * m = (q − 1)/(2γ₂) for the two γ₂ of FIPS 204 Table 1: 44 for (q−1)/88, 16 for (q−1)/32.
 * Selected by a comparison on the public parameter, not divided per coefficient (a float
 * division in the hot loops of signing).
 */
const mOf = (gamma2: number): number => (gamma2 === GAMMA2_88 ? 44 : 16);

/**
 * ⌊(r + γ₂ − 1) / (2γ₂)⌋ for r ∈ [0, q): with r₀ = r mod± 2γ₂ ∈ (−γ₂, γ₂] this is (r − r₀)/(2γ₂).
 * Computed as the exact float product n·M·2⁻⁴⁴ (see scaledRecip), floored; the identity is checked
 * for every r ∈ [0, q) in test/mldsa/rounding.test.ts.
 */
function quotient(r: number, gamma2: number): number {
  const recip = gamma2 === GAMMA2_88 ? RECIP_88 : RECIP_32; // public parameter
  return Math.floor((r + gamma2 - 1) * recip);
}

/**
 * (r₁, r₀) with r ≡ r₁·2γ₂ + r₀ (mod q), r₀ ∈ (−γ₂, γ₂] except at the wrap, for r ∈ [0, q);
 * returns r₁ and writes r₀ into r0[i]. FIPS 204, Algorithm 36 (Decompose).
 */
export function decompose(r: number, gamma2: number, r0: Float64Array, i: number): number {
  const m = mOf(gamma2); // 16 or 44
  const r1 = quotient(r, gamma2); // ∈ [0, m]
  const wrap = (m - r1 - 1) >> 31; // −1 iff r⁺ − r₀ = q − 1, i.e. r₁ = m
  r0[i] = r - r1 * 2 * gamma2 + wrap; // r₀ ← r⁺ mod± 2γ₂, minus 1 at the wrap
  return r1 & ~wrap; // r₁ ← (r⁺ − r₀)/(2γ₂), or 0 at the wrap
}

/** r₁ = HighBits(r) for r ∈ [0, q). FIPS 204, Algorithm 37 (HighBits). */
export function highBits(r: number, gamma2: number): number {
  const m = mOf(gamma2);
  const r1 = quotient(r, gamma2);
  return r1 & ~((m - r1 - 1) >> 31);
}

/** r₀ = LowBits(r) for r ∈ [0, q). FIPS 204, Algorithm 38 (LowBits). */
export function lowBits(r: number, gamma2: number): number {
  const m = mOf(gamma2);
  const r1 = quotient(r, gamma2);
  return r - r1 * 2 * gamma2 + ((m - r1 - 1) >> 31);
}

/**
 * 1 iff adding z to r changes its high bits, for z, r ∈ [0, q). FIPS 204, Algorithm 39 (MakeHint).
 */
export function makeHint(z: number, r: number, gamma2: number): 0 | 1 {
  const r1 = highBits(r, gamma2); // r₁ ← HighBits(r)
  let rz = r + z - Q;
  rz += (rz >> 31) & Q; // (r + z) mod q
  const v1 = highBits(rz, gamma2); // v₁ ← HighBits(r + z)
  const diff = r1 ^ v1;
  return ((diff | -diff) >>> 31) as 0 | 1; // [[r₁ ≠ v₁]]
}

/**
 * The high bits of r adjusted by hint h, for r ∈ [0, q) and public h, r (verification).
 * FIPS 204, Algorithm 40 (UseHint).
 */
export function useHint(h: number, r: number, gamma2: number): number {
  const m = mOf(gamma2);
  const r1 = highBits(r, gamma2); // (r₁, r₀) ← Decompose(r)
  if (h === 0) return r1;
  if (lowBits(r, gamma2) > 0) return r1 + 1 === m ? 0 : r1 + 1; // (r₁ + 1) mod m
  return r1 === 0 ? m - 1 : r1 - 1; // (r₁ − 1) mod m
}

/**
 * 1 iff ‖a‖∞ ≥ bound for centered coefficients (|a[i]| < 2³⁰), 0 otherwise. Every coefficient is
 * read (no early exit): only the single accept/reject bit, which the rejection loop makes public
 * by design, depends on the secret values. FIPS 204 §2.3 (‖·‖∞), the checks of Algorithm 7.
 */
export function normAtLeast(a: Float64Array, bound: number): 0 | 1 {
  let bad = 0;
  for (let i = 0; i < N; i++) {
    const x = a[i];
    const s = x >> 31;
    const abs = (x ^ s) - s; // |x| without a branch
    bad |= bound - 1 - abs; // negative iff |x| ≥ bound
  }
  return (bad >>> 31) as 0 | 1;
}
