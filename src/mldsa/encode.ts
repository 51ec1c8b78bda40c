/**
 * Bit packing and the key, signature and commitment encodings of ML-DSA.
 * FIPS 204 §7.1–7.2: Algorithms 16–19 (SimpleBitPack, BitPack, SimpleBitUnpack, BitUnpack),
 * 20–21 (HintBitPack, HintBitUnpack), 22–28 (pkEncode … w1Encode).
 * Side channels: packing loops run a fixed number of steps per coefficient; secret coefficients
 * (s₁, s₂, t₀, z before release) only flow through shifts and masks; skDecode's range check
 * reads every coefficient and branches once, on whether the key is refused. HintBitUnpack and the
 * decoders of pk and σ branch on public bytes.
 * Bit strings are never materialised: packing writes coefficient bits LSB-first straight into
 * bytes, which is BitsToBytes ∘ IntegerToBits (Algorithms 9, 12) fused.
 */
import { D, N, bitlen, type MlDsaParams } from './params.ts';
import { newPolys, type Poly } from './ntt.ts';
import { copyBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';

/** Writes 256 values v[i] ∈ [0, 2^bits) as bits-bit little-endian fields at out[off…]. */
function packBits(
  out: Uint8Array,
  off: number,
  v: ArrayLike<number>,
  bits: number,
  bias: number,
  sign: number,
): void {
  let acc = 0;
  let accBits = 0;
  let o = off;
  for (let i = 0; i < N; i++) {
    acc |= (bias + sign * v[i]) << accBits; // accBits < 8 and bits ≤ 20: acc < 2²⁸
    accBits += bits;
    while (accBits >= 8) {
      out[o++] = acc;
      acc >>>= 8;
      accBits -= 8;
    }
  }
}

/**
 * Reads 256 bits-bit fields from v[off…] into out[i] = bias + sign·field. The widths of the hot
 * paths have straight-line forms over the bytes of a group of fields (public positions, no
 * accumulator carried between fields): 10 bits (t₁: four fields in five bytes), 18 bits (z and y
 * for ML-DSA-44: four in nine) and 20 bits (z and y otherwise: two in five).
 */
function unpackBits(
  out: Float64Array,
  v: Uint8Array,
  off: number,
  bits: number,
  bias: number,
  sign: number,
): void {
  if (bits === 10) return unpack10(out, v, off, bias, sign);
  if (bits === 18) return unpack18(out, v, off, bias, sign);
  if (bits === 20) return unpack20(out, v, off, bias, sign);
  const mask = (1 << bits) - 1;
  let acc = 0;
  let accBits = 0;
  let o = off;
  for (let i = 0; i < N; i++) {
    while (accBits < bits) {
      acc |= v[o++] << accBits;
      accBits += 8;
    }
    out[i] = bias + sign * (acc & mask);
    acc >>>= bits;
    accBits -= bits;
  }
}

/**
 * unpackBits for 10-bit fields (FIPS 204 Algorithms 18, 19): bytes b₀…b₄ hold fields 4g … 4g + 3.
 */
function unpack10(out: Float64Array, v: Uint8Array, off: number, bias: number, sign: number): void {
  for (let i = 0, o = off; i < N; i += 4, o += 5) {
    const b1 = v[o + 1];
    const b2 = v[o + 2];
    const b3 = v[o + 3];
    out[i] = bias + sign * (v[o] | ((b1 & 0x03) << 8));
    out[i + 1] = bias + sign * ((b1 >>> 2) | ((b2 & 0x0f) << 6));
    out[i + 2] = bias + sign * ((b2 >>> 4) | ((b3 & 0x3f) << 4));
    out[i + 3] = bias + sign * ((b3 >>> 6) | (v[o + 4] << 2));
  }
}

/**
 * unpackBits for 18-bit fields (FIPS 204 Algorithms 18, 19): bytes b₀…b₈ hold fields 4g … 4g + 3.
 */
function unpack18(out: Float64Array, v: Uint8Array, off: number, bias: number, sign: number): void {
  for (let i = 0, o = off; i < N; i += 4, o += 9) {
    const b2 = v[o + 2];
    const b4 = v[o + 4];
    const b6 = v[o + 6];
    out[i] = bias + sign * (v[o] | (v[o + 1] << 8) | ((b2 & 0x03) << 16));
    out[i + 1] = bias + sign * ((b2 >>> 2) | (v[o + 3] << 6) | ((b4 & 0x0f) << 14));
    out[i + 2] = bias + sign * ((b4 >>> 4) | (v[o + 5] << 4) | ((b6 & 0x3f) << 12));
    out[i + 3] = bias + sign * ((b6 >>> 6) | (v[o + 7] << 2) | (v[o + 8] << 10));
  }
}

/**
 * unpackBits for 20-bit fields (FIPS 204 Algorithms 18, 19): bytes b₀…b₄ hold fields 2g and 2g + 1.
 */
function unpack20(out: Float64Array, v: Uint8Array, off: number, bias: number, sign: number): void {
  for (let i = 0, o = off; i < N; i += 2, o += 5) {
    const b2 = v[o + 2];
    out[i] = bias + sign * (v[o] | (v[o + 1] << 8) | ((b2 & 0x0f) << 16));
    out[i + 1] = bias + sign * ((b2 >>> 4) | (v[o + 3] << 4) | (v[o + 4] << 12));
  }
}

/** Encodes w with coefficients in [0, b] using bitlen(b) bits each. FIPS 204, Algorithm 16. */
export function simpleBitPack(out: Uint8Array, off: number, w: Poly, b: number): void {
  packBits(out, off, w, bitlen(b), 0, 1);
}

/** Encodes w with coefficients in [−a, b] as b − w[i] in bitlen(a + b) bits. FIPS 204, Alg. 17. */
export function bitPack(out: Uint8Array, off: number, w: Poly, a: number, b: number): void {
  packBits(out, off, w, bitlen(a + b), b, -1);
}

/** Inverse of SimpleBitPack: out[i] ∈ [0, 2^bitlen(b) − 1]. FIPS 204, Algorithm 18. */
export function simpleBitUnpack(out: Poly, v: Uint8Array, off: number, b: number): void {
  unpackBits(out, v, off, bitlen(b), 0, 1);
}

/**
 * Inverse of BitPack: out[i] = b − field ∈ [b − 2^c + 1, b], c = bitlen(a + b).
 * FIPS 204, Algorithm 19 (BitUnpack).
 */
export function bitUnpack(out: Poly, v: Uint8Array, off: number, a: number, b: number): void {
  unpackBits(out, v, off, bitlen(a + b), b, -1);
}

/** Bytes of one polynomial packed with `bits` bits per coefficient. */
const polyBytes = (bits: number): number => 32 * bits;

/**
 * Encodes the hint h (k polynomials with at most ω ones in total) into ω + k bytes at out[off…]:
 * the indices of the ones, then the running count after each polynomial.
 * FIPS 204, Algorithm 20 (HintBitPack). h is part of the released signature (public).
 */
export function hintBitPack(out: Uint8Array, off: number, h: Uint8Array[], omega: number): void {
  out.fill(0, off, off + omega + h.length);
  let index = 0;
  for (let i = 0; i < h.length; i++) {
    for (let j = 0; j < N; j++) {
      if (h[i][j] !== 0) out[off + index++] = j; // y[index] ← j
    }
    out[off + omega + i] = index; // y[ω + i] ← index
  }
}

/**
 * Decodes a hint into h (k polynomials of 256 bytes, overwritten; fresh arrays unless given),
 * returning null (⊥) when the encoding is malformed: counts out of order or above ω, indices not
 * strictly increasing within a polynomial, or non-zero padding.
 * FIPS 204, Algorithm 21 (HintBitUnpack). Input is public (a signature under verification).
 */
export function hintBitUnpack(
  y: Uint8Array,
  off: number,
  k: number,
  omega: number,
  h: Uint8Array[] = Array.from({ length: k }, () => new Uint8Array(N)),
): Uint8Array[] | null {
  let index = 0;
  for (let i = 0; i < k; i++) {
    const hi = h[i];
    hi.fill(0); // h ← 0^(k×256)
    const end = y[off + omega + i];
    if (end < index || end > omega) return null; // malformed count
    const first = index;
    while (index < end) {
      if (index > first && y[off + index - 1] >= y[off + index]) return null; // not increasing
      hi[y[off + index]] = 1;
      index++;
    }
  }
  for (let i = index; i < omega; i++) if (y[off + i] !== 0) return null; // padding must be zero
  return h;
}

/** pk = ρ ‖ SimpleBitPack(t₁[i], 2^(bitlen(q−1)−d) − 1) for each i. FIPS 204, Algorithm 22. */
export function pkEncode(p: MlDsaParams, rho: Uint8Array, t1: Poly[]): Uint8Array {
  const pk = new Uint8Array(p.pkBytes);
  pk.set(rho, 0);
  for (let i = 0; i < p.k; i++) simpleBitPack(pk, 32 + i * polyBytes(10), t1[i], (1 << 10) - 1);
  return pk;
}

/**
 * Reverses pkEncode: (ρ, t₁); ρ is a view into pk, t₁ is written into `t1` (k polynomials,
 * fresh unless given). FIPS 204, Algorithm 23 (pkDecode).
 */
export function pkDecode(
  p: MlDsaParams,
  pk: Uint8Array,
  t1: Poly[] = newPolys(p.k),
): { rho: Uint8Array; t1: Poly[] } {
  for (let i = 0; i < p.k; i++) simpleBitUnpack(t1[i], pk, 32 + i * polyBytes(10), (1 << 10) - 1);
  return { rho: pk.subarray(0, 32), t1 };
}

/** The decoded private key. */
export interface SecretKeyParts {
  rho: Uint8Array;
  K: Uint8Array;
  tr: Uint8Array;
  s1: Poly[];
  s2: Poly[];
  t0: Poly[];
}

/**
 * sk = ρ ‖ K ‖ tr ‖ BitPack(s₁[i], η, η) ‖ BitPack(s₂[i], η, η)
 *      ‖ BitPack(t₀[i], 2^(d−1) − 1, 2^(d−1)).
 * FIPS 204, Algorithm 24 (skEncode).
 */
export function skEncode(p: MlDsaParams, sk: SecretKeyParts): Uint8Array {
  const out = new Uint8Array(p.skBytes);
  out.set(sk.rho, 0);
  out.set(sk.K, 32);
  out.set(sk.tr, 64);
  let off = 128;
  const eb = polyBytes(p.etaBits);
  for (let i = 0; i < p.l; i++, off += eb) bitPack(out, off, sk.s1[i], p.eta, p.eta);
  for (let i = 0; i < p.k; i++, off += eb) bitPack(out, off, sk.s2[i], p.eta, p.eta);
  const H = 1 << (D - 1);
  for (let i = 0; i < p.k; i++, off += polyBytes(D)) bitPack(out, off, sk.t0[i], H - 1, H);
  return out;
}

/**
 * Reverses skEncode (ρ, K, tr are copies), refusing a key whose s₁ or s₂ has a coefficient outside
 * [−η, η]. FIPS 204, Algorithm 25 (skDecode).
 * Differs from the spec: Algorithm 25 notes that s₁, s₂ "may lie outside [−η, η] if input is
 * malformed" and leaves the check to the caller; we make it here, so every signing path (Sign,
 * HashML-DSA.Sign, Sign_internal, external μ) refuses such a key with NON_CANONICAL before any
 * secret is used. The η-field has 3 (η = 2) or 4 (η = 4) bits, so 2η + 1 … 2^bits − 1 are
 * encodable and out of range. t₀ needs no check: its 13-bit fields map onto exactly
 * [−2^(d−1) + 1, 2^(d−1)] (2^d values), so no encoding lies outside (test/mldsa/encode.test.ts).
 * The range test accumulates a mask over every coefficient and branches once on the result:
 * whether a key is refused is public, which coefficient is not.
 */
export function skDecode(p: MlDsaParams, sk: Uint8Array): SecretKeyParts {
  expectLength(sk, p.skBytes, `${p.name}: private key`);
  const rho = copyBytes(sk, 0, 32);
  const K = copyBytes(sk, 32, 64);
  const tr = copyBytes(sk, 64, 128);
  let off = 128;
  const eb = polyBytes(p.etaBits);
  const vec = (n: number, bytes: number, a: number, b: number): Poly[] => {
    const out = newPolys(n);
    for (let i = 0; i < n; i++, off += bytes) bitUnpack(out[i], sk, off, a, b);
    return out;
  };
  const s1 = vec(p.l, eb, p.eta, p.eta);
  const s2 = vec(p.k, eb, p.eta, p.eta);
  const H = 1 << (D - 1);
  const t0 = vec(p.k, polyBytes(D), H - 1, H);
  if (outsideEta(s1, p.eta) | outsideEta(s2, p.eta)) {
    wipe(K, ...s1, ...s2, ...t0);
    throw new CryptoError(
      'NON_CANONICAL',
      `${p.name}: private key has an s₁ or s₂ coefficient outside [−η, η] (FIPS 204 Algorithm 25)`,
    );
  }
  return { rho, K, tr, s1, s2, t0 };
}

/**
 * 1 iff some coefficient of v lies outside [−η, η], reading every coefficient: x + η and η − x
 * are both ≥ 0 exactly in range, so OR-ing them sets the sign bit iff one is out of range.
 */
function outsideEta(v: Poly[], eta: number): 0 | 1 {
  let bad = 0;
  for (const w of v) for (let i = 0; i < N; i++) bad |= (w[i] + eta) | (eta - w[i]);
  return (bad >>> 31) as 0 | 1;
}

/**
 * σ = c̃ ‖ BitPack(z[i], γ₁ − 1, γ₁) ‖ HintBitPack(h); z is centered.
 * FIPS 204, Algorithm 26 (sigEncode).
 */
export function sigEncode(
  p: MlDsaParams,
  cTilde: Uint8Array,
  z: Poly[],
  h: Uint8Array[],
): Uint8Array {
  const sig = new Uint8Array(p.sigBytes);
  sig.set(cTilde, 0);
  let off = p.cTildeBytes;
  for (let i = 0; i < p.l; i++, off += polyBytes(p.zBits))
    bitPack(sig, off, z[i], p.gamma1 - 1, p.gamma1);
  hintBitPack(sig, off, h, p.omega);
  return sig;
}

/**
 * Reverses sigEncode; null (⊥) when the hint is malformed. c̃ is a view into σ; z and h are
 * written into `z` (l polynomials) and `h` (k arrays of 256 bytes), fresh unless given.
 * FIPS 204, Algorithm 27 (sigDecode).
 */
export function sigDecode(
  p: MlDsaParams,
  sig: Uint8Array,
  z: Poly[] = newPolys(p.l),
  h?: Uint8Array[],
): { cTilde: Uint8Array; z: Poly[]; h: Uint8Array[] } | null {
  const cTilde = sig.subarray(0, p.cTildeBytes);
  let off = p.cTildeBytes;
  for (let i = 0; i < p.l; i++, off += polyBytes(p.zBits))
    bitUnpack(z[i], sig, off, p.gamma1 - 1, p.gamma1);
  const hints = hintBitUnpack(sig, off, p.k, p.omega, h);
  return hints === null ? null : { cTilde, z, h: hints };
}

/**
 * w1Encode(w₁) = SimpleBitPack(w₁[i], (q − 1)/(2γ₂) − 1) for each i, into out (32·k·bits bytes).
 * FIPS 204, Algorithm 28 (w1Encode).
 * Differs from calling SimpleBitPack only in form: for 4-bit fields (ML-DSA-65 and -87) two
 * fields fill one byte, written straight (no accumulator), as this runs once per signing attempt.
 */
export function w1Encode(p: MlDsaParams, out: Uint8Array, w1: Poly[]): void {
  const bytes = polyBytes(p.w1Bits);
  for (let i = 0; i < p.k; i++) {
    const w = w1[i];
    if (p.w1Bits === 4) {
      for (let j = 0, o = i * bytes; j < N; j += 2, o++) out[o] = w[j] | (w[j + 1] << 4);
    } else packBits(out, i * bytes, w, p.w1Bits, 0, 1);
  }
}

/** Length of w1Encode's output for p. */
export const w1EncodedBytes = (p: MlDsaParams): number => p.k * polyBytes(p.w1Bits);
