/**
 * Pseudorandom sampling of ML-DSA polynomials from SHAKE streams.
 * FIPS 204 §7.1: Algorithms 14–15 (CoeffFromThreeBytes, CoeffFromHalfByte); §7.3: 29
 * (SampleInBall), 30 (RejNTTPoly), 31 (RejBoundedPoly), 32 (ExpandA), 33 (ExpandS), 34 (ExpandMask).
 * H = SHAKE256 and G = SHAKE128 (FIPS 204 §3.7), driven straight on the bit-interleaved
 * Keccak-p of hash/keccak.ts (all seeds fit one block) and squeezed whole blocks at a time.
 * Side channels: ExpandA and RejNTTPoly work on public ρ and may branch. RejBoundedPoly (secret
 * ρ′) branches on whether each nibble is rejected, as Algorithm 31 does; which nibbles are
 * rejected is independent of the accepted coefficients, and no `%` touches them. SampleInBall:
 * for the released signature c̃ is public, but the c̃ of a *rejected* attempt is not (published
 * side-channel work on Dilithium, "rejected challenges", recovers keys from leaked challenges).
 * So when signing, the positions j derived from c̃ are never used as indices (masked scans
 * instead); what still depends on c̃ is the count of rejected bytes in the j-sampling loop
 * (Algorithm 29 steps 5–7), a residual timing leak we state rather than hide. Verification's c̃
 * comes from the signature (public) and takes the spec's direct assignments.
 * ExpandMask is straight-line bit unpacking.
 */
import { extractLanes, keccakP1600Interleaved } from '../hash/keccak.ts';
import { shakeOneBlock } from '../hash/sponge.ts';
import { wipe } from '../util/ct.ts';
import { bitUnpack } from './encode.ts';
import { toCentered } from './field.ts';
import { N, Q, type MlDsaParams } from './params.ts';
import { newPolys, type Poly, type PolyNTT } from './ntt.ts';

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1)
  throw new Error('ML-DSA sample.ts: big-endian hosts are not supported');

const G_RATE = 168; // SHAKE128 rate in bytes
const H_RATE = 136; // SHAKE256 rate in bytes

/**
 * The current output block in the standard layout (the FIPS 202 byte string, little-endian),
 * converted from a Keccak state kept in the interleaved layout of hash/keccak.ts. Shared by every
 * call (single-threaded); the callers that squeeze secrets wipe it.
 */
const BLOCK = new Uint32Array(G_RATE / 4);
/** The first H_RATE bytes of BLOCK: one fixed view, so that copying a block allocates nothing. */
const H_BLOCK_BYTES = new Uint8Array(BLOCK.buffer, 0, H_RATE);

const MASK23 = 0x7fffff;

/**
 * â ∈ T_q sampled uniformly from G(ρ′) for a 34-byte ρ′ (public), into out; `state` is a
 * 50-word Keccak scratch. FIPS 204, Algorithm 30 (RejNTTPoly), with Algorithm 14
 * (CoeffFromThreeBytes) inlined: z = b₀ + 2⁸·b₁ + 2¹⁶·(b₂ mod 128), kept when z < q.
 * Each 168-byte block is read as 14 groups of three 32-bit words = four 3-byte groups.
 */
export function rejNTTPoly(out: PolyNTT, rhoPrime: Uint8Array, state: Uint32Array): void {
  shakeOneBlock(state, rhoPrime, G_RATE);
  let j = 0;
  for (;;) {
    extractLanes(state, BLOCK, G_RATE / 8);
    for (let w = 0; w < G_RATE / 4 && j < N; w += 3) {
      const w0 = BLOCK[w];
      const w1 = BLOCK[w + 1];
      const w2 = BLOCK[w + 2];
      // ρ is public, so the rejections (z ≥ q) may branch
      let z = w0 & MASK23; // bytes 0, 1, 2
      if (z < Q) out[j++] = toCentered(z);
      z = ((w0 >>> 24) | (w1 << 8)) & MASK23; // bytes 3, 4, 5
      if (z < Q && j < N) out[j++] = toCentered(z);
      z = ((w1 >>> 16) | (w2 << 16)) & MASK23; // bytes 6, 7, 8
      if (z < Q && j < N) out[j++] = toCentered(z);
      z = (w2 >>> 8) & MASK23; // bytes 9, 10, 11
      if (z < Q && j < N) out[j++] = toCentered(z);
    }
    if (j === N) return;
    keccakP1600Interleaved(state); // squeeze the next block
  }
}

/**
 * Â ∈ T_q^{k×l} from the public seed ρ: Â[r][s] ← RejNTTPoly(ρ ‖ s ‖ r).
 * FIPS 204, Algorithm 32 (ExpandA). Written into `out` when given (k rows of l entries, e.g. the
 * per-parameter-set storage of `matrixStorage`), else into fresh arrays.
 */
