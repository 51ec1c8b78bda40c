/**
 * Slow, obviously-correct twins of ML-DSA building blocks, shaped like FIPS 204 (test oracles).
 * The spec-shaped NTT / NTT⁻¹ (Algorithms 41–42) live in src/mldsa/reference.ts.
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
