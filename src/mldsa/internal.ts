/**
 * The deterministic ML-DSA cores that the public API and the KATs call.
 * FIPS 204 §6: Algorithm 6 (ML-DSA.KeyGen_internal), 7 (ML-DSA.Sign_internal), 8
 * (ML-DSA.Verify_internal), also in the external-μ form (μ given instead of M′, as the ACVP
 * `externalMu` groups use).
 * Side channels: signing works on s₁, s₂, t₀, K, y with fixed-shape arithmetic (no `%`, `/`,
 * or secret indices). The rejection loop's iteration count is public by design (timing-visible
 * in any implementation): only each attempt's accept/reject bit leaks; norm checks read every
 * coefficient. SampleInBall's branches on c̃ are discussed in sample.ts.
 * Verification handles public data only and may branch and return early. Temporaries holding
 * secrets are wiped (best effort: the GC and V8 may keep copies).
 */
import { shake256Into } from '../hash/sha3.ts';
import { wipe } from '../util/ct.ts';
import { bytesEqual, copyBytes } from '../util/bytes.ts';
import {
  pkDecode,
  pkEncode,
  sigDecode,
  sigEncode,
  skDecode,
  skEncode,
  w1Encode,
  w1EncodedBytes,
} from './encode.ts';
import { reduce, toUnsigned } from './field.ts';
import {
  invNttInPlace,
  matrixVectorNTT,
  multiplyNTT,
  newPolys,
  nttInPlace,
  type Poly,
  type PolyNTT,
} from './ntt.ts';
import { D, N, type MlDsaParams } from './params.ts';
import { highBits, lowBits, makeHint, normAtLeast, power2Round, useHint } from './rounding.ts';
import {
  EXPAND_MASK_BUF_BYTES,
  expandA,
  expandMask,
  expandS,
  matrixStorage,
  sampleInBall,
} from './sample.ts';

const newVec = newPolys;
const newVecNTT = (n: number): PolyNTT[] => newVec(n) as PolyNTT[];

/**
 * H(parts…, outLen) = SHAKE256 of the concatenation (FIPS 204 §3.7), as a fresh array, on the
 * shared one-shot sponge of hash/sha3.ts (no sponge allocated per call; wiped also on a throw).
 */
export function H(parts: Uint8Array[], outLen: number): Uint8Array {
  return shake256Into(new Uint8Array(outLen), ...parts);
}

/** v̂[i] ← NTT(v[i]), into `out` (fresh arrays unless given). */
function nttVec(v: Poly[], out: PolyNTT[] = newVecNTT(v.length)): PolyNTT[] {
  for (let i = 0; i < v.length; i++) {
    out[i].set(v[i]);
    nttInPlace(out[i]);
  }
  return out;
}

/** out[i] ← NTT⁻¹(ĉ ∘ v̂[i]). */
function mulInvNtt(out: Poly[], cHat: PolyNTT, vHat: PolyNTT[]): void {
  for (let i = 0; i < vHat.length; i++) {
    multiplyNTT(out[i] as PolyNTT, cHat, vHat[i]);
    invNttInPlace(out[i] as PolyNTT);
  }
}

/**
 * The storage of Sign_internal (FIPS 204, Algorithm 7). As views of `all`: the vectors ŝ₁, ŝ₂, t̂₀
 * and, per attempt, y, ŷ, w, w₁, ⟨⟨cs₁⟩⟩ (then z), ⟨⟨cs₂⟩⟩ (then w − cs₂), ⟨⟨ct₀⟩⟩, and the
 * polynomials r₀, c, ĉ. As views of `bytes`: the Keccak state and the blocks of ExpandMask and
 * SampleInBall, ρ″ ‖ κ, w1Encode(w₁) and h.
 */
export interface SignScratch {
  readonly all: Float64Array;
  readonly bytes: Uint8Array;
  readonly s1Hat: PolyNTT[];
  readonly s2Hat: PolyNTT[];
  readonly t0Hat: PolyNTT[];
  readonly y: Poly[];
  readonly yHat: PolyNTT[];
  readonly w: Poly[];
  readonly w1: Poly[];
  readonly cs1: Poly[];
  readonly cs2: Poly[];
  readonly ct0: Poly[];
  readonly r0: Poly;
  readonly c: Poly;
  readonly cHat: PolyNTT;
  readonly state: Uint32Array;
  readonly maskBuf: Uint8Array;
  readonly ballBuf: Uint8Array;
  readonly seed: Uint8Array;
  readonly w1Bytes: Uint8Array;
  readonly h: Uint8Array[];
}
const SIGN_SCRATCH = new Map<MlDsaParams, SignScratch>();

