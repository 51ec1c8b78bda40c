/**
 * The Merkle–Damgård frame shared by the SHA-2 family (SHA-256 and SHA-512 families), and the
 * prime-root definition their constants are computed from.
 * NIST FIPS 180-4 (August 2015), Secure Hash Standard: §4.2.2/§4.2.3 and §5.3 (constants as
 * fractional parts of cube and square roots of primes), §5.1 (padding), §5.2 (parsing).
 * The hash computations are in sha256.ts (§6.2–6.3) and sha512.ts (§6.4–6.7). Bit-length
 * (non-byte) inputs are omitted.
 * Side channels: no secret-dependent branch or index; lengths are public. The constant
 * derivation uses bigint on public data at load time only.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';

/** The first n primes (public, for the constant definitions). */
export function firstPrimes(n: number): number[] {
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

/**
 * First 64 bits of the fractional part of p^(1/k): ⌊p^(1/k) · 2⁶⁴⌋ mod 2⁶⁴.
 * FIPS 180-4, §4.2.3 (k = 3) and §5.3.4–5.3.5 (k = 2); the 32-bit constants of §4.2.2 and
 * §5.3.3 are the high halves.
 */
export function rootFraction64(p: number, k: 2n | 3n): bigint {
  return iroot(BigInt(p) << (64n * k), k) & 0xffffffffffffffffn;
}

/** An incremental hash: update any number of times, then digest once. */
export interface Hash {
  update(data: Uint8Array): this;
  digest(): Uint8Array;
}

/**
 * Shared Merkle–Damgård buffering and padding for the SHA-256 and SHA-512 families; the digest
 * is the leftmost `digestLength` bytes of H⁽ᴺ⁾ (the truncations of §6.3, §6.5–6.7).
 * FIPS 180-4, §5.1 (padding the message) and §5.2 (parsing into blocks).
 */
export abstract class MerkleDamgard implements Hash {
  protected readonly buffer: Uint8Array;
  private bufferLength = 0;
  private totalLength = 0; // bytes; < 2⁵³, so 8·length fits the 64-bit length field exactly
  private finished = false;

  constructor(
    readonly blockLength: 64 | 128,
    readonly digestLength: 28 | 32 | 48 | 64,
    private readonly name: string,
    /** The chaining value H⁽ⁱ⁾ as 32-bit words (SHA-512 family: hi, lo interleaved). */
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
    // leftmost digestLength bytes of H⁽ᴺ⁾ (all FIPS 180-4 digest lengths are whole 32-bit words)
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
