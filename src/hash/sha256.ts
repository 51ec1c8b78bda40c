/**
 * The SHA-256 family: SHA-256 and SHA-224.
 * NIST FIPS 180-4 (August 2015), Secure Hash Standard: §4.1.2 functions, §4.2.2 constants,
 * §5.3.2–5.3.3 initial hash values, §6.2 SHA-256, §6.3 SHA-224 (SHA-256 with its own H⁽⁰⁾,
 * truncated to the leftmost 224 bits). Padding and buffering: sha2-frame.ts (§5.1–5.2).
 * Constants are computed at module load from their definitions (fractional parts of cube and
 * square roots of the first primes); test/hash/sha2.test.ts checks them against the printed
 * values. §5.3.2 prints SHA-224's H⁽⁰⁾ without a derivation: its words are the low 32 bits of
 * the SHA-384 words (second 32 bits of the fractional parts of √p, p the 9th–16th primes).
 * Side channels: no secret-dependent branch or index; lengths are public.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { MerkleDamgard, firstPrimes, rootFraction64 } from './sha2-frame.ts';

const PRIMES = firstPrimes(64);

/** SHA-256 K: first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2). */
export const K256 = Int32Array.from(PRIMES, (p) => Number(rootFraction64(p, 3n) >> 32n));
/** SHA-256 H⁽⁰⁾ (§5.3.3): first 32 bits of the fractional parts of √p for the first 8 primes. */
export const H0_256 = Int32Array.from(PRIMES.slice(0, 8), (p) => Number(rootFraction64(p, 2n) >> 32n));
/** SHA-224 H⁽⁰⁾ (§5.3.2): second 32 bits of the fractional parts of √p for the 9th–16th primes. */
export const H0_224 = Int32Array.from(PRIMES.slice(8, 16), (p) =>
  Number(rootFraction64(p, 2n) & 0xffffffffn),
);

/** A member of the SHA-256 family: name, initial hash value and digest length in bytes. */
interface Sha256Variant {
  readonly name: string;
  readonly iv: Int32Array;
  readonly digestLength: 28 | 32;
}

const SHA256: Sha256Variant = { name: 'SHA-256', iv: H0_256, digestLength: 32 };
const SHA224: Sha256Variant = { name: 'SHA-224', iv: H0_224, digestLength: 28 };

/**
 * Message-schedule scratch W_t, shared by all hashers: compress() fills it completely before
 * reading it and never yields in between (JS is single-threaded), and digest() wipes it.
 */
const W256 = new Int32Array(64);

/**
 * SHA-256 family state (SHA-256 by default, SHA-224 from createSha224).
 * FIPS 180-4, §6.2 (SHA-256) and §6.3 (SHA-224).
 */
export class Sha256 extends MerkleDamgard {
  constructor(private readonly variant: Sha256Variant = SHA256) {
    super(64, variant.digestLength, variant.name, variant.iv.slice());
  }

