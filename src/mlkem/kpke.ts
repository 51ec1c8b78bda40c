/**
 * K-PKE, the CPA-secure public-key encryption scheme inside ML-KEM.
 * NIST FIPS 203 (August 2024), §5: Algorithm 13 (K-PKE.KeyGen), Algorithm 14 (K-PKE.Encrypt),
 * Algorithm 15 (K-PKE.Decrypt); G = SHA3-512 (§4.1).
 * Side channels: secrets (σ, r, ŝ, y, e, m) flow only through masks, shifts, Shoup/Barrett
 * products and fixed-length loops; rejection sampling runs on public ρ only. Secret temporaries
 * are wiped before returning (best effort: the GC and V8 may keep copies).
 * Differs from the spec (same outputs): Â is never stored — each entry is sampled into one scratch
 * polynomial and immediately multiplied into the accumulators, in the order the product needs
 * (Âᵀ for Encrypt); the right operand of every T_q product is "prepared" once (ntt.ts).
 */
import { sha3_512 } from '../hash/sha3.ts';
import { wipe } from '../util/ct.ts';
import { BARRETT16_MUL, COMPRESS_SCALE } from './field.ts';
import { byteDecode, byteEncode } from './encode.ts';
import {
  multiplyAccumulate,
  nttInPlace,
  invNttInPlace,
  prepareNTT,
  reduceAccumulator,
  type PolyNTT,
  type PreparedNTT,
} from './ntt.ts';
import { N, Q, type MlKemParams } from './params.ts';
import { prf, sampleNTT, samplePolyCBD } from './sample.ts';

const HALF_Q = Q >> 1; // ⌊q/2⌋: Compress_d rounds ⌈2^d·x/q⌋ as ⌊(2^d·x + ⌊q/2⌋)/q⌋

/**
 * Scratch for K-PKE calls: 2k polynomials (ŝ, ê or y, t̂ or u′), k prepared operands, one
 * accumulator row, one buffer per named value below, and the PRF output. One instance per k,
 * reused by every call (JS is single-threaded and no K-PKE call nests another), and wiped before
 * each call returns.
 */
class Scratch {
  readonly polys: Uint16Array[];
  readonly prepared: PreparedNTT[];
  readonly acc = new Int32Array(N);
  /** The current matrix entry Â[i, j] (sampled, used once, overwritten). */
  readonly aHat = new Uint16Array(N);
  /** e₁[i] for the current row i (Encrypt). */
  readonly e1 = new Uint16Array(N);
  /** e₂ + μ (Encrypt). */
  readonly e2 = new Uint16Array(N);
  /** v′ (Decrypt). */
  readonly vPrime = new Uint16Array(N);
  /** A reduced row: t̂[i] (KeyGen), u[i] then v (Encrypt), ŝ[i] then w (Decrypt). */
  readonly tmp = new Uint16Array(N);
  readonly prfOut = new Uint8Array(192);

  constructor(k: number) {
    this.polys = Array.from({ length: 2 * k }, () => new Uint16Array(N));
    this.prepared = Array.from({ length: k }, () => new Uint16Array(N / 2) as PreparedNTT);
  }

  wipe(): void {
    wipe(this.acc, this.tmp, this.aHat, this.e1, this.e2, this.vPrime, this.prfOut);
    wipe(...this.polys, ...this.prepared);
  }
}

const SCRATCH: Scratch[] = [2, 3, 4].map((k) => new Scratch(k));

function scratchFor(k: number): Scratch {
  return SCRATCH[k - 2];
}

/** f ← SamplePolyCBD_η(PRF_η(s, b)) through the scratch PRF buffer (FIPS 203, Alg 13–14). */
function sampleNoise(sc: Scratch, eta: number, s: Uint8Array, b: number, f: Uint16Array): void {
  prf(eta, s, b, sc.prfOut);
  samplePolyCBD(eta, sc.prfOut, f);
}

/** a ← Decompress_d(a) for a < 2^d (FIPS 203 eq. 4.8, as field.ts decompress, written out). */
function decompressInPlace(d: number, a: Uint16Array): void {
  const half = 1 << (d - 1);
  for (let c = 0; c < N; c++) a[c] = (a[c] * Q + half) >> d;
}

/** a ← (a + b) mod q for a + b < 2¹⁶ (barrettReduce written out: hot loop). */
function addReduce(a: Uint16Array, b: Uint16Array): void {
  for (let c = 0; c < N; c++) {
    const x = a[c] + b[c];
    const r = x - ((x * BARRETT16_MUL) >>> 26) * Q - Q;
    a[c] = r + ((r >> 31) & Q);
  }
}

