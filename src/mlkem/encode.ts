/**
 * Bit and byte conversions, and the d-bit packing of polynomials.
 * NIST FIPS 203 (August 2024), §4.2.1: Algorithm 3 (BitsToBytes), Algorithm 4 (BytesToBits),
 * Algorithm 5 (ByteEncode_d), Algorithm 6 (ByteDecode_d).
 * Side channels: loop bounds and positions depend only on d (public); coefficient values are
 * moved with shifts and masks, never used as indices or branch conditions. The d = 12 decoding
 * reduces mod q with a sign mask. JS gives no constant-time guarantee.
 * Differs from the spec: ByteEncode/ByteDecode pack through a bit accumulator (and d = 4, 10, 12,
 * the common widths, through fixed byte groups) instead of materialising the bit array;
 * test/mlkem/encode.test.ts checks them against the spec composition
 * ByteEncode_d = BitsToBytes ∘ (bits of each coefficient).
 */
import { Q, N } from './params.ts';

/**
 * Converts a bit array (length a multiple of 8) into bytes, little-endian within each byte.
 * FIPS 203, Algorithm 3 (BitsToBytes).
 */
export function bitsToBytes(b: Uint8Array): Uint8Array {
  const B = new Uint8Array(b.length >> 3);
  // B[⌊i/8⌋] ← B[⌊i/8⌋] + b[i]·2^(i mod 8)
  for (let i = 0; i < b.length; i++) B[i >> 3] |= b[i] << (i & 7);
  return B;
}

/**
 * Converts bytes into a bit array, little-endian within each byte.
 * FIPS 203, Algorithm 4 (BytesToBits).
 */
export function bytesToBits(B: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 * B.length);
  for (let i = 0; i < B.length; i++) {
    for (let j = 0; j < 8; j++) b[8 * i + j] = (B[i] >> j) & 1; // b[8i+j] ← C mod 2; C ← ⌊C/2⌋
  }
  return b;
}

/**
 * Packs 256 d-bit integers (each < 2^d, or < q for d = 12) into 32d bytes at out[offset…].
 * FIPS 203, Algorithm 5 (ByteEncode_d).
 */
export function byteEncode(d: number, F: Uint16Array, out: Uint8Array, offset = 0): void {
  if (d === 12) {
    for (let i = 0, o = offset; i < N; i += 2, o += 3) {
      const a = F[i];
      const b = F[i + 1];
      out[o] = a;
      out[o + 1] = (a >> 8) | (b << 4);
      out[o + 2] = b >> 4;
    }
    return;
  }
  if (d === 10) {
    for (let i = 0, o = offset; i < N; i += 4, o += 5) {
      const a0 = F[i];
      const a1 = F[i + 1];
      const a2 = F[i + 2];
      const a3 = F[i + 3];
      out[o] = a0;
      out[o + 1] = (a0 >> 8) | (a1 << 2);
      out[o + 2] = (a1 >> 6) | (a2 << 4);
      out[o + 3] = (a2 >> 4) | (a3 << 6);
      out[o + 4] = a3 >> 2;
    }
    return;
  }
  if (d === 4) {
    for (let i = 0, o = offset; i < N; i += 2, o++) out[o] = F[i] | (F[i + 1] << 4);
    return;
  }
  let acc = 0; // bit accumulator: holds `bits` pending bits, least significant first
  let bits = 0;
  let o = offset;
  for (let i = 0; i < N; i++) {
    acc |= F[i] << bits;
    bits += d;
    while (bits >= 8) {
      out[o++] = acc;
      acc >>>= 8;
      bits -= 8;
    }
  }
}

/**
 * Unpacks 32d bytes at B[offset…] into 256 integers in [0, 2^d) (d < 12), or in [0, q) for
 * d = 12, where each 12-bit value is reduced mod q as the spec requires.
 * FIPS 203, Algorithm 6 (ByteDecode_d).
 */
export function byteDecode(d: number, B: Uint8Array, F: Uint16Array, offset = 0): void {
  if (d === 12) {
    for (let i = 0, o = offset; i < N; i += 2, o += 3) {
      const b0 = B[o];
      const b1 = B[o + 1];
      const b2 = B[o + 2];
      // 12-bit values < 4096 < 2q, mod q by reduceOnce (written out: hot loop)
      const x = (b0 | ((b1 & 0x0f) << 8)) - Q;
      const y = ((b1 >> 4) | (b2 << 4)) - Q;
      F[i] = x + ((x >> 31) & Q);
      F[i + 1] = y + ((y >> 31) & Q);
    }
    return;
  }
  if (d === 10) {
    for (let i = 0, o = offset; i < N; i += 4, o += 5) {
      const b1 = B[o + 1];
      const b2 = B[o + 2];
      const b3 = B[o + 3];
      F[i] = B[o] | ((b1 & 0x03) << 8);
      F[i + 1] = (b1 >> 2) | ((b2 & 0x0f) << 6);
      F[i + 2] = (b2 >> 4) | ((b3 & 0x3f) << 4);
      F[i + 3] = (b3 >> 6) | (B[o + 4] << 2);
    }
    return;
  }
  if (d === 4) {
    for (let i = 0, o = offset; i < N; i += 2, o++) {
      F[i] = B[o] & 0x0f;
      F[i + 1] = B[o] >> 4;
    }
    return;
  }
  const mask = (1 << d) - 1;
  let acc = 0;
  let bits = 0;
  let o = offset;
  for (let i = 0; i < N; i++) {
    while (bits < d) {
      acc |= B[o++] << bits;
      bits += 8;
    }
    F[i] = acc & mask;
    acc >>>= d;
    bits -= d;
  }
}

/**
 * True iff every 12-bit field of B[offset … offset+384) is < q, i.e. iff
 * ByteEncode₁₂(ByteDecode₁₂(B)) = B: the modulus check of FIPS 203 §7.2 on one polynomial.
 * Only for public data (the encapsulation key): it returns early.
 */
export function isCanonical12(B: Uint8Array, offset: number): boolean {
  for (let o = offset; o < offset + 384; o += 3) {
    const b1 = B[o + 1];
    if ((B[o] | ((b1 & 0x0f) << 8)) >= Q || ((b1 >> 4) | (B[o + 2] << 4)) >= Q) return false;
  }
  return true;
}
