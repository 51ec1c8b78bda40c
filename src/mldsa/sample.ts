/**
 * Pseudorandom sampling of ML-DSA polynomials from SHAKE streams.
 * FIPS 204 §7.3: Algorithms 14–15 (CoeffFromThreeBytes, CoeffFromHalfByte), 29 (SampleInBall),
 * 30 (RejNTTPoly), 31 (RejBoundedPoly), 32 (ExpandA), 33 (ExpandS), 34 (ExpandMask).
 * H = SHAKE256 and G = SHAKE128 (FIPS 204 §3.7), squeezed whole blocks at a time.
 * Side channels: ExpandA and RejNTTPoly work on public ρ and may branch. RejBoundedPoly (secret
 * ρ′) branches on whether each nibble is rejected, as Algorithm 31 does; which nibbles are
 * rejected is independent of the accepted coefficients, and no `%` touches them. SampleInBall
 * branches and indexes on c̃: public for the released signature; for rejected iterations it is a
 * hash of a commitment that is discarded. ExpandMask is straight-line bit unpacking.
 */
import { shake128Xof, shake256Xof } from '../hash/sha3.ts';
import { bitUnpack } from './encode.ts';
import { toCentered } from './field.ts';
import { N, Q, type MlDsaParams } from './params.ts';
import type { Poly, PolyNTT } from './ntt.ts';

const G_RATE = 168; // SHAKE128 rate in bytes
const H_RATE = 136; // SHAKE256 rate in bytes

/**
 * â ∈ T_q sampled uniformly from G(ρ′) for a 34-byte ρ′ (public), into out.
 * FIPS 204, Algorithm 30 (RejNTTPoly), with Algorithm 14 (CoeffFromThreeBytes) inlined:
 * z = (b₂ mod 128)·2¹⁶ + b₁·2⁸ + b₀, kept when z < q. Five blocks (280 triples) are squeezed
 * first; the expected need is 256·2²³/q ≈ 256.3 triples, more blocks follow only if required.
 */
export function rejNTTPoly(out: PolyNTT, rhoPrime: Uint8Array, buf: Uint8Array): void {
  const g = shake128Xof().absorb(rhoPrime);
  let avail = 5 * G_RATE;
  g.squeezeBlocks(buf, 5);
  let j = 0;
  let pos = 0;
  while (j < N) {
    if (pos === avail) {
      g.squeezeBlocks(buf, 1);
      avail = G_RATE;
      pos = 0;
    }
    const z = buf[pos] | (buf[pos + 1] << 8) | ((buf[pos + 2] & 0x7f) << 16);
    pos += 3;
    if (z < Q) out[j++] = toCentered(z); // ρ is public: the rejection may branch
  }
}

/** Scratch size for rejNTTPoly: five SHAKE128 blocks. */
export const REJ_NTT_BUF_BYTES = 5 * G_RATE;

/**
 * Â ∈ T_q^{k×l} from the public seed ρ: Â[r][s] ← RejNTTPoly(ρ ‖ s ‖ r).
 * FIPS 204, Algorithm 32 (ExpandA).
 */