export function expandA(p: MlDsaParams, rho: Uint8Array, out?: PolyNTT[][]): PolyNTT[][] {
  const seed = new Uint8Array(34);
  seed.set(rho, 0);
  const A = out ?? newMatrix(p);
  for (let r = 0; r < p.k; r++) {
    for (let s = 0; s < p.l; s++) {
      seed[32] = s; // ρ′ ← ρ ‖ IntegerToBytes(s, 1) ‖ IntegerToBytes(r, 1)
      seed[33] = r;
      rejNTTPoly(A[r][s], seed, KECCAK_STATE);
    }
  }
  return A;
}

/** A fresh k × l matrix over T_q, as views of one buffer. */
function newMatrix(p: MlDsaParams): PolyNTT[][] {
  const entries = newPolys(p.k * p.l) as PolyNTT[];
  return Array.from({ length: p.k }, (_, r) => entries.slice(r * p.l, (r + 1) * p.l));
}

/** ExpandA's Keccak state (public data only: ρ is public). */
const KECCAK_STATE = new Uint32Array(50);
const MATRICES = new Map<MlDsaParams, PolyNTT[][]>();

/**
 * Storage for Â, one per parameter set, reused by every signing and verification call (Â holds
 * public data only, so it needs no wiping, and no call nests another). Saves allocating and
 * zeroing k·l·2 KiB (60 KiB for ML-DSA-65) per call.
 */
export function matrixStorage(p: MlDsaParams): PolyNTT[][] {
  let A = MATRICES.get(p);
  if (A === undefined) {
    A = newMatrix(p);
    MATRICES.set(p, A);
  }
  return A;
}

/**
 * The value of a 4-bit b as a coefficient in [−η, η], or ⊥ (returned as a value > η).
 * FIPS 204, Algorithm 15 (CoeffFromHalfByte).
 * For η = 2: 2 − (b mod 5) with b mod 5 = b − 5·⌊b·13/64⌋ (exact for b < 15, tested).
 */
export function coeffFromHalfByte(b: number, eta: number): number {
  if (eta === 2) return b < 15 ? 2 - (b - 5 * ((b * 13) >> 6)) : 0xff;
  return b < 9 ? 4 - b : 0xff; // η = 4
}

/** Copies the current SHAKE256 output block (H_RATE bytes of Z) to buf[off…]. */
function squeezeBlock(state: Uint32Array, buf: Uint8Array, off: number): void {
  extractLanes(state, BLOCK, H_RATE >> 3);
  buf.set(H_BLOCK_BYTES, off);
}

/**
 * a ∈ R_q with coefficients in [−η, η] sampled from H(ρ′) for a 66-byte ρ′, into out.
 * FIPS 204, Algorithm 31 (RejBoundedPoly). `buf` (136 bytes) and `state` are scratch.
 */
export function rejBoundedPoly(
  out: Poly,
  eta: number,
  rhoPrime: Uint8Array,
  buf: Uint8Array,
  state: Uint32Array,
): void {
  shakeOneBlock(state, rhoPrime, H_RATE);
  let j = 0;
  for (;;) {
    squeezeBlock(state, buf, 0);
    for (let i = 0; i < H_RATE && j < N; i++) {
      const z = buf[i];
      const z0 = coeffFromHalfByte(z & 15, eta); // z₀ ← CoeffFromHalfByte(z mod 16, η)
      const z1 = coeffFromHalfByte(z >> 4, eta); // z₁ ← CoeffFromHalfByte(⌊z/16⌋, η)
      if (z0 <= eta) out[j++] = z0;
      if (z1 <= eta && j < N) out[j++] = z1;
    }
    if (j === N) return;
    keccakP1600Interleaved(state);
  }
}

/**
 * (s₁, s₂) ∈ R^l × R^k with coefficients in [−η, η] from the 64-byte seed ρ′.
 * FIPS 204, Algorithm 33 (ExpandS).
 */
export function expandS(p: MlDsaParams, rhoPrime: Uint8Array): { s1: Poly[]; s2: Poly[] } {
  const seed = new Uint8Array(66);
  seed.set(rhoPrime, 0);
  const buf = new Uint8Array(H_RATE);
  const state = new Uint32Array(50);
  const s1: Poly[] = [];
  const s2: Poly[] = [];
  for (let r = 0; r < p.l + p.k; r++) {
    seed[64] = r; // ρ′ ‖ IntegerToBytes(r, 2), r < 256
    seed[65] = 0;
    const a = new Float64Array(N);
    rejBoundedPoly(a, p.eta, seed, buf, state);
    (r < p.l ? s1 : s2).push(a);
  }
  wipe(seed, buf, state, BLOCK);
  return { s1, s2 };
}

/**
 * y ∈ R^l with coefficients in [−γ₁ + 1, γ₁] from the 64-byte seed ρ″ and counter κ, into y.
 * FIPS 204, Algorithm 34 (ExpandMask): y[r] ← BitUnpack(H(ρ″ ‖ IntegerToBytes(κ + r, 2), 32c)).
 * `seed` is a 66-byte scratch whose first 64 bytes are ρ″; `buf` holds five 136-byte blocks
 * (32c ≤ 640 bytes); `state` is Keccak scratch. The caller wipes all three.
 */
