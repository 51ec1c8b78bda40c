/**
 * Slow, obviously-correct twins of ML-DSA building blocks, shaped like FIPS 204 (test oracles).
 * Side channels: uses `%`, `/`, bigint and branches freely — test code on public data only.
 */
import { N, Q } from '../../src/mldsa/params.ts';

/** x mod q in [0, q) for any safe integer x. */
export const modQ = (x: number): number => ((x % Q) + Q) % Q;

/** x mod± α in (−α/2, α/2] for even α (FIPS 204 §2.3). */
export function modPm(x: number, alpha: number): number {
  const r = ((x % alpha) + alpha) % alpha;
  return r > alpha / 2 ? r - alpha : r;
}

/** Negacyclic schoolbook product in Z_q[X]/(X²⁵⁶ + 1), with bigint accumulation. */
export function schoolbookMul(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const acc = new Array<bigint>(N).fill(0n);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const p = BigInt(a[i]) * BigInt(b[j]);
      if (i + j < N) acc[i + j] += p;
      else acc[i + j - N] -= p; // X²⁵⁶ = −1
    }
  const q = BigInt(Q);
  return acc.map((v) => Number(((v % q) + q) % q));
}

/** FIPS 204, Algorithm 36 (Decompose), transcribed literally. */
export function decomposeRef(r: number, gamma2: number): [number, number] {
  const rPlus = modQ(r);
  let r0 = modPm(rPlus, 2 * gamma2);
  let r1: number;
  if (rPlus - r0 === Q - 1) {
    r1 = 0;
    r0 = r0 - 1;
  } else r1 = (rPlus - r0) / (2 * gamma2);
  return [r1, r0];
}

/** FIPS 204, Algorithm 35 (Power2Round), transcribed literally (d = 13). */
export function power2RoundRef(r: number): [number, number] {
  const rPlus = modQ(r);
  const r0 = modPm(rPlus, 1 << 13);
  return [(rPlus - r0) / (1 << 13), r0];
}

/** FIPS 204, Algorithms 9 and 12: IntegerToBits then BitsToBytes, for a list of α-bit values. */
export function packRef(values: ArrayLike<number>, alpha: number): Uint8Array {
  const bits: number[] = [];
  for (let i = 0; i < values.length; i++) {
    let x = values[i];
    for (let j = 0; j < alpha; j++) {
      bits.push(x % 2); // y[i] ← x mod 2
      x = Math.floor(x / 2);
    }
  }
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) out[Math.floor(i / 8)] += bits[i] * 2 ** (i % 8);
  return out;
}

/** ζ^BitRev₈(m) mod q for m ∈ [0, 256) (FIPS 204 Appendix B), by repeated multiplication. */
const ZETAS_REF: number[] = (() => {
  const rev = (m: number) =>
    parseInt(m.toString(2).padStart(8, '0').split('').reverse().join(''), 2);
  const pow = (e: number) => {
    let r = 1;
    for (let i = 0; i < e; i++) r = (r * 1753) % Q; // < 2⁴⁶: exact
    return r;
  };
  return Array.from({ length: N }, (_, m) => pow(rev(m)));
})();

/** FIPS 204, Algorithm 41 (NTT), transcribed literally on [0, q) values. */
export function nttRef(w: ArrayLike<number>): number[] {
  const a = Array.from(w, modQ);
  let m = 0;
  for (let len = 128; len >= 1; len >>= 1)
    for (let start = 0; start < N; start += 2 * len) {
      const z = ZETAS_REF[++m];
      for (let j = start; j < start + len; j++) {
        const t = (z * a[j + len]) % Q;
        a[j + len] = modQ(a[j] - t);
        a[j] = (a[j] + t) % Q;
      }
    }
  return a;
}

/** FIPS 204, Algorithm 42 (NTT⁻¹), transcribed literally on [0, q) values. */
export function invNttRef(w: ArrayLike<number>): number[] {
  const a = Array.from(w, modQ);
  let m = N;
  for (let len = 1; len < N; len <<= 1)
    for (let start = 0; start < N; start += 2 * len) {
      const z = Q - ZETAS_REF[--m];
      for (let j = start; j < start + len; j++) {
        const t = a[j];
        a[j] = (t + a[j + len]) % Q;
        a[j + len] = (z * modQ(t - a[j + len])) % Q;
      }
    }
  return a.map((x) => (x * 8347681) % Q);
}
