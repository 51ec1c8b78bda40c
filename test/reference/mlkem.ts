/**
 * Slow, obviously-correct twins of the ML-KEM polynomial code (FIPS 203 §4.3), written straight
 * from the spec with `%` on public test data: schoolbook multiplication in R_q = Z_q[X]/(X²⁵⁶ + 1),
 * SampleNTT (Algorithm 7) with 3-byte squeezes, SamplePolyCBD (Algorithm 8) over the bit array.
 * Test oracles only. The spec-shaped NTT / NTT⁻¹ (Algorithms 9–10) live in src/mlkem/reference.ts.
 */
import { shake128Xof } from '../../src/hash/sha3.ts';
import { bytesToBits } from '../../src/mlkem/encode.ts';

export const Q = 3329;
const N = 256;

const mod = (x: number): number => ((x % Q) + Q) % Q;

/** ζ^e mod q with bigint (the definition, FIPS 203 §4.3). */
export function zetaPow(e: number): number {
  return Number(17n ** BigInt(e) % 3329n);
}

/** f·g in Z_q[X]/(X²⁵⁶ + 1): the schoolbook product with Xⁿ = −1. */
export function schoolbookMultiply(f: ArrayLike<number>, g: ArrayLike<number>): number[] {
  const h = new Array<number>(N).fill(0);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < N; j++) {
      const p = (f[i] * g[j]) % Q;
      if (i + j < N) h[i + j] = (h[i + j] + p) % Q;
      else h[i + j - N] = mod(h[i + j - N] - p);
    }
  return h;
}

/** FIPS 203, Algorithm 7 (SampleNTT), squeezing 3 bytes at a time; also returns the bytes used. */
export function sampleNTTReference(seed34: Uint8Array): { aHat: number[]; bytesSqueezed: number } {
  const ctx = shake128Xof().absorb(seed34);
  const aHat: number[] = [];
  let bytesSqueezed = 0;
  while (aHat.length < N) {
    const C = ctx.squeeze(3);
    bytesSqueezed += 3;
    const d1 = C[0] + 256 * (C[1] % 16);
    const d2 = Math.floor(C[1] / 16) + 16 * C[2];
    if (d1 < Q) aHat.push(d1);
    if (d2 < Q && aHat.length < N) aHat.push(d2);
  }
  return { aHat, bytesSqueezed };
}

/** FIPS 203, Algorithm 8 (SamplePolyCBD_η) over the bit array, results in [0, q). */
export function samplePolyCBDReference(eta: number, B: Uint8Array): number[] {
  const b = bytesToBits(B);
  const f: number[] = [];
  for (let i = 0; i < N; i++) {
    let x = 0;
    let y = 0;
    for (let j = 0; j < eta; j++) x += b[2 * i * eta + j];
    for (let j = 0; j < eta; j++) y += b[2 * i * eta + eta + j];
    f.push(mod(x - y));
  }
  return f;
}
