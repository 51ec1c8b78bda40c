/**
 * Reference twin of src/kdf/argon2-block.ts: Argon2's compression function G written as
 * literally as RFC 9106 (September 2021) states it — 64-bit words as bigint, GB of §3.6 as a
 * function on the array v, P as its eight GB calls, and §3.5's G as P on the rows and then the
 * columns of the 8×8 matrix of 16-byte registers, by explicit register indices.
 * Slow on purpose; test oracle only. Side channels: bigint is variable-time (teaching code).
 */

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;

const rotr64 = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & MASK64;

/** a + b + 2 · trunc(a) · trunc(b) mod 2⁶⁴ (RFC 9106 §3.6). */
const blaMka = (a: bigint, b: bigint): bigint => (a + b + 2n * (a & MASK32) * (b & MASK32)) & MASK64;

/** RFC 9106 §3.6, GB(a, b, c, d), on indices into v. */
function GB(v: bigint[], a: number, b: number, c: number, d: number): void {
  v[a] = blaMka(v[a], v[b]);
  v[d] = rotr64(v[d] ^ v[a], 32n);
  v[c] = blaMka(v[c], v[d]);
  v[b] = rotr64(v[b] ^ v[c], 24n);
  v[a] = blaMka(v[a], v[b]);
  v[d] = rotr64(v[d] ^ v[a], 16n);
  v[c] = blaMka(v[c], v[d]);
  v[b] = rotr64(v[b] ^ v[c], 63n);
}

/** RFC 9106 §3.6 (Permutation P) on eight registers S_i = (v_{2i+1} ‖ v_{2i}), 16 words. */
function P(v: bigint[]): void {
  GB(v, 0, 4, 8, 12);
  GB(v, 1, 5, 9, 13);
  GB(v, 2, 6, 10, 14);
  GB(v, 3, 7, 11, 15);
  GB(v, 0, 5, 10, 15);
  GB(v, 1, 6, 11, 12);
  GB(v, 2, 7, 8, 13);
  GB(v, 3, 4, 9, 14);
}

/** A block as 128 64-bit words (bigint) from its 256 32-bit halves (lo, hi). */
export function toWords(block: Int32Array): bigint[] {
  return Array.from({ length: 128 }, (_, i) => BigInt(block[2 * i] >>> 0) | (BigInt(block[2 * i + 1] >>> 0) << 32n));
}

/** The 256 32-bit halves (lo, hi) of 128 64-bit words. */
export function fromWords(words: bigint[]): Int32Array {
  const out = new Int32Array(256);
  words.forEach((w, i) => {
    out[2 * i] = Number(w & MASK32);
    out[2 * i + 1] = Number(w >> 32n);
  });
  return out;
}

/** RFC 9106 §3.5 (Compression Function G): (X, Y) → R → Q → Z → Z ⊕ R, on 128 words each. */
export function compressGReference(X: bigint[], Y: bigint[]): bigint[] {
  const R = X.map((x, i) => x ^ Y[i]);
  // register R_k is words 2k (low) and 2k + 1 (high)
  const Q = [...R];
  for (let row = 0; row < 8; row++) {
    const regs = Array.from({ length: 8 }, (_, k) => 8 * row + k); // R_8row … R_8row+7
    applyP(Q, regs);
  }
  const Z = [...Q];
  for (let col = 0; col < 8; col++) {
    const regs = Array.from({ length: 8 }, (_, k) => col + 8 * k); // Q_col, Q_col+8, … Q_col+56
    applyP(Z, regs);
  }
  return Z.map((z, i) => z ^ R[i]);
}

/** P on the registers `regs` of the block `B` (128 words), in place. */
function applyP(B: bigint[], regs: number[]): void {
  const v = regs.flatMap((r) => [B[2 * r], B[2 * r + 1]]); // S_i = (v_{2i+1} ‖ v_{2i})
  P(v);
  regs.forEach((r, i) => {
    B[2 * r] = v[2 * i];
    B[2 * r + 1] = v[2 * i + 1];
  });
}
