/**
 * The READABLE REFERENCE MODEL of the ML-DSA number-theoretic transform: FIPS 204 (August 2024)
 * §7.5, Algorithm 41 (NTT) and Algorithm 42 (NTT⁻¹), as the plain loops of the standard on numbers
 * in [0, q). Exported for readers and used as the test oracle of ntt.ts (nttInPlace,
 * invNttInPlace), which test/mldsa/ntt.test.ts keeps equal to these; nothing shipped calls it.
 * Side channels: `%` on coefficient values is a division, variable-time on many CPUs; the zetas
 * are public. Teaching code: the shipped transforms in ntt.ts use a float64 Barrett reduction.
 */
import { bitRev8 } from './ntt.ts';
import { N, Q, ZETA } from './params.ts';

/** x mod q in [0, q) for any safe integer x. */
const mod = (x: number): number => ((x % Q) + Q) % Q;

/** zetas[m] = ζ^BitRev₈(m) mod q (FIPS 204 Appendix B); products < q·1753 < 2⁴⁷: exact. */
function zetas(m: number): number {
  let r = 1;
  for (let i = 0; i < bitRev8(m); i++) r = (r * ZETA) % Q;
  return r;
}

/** ŵ = NTT(w) as a fresh array, for any integer coefficients. FIPS 204, Algorithm 41 (NTT). */
export function ntt(w: ArrayLike<number>): number[] {
  const wHat = Array.from(w, mod); // ŵ[j] ← w[j]
  let m = 0; // m ← 0
  for (let len = 128; len >= 1; len /= 2) {
    for (let start = 0; start < N; start += 2 * len) {
      m++; // m ← m + 1
      const z = zetas(m); // z ← zetas[m]
      for (let j = start; j < start + len; j++) {
        const t = (z * wHat[j + len]) % Q; // t ← (z · ŵ[j + len]) mod q   (< q² < 2⁵³: exact)
        wHat[j + len] = mod(wHat[j] - t); // ŵ[j + len] ← (ŵ[j] − t) mod q
        wHat[j] = (wHat[j] + t) % Q; // ŵ[j] ← (ŵ[j] + t) mod q
      }
    }
  }
  return wHat;
}

/** w = NTT⁻¹(ŵ) as a fresh array, for any integer coefficients. FIPS 204, Algorithm 42. */
export function invNtt(wHat: ArrayLike<number>): number[] {
  const w = Array.from(wHat, mod); // w[j] ← ŵ[j]
  let m = 256; // m ← 256
  for (let len = 1; len < N; len *= 2) {
    for (let start = 0; start < N; start += 2 * len) {
      m--; // m ← m − 1
      const z = Q - zetas(m); // z ← −zetas[m]
      for (let j = start; j < start + len; j++) {
        const t = w[j]; // t ← w[j]
        w[j] = (t + w[j + len]) % Q; // w[j] ← (t + w[j + len]) mod q
        w[j + len] = (z * mod(t - w[j + len])) % Q; // w[j + len] ← (z · (t − w[j + len])) mod q
      }
    }
  }
  return w.map((x) => (x * 8347681) % Q); // w[j] ← (f · w[j]) mod q, f = 256⁻¹ mod q = 8347681
}
