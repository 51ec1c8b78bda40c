/**
 * Reference twin of src/hash/keccak.ts: Keccak-p[1600, 24] and the sponge written as literally
 * as FIPS 202 (August 2015) states them — state A[x][y] of 64-bit lanes (bigint), the step
 * mappings of §3.2 as loops, the ρ offsets from Algorithm 2's walk, RC from Algorithm 5/6, and
 * SPONGE[f, pad10*1, r] (§4, Algorithms 8–9) on an explicit array of bits.
 * Slow on purpose; test oracle only. Side channels: bigint is variable-time (teaching code).
 */

const MASK64 = (1n << 64n) - 1n;
type State = bigint[][]; // A[x][y], lane = bits z = 0..63 as an integer (bit z = A[x, y, z])

function rot(v: bigint, n: number): bigint {
  const s = BigInt(n % 64);
  return ((v << s) | (v >> ((64n - s) % 64n))) & MASK64;
}

/** FIPS 202, Algorithm 1 (θ). */
function theta(A: State): State {
  const C = [0, 1, 2, 3, 4].map((x) => A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4]);
  const D = [0, 1, 2, 3, 4].map((x) => C[(x + 4) % 5] ^ rot(C[(x + 1) % 5], 1));
  return A.map((col, x) => col.map((lane) => lane ^ D[x]));
}

/** FIPS 202, Algorithm 2 (ρ): offsets (t+1)(t+2)/2 along the walk (x, y) ← (y, (2x+3y) mod 5). */
export function rhoOffsets(): number[][] {
  const r = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    r[x][y] = ((t + 1) * (t + 2)) / 2;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return r;
}
const RHO = rhoOffsets();

function rho(A: State): State {
  return A.map((col, x) => col.map((lane, y) => rot(lane, RHO[x][y])));
}

/** FIPS 202, Algorithm 3 (π): A′[x, y] = A[(x + 3y) mod 5, x]. */
function pi(A: State): State {
  return [0, 1, 2, 3, 4].map((x) => [0, 1, 2, 3, 4].map((y) => A[(x + 3 * y) % 5][x]));
}

/** FIPS 202, Algorithm 4 (χ). */
function chi(A: State): State {
  return A.map((col, x) =>
    col.map((lane, y) => lane ^ ((A[(x + 1) % 5][y] ^ MASK64) & A[(x + 2) % 5][y])),
  );
}

/** FIPS 202, Algorithm 5 (rc), with R as an array of 8 bits. */
function rc(t: number): number {
  if (t % 255 === 0) return 1;
  let R = [1, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 1; i <= t % 255; i++) {
    R = [0, ...R];
    R[0] ^= R[8];
    R[4] ^= R[8];
    R[5] ^= R[8];
    R[6] ^= R[8];
    R = R.slice(0, 8);
  }
  return R[0];
}

/** FIPS 202, Algorithm 6 (ι) round constant RC for round i_r, as a 64-bit lane. */
export function roundConstant(ir: number): bigint {
  let RC = 0n;
  for (let j = 0; j <= 6; j++) RC |= BigInt(rc(j + 7 * ir)) << BigInt(2 ** j - 1);
  return RC;
}

/** FIPS 202, Algorithm 7 (Keccak-p[1600, 24]) on 50 32-bit words (lane x + 5y = lo, hi). */
export function keccakP1600Reference(words: Uint32Array): void {
  let A: State = [0, 1, 2, 3, 4].map((x) =>
    [0, 1, 2, 3, 4].map((y) => {
      const i = x + 5 * y;
      return BigInt(words[2 * i]) | (BigInt(words[2 * i + 1]) << 32n);
    }),
  );
  for (let ir = 0; ir < 24; ir++) {
    A = chi(pi(rho(theta(A))));
    A[0][0] ^= roundConstant(ir);
  }
  for (let x = 0; x < 5; x++)
    for (let y = 0; y < 5; y++) {
      const i = x + 5 * y;
      words[2 * i] = Number(A[x][y] & 0xffffffffn);
      words[2 * i + 1] = Number(A[x][y] >> 32n);
    }
}

/**
 * KECCAK[c](N, d) on a bit string: SPONGE[Keccak-p[1600, 24], pad10*1, 1600 − c].
 * FIPS 202, Algorithm 8 (SPONGE) with Algorithm 9 (pad10*1); bits are 0/1 numbers, and the
 * bytes ↔ bits conversion is FIPS 202 Appendix B.1 (bit i of byte k is bit 8k + i).
 */
export function spongeBits(rateBits: number, N: number[], d: number): number[] {
  const j = (((-N.length - 2) % rateBits) + rateBits) % rateBits;
  const P = [...N, 1, ...new Array(j).fill(0), 1]; // P = N ‖ pad(r, len(N))
  const S = new Uint32Array(50);
  for (let off = 0; off < P.length; off += rateBits) {
    for (let i = 0; i < rateBits; i++) S[i >> 5] ^= P[off + i] << (i & 31); // S ⊕ (P_i ‖ 0^c)
    keccakP1600Reference(S);
  }
  const Z: number[] = [];
  for (;;) {
    for (let i = 0; i < rateBits && Z.length < d; i++) Z.push((S[i >> 5] >>> (i & 31)) & 1);
    if (Z.length >= d) return Z;
    keccakP1600Reference(S);
  }
}

/** Bytes → bits, FIPS 202 Appendix B.1 (h2b without the hex step). */
export function bytesToBits(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) for (let i = 0; i < 8; i++) out.push((b >> i) & 1);
  return out;
}

/** Bits → bytes (length a multiple of 8), FIPS 202 Appendix B.1 (b2h without the hex step). */
export function bitsToBytes(bits: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => (out[i >> 3] |= bit << (i & 7)));
  return out;
}
