/**
 * Sampling: uniform T_q elements from a seed, and centered binomial noise.
 * NIST FIPS 203 (August 2024): §4.2.2 Algorithm 7 (SampleNTT), Algorithm 8 (SamplePolyCBD_η);
 * §4.1 eq. (4.2)–(4.4) PRF_η(s, b) = SHAKE256(s‖b, 8·64η) and XOF = SHAKE128, both driven here
 * straight on the bit-interleaved Keccak-p[1600,24] of hash/keccak.ts (FIPS 202 §4 sponge with
 * the SHAKE suffix 1111 and pad10*1, started by hash/sponge.ts shakeOneBlock).
 * Side channels: SampleNTT runs on the public seed ρ, so its rejection loop may branch and its
 * block count may vary. SamplePolyCBD and PRF touch secrets with shifts, masks and adds only; the
 * PRF state, block and seed are wiped after use. JS gives no constant-time guarantee.
 * Assumes a little-endian host (all Node.js targets): a byte view of an output block converted
 * with extractLanes is the FIPS 202 byte string (see hash/keccak.ts); checked at load.
 */
import { extractLanes, keccakP1600Interleaved } from '../hash/keccak.ts';
import { shakeOneBlock } from '../hash/sponge.ts';
import { N, Q } from './params.ts';
import type { Poly, PolyNTT } from './ntt.ts';

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1)
  throw new Error('ML-KEM sample.ts: big-endian hosts are not supported');

const SHAKE128_RATE = 168;
const SHAKE256_RATE = 136;

/** One Keccak state (interleaved layout, hash/keccak.ts) reused by every call; PRF wipes it. */
const state = new Uint32Array(50);
/** The current output block in the standard layout (the FIPS 202 byte string, little-endian). */
const block = new Uint32Array(SHAKE128_RATE / 4);
const blockBytes = new Uint8Array(block.buffer);
/** The XOF / PRF input ρ‖j‖i or s‖b. */
const seed = new Uint8Array(34);

/**
 * Parses one 168-byte XOF block C, given as 42 little-endian 32-bit words, into coefficients
 * < q (rejecting the rest), appending to aHat from position j; returns the new position. The
 * loop body of FIPS 203, Algorithm 7. Three words are 12 bytes = four 3-byte groups C[0..2] =
 * eight candidates d₁, d₂.
 * Differs from the spec in form only: every candidate is written at aHat[j] and j advances iff
 * d < q, so a rejected candidate is overwritten by the next one, and writes past the end of the
 * 256-entry array (once j = 256 inside a group) are dropped, as typed arrays do. Without the
 * branch, the ≈ 19% of rejected candidates cost no mispredictions: 0.47 instead of 0.79 µs for
 * three random blocks (bench/results/2026-12-03-speed-3.md). ρ is public: this is for speed only.
 */
export function parseNTTBlock(aHat: Uint16Array, j: number, C: Uint32Array): number {
  for (let w = 0; w < SHAKE128_RATE / 4 && j < N; w += 3) {
    const w0 = C[w];
    const w1 = C[w + 1];
    const w2 = C[w + 2];
    // d₁ ← C[0] + 256·(C[1] mod 16), d₂ ← ⌊C[1]/16⌋ + 16·C[2], for each group of three bytes;
    // if d < q then â[j] ← d, j ← j + 1 (as the sign bit of d − q)
    let d = w0 & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = (w0 >>> 12) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = ((w0 >>> 24) | (w1 << 8)) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = (w1 >>> 4) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = (w1 >>> 16) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = ((w1 >>> 28) | (w2 << 4)) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = (w2 >>> 8) & 0xfff;
    aHat[j] = d;
    j += (d - Q) >>> 31;
    d = w2 >>> 20;
    aHat[j] = d;
    j += (d - Q) >>> 31;
  }
  return Math.min(j, N); // candidates after the 256th are not taken
}

/**
 * Samples â ∈ T_q uniformly from the 34-byte seed ρ‖j‖i (given as rho, j, i) into aHat.
 * FIPS 203, Algorithm 7 (SampleNTT).
 * Differs from the spec: XOF blocks are read 168 bytes at a time (168 is a multiple of 3, so the
 * 3-byte squeezes of the spec see the same stream), converted from the interleaved state.
 */
export function sampleNTT(aHat: Uint16Array, rho: Uint8Array, j: number, i: number): PolyNTT {
  seed.set(rho.subarray(0, 32)); // ctx ← XOF.Absorb(ctx, ρ‖j‖i)
  seed[32] = j;
  seed[33] = i;
  shakeOneBlock(state, seed, SHAKE128_RATE);
  let n = 0;
  for (;;) {
    extractLanes(state, block, SHAKE128_RATE / 8);
    n = parseNTTBlock(aHat, n, block);
    if (n === N) break;
    keccakP1600Interleaved(state); // next 168-byte block of XOF output
  }
  return aHat as PolyNTT;
}

/**
 * PRF_η(s, b) = SHAKE256(s‖b, 8·64η): writes 64η bytes into out, for a 32-byte s and b ∈ [0, 256).
 * FIPS 203, §4.1, equation (4.3).
 */
export function prf(eta: number, s: Uint8Array, b: number, out: Uint8Array): void {
  const outLength = 64 * eta;
  const input = seed.subarray(0, 33);
  input.set(s.subarray(0, 32));
  input[32] = b;
  shakeOneBlock(state, input, SHAKE256_RATE);
  for (let off = 0; off < outLength; off += SHAKE256_RATE) {
    if (off > 0) keccakP1600Interleaved(state);
    const n = Math.min(SHAKE256_RATE, outLength - off);
    extractLanes(state, block, (n + 7) >> 3);
    out.set(blockBytes.subarray(0, n), off);
  }
  state.fill(0);
  block.fill(0);
  input.fill(0);
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