export function expandA(p: MlDsaParams, rho: Uint8Array): PolyNTT[][] {
  const seed = new Uint8Array(34);
  seed.set(rho, 0);
  const buf = new Uint8Array(REJ_NTT_BUF_BYTES);
  const A: PolyNTT[][] = [];
  for (let r = 0; r < p.k; r++) {
    const row: PolyNTT[] = [];
    for (let s = 0; s < p.l; s++) {
      seed[32] = s; // ρ′ ← ρ ‖ IntegerToBytes(s, 1) ‖ IntegerToBytes(r, 1)
      seed[33] = r;
      const a = new Float64Array(N) as PolyNTT;
      rejNTTPoly(a, seed, buf);
      row.push(a);
    }
    A.push(row);
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

/**
 * a ∈ R_q with coefficients in [−η, η] sampled from H(ρ′) for a 66-byte ρ′, into out.
 * FIPS 204, Algorithm 31 (RejBoundedPoly).
 */
export function rejBoundedPoly(out: Poly, eta: number, rhoPrime: Uint8Array, buf: Uint8Array): void {
  const h = shake256Xof().absorb(rhoPrime);
  let j = 0;
  while (j < N) {
    h.squeezeBlocks(buf, 1);
    for (let i = 0; i < H_RATE && j < N; i++) {
      const z = buf[i];
      const z0 = coeffFromHalfByte(z & 15, eta); // z₀ ← CoeffFromHalfByte(z mod 16, η)
      const z1 = coeffFromHalfByte(z >> 4, eta); // z₁ ← CoeffFromHalfByte(⌊z/16⌋, η)
      if (z0 <= eta) out[j++] = z0;
      if (z1 <= eta && j < N) out[j++] = z1;
    }
  }
  h.destroy();
  buf.fill(0);
}

/**
 * (s₁, s₂) ∈ R^l × R^k with coefficients in [−η, η] from the 64-byte seed ρ′.
 * FIPS 204, Algorithm 33 (ExpandS).
 */
export function expandS(p: MlDsaParams, rhoPrime: Uint8Array): { s1: Poly[]; s2: Poly[] } {
  const seed = new Uint8Array(66);
  seed.set(rhoPrime, 0);
  const buf = new Uint8Array(H_RATE);
  const s1: Poly[] = [];
  const s2: Poly[] = [];
  for (let r = 0; r < p.l + p.k; r++) {
    seed[64] = r; // ρ′ ‖ IntegerToBytes(r, 2), r < 256
    seed[65] = 0;
    const a = new Float64Array(N);
    rejBoundedPoly(a, p.eta, seed, buf);
    (r < p.l ? s1 : s2).push(a);
  }
  seed.fill(0);
  return { s1, s2 };
}

/**
 * y ∈ R^l with coefficients in [−γ₁ + 1, γ₁] from the 64-byte seed ρ″ and counter κ, into y.
 * FIPS 204, Algorithm 34 (ExpandMask): y[r] ← BitUnpack(H(ρ″ ‖ IntegerToBytes(κ + r, 2), 32c)).
 * `seed` is a 66-byte scratch whose first 64 bytes are ρ″; `buf` holds ⌈32c/136⌉ blocks.
 */
export function expandMask(p: MlDsaParams, y: Poly[], seed: Uint8Array, kappa: number, buf: Uint8Array): void {
  const blocks = Math.ceil((32 * p.zBits) / H_RATE);
  for (let r = 0; r < p.l; r++) {
    const v = kappa + r; // public counter
    seed[64] = v & 0xff;
    seed[65] = v >>> 8;
    const h = shake256Xof().absorb(seed);
    h.squeezeBlocks(buf, blocks);
    h.destroy();
    bitUnpack(y[r], buf, 0, p.gamma1 - 1, p.gamma1);
  }
}

/** Scratch size for expandMask (five SHAKE256 blocks cover 32·20 = 640 bytes). */
export const EXPAND_MASK_BUF_BYTES = 5 * H_RATE;

/**
 * c ∈ R with τ coefficients in {−1, 1} and the rest 0, from the seed ρ = c̃, into out.
 * FIPS 204, Algorithm 29 (SampleInBall).
 */
export function sampleInBall(out: Poly, tau: number, rho: Uint8Array, buf: Uint8Array): void {
  out.fill(0); // c ← 0
  const h = shake256Xof().absorb(rho);
  h.squeezeBlocks(buf, 1);
  // s ← H.Squeeze(ctx, 8); h ← BytesToBits(s): 64 sign bits as two 32-bit words
  const signsLo = (buf[0] | (buf[1] << 8) | (buf[2] << 16) | (buf[3] << 24)) >>> 0;
  const signsHi = (buf[4] | (buf[5] << 8) | (buf[6] << 16) | (buf[7] << 24)) >>> 0;
  let pos = 8;
  for (let i = N - tau; i < N; i++) {
    let j: number;
    do {
      if (pos === H_RATE) {
        h.squeezeBlocks(buf, 1);
        pos = 0;
      }
      j = buf[pos++]; // j ← H.Squeeze(ctx, 1)
    } while (j > i); // rejection on c̃ (see the header)
    const b = i + tau - N; // index of the sign bit h[i + τ − 256], b < 64
    const bit = ((b < 32 ? signsLo >>> b : signsHi >>> (b - 32)) & 1);
    out[i] = out[j]; // c_i ← c_j
    out[j] = 1 - 2 * bit; // c_j ← (−1)^h[i+τ−256]
  }
}