  /** FIPS 180-4, §6.2.2 (SHA-256 hash computation), steps 1–4 for one block. */
  protected compress(M: Uint8Array, off: number): void {
    const { H } = this;
    const W = W256;
    // 1. W_t = M_t⁽ⁱ⁾ for 0 ≤ t ≤ 15; σ₁(W_{t−2}) + W_{t−7} + σ₀(W_{t−15}) + W_{t−16} for 16 ≤ t ≤ 63
    for (let t = 0; t < 16; t++, off += 4)
      W[t] = (M[off] << 24) | (M[off + 1] << 16) | (M[off + 2] << 8) | M[off + 3];
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15];
      const w2 = W[t - 2];
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (s1 + W[t - 7] + s0 + W[t - 16]) | 0;
    }
    // 2. a, b, …, h ← H⁽ⁱ⁻¹⁾
    let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    // 3. the 64 rounds, unrolled by 8. Each round is
    //      T₁ = h + Σ₁²⁵⁶(e) + Ch(e, f, g) + K_t + W_t;  T₂ = Σ₀²⁵⁶(a) + Maj(a, b, c);
    //      h ← g, g ← f, f ← e, e ← d + T₁, d ← c, c ← b, b ← a, a ← T₁ + T₂
    //    computed in place as h ← T₁; d ← d + T₁; h ← T₁ + T₂, with the names a…h rotating by
    //    one position per round instead of moving the values (Σ₁ = ROTR⁶ ⊕ ROTR¹¹ ⊕ ROTR²⁵,
    //    Σ₀ = ROTR² ⊕ ROTR¹³ ⊕ ROTR²², §4.1.2). test/reference/sha2.ts is the plain loop.
    for (let t = 0; t < 64; t += 8) {
      h = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
        ((e & f) ^ (~e & g)) + K256[t] + W[t]) | 0;
      d = (d + h) | 0;
      h = (h + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      g = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) +
        ((d & e) ^ (~d & f)) + K256[t + 1] + W[t + 1]) | 0;
      c = (c + g) | 0;
      g = (g + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) +
        ((h & a) ^ (h & b) ^ (a & b))) | 0;
      f = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) +
        ((c & d) ^ (~c & e)) + K256[t + 2] + W[t + 2]) | 0;
      b = (b + f) | 0;
      f = (f + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) +
        ((g & h) ^ (g & a) ^ (h & a))) | 0;
      e = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) +
        ((b & c) ^ (~b & d)) + K256[t + 3] + W[t + 3]) | 0;
      a = (a + e) | 0;
      e = (e + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) +
        ((f & g) ^ (f & h) ^ (g & h))) | 0;
      d = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) +
        ((a & b) ^ (~a & c)) + K256[t + 4] + W[t + 4]) | 0;
      h = (h + d) | 0;
      d = (d + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) +
        ((e & f) ^ (e & g) ^ (f & g))) | 0;
      c = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) +
        ((h & a) ^ (~h & b)) + K256[t + 5] + W[t + 5]) | 0;
      g = (g + c) | 0;
      c = (c + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) +
        ((d & e) ^ (d & f) ^ (e & f))) | 0;
      b = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) +
        ((g & h) ^ (~g & a)) + K256[t + 6] + W[t + 6]) | 0;
      f = (f + b) | 0;
      b = (b + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) +
        ((c & d) ^ (c & e) ^ (d & e))) | 0;
      a = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) +
        ((f & g) ^ (~f & h)) + K256[t + 7] + W[t + 7]) | 0;
      e = (e + a) | 0;
      a = (a + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) +
        ((b & c) ^ (b & d) ^ (c & d))) | 0;
    }
    // 4. H⁽ⁱ⁾ ← (a + H⁽ⁱ⁻¹⁾, …)
    H[0] += a;
    H[1] += b;
    H[2] += c;
    H[3] += d;
    H[4] += e;
    H[5] += f;
    H[6] += g;
    H[7] += h;
  }

  protected wipeSchedule(): void {
    wipe(W256);
  }

  /** An independent copy of the current state. */
  clone(): Sha256 {
    const c = new Sha256(this.variant);
    this.copyInto(c);
    return c;
  }
}

/** A fresh incremental SHA-256. FIPS 180-4, §6.2 (SHA-256). */
export const createSha256 = (): Sha256 => new Sha256(SHA256);
/** A fresh incremental SHA-224. FIPS 180-4, §6.3 (SHA-224). */
export const createSha224 = (): Sha256 => new Sha256(SHA224);

/** SHA-256 of a byte string. FIPS 180-4, §6.2 (SHA-256). */
export function sha256(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha256');
  return new Sha256(SHA256).update(msg).digest();
}

/** SHA-224 of a byte string. FIPS 180-4, §6.3 (SHA-224). */
export function sha224(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha224');
  return new Sha256(SHA224).update(msg).digest();
}