/**
 * Sign_internal's storage, one set per parameter set, reused by every signing call (4l + 6k + 3
 * polynomials, 118 KiB for ML-DSA-65, and 2.6 KiB of bytes): allocating it per call cost about 5%
 * of a signature in allocation and garbage collection. It holds secrets, so signMuInternal wipes
 * `all` and `bytes` when it returns or throws; signing is synchronous and never nests, so no two
 * calls share them.
 */
export function signScratch(p: MlDsaParams): SignScratch {
  let s = SIGN_SCRATCH.get(p);
  if (s === undefined) {
    const { k, l } = p;
    const polys = newPolys(4 * l + 6 * k + 3);
    let at = 0;
    const take = (n: number): Poly[] => polys.slice(at, (at += n));
    const w1Len = w1EncodedBytes(p);
    // the 200-byte Keccak state first (4-byte aligned), then the byte strings
    const buf = new ArrayBuffer(200 + EXPAND_MASK_BUF_BYTES + 136 + 66 + w1Len + k * N);
    let off = 200;
    const bytesOf = (n: number): Uint8Array => new Uint8Array(buf, (off += n) - n, n);
    s = {
      all: new Float64Array(polys[0].buffer),
      bytes: new Uint8Array(buf),
      s1Hat: take(l) as PolyNTT[],
      s2Hat: take(k) as PolyNTT[],
      t0Hat: take(k) as PolyNTT[],
      y: take(l),
      yHat: take(l) as PolyNTT[],
      w: take(k),
      w1: take(k),
      cs1: take(l),
      cs2: take(k),
      ct0: take(k),
      r0: polys[at++],
      c: polys[at++],
      cHat: polys[at++] as PolyNTT,
      state: new Uint32Array(buf, 0, 50),
      maskBuf: bytesOf(EXPAND_MASK_BUF_BYTES),
      ballBuf: bytesOf(136),
      seed: bytesOf(66),
      w1Bytes: bytesOf(w1Len),
      h: Array.from({ length: k }, () => bytesOf(N)),
    };
    SIGN_SCRATCH.set(p, s);
  }
  return s;
}

/**
 * Verify_internal's storage (FIPS 204, Algorithm 8). As views of one buffer: t₁ (then t̂₁), z (then
 * ẑ), c (then ĉ·2^d), w′_Approx and w₁′. As views of another: h, w1Encode(w₁′), and SampleInBall's
 * block and Keccak state.
 */
interface VerifyScratch {
  readonly t1: Poly[];
  readonly z: Poly[];
  readonly c: Poly;
  readonly w: Poly[];
  readonly w1: Poly[];
  readonly h: Uint8Array[];
  readonly w1Bytes: Uint8Array;
  readonly ballBuf: Uint8Array;
  readonly state: Uint32Array;
}
const VERIFY_SCRATCH = new Map<MlDsaParams, VerifyScratch>();

/**
 * Verify_internal's storage, one set per parameter set, reused by every verification: it held
 * about 15 separately allocated typed arrays per call (V8 gives each one over 64 bytes its own
 * backing store). Everything in it is computed from pk and σ, which are public, so it needs no
 * wiping; verification is synchronous and never nests.
 */
function verifyScratch(p: MlDsaParams): VerifyScratch {
  let v = VERIFY_SCRATCH.get(p);
  if (v === undefined) {
    const { k, l } = p;
    const polys = newPolys(3 * k + l + 1);
    const w1Len = w1EncodedBytes(p);
    const bytes = new ArrayBuffer(200 + 136 + w1Len + k * N); // state first: 4-byte aligned
    v = {
      t1: polys.slice(0, k),
      z: polys.slice(k, k + l),
      w: polys.slice(k + l, 2 * k + l),
      w1: polys.slice(2 * k + l, 3 * k + l),
      c: polys[3 * k + l],
      state: new Uint32Array(bytes, 0, 50),
      ballBuf: new Uint8Array(bytes, 200, 136),
      w1Bytes: new Uint8Array(bytes, 336, w1Len),
      h: Array.from({ length: k }, (_, i) => new Uint8Array(bytes, 336 + w1Len + i * N, N)),
    };
    VERIFY_SCRATCH.set(p, v);
  }
  return v;
}

/**
 * Generates a key pair from the 32-byte seed ξ. FIPS 204, Algorithm 6 (ML-DSA.KeyGen_internal).
 */