export function expandMask(
  p: MlDsaParams,
  y: Poly[],
  seed: Uint8Array,
  kappa: number,
  buf: Uint8Array,
  state: Uint32Array,
): void {
  const blocks = Math.ceil((32 * p.zBits) / H_RATE);
  for (let r = 0; r < p.l; r++) {
    const v = kappa + r; // public counter
    seed[64] = v & 0xff;
    seed[65] = v >>> 8;
    shakeOneBlock(state, seed, H_RATE);
    for (let b = 0; b < blocks; b++) {
      if (b > 0) keccakP1600Interleaved(state);
      squeezeBlock(state, buf, b * H_RATE);
    }
    bitUnpack(y[r], buf, 0, p.gamma1 - 1, p.gamma1);
  }
  BLOCK.fill(0); // a copy of the last block of y's stream
}

/** Scratch size for expandMask (five SHAKE256 blocks cover 32·20 = 640 bytes). */
export const EXPAND_MASK_BUF_BYTES = 5 * H_RATE;

/**
 * c ∈ R with τ coefficients in {−1, 1} and the rest 0, from the seed ρ = c̃, into out;
 * `buf` (136 bytes) and `state` are scratch. FIPS 204, Algorithm 29 (SampleInBall).
 * `secretSeed`: c̃ of a signing attempt (masked scans, see the header) or, when false, a public
 * c̃ (verification: c_i ← c_j; c_j ← ±1 as written in the spec, on an Int32Array).
 * Differs from the spec in storage when c̃ is secret: c is held as 2-bit fields (0 → 00, 1 → 01,
 * −1 → 11), sixteen per 32-bit word, so each masked scan reads and writes the ⌈(i + 1)/16⌉ words
 * up to position i instead of i positions (about 16× fewer steps; it was 5% of a signature).
 */
export function sampleInBall(
  out: Poly,
  tau: number,
  rho: Uint8Array,
  buf: Uint8Array,
  state: Uint32Array,
  secretSeed: boolean,
): void {
  shakeOneBlock(state, rho, H_RATE); // ctx ← H.Absorb(H.Init(), ρ)
  squeezeBlock(state, buf, 0);
  // s ← H.Squeeze(ctx, 8); h ← BytesToBits(s): 64 sign bits as two 32-bit words
  const signsLo = (buf[0] | (buf[1] << 8) | (buf[2] << 16) | (buf[3] << 24)) >>> 0;
  const signsHi = (buf[4] | (buf[5] << 8) | (buf[6] << 16) | (buf[7] << 24)) >>> 0;
  const c = BALL; // c ← 0 (BALL and PACKED are all zeros between calls)
  const packed = PACKED;
  let pos = 8;
  for (let i = N - tau; i < N; i++) {
    let j: number;
    do {
      if (pos === H_RATE) {
        keccakP1600Interleaved(state);
        squeezeBlock(state, buf, 0);
        pos = 0;
      }
      j = buf[pos++]; // j ← H.Squeeze(ctx, 1)
    } while (j > i); // rejection on c̃: its iteration count is the residual leak (see the header)
    const b = i + tau - N; // index of the sign bit h[i + τ − 256], b < 64 (public)
    const bit = (b < 32 ? signsLo >>> b : signsHi >>> (b - 32)) & 1;
    if (!secretSeed) {
      c[i] = c[j]; // c_i ← c_j; c_j ← (−1)^h[i+τ−256]: public c̃, j may index
      c[j] = 1 - 2 * bit;
      continue;
    }
    // Secret c̃: c_i ← c_j; c_j ← (−1)^h[i+τ−256], with j never used as an index: one scan over
    // the words m ≤ ⌊i/16⌋ (a public bound) reads word ⌊j/16⌋ and writes the sign's field into it
    // through the mask [m = ⌊j/16⌋] (all ones iff m ⊕ ⌊j/16⌋ = 0). The field of j inside its word
    // is selected by a shift by 2·(j mod 16): a variable shift, not an index or a branch.
    const jw = j >>> 4;
    const shift = (j & 15) << 1;
    const field = 3 << shift; // the 2 bits of c_j
    const signField = (1 | (bit << 1)) << shift; // 01 for 1, 11 for −1
    let word = 0;
    for (let m = 0; m <= i >>> 4; m++) {
      const mask = -(((m ^ jw) - 1) >>> 31);
      const cm = packed[m];
      word |= cm & mask;
      packed[m] = (cm & ~(field & mask)) | (signField & mask);
    }
    // c_i was 0: it becomes c_j, or keeps the sign just written when j = i (then c_j read 0)
    packed[i >>> 4] |= ((word >>> shift) & 3) << ((i & 15) << 1);
  }
  if (secretSeed) {
    for (let m = 0; m < N; m++) out[m] = ((packed[m >>> 4] >>> ((m & 15) << 1)) << 30) >> 30;
    packed.fill(0); // c may belong to a rejected attempt: secret
  } else {
    out.set(c);
    c.fill(0);
  }
  BLOCK.fill(0); // the stream may be secret too
}

/** c for a public c̃: int32 lanes, so that the copy to `out` needs no float ↔ int per step. */
const BALL = new Int32Array(N);
/** c for a secret c̃: sixteen 2-bit fields per word (see sampleInBall). */
const PACKED = new Int32Array(N / 16);