/** a ← Compress_d((a + e) mod q) for a + e < 2¹⁶ (FIPS 203 eq. 4.7 as in field.ts, written out). */
function addCompress(d: number, a: Uint16Array, e: Uint16Array): void {
  const mask = (1 << d) - 1;
  const scale = 1 << d;
  for (let c = 0; c < N; c++) {
    const x = a[c] + e[c];
    const r = x - ((x * BARRETT16_MUL) >>> 26) * Q - Q;
    const y = r + ((r >> 31) & Q); // (a + e) mod q
    a[c] = (((y * scale + HALF_Q) * COMPRESS_SCALE) | 0) & mask;
  }
}

/**
 * Generates (ek_PKE, dk_PKE) from the 32-byte seed d into the caller's arrays (384k + 32 and 384k
 * bytes, so that ML-KEM.KeyGen can write dk_PKE straight into dk): ek_PKE = ByteEncode₁₂(t̂)‖ρ
 * and dk_PKE = ByteEncode₁₂(ŝ).
 * FIPS 203, Algorithm 13 (K-PKE.KeyGen).
 */
export function kpkeKeyGen(
  p: MlKemParams,
  d: Uint8Array,
  ekPKE: Uint8Array,
  dkPKE: Uint8Array,
): void {
  const { k, eta1 } = p;
  const seed = new Uint8Array(33);
  seed.set(d);
  seed[32] = k;
  const rhoSigma = sha3_512(seed); // (ρ, σ) ← G(d‖k)
  const rho = rhoSigma.subarray(0, 32);
  const sigma = rhoSigma.subarray(32, 64);
  const sc = scratchFor(k);
  const sHat = sc.polys.slice(0, k);
  const eHat = sc.polys.slice(k, 2 * k);
  let n = 0; // N ← 0
  // s[i] ← SamplePolyCBD_η₁(PRF_η₁(σ, N)); N ← N + 1, then e[i] likewise
  for (let i = 0; i < k; i++) sampleNoise(sc, eta1, sigma, n++, sHat[i]);
  for (let i = 0; i < k; i++) sampleNoise(sc, eta1, sigma, n++, eHat[i]);
  for (let i = 0; i < k; i++) {
    nttInPlace(sHat[i]); // ŝ ← NTT(s)
    nttInPlace(eHat[i]); // ê ← NTT(e)
    prepareNTT(sc.prepared[i], sHat[i] as PolyNTT);
  }
  for (let i = 0; i < k; i++) {
    // t̂[i] ← Σⱼ Â[i, j] ∘ ŝ[j] + ê[i], with Â[i, j] ← SampleNTT(ρ‖j‖i)
    for (let j = 0; j < k; j++) {
      const aHat = sampleNTT(sc.aHat, rho, j, i);
      multiplyAccumulate(sc.acc, aHat, sHat[j] as PolyNTT, sc.prepared[j]);
    }
    reduceAccumulator(sc.tmp, sc.acc); // ∈ [0, 2q)
    addReduce(sc.tmp, eHat[i]); // < 2q + q < 2¹⁶
    byteEncode(12, sc.tmp, ekPKE, 384 * i); // ek_PKE ← ByteEncode₁₂(t̂)‖ρ
    byteEncode(12, sHat[i], dkPKE, 384 * i); // dk_PKE ← ByteEncode₁₂(ŝ)
  }
  ekPKE.set(rho, 384 * k);
  sc.wipe();
  wipe(rhoSigma, seed);
}

/**
 * Encrypts the 32-byte message m under ek_PKE with randomness r, writing c = c₁‖c₂ into out.
 * FIPS 203, Algorithm 14 (K-PKE.Encrypt).
 * ek_PKE must already have passed the §7.2 checks (or come from a checked dk); t̂ is decoded here.
 */
