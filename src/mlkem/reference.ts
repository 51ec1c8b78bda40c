/**
 * The READABLE REFERENCE MODEL of the ML-KEM number-theoretic transform: FIPS 203 (August 2024)
 * §4.3, Algorithm 9 (NTT) and Algorithm 10 (NTT⁻¹), as the plain loops of the standard on numbers
 * in [0, q). Exported for readers and used as the test oracle of ntt.ts (nttInPlace,
 * invNttInPlace), which test/mlkem/ntt.test.ts keeps equal to these; nothing shipped calls it.
 * Side channels: `%` on coefficient values is a division, variable-time on many CPUs; the zetas
 * are public. Teaching code: the shipped transforms in ntt.ts use Shoup and Barrett instead.
 */
import { bitRev7 } from './ntt.ts';
import { N, Q, ZETA } from './params.ts';

/** x mod q in [0, q) for any safe integer x. */
const mod = (x: number): number => ((x % Q) + Q) % Q;

/** ζ^e mod q by repeated multiplication (products < q·17: exact). */
function zetaPow(e: number): number {
  let r = 1;
  for (let i = 0; i < e; i++) r = (r * ZETA) % Q;
  return r;
}

/** f̂ = NTT(f) as a fresh array, for any integer coefficients. FIPS 203, Algorithm 9 (NTT). */
export function ntt(f: ArrayLike<number>): number[] {
  const fHat = Array.from(f, mod); // f̂ ← f
  let i = 1; // i ← 1
  for (let len = 128; len >= 2; len /= 2) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetaPow(bitRev7(i)); // zeta ← ζ^BitRev₇(i) mod q
      i++;
      for (let j = start; j < start + len; j++) {
        const t = (zeta * fHat[j + len]) % Q; // t ← zeta · f̂[j + len]
        fHat[j + len] = mod(fHat[j] - t); // f̂[j + len] ← f̂[j] − t
        fHat[j] = (fHat[j] + t) % Q; // f̂[j] ← f̂[j] + t
      }
    }
  }
  return fHat;
}

/** f = NTT⁻¹(f̂) as a fresh array, for any integer coefficients. FIPS 203, Algorithm 10 (NTT⁻¹). */
export function invNtt(fHat: ArrayLike<number>): number[] {
  const f = Array.from(fHat, mod); // f ← f̂
  let i = 127; // i ← 127
  for (let len = 2; len <= 128; len *= 2) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetaPow(bitRev7(i)); // zeta ← ζ^BitRev₇(i) mod q
      i--;
      for (let j = start; j < start + len; j++) {
        const t = f[j]; // t ← f[j]
        f[j] = (t + f[j + len]) % Q; // f[j] ← t + f[j + len]
        f[j + len] = (zeta * mod(f[j + len] - t)) % Q; // f[j + len] ← zeta · (f[j + len] − t)
      }
    }
  }
  return f.map((x) => (x * 3303) % Q); // f ← f · 3303 mod q  (3303 = 128⁻¹ mod q)
}
