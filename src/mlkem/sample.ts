/**
 * Sampling: uniform T_q elements from a seed, and centered binomial noise.
 * NIST FIPS 203 (August 2024): §4.2.2 Algorithm 7 (SampleNTT), Algorithm 8 (SamplePolyCBD_η);
 * §4.1 eq. (4.2)–(4.4) PRF_η(s, b) = SHAKE256(s‖b, 8·64η) and XOF = SHAKE128, both driven here
 * straight on Keccak-p[1600,24] (FIPS 202 §4 sponge with the SHAKE suffix 1111 and pad10*1).
 * Side channels: SampleNTT runs on the public seed ρ, so its rejection loop may branch and its
 * block count may vary. SamplePolyCBD and PRF touch secrets with shifts, masks and adds only; the
 * PRF state is wiped after use. JS gives no constant-time guarantee.
 * Assumes a little-endian host (all Node.js targets): a byte view of the Keccak state is the
 * FIPS 202 byte string (see hash/keccak.ts); checked at load.
 */
import { keccakP1600 } from '../hash/keccak.ts';
import { N, Q } from './params.ts';
import type { Poly, PolyNTT } from './ntt.ts';

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1)
  throw new Error('ML-KEM sample.ts: big-endian hosts are not supported');

const SHAKE128_RATE = 168;
const SHAKE256_RATE = 136;
/** The SHAKE suffix 1111, then the first 1 of pad10*1, LSB first (FIPS 202 §6.2, §5.1). */
const SHAKE_PAD_FIRST = 0x1f;
/** The last 1 of pad10*1, at the last bit of the block. */
const PAD_LAST = 0x80;

/** One Keccak state reused by every call (single-threaded JS); PRF calls wipe it. */
const state = new Uint32Array(50);
const stateBytes = new Uint8Array(state.buffer);

/**
 * Parses 3-byte groups of one XOF block into coefficients < q (rejecting the rest), appending to
 * aHat from position j; returns the new position. The loop body of FIPS 203, Algorithm 7.
 */
export function parseNTTBlock(
  aHat: Uint16Array,
  j: number,
  C: Uint8Array,
  blockLength: number,
): number {
  for (let p = 0; p < blockLength && j < N; p += 3) {
    const c1 = C[p + 1];
    const d1 = C[p] | ((c1 & 0x0f) << 8); // d₁ ← C[0] + 256·(C[1] mod 16)
    const d2 = (c1 >> 4) | (C[p + 2] << 4); // d₂ ← ⌊C[1]/16⌋ + 16·C[2]
    // ρ is public, so rejection sampling may branch on d₁, d₂.
    if (d1 < Q) aHat[j++] = d1;
    if (d2 < Q && j < N) aHat[j++] = d2;
  }
  return j;
}

/**
 * Samples â ∈ T_q uniformly from the 34-byte seed ρ‖j‖i (given as rho, j, i) into aHat.
 * FIPS 203, Algorithm 7 (SampleNTT).
 * Differs from the spec: XOF blocks are read 168 bytes at a time straight from the Keccak state
 * (168 is a multiple of 3, so the 3-byte squeezes of the spec see the same stream).
 */
export function sampleNTT(aHat: Uint16Array, rho: Uint8Array, j: number, i: number): PolyNTT {
  state.fill(0);
  stateBytes.set(rho.subarray(0, 32)); // ctx ← XOF.Absorb(ctx, ρ‖j‖i)
  stateBytes[32] = j;
  stateBytes[33] = i;
  stateBytes[34] = SHAKE_PAD_FIRST;
  stateBytes[SHAKE128_RATE - 1] = PAD_LAST;
  let n = 0;
  while (n < N) {
    keccakP1600(state); // next 168-byte block of XOF output
    n = parseNTTBlock(aHat, n, stateBytes, SHAKE128_RATE);
  }
  return aHat as PolyNTT;
}

/**
 * PRF_η(s, b) = SHAKE256(s‖b, 8·64η): writes 64η bytes into out, for a 32-byte s and b ∈ [0, 256).
 * FIPS 203, §4.1, equation (4.3).
 */
export function prf(eta: number, s: Uint8Array, b: number, out: Uint8Array): void {
  const outLength = 64 * eta;
  state.fill(0);
  stateBytes.set(s.subarray(0, 32));
  stateBytes[32] = b;
  stateBytes[33] = SHAKE_PAD_FIRST;
  stateBytes[SHAKE256_RATE - 1] = PAD_LAST;
  for (let off = 0; off < outLength; off += SHAKE256_RATE) {
    keccakP1600(state);
    const n = Math.min(SHAKE256_RATE, outLength - off);
    out.set(stateBytes.subarray(0, n), off);
  }
  state.fill(0);
}

/**
 * Samples f ∈ R_q from the centered binomial distribution D_η with the 64η bytes B, η ∈ {2, 3}.
 * FIPS 203, Algorithm 8 (SamplePolyCBD_η).
 * Differs from the spec: f[i] = x − y is stored as q + x − y ∈ [q − η, q + η] (congruent mod q,
 * and < 2q as the NTT requires), and the bit sums are taken on 32-bit words at once.
 */
export function samplePolyCBD(eta: number, B: Uint8Array, f: Poly): void {
  if (eta === 2) {
    // 4 bits per coefficient, 8 coefficients per 32-bit word.
    for (let w = 0; w < 32; w++) {
      const o = 4 * w;
      const t = B[o] | (B[o + 1] << 8) | (B[o + 2] << 16) | (B[o + 3] << 24);
      const d = (t & 0x55555555) + ((t >>> 1) & 0x55555555); // 2-bit fields b[2k] + b[2k+1]
      for (let c = 0; c < 8; c++) {
        const x = (d >>> (4 * c)) & 3; // x ← Σⱼ b[2iη + j]
        const y = (d >>> (4 * c + 2)) & 3; // y ← Σⱼ b[2iη + η + j]
        f[8 * w + c] = Q + x - y; // f[i] ← x − y mod q
      }
    }
    return;
  }
  // η = 3: 6 bits per coefficient, 4 coefficients per 24-bit group.
  for (let g = 0; g < 64; g++) {
    const o = 3 * g;
    const t = B[o] | (B[o + 1] << 8) | (B[o + 2] << 16);
    const d = (t & 0x249249) + ((t >>> 1) & 0x249249) + ((t >>> 2) & 0x249249); // 3-bit sums
    for (let c = 0; c < 4; c++) {
      const x = (d >>> (6 * c)) & 7;
      const y = (d >>> (6 * c + 3)) & 7;
      f[4 * g + c] = Q + x - y;
    }
  }
}