export function keyGenInternal(p: MlDsaParams, xi: Uint8Array): { pk: Uint8Array; sk: Uint8Array } {
  // (ρ, ρ′, K) ← H(ξ ‖ IntegerToBytes(k, 1) ‖ IntegerToBytes(l, 1), 128)
  const seeds = H([xi, Uint8Array.of(p.k, p.l)], 128);
  const rho = copyBytes(seeds, 0, 32);
  const rhoPrime = seeds.subarray(32, 96);
  const K = copyBytes(seeds, 96, 128);
  const AHat = expandA(p, rho); // Â ← ExpandA(ρ)
  const { s1, s2 } = expandS(p, rhoPrime); // (s₁, s₂) ← ExpandS(ρ′)
  // t ← NTT⁻¹(Â ∘ NTT(s₁)) + s₂
  const s1Hat = nttVec(s1);
  const t = newVec(p.k);
  matrixVectorNTT(t as PolyNTT[], AHat, s1Hat);
  const t1 = newVec(p.k);
  const t0 = newVec(p.k);
  for (let i = 0; i < p.k; i++) {
    invNttInPlace(t[i] as PolyNTT);
    for (let j = 0; j < N; j++) {
      // (t₁, t₀) ← Power2Round(t), on t mod q; |t + s₂| < q/2 + η so one fold suffices
      t1[i][j] = power2Round(toUnsigned(t[i][j] + s2[i][j]), t0[i], j);
    }
  }
  const pk = pkEncode(p, rho, t1); // pk ← pkEncode(ρ, t₁)
  const tr = H([pk], 64); // tr ← H(pk, 64)
  const sk = skEncode(p, { rho, K, tr, s1, s2, t0 }); // sk ← skEncode(ρ, K, tr, s₁, s₂, t₀)
  wipe(seeds, K, ...s1, ...s2, ...s1Hat, ...t, ...t0);
  return { pk, sk };
}

/**
 * μ ← H(BytesToBits(tr) ‖ M′, 64), with M′ given as a list of byte strings absorbed in order
 * (so that 0 ‖ |ctx| ‖ ctx ‖ M is never copied). FIPS 204, Algorithms 7 and 8 (the μ line).
 */
export function messageRepresentative(tr: Uint8Array, mPrime: Uint8Array[]): Uint8Array {
  return H([tr, ...mPrime], 64);
}

/**
 * Signs the message representative μ (64 bytes) with the expanded key sk and the 32-byte rnd.
 * FIPS 204, Algorithm 7 (ML-DSA.Sign_internal) without its μ line: μ is the caller's (signInternal
 * computes it from M′; the ACVP external-μ interface passes μ itself).
 * Differs from the spec only in storage: z is built in the cs₁ buffers and w − cs₂ in the cs₂
 * buffers. The ‖z‖∞ and ‖r₀‖∞ checks are evaluated together before one branch, as in the spec.
 */
export function signMuInternal(
  p: MlDsaParams,
  sk: Uint8Array,
  mu: Uint8Array,
  rnd: Uint8Array,
): Uint8Array {
  const scratch = signScratch(p);
  try {
    return signWith(p, sk, mu, rnd, scratch);
  } finally {
    scratch.all.fill(0);
    scratch.bytes.fill(0);
  }
}

