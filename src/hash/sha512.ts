/**
 * The SHA-512 family: SHA-512, SHA-384, SHA-512/224 and SHA-512/256.
 * NIST FIPS 180-4 (August 2015), Secure Hash Standard: §4.1.3 functions, §4.2.3 constants,
 * §5.3.4–5.3.6 initial hash values, §6.4 SHA-512, §6.5 SHA-384, §6.6 SHA-512/224, §6.7
 * SHA-512/256 (each SHA-512 with its own H⁽⁰⁾, truncated to the leftmost 384/224/256 bits).
 * Padding and buffering: sha2-frame.ts (§5.1–5.2).
 * K and the SHA-512/SHA-384 H⁽⁰⁾ are computed at module load from their definitions (fractional
 * parts of cube and square roots of the first primes); the SHA-512/t H⁽⁰⁾ are computed at load
 * by the SHA-512/t IV generation function of §5.3.6. test/hash/sha2.test.ts checks them all
 * against the printed values.
 * Words are (hi, lo) pairs of 32-bit halves.
 * Side channels: no secret-dependent branch or index; lengths are public.
 */
import { expectBytes, load32BE, utf8 } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { MerkleDamgard, firstPrimes, rootFraction64 } from './sha2-frame.ts';

const PRIMES = firstPrimes(80);

/** 64-bit words as interleaved (hi, lo) 32-bit halves. */
const halves = (words: bigint[]): Int32Array =>
  Int32Array.from(words.flatMap((w) => [Number(w >> 32n), Number(w & 0xffffffffn)]));

const K512 = PRIMES.map((p) => rootFraction64(p, 3n)); // §4.2.3
/** SHA-512 K (§4.2.3): first 64 bits of the fractional parts of ∛p, first 80 primes; hi halves. */
export const K512_HI = Int32Array.from(K512, (k) => Number(k >> 32n));
/** The lo halves of K512. */
export const K512_LO = Int32Array.from(K512, (k) => Number(k & 0xffffffffn));
/** SHA-512 H⁽⁰⁾ (§5.3.5): first 64 bits of the fractional parts of √p, first 8 primes (hi, lo). */
export const H0_512 = halves(PRIMES.slice(0, 8).map((p) => rootFraction64(p, 2n)));
/** SHA-384 H⁽⁰⁾ (§5.3.4): first 64 bits of the fractional parts of √p, 9th–16th primes (hi, lo). */
export const H0_384 = halves(PRIMES.slice(8, 16).map((p) => rootFraction64(p, 2n)));

/** A member of the SHA-512 family: name, initial hash value and digest length in bytes. */
interface Sha512Variant {
  readonly name: string;
  readonly iv: Int32Array;
  readonly digestLength: 28 | 32 | 48 | 64;
}

const SHA512: Sha512Variant = { name: 'SHA-512', iv: H0_512, digestLength: 64 };
const SHA384: Sha512Variant = { name: 'SHA-384', iv: H0_384, digestLength: 48 };

/** Message-schedule scratch W_t (hi and lo halves), shared as in sha256.ts and wiped by digest(). */
const W512_HI = new Int32Array(80);
const W512_LO = new Int32Array(80);

/**
 * SHA-512 family state (SHA-512 by default; the create* functions give the others).
 * FIPS 180-4, §6.4 (SHA-512), §6.5 (SHA-384), §6.6 (SHA-512/224), §6.7 (SHA-512/256).
 */
export class Sha512 extends MerkleDamgard {
  constructor(private readonly variant: Sha512Variant = SHA512) {
    super(128, variant.digestLength, variant.name, variant.iv.slice());
  }

