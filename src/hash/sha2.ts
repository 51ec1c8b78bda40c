/**
 * SHA-256 and SHA-512.
 * NIST FIPS 180-4 (August 2015), Secure Hash Standard: §4.1.2/§4.1.3 functions, §4.2.2/§4.2.3
 * constants, §5.1 padding, §5.3.3/§5.3.5 initial hash values, §6.2 SHA-256, §6.4 SHA-512.
 * Constants are computed at module load from their definitions (fractional parts of square and
 * cube roots of the first primes) with bigint, on public data only; test/hash/sha2.test.ts
 * checks them against the values printed in §4.2 and §5.3.
 * SHA-512 words are (hi, lo) pairs of 32-bit halves. SHA-224/384 and bit-length inputs are omitted.
 * Side channels: no secret-dependent branch or index; lengths are public.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';

/** The first n primes (public, for the constant definitions). */
function firstPrimes(n: number): number[] {
  const out: number[] = [];
  for (let c = 2; out.length < n; c++) if (out.every((p) => c % p !== 0)) out.push(c);
  return out;
}

/** ⌊n^(1/k)⌋ for k = 2 or 3, by Newton's method on bigint (public data, load time only). */
function iroot(n: bigint, k: 2n | 3n): bigint {
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / Number(k)) + 1);
  for (;;) {
    const y = ((k - 1n) * x + n / x ** (k - 1n)) / k;
    if (y >= x) return x;
    x = y;
  }
}

/** First 64 bits of the fractional part of p^(1/k): ⌊p^(1/k) · 2⁶⁴⌋ mod 2⁶⁴. */
function fracBits64(p: number, k: 2n | 3n): bigint {
  return iroot(BigInt(p) << (64n * k), k) & 0xffffffffffffffffn;
}

const PRIMES = firstPrimes(80);
const K512 = PRIMES.map((p) => fracBits64(p, 3n)); // FIPS 180-4 §4.2.3
const H512 = PRIMES.slice(0, 8).map((p) => fracBits64(p, 2n)); // §5.3.5

/** SHA-256 K: first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2). */
export const K256 = Int32Array.from(K512.slice(0, 64), (k) => Number(k >> 32n));
/** SHA-256 H⁽⁰⁾ (§5.3.3): first 32 bits of the fractional parts of √p for the first 8 primes. */
export const H0_256 = Int32Array.from(H512, (h) => Number(h >> 32n));
/** SHA-512 K (§4.2.3) as hi and lo halves. */
export const K512_HI = Int32Array.from(K512, (k) => Number(k >> 32n));
export const K512_LO = Int32Array.from(K512, (k) => Number(k & 0xffffffffn));
/** SHA-512 H⁽⁰⁾ (§5.3.5), interleaved hi, lo. */
export const H0_512 = Int32Array.from(H512.flatMap((h) => [Number(h >> 32n), Number(h & 0xffffffffn)]));

/** An incremental hash: update any number of times, then digest once. */
export interface Hash {
  update(data: Uint8Array): this;
  digest(): Uint8Array;
}

/**
 * Shared Merkle–Damgård buffering and padding for SHA-256 and SHA-512.
 * FIPS 180-4, §5.1 (padding the message) and §5.2 (parsing into blocks).
 */
abstract class MerkleDamgard implements Hash {
  protected readonly buffer: Uint8Array;
  private bufferLength = 0;
  private totalLength = 0; // bytes; < 2⁵³, so 8·length fits the 64-bit length field exactly
  private finished = false;

  constructor(
    readonly blockLength: 64 | 128,
    readonly digestLength: 32 | 64,
    private readonly name: string,
    /** The chaining value H⁽ⁱ⁾ as 32-bit words (SHA-512: hi, lo interleaved). */
    protected readonly H: Int32Array,
  ) {
    this.buffer = new Uint8Array(blockLength);
  }

  /** Processes one block of `blockLength` bytes starting at data[off]. */
  protected abstract compress(data: Uint8Array, off: number): void;
  /** Wipes the message-schedule scratch shared by all hashers of this kind. */
  protected abstract wipeSchedule(): void;

  update(data: Uint8Array): this {
    expectBytes(data, `${this.name} update`);
    if (this.finished) throw new CryptoError('BAD_PARAMS', `${this.name}: update after digest`);
    const { buffer, blockLength } = this;
    const len = data.length;
    this.totalLength += len;
    let off = 0;
    if (this.bufferLength > 0) {
      const take = Math.min(blockLength - this.bufferLength, len);
      buffer.set(data.subarray(0, take), this.bufferLength);
      this.bufferLength += take;
      off = take;
      if (this.bufferLength < blockLength) return this;
      this.compress(buffer, 0);
      this.bufferLength = 0;
    }
    for (; len - off >= blockLength; off += blockLength) this.compress(data, off);
    buffer.set(data.subarray(off), 0);
    this.bufferLength = len - off;
    return this;
  }