/** signMuInternal in the storage of `scratch`, which the caller wipes. */
function signWith(
  p: MlDsaParams,
  sk: Uint8Array,
  mu: Uint8Array,
  rnd: Uint8Array,
  scratch: SignScratch,
): Uint8Array {
  const { s1Hat, s2Hat, t0Hat, y, yHat, w, w1, cs1, cs2, ct0, r0, c, cHat, h } = scratch;
  const { state, maskBuf, ballBuf, seed, w1Bytes } = scratch; // state: ExpandMask, SampleInBall
  const { rho, K, s1, s2, t0 } = skDecode(p, sk); // (ρ, K, tr, s₁, s₂, t₀) ← skDecode(sk)
  nttVec(s1, s1Hat); // ŝ₁ ← NTT(s₁)
  nttVec(s2, s2Hat); // ŝ₂ ← NTT(s₂)
  nttVec(t0, t0Hat); // t̂₀ ← NTT(t₀)
  const AHat = expandA(p, rho, matrixStorage(p)); // Â ← ExpandA(ρ)
  // ρ″ ← H(K ‖ rnd ‖ μ, 64), kept in a 66-byte buffer that ExpandMask extends with κ
  const rhoPrimePrime = H([K, rnd, mu], 64);
  seed.set(rhoPrimePrime, 0);
  wipe(rhoPrimePrime);

  const { gamma1, gamma2, beta, omega } = p;

  let sig: Uint8Array | null = null;
  for (let kappa = 0; sig === null; kappa += p.l) {
    // The loop runs until an attempt passes all checks; the attempt count is public.
    expandMask(p, y, seed, kappa, maskBuf, state); // y ← ExpandMask(ρ″, κ)
    for (let i = 0; i < p.l; i++) {
      yHat[i].set(y[i]);
      nttInPlace(yHat[i], false); // unreduced: MatrixVectorNTT's bound allows it (|y| ≤ γ₁)
    }
    matrixVectorNTT(w as PolyNTT[], AHat, yHat); // w ← NTT⁻¹(Â ∘ NTT(y))
    for (let i = 0; i < p.k; i++) {
      invNttInPlace(w[i] as PolyNTT);
      const wi = w[i];
      const w1i = w1[i];
      for (let j = 0; j < N; j++) w1i[j] = highBits(toUnsigned(wi[j]), gamma2); // w₁ ← HighBits(w)
    }
    w1Encode(p, w1Bytes, w1);
    const cTilde = H([mu, w1Bytes], p.cTildeBytes); // c̃ ← H(μ ‖ w1Encode(w₁), λ/4)
    sampleInBall(c, p.tau, cTilde, ballBuf, state, true); // c ← SampleInBall(c̃)
    cHat.set(c);
    nttInPlace(cHat, false); // ĉ ← NTT(c), unreduced: MultiplyNTT's bound allows it
    mulInvNtt(cs1, cHat, s1Hat); // ⟨⟨cs₁⟩⟩ ← NTT⁻¹(ĉ ∘ ŝ₁)
    mulInvNtt(cs2, cHat, s2Hat); // ⟨⟨cs₂⟩⟩ ← NTT⁻¹(ĉ ∘ ŝ₂)
    // z ← y + ⟨⟨cs₁⟩⟩ (|cs₁| ≤ β, so the centered sum is z mod± q); kept in cs1
    let reject = 0;
    for (let i = 0; i < p.l; i++) {
      const zi = cs1[i];
      const yi = y[i];
      for (let j = 0; j < N; j++) zi[j] += yi[j];
      reject |= normAtLeast(zi, gamma1 - beta); // ‖z‖∞ ≥ γ₁ − β
    }
    // r₀ ← LowBits(w − ⟨⟨cs₂⟩⟩); w − cs₂ kept in cs2
    for (let i = 0; i < p.k; i++) {
      const d = cs2[i];
      const wi = w[i];
      for (let j = 0; j < N; j++) {
        d[j] = toUnsigned(wi[j] - d[j]); // (w − cs₂) mod q ∈ [0, q)
        r0[j] = lowBits(d[j], gamma2);
      }
      reject |= normAtLeast(r0, gamma2 - beta); // ‖r₀‖∞ ≥ γ₂ − β
    }
    if (reject !== 0) continue; // public by design: the attempt is discarded
    mulInvNtt(ct0, cHat, t0Hat); // ⟨⟨ct₀⟩⟩ ← NTT⁻¹(ĉ ∘ t̂₀)
    // h ← MakeHint(−⟨⟨ct₀⟩⟩, w − ⟨⟨cs₂⟩⟩ + ⟨⟨ct₀⟩⟩)
    let ones = 0;
    for (let i = 0; i < p.k; i++) {
      const d = cs2[i];
      const ct = ct0[i];
      const hi = h[i];
      for (let j = 0; j < N; j++) {
        const hint = makeHint(toUnsigned(-ct[j]), toUnsigned(reduce(d[j] + ct[j])), gamma2);
        hi[j] = hint;
        ones += hint;
      }
      reject |= normAtLeast(ct, gamma2); // ‖⟨⟨ct₀⟩⟩‖∞ ≥ γ₂
    }
    if (reject !== 0 || ones > omega) continue; // public by design
    sig = sigEncode(p, cTilde, cs1, h); // σ ← sigEncode(c̃, z mod± q, h)
  }
  wipe(K, ...s1, ...s2, ...t0); // the storage of the scratch: by the caller
  return sig;
}

/**
 * Signs the formatted message M′ (as byte strings absorbed in order) with the expanded key sk.
 * FIPS 204, Algorithm 7 (ML-DSA.Sign_internal).
 */