  /**
   * FIPS 180-4, §6.4.2 (SHA-512 hash computation), steps 1–4 for one block.
   * 64-bit additions: low halves are summed as non-negative float64 (≤ 5 terms < 2³⁵, exact)
   * and the carry ⌊sum / 2³²⌋ goes into the high half.
   */
  protected compress(M: Uint8Array, off: number): void {
    const { H } = this;
    const Wh = W512_HI;
    const Wl = W512_LO;
    // 1. W_t = M_t⁽ⁱ⁾ for 0 ≤ t ≤ 15
    for (let t = 0; t < 16; t++, off += 8) {
      Wh[t] = (M[off] << 24) | (M[off + 1] << 16) | (M[off + 2] << 8) | M[off + 3];
      Wl[t] = (M[off + 4] << 24) | (M[off + 5] << 16) | (M[off + 6] << 8) | M[off + 7];
    }
    // W_t = σ₁⁵¹²(W_{t−2}) + W_{t−7} + σ₀⁵¹²(W_{t−15}) + W_{t−16} for 16 ≤ t ≤ 79
    for (let t = 16; t < 80; t++) {
      const xh = Wh[t - 15], xl = Wl[t - 15];
      // σ₀⁵¹²(x) = ROTR¹(x) ⊕ ROTR⁸(x) ⊕ SHR⁷(x)
      const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      const yh = Wh[t - 2], yl = Wl[t - 2];
      // σ₁⁵¹²(x) = ROTR¹⁹(x) ⊕ ROTR⁶¹(x) ⊕ SHR⁶(x)
      const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
      const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
      const lo = (s1l >>> 0) + (Wl[t - 7] >>> 0) + (s0l >>> 0) + (Wl[t - 16] >>> 0);
      Wh[t] = (s1h + Wh[t - 7] + s0h + Wh[t - 16] + ((lo / 0x100000000) | 0)) | 0;
      Wl[t] = lo | 0;
    }
    // 2. a, b, …, h ← H⁽ⁱ⁻¹⁾
    let ah = H[0], al = H[1], bh = H[2], bl = H[3], ch = H[4], cl = H[5], dh = H[6], dl = H[7];
    let eh = H[8], el = H[9], fh = H[10], fl = H[11], gh = H[12], gl = H[13], hh = H[14], hl = H[15];
    // 3. the 80 rounds
    for (let t = 0; t < 80; t++) {
      // Σ₁⁵¹²(e) = ROTR¹⁴(e) ⊕ ROTR¹⁸(e) ⊕ ROTR⁴¹(e)
      const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      // Ch(e, f, g) = (e ∧ f) ⊕ (¬e ∧ g)
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      // T₁ = h + Σ₁⁵¹²(e) + Ch(e, f, g) + K_t + W_t
      const t1lo = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (K512_LO[t] >>> 0) + (Wl[t] >>> 0);
      const T1h = (hh + S1h + chh + K512_HI[t] + Wh[t] + ((t1lo / 0x100000000) | 0)) | 0;
      const T1l = t1lo | 0;
      // Σ₀⁵¹²(a) = ROTR²⁸(a) ⊕ ROTR³⁴(a) ⊕ ROTR³⁹(a)
      const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      // Maj(a, b, c) = (a ∧ b) ⊕ (a ∧ c) ⊕ (b ∧ c)
      const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
      // T₂ = Σ₀⁵¹²(a) + Maj(a, b, c)
      const t2lo = (S0l >>> 0) + (majl >>> 0);
      const T2h = (S0h + majh + ((t2lo / 0x100000000) | 0)) | 0;
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      // e = d + T₁
      const elo = (dl >>> 0) + (T1l >>> 0);
      eh = (dh + T1h + ((elo / 0x100000000) | 0)) | 0;
      el = elo | 0;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      // a = T₁ + T₂
      const alo = (T1l >>> 0) + (t2lo >>> 0);
      ah = (T1h + T2h + ((alo / 0x100000000) | 0)) | 0;
      al = alo | 0;
    }
    // 4. H⁽ⁱ⁾ ← (a + H⁽ⁱ⁻¹⁾, …)
    add64(H, 0, ah, al);
    add64(H, 2, bh, bl);
    add64(H, 4, ch, cl);
    add64(H, 6, dh, dl);
    add64(H, 8, eh, el);
    add64(H, 10, fh, fl);
    add64(H, 12, gh, gl);
    add64(H, 14, hh, hl);
  }

  protected wipeSchedule(): void {
    wipe(W512_HI, W512_LO);
  }

  /** An independent copy of the current state. */
  clone(): Sha512 {
    const c = new Sha512(this.variant);
    this.copyInto(c);
    return c;
  }
}

/** (H[i], H[i+1]) ← (H[i], H[i+1]) + (xh, xl) mod 2⁶⁴. */
function add64(H: Int32Array, i: number, xh: number, xl: number): void {
  const lo = (H[i + 1] >>> 0) + (xl >>> 0);
  H[i] = (H[i] + xh + ((lo / 0x100000000) | 0)) | 0;
  H[i + 1] = lo | 0;
}

/**
 * H⁽⁰⁾ of SHA-512/t: SHA-512 with H⁽⁰⁾″ = H⁽⁰⁾ ⊕ a5a5a5a5a5a5a5a5 (each word) applied to the
 * ASCII string "SHA-512/t" (t in decimal). FIPS 180-4, §5.3.6 (SHA-512/t IV generation function).
 */
function sha512tIV(t: 224 | 256): Int32Array {
  const iv = H0_512.map((w) => w ^ 0xa5a5a5a5);
  const gen: Sha512Variant = { name: 'SHA-512/t IV generation', iv, digestLength: 64 };
  const d = new Sha512(gen).update(utf8(`SHA-512/${t}`)).digest();
  return Int32Array.from({ length: 16 }, (_, i) => load32BE(d, 4 * i));
}

/** SHA-512/224 H⁽⁰⁾ (§5.3.6.1), generated at load (hi, lo). */
export const H0_512_224 = sha512tIV(224);
/** SHA-512/256 H⁽⁰⁾ (§5.3.6.2), generated at load (hi, lo). */
export const H0_512_256 = sha512tIV(256);

const SHA512_224: Sha512Variant = { name: 'SHA-512/224', iv: H0_512_224, digestLength: 28 };
const SHA512_256: Sha512Variant = { name: 'SHA-512/256', iv: H0_512_256, digestLength: 32 };

/** A fresh incremental SHA-512. FIPS 180-4, §6.4 (SHA-512). */
export const createSha512 = (): Sha512 => new Sha512(SHA512);
/** A fresh incremental SHA-384. FIPS 180-4, §6.5 (SHA-384). */
export const createSha384 = (): Sha512 => new Sha512(SHA384);
/** A fresh incremental SHA-512/224. FIPS 180-4, §6.6 (SHA-512/224). */
export const createSha512_224 = (): Sha512 => new Sha512(SHA512_224);
/** A fresh incremental SHA-512/256. FIPS 180-4, §6.7 (SHA-512/256). */
export const createSha512_256 = (): Sha512 => new Sha512(SHA512_256);

/** SHA-512 of a byte string. FIPS 180-4, §6.4 (SHA-512). */
export function sha512(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha512');
  return new Sha512(SHA512).update(msg).digest();
}

/** SHA-384 of a byte string. FIPS 180-4, §6.5 (SHA-384). */
export function sha384(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha384');
  return new Sha512(SHA384).update(msg).digest();
}

/** SHA-512/224 of a byte string. FIPS 180-4, §6.6 (SHA-512/224). */
export function sha512_224(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha512_224');
  return new Sha512(SHA512_224).update(msg).digest();
}

/** SHA-512/256 of a byte string. FIPS 180-4, §6.7 (SHA-512/256). */
export function sha512_256(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha512_256');
  return new Sha512(SHA512_256).update(msg).digest();
}