  /** Pads (§5.1: M ‖ 1 ‖ 0ᵏ ‖ ℓ), processes the last block(s) and returns the digest. */
  digest(): Uint8Array {
    const out = new Uint8Array(this.digestLength);
    this.digestInto(out);
    return out;
  }

  /** As digest(), writing the digest into out[0, digestLength). */
  digestInto(out: Uint8Array): void {
    if (out.length < this.digestLength)
      throw new CryptoError('BAD_LENGTH', `${this.name}: output shorter than the digest`);
    if (this.finished) throw new CryptoError('BAD_PARAMS', `${this.name}: digest called twice`);
    this.finished = true;
    const { buffer, blockLength } = this;
    const lengthField = blockLength / 8; // 64-bit ℓ for SHA-256, 128-bit ℓ for SHA-512
    let n = this.bufferLength;
    buffer[n++] = 0x80;
    if (n > blockLength - lengthField) {
      buffer.fill(0, n);
      this.compress(buffer, 0);
      n = 0;
    }
    buffer.fill(0, n);
    const bits = this.totalLength * 8; // < 2⁵⁶: exact in float64
    const end = blockLength - 8;
    const hi = Math.floor(bits / 2 ** 32);
    buffer[end] = hi >>> 24;
    buffer[end + 1] = hi >>> 16;
    buffer[end + 2] = hi >>> 8;
    buffer[end + 3] = hi;
    buffer[end + 4] = bits >>> 24;
    buffer[end + 5] = bits >>> 16;
    buffer[end + 6] = bits >>> 8;
    buffer[end + 7] = bits;
    this.compress(buffer, 0);
    storeWordsBE(out, this.H, this.digestLength >> 2);
    this.wipeSchedule();
    wipe(this.H, buffer);
  }

  /** Wipes all state (best effort); the hasher cannot be used afterwards. */
  destroy(): void {
    this.finished = true;
    this.wipeSchedule();
    wipe(this.H, this.buffer);
  }

  /** Copies chaining value, buffered input and counters into `to` (same kind of hasher). */
  protected copyInto(to: MerkleDamgard): void {
    to.H.set(this.H);
    to.buffer.set(this.buffer);
    to.bufferLength = this.bufferLength;
    to.totalLength = this.totalLength;
    to.finished = this.finished;
  }

  /**
   * The chaining value after a whole number of blocks, for precomputed HMAC pads
   * (RFC 2104 §4, implementation note). Only valid at a block boundary.
   */
  exportChaining(): Int32Array {
    if (this.bufferLength !== 0 || this.finished)
      throw new CryptoError('BAD_PARAMS', `${this.name}: chaining value only at a block boundary`);
    return this.H.slice();
  }

  /** Restarts from a chaining value exported after `totalLength` bytes (a multiple of the block). */
  importChaining(H: Int32Array, totalLength: number): void {
    this.H.set(H);
    this.bufferLength = 0;
    this.totalLength = totalLength;
    this.finished = false;
  }
}

/**
 * Message-schedule scratch W_t, shared by all hashers: compress() fills it completely before
 * reading it and never yields in between (JS is single-threaded), and digest() wipes it.
 */
const W256 = new Int32Array(64);
const W512_HI = new Int32Array(80);
const W512_LO = new Int32Array(80);

/** Writes the first n 32-bit words big-endian. */
function storeWordsBE(out: Uint8Array, words: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const w = words[i];
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = w >>> 16;
    out[4 * i + 2] = w >>> 8;
    out[4 * i + 3] = w;
  }
}

/** SHA-256 state. FIPS 180-4, §6.2 (SHA-256). */
export class Sha256 extends MerkleDamgard {
  constructor() {
    super(64, 32, 'SHA-256', H0_256.slice());
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
    const c = new Sha256();
    this.copyInto(c);
    return c;
  }
}

/** SHA-512 state: H and W as interleaved (hi, lo) 32-bit halves. FIPS 180-4, §6.4 (SHA-512). */
export class Sha512 extends MerkleDamgard {
  constructor() {
    super(128, 64, 'SHA-512', H0_512.slice());
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
    const c = new Sha512();
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

/** A fresh incremental SHA-256. FIPS 180-4, §6.2 (SHA-256). */
export const createSha256 = (): Sha256 => new Sha256();
/** A fresh incremental SHA-512. FIPS 180-4, §6.4 (SHA-512). */
export const createSha512 = (): Sha512 => new Sha512();

/** SHA-256 of a byte string. FIPS 180-4, §6.2 (SHA-256). */
export function sha256(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha256');
  return new Sha256().update(msg).digest();
}

/** SHA-512 of a byte string. FIPS 180-4, §6.4 (SHA-512). */
export function sha512(msg: Uint8Array): Uint8Array {
  expectBytes(msg, 'sha512');
  return new Sha512().update(msg).digest();
}