export function signInternal(
  p: MlDsaParams,
  sk: Uint8Array,
  mPrime: Uint8Array[],
  rnd: Uint8Array,
): Uint8Array {
  const tr = sk.subarray(64, 128);
  const mu = messageRepresentative(tr, mPrime); // μ ← H(BytesToBits(tr) ‖ M′, 64)
  return signMuInternal(p, sk, mu, rnd);
}

/**
 * Verifies σ on the message representative μ under pk; false for a malformed σ (never throws
 * on well-typed input). FIPS 204, Algorithm 8 (ML-DSA.Verify_internal) with μ given.
 * Differs from the spec: the final ‖z‖∞ check is done first (public data, early return), and
 * NTT(c) ∘ NTT(t₁·2^d) is computed as (2^d·ĉ) ∘ NTT(t₁) (the NTT is linear), which saves the
 * shift of t₁ and a copy per row.
 */
export function verifyMuInternal(
  p: MlDsaParams,
  pk: Uint8Array,
  mu: Uint8Array,
  sig: Uint8Array,
): boolean {
  if (pk.length !== p.pkBytes || sig.length !== p.sigBytes) return false;
  const v = verifyScratch(p);
  const { rho, t1 } = pkDecode(p, pk, v.t1); // (ρ, t₁) ← pkDecode(pk)
  const decoded = sigDecode(p, sig, v.z, v.h); // (c̃, z, h) ← sigDecode(σ)
  if (decoded === null) return false; // h = ⊥
  const { cTilde, z, h } = decoded;
  for (let i = 0; i < p.l; i++) if (normAtLeast(z[i], p.gamma1 - p.beta)) return false;
  const AHat = expandA(p, rho, matrixStorage(p)); // Â ← ExpandA(ρ)
  const { c, w, w1 } = v;
  sampleInBall(c, p.tau, cTilde, v.ballBuf, v.state, false); // c ← SampleInBall(c̃), c̃ public
  // w′_Approx ← NTT⁻¹(Â ∘ NTT(z) − NTT(c) ∘ NTT(t₁·2^d)), with NTT(t₁·2^d) = 2^d·NTT(t₁)
  nttInPlace(c, false); // unreduced, |ĉ| < 2²⁶ (|c| ≤ 1)
  const cHat2d = c as PolyNTT; // ĉ·2^d reduced: each product < 2²⁶·2¹³ = 2³⁹
  for (let j = 0; j < N; j++) cHat2d[j] = reduce(cHat2d[j] * (1 << D));
  const zHat = z as PolyNTT[]; // z is not needed after the norm check: ẑ overwrites it
  for (let i = 0; i < p.l; i++) nttInPlace(zHat[i], false); // unreduced: |z| < γ₁ ≤ 2¹⁹
  matrixVectorNTT(w as PolyNTT[], AHat, zHat);
  for (let i = 0; i < p.k; i++) {
    const t1Hat = t1[i] as PolyNTT; // t̂₁ overwrites t₁ (t₁ < 2¹⁰)
    nttInPlace(t1Hat, false); // unreduced: |t̂₁| < 2²⁶
    const wi = w[i] as PolyNTT;
    for (let j = 0; j < N; j++) wi[j] = reduce(wi[j] - cHat2d[j] * t1Hat[j]); // < 2⁴⁹
    invNttInPlace(wi);
    const hi = h[i];
    const w1i = w1[i];
    // w₁′ ← UseHint(h, w′_Approx)
    for (let j = 0; j < N; j++) w1i[j] = useHint(hi[j], toUnsigned(wi[j]), p.gamma2);
  }
  w1Encode(p, v.w1Bytes, w1);
  const cTildePrime = H([mu, v.w1Bytes], p.cTildeBytes); // c̃′ ← H(μ ‖ w1Encode(w₁′), λ/4)
  return bytesEqual(cTilde, cTildePrime); // public data: plain compare
}

/**
 * Verifies σ on the formatted message M′ under pk. FIPS 204, Algorithm 8 (ML-DSA.Verify_internal).
 */
export function verifyInternal(
  p: MlDsaParams,
  pk: Uint8Array,
  mPrime: Uint8Array[],
  sig: Uint8Array,
): boolean {
  if (pk.length !== p.pkBytes || sig.length !== p.sigBytes) return false;
  const tr = H([pk], 64); // tr ← H(pk, 64)
  const mu = messageRepresentative(tr, mPrime); // μ ← H(BytesToBits(tr) ‖ M′, 64)
  return verifyMuInternal(p, pk, mu, sig);
}

