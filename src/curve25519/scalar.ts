/**
 * Scalars of edwards25519: integers modulo the group order L = 2^252 + δ (RFC 8032 §5.1,
 * δ = 27742317777372353535851937790883648493), as used by Ed25519 signing (§5.1.6 steps 2–4)
 * and verification (§5.1.7 steps 1–2). Limbs are radix 2^21 in a Float64Array; 2^252 ≡ −δ
 * (mod L) folds the high limbs down. Every product stays below 2^53 (bounds at each step).
 * Side channels: scReduce and scMulAdd have no secret-dependent branch, index or loop bound
 * (they handle the nonce r and the secret scalar s); scIsCanonical is for public S only.
 * bigint appears only at module load, to split the public constant δ into limbs.
 */

const RADIX = 2097152; // 2^21
const INV_RADIX = 1 / RADIX; // exact: ⌊x · 2^−21⌋ = ⌊x / 2^21⌋

/** L = 2^252 + 27742317777372353535851937790883648493. RFC 8032 §5.1. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** δ = L − 2^252 in six radix-2^21 limbs (δ < 2^125 < 2^126). Public constant: bigint is fine. */
const DELTA = Float64Array.from({ length: 6 }, (_, j) =>
  Number(((L - 2n ** 252n) >> BigInt(21 * j)) & 0x1fffffn),
);

/** L as 32 little-endian bytes, for the public S < L check. */
const L_BYTES = Uint8Array.from({ length: 32 }, (_, i) => Number((L >> BigInt(8 * i)) & 0xffn));

/** Reads `count` radix-2^21 limbs from little-endian bytes (zero-padded on the right). */
function limbsFromBytes(b: Uint8Array, count: number): Float64Array {
  const padded = new Uint8Array(3 * count + 4);
  padded.set(b);
  const x = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    const bit = 21 * m;
    const at = bit >>> 3; // public position
    const word =
      (padded[at] | (padded[at + 1] << 8) | (padded[at + 2] << 16) | (padded[at + 3] << 24)) >>> 0;
    x[m] = (word >>> (bit & 7)) & 0x1fffff; // bit & 7 ≤ 7, and 7 + 21 ≤ 32
  }
  padded.fill(0);
  return x;
}

/** Carries limbs from..to−1 into their successors (floor division: limbs land in [0, 2^21)). */
function carry(x: Float64Array, from: number, to: number): void {
  for (let m = from; m < to; m++) {
    const c = Math.floor(x[m] * INV_RADIX);
    x[m] -= c * RADIX;
    x[m + 1] += c;
  }
}

/**
 * x mod L as 32 canonical little-endian bytes, for x given as 25 limbs each in [0, 2^21).
 * Wipes x. Constant-time: the fold order and carry chains depend only on public positions.
 */
function reduceLimbs(x: Float64Array): Uint8Array {
  // Fold limb k ≥ 12 (weight 2^(21k) = 2^(21(k−12))·2^252 ≡ −δ·2^(21(k−12))), top down.
  // Before each fold, |x[k]| < 2^21 + 4 (the carry chain below shrinks what reaches it), so each
  // product is < 2^42.1 and every limb stays < 2^42.2 in magnitude: exact in float64.
  for (let k = 24; k >= 12; k--) {
    const c = x[k];
    x[k] = 0;
    for (let j = 0; j < 6; j++) x[k - 12 + j] -= c * DELTA[j];
    carry(x, k - 12, k - 1); // limbs k−12..k−2 back in [0, 2^21); x[k−1] moves by at most ±3
  }
  // Now v = Σ_(m<12) x[m]·2^(21m) with x[0..10] canonical and x[11] ∈ (−3, 2^21 + 3), so
  // v ∈ (−2^233, 2^252 + 2^233). Subtract c·L for c = ⌊x[11] / 2^21⌋ ∈ {−1, 0, 1}: v ∈ [−δ, L).
  const c = Math.floor(x[11] * INV_RADIX);
  x[11] -= c * RADIX;
  for (let j = 0; j < 6; j++) x[j] -= c * DELTA[j];
  carry(x, 0, 11);
  // v < 0 exactly when x[11] = −1 (limbs 0..10 are canonical and |v| ≤ δ < 2^231), else
  // x[11] ∈ [0, 2^21]; x[11] is a small integer, so its sign bit is a 32-bit shift. Add L once.
  const neg = x[11] >>> 31; // 1 if v < 0, else 0
  x[11] += neg * RADIX;
  for (let j = 0; j < 6; j++) x[j] += neg * DELTA[j];
  carry(x, 0, 11); // v ∈ [0, L): x[11] ∈ [0, 2^21]
  const out = new Uint8Array(32);
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (let m = 0; m < 12; m++) {
    acc |= x[m] << bits; // bits ≤ 7 and x[m] ≤ 2^21: acc < 2^29
    bits += 21;
    while (bits >= 8) {
      out[k++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out[31] = acc; // the last 4 bits, plus bit 252 when x[11] = 2^21 (v ≥ 2^252)
  x.fill(0);
  return out;
}

/**
 * x mod L for a little-endian byte string of at most 64 bytes, e.g. a SHA-512 digest.
 * RFC 8032 §5.1.6 step 2 (r = SHA-512(…) mod L).
 */
export function scReduce(bytes: Uint8Array): Uint8Array {
  return reduceLimbs(limbsFromBytes(bytes, 25));
}

/**
 * (a · b + c) mod L for 32-byte little-endian a, b, c.
 * RFC 8032 §5.1.6 step 4: S = (r + k·s) mod L.
 */
export function scMulAdd(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const A = limbsFromBytes(a, 13); // 13 · 21 = 273 ≥ 256 bits
  const B = limbsFromBytes(b, 13);
  const x = limbsFromBytes(c, 25);
  // Column sums: at most 13 products < 2^42 plus c's limb: < 2^45.8, exact.
  for (let i = 0; i < 13; i++) for (let j = 0; j < 13; j++) x[i + j] += A[i] * B[j];
  carry(x, 0, 24); // a·b + c < 2^513, so x[24] < 2^9 < 2^21 afterwards
  A.fill(0);
  B.fill(0);
  return reduceLimbs(x);
}

/**
 * True iff the 32-byte little-endian S is < L. Variable-time: for the public S of a signature.
 * RFC 8032 §5.1.7 step 1.
 */
export function scIsCanonical(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i] !== L_BYTES[i]) return s[i] < L_BYTES[i];
  }
  return false; // S = L
}