export function kpkeEncrypt(
  p: MlKemParams,
  ekPKE: Uint8Array,
  m: Uint8Array,
  r: Uint8Array,
  out: Uint8Array,
): void {
  const { k, eta1, eta2, du, dv } = p;
  const sc = scratchFor(k);
  const y = sc.polys.slice(0, k);
  const tHat = sc.polys[k];
  const rho = ekPKE.subarray(384 * k, 384 * k + 32); // ρ ← ek_PKE[384k : 384k + 32]
  let n = 0; // N ← 0
  for (let i = 0; i < k; i++) {
    sampleNoise(sc, eta1, r, n++, y[i]); // y[i] ← CBD_η₁(PRF_η₁(r, N))
    nttInPlace(y[i]); // ŷ ← NTT(y)
    prepareNTT(sc.prepared[i], y[i] as PolyNTT);
  }
  // u[i] ← NTT⁻¹(Σⱼ Âᵀ[i, j] ∘ ŷ[j]) + e₁[i], with Âᵀ[i, j] = Â[j, i] ← SampleNTT(ρ‖i‖j)
  const u = sc.tmp;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const aHat = sampleNTT(sc.aHat, rho, i, j);
      multiplyAccumulate(sc.acc, aHat, y[j] as PolyNTT, sc.prepared[j]);
    }
    reduceAccumulator(u, sc.acc);
    invNttInPlace(u as PolyNTT);
    sampleNoise(sc, eta2, r, n++, sc.e1); // e₁[i] ← CBD_η₂(PRF_η₂(r, N))
    addCompress(du, u, sc.e1); // Compress_du(u[i] + e₁[i]); u < q, e₁ < q + 3
    byteEncode(du, u, out, 32 * du * i); // c₁ ← ByteEncode_du(Compress_du(u))
  }
  // v ← NTT⁻¹(t̂ᵀ ∘ ŷ) + e₂ + μ, with t̂ ← ByteDecode₁₂(ek_PKE[0 : 384k])
  for (let j = 0; j < k; j++) {
    byteDecode(12, ekPKE, tHat, 384 * j);
    multiplyAccumulate(sc.acc, tHat as PolyNTT, y[j] as PolyNTT, sc.prepared[j]);
  }
  const v = sc.tmp;
  reduceAccumulator(v, sc.acc);
  invNttInPlace(v as PolyNTT);
  const e2 = sc.e2;
  sampleNoise(sc, eta2, r, n, e2); // e₂ ← CBD_η₂(PRF_η₂(r, N))
  for (let c = 0; c < N; c++) {
    const bit = (m[c >> 3] >> (c & 7)) & 1; // μ ← Decompress₁(ByteDecode₁(m)) = bit·⌈q/2⌋
    e2[c] += -bit & 1665; // e₂ + μ < q + 3 + 1665
  }
  addCompress(dv, v, e2); // Compress_dv(v + e₂ + μ); v < q
  byteEncode(dv, v, out, 32 * du * k); // c₂ ← ByteEncode_dv(Compress_dv(v))
  sc.wipe();
}

/**
 * Decrypts c = c₁‖c₂ with dk_PKE, returning the 32-byte message m.
 * FIPS 203, Algorithm 15 (K-PKE.Decrypt).
 */
export function kpkeDecrypt(p: MlKemParams, dkPKE: Uint8Array, c: Uint8Array): Uint8Array {
  const { k, du, dv } = p;
  const sc = scratchFor(k);
  const uHat = sc.polys[0];
  for (let i = 0; i < k; i++) {
    byteDecode(du, c, uHat, 32 * du * i); // u′ ← Decompress_du(ByteDecode_du(c₁))
    decompressInPlace(du, uHat);
    nttInPlace(uHat); // NTT(u′)
    prepareNTT(sc.prepared[0], uHat as PolyNTT);
    byteDecode(12, dkPKE, sc.tmp, 384 * i); // ŝ ← ByteDecode₁₂(dk_PKE)
    multiplyAccumulate(sc.acc, sc.tmp as PolyNTT, uHat as PolyNTT, sc.prepared[0]);
  }
  const w = sc.tmp;
  reduceAccumulator(w, sc.acc);
  invNttInPlace(w as PolyNTT); // NTT⁻¹(ŝᵀ ∘ NTT(u′)) ∈ [0, q)
  const vPrime = sc.vPrime;
  byteDecode(dv, c, vPrime, 32 * du * k); // v′ ← Decompress_dv(ByteDecode_dv(c₂))
  decompressInPlace(dv, vPrime);
  const m = new Uint8Array(32);
  for (let j = 0; j < N; j++) {
    const x = vPrime[j] - w[j]; // w ← v′ − NTT⁻¹(…), in (−q, q)
    const wj = x + ((x >> 31) & Q); // mod q
    // m ← ByteEncode₁(Compress₁(w)): Compress₁(w) = ⌊(2w + ⌊q/2⌋)/q⌋ mod 2 (as field.ts compress)
    m[j >> 3] |= ((((2 * wj + HALF_Q) * COMPRESS_SCALE) | 0) & 1) << (j & 7);
  }
  sc.wipe();
  return m;
}

