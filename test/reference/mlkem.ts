/**
 * Slow, obviously-correct twins of the ML-KEM polynomial code (FIPS 203 §4.3), written straight
 * from the spec with `%` on public test data: schoolbook multiplication in R_q = Z_q[X]/(X²⁵⁶ + 1),
 * NTT / NTT⁻¹ (Algorithms 9–10), SampleNTT (Algorithm 7) with 3-byte squeezes, SamplePolyCBD
 * (Algorithm 8) over the bit array. Test oracles only.
 */
import { shake128Xof } from '../../src/hash/sha3.ts';
import { bytesToBits } from '../../src/mlkem/encode.ts';

export const Q = 3329;
const N = 256;

const mod = (x: number): number => ((x % Q) + Q) % Q;

function bitRev7(r: number): number {
  let out = 0;
  for (let b = 0; b < 7; b++) if (r & (1 << b)) out |= 1 << (6 - b);
  return out;
}

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

/** FIPS 203, Algorithm 9 (NTT), verbatim with `%`. */
export function nttReference(fIn: ArrayLike<number>): number[] {
  const f = Array.from(fIn, mod);
  let i = 1;
  for (let len = 128; len >= 2; len /= 2)
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetaPow(bitRev7(i++));
      for (let j = start; j < start + len; j++) {
        const t = (zeta * f[j + len]) % Q;
        f[j + len] = mod(f[j] - t);
        f[j] = (f[j] + t) % Q;
      }
    }
  return f;
}

/** FIPS 203, Algorithm 10 (NTT⁻¹), verbatim with `%`. */
export function nttInverseReference(fIn: ArrayLike<number>): number[] {
  const f = Array.from(fIn, mod);
  let i = 127;
  for (let len = 2; len <= 128; len *= 2)
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = zetaPow(bitRev7(i--));
      for (let j = start; j < start + len; j++) {
        const t = f[j];
        f[j] = (t + f[j + len]) % Q;
        f[j + len] = (zeta * mod(f[j + len] - t)) % Q;
      }
    }
  return f.map((x) => (x * 3303) % Q);
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
