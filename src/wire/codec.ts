/**
 * Strict binary encoding for every wire and stored format: fixed-width big-endian integers,
 * u32-length-prefixed byte strings, fixed-length byte strings. The Reader rejects truncated input
 * and (with `end()`) trailing bytes, so each byte string has exactly one parse.
 */
import { DecodeError } from '../util/errors.ts';
import { copyBytes, expectBytes } from '../util/bytes.ts';

export class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;

  u8(v: number): this {
    return this.push(Uint8Array.of(checkUint(v, 0xff, 'u8')));
  }

  u16(v: number): this {
    checkUint(v, 0xffff, 'u16');
    return this.push(Uint8Array.of(v >>> 8, v & 0xff));
  }

  u32(v: number): this {
    checkUint(v, 0xffffffff, 'u32');
    return this.push(Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  }

  /** An integer in [0, 2⁵³) as 8 bytes big-endian (timestamps in ms). */
  u64(v: number): this {
    checkUint(v, Number.MAX_SAFE_INTEGER, 'u64');
    const hi = Math.floor(v / 2 ** 32);
    return this.u32(hi).u32(v >>> 0);
  }

  /** Bytes whose length the format fixes (keys, tags); written without a prefix. */
  fixed(bytes: Uint8Array): this {
    return this.push(copyBytes(bytes));
  }

  /** Bytes prefixed with their u32 length. */
  bytes(bytes: Uint8Array): this {
    return this.u32(bytes.length).push(copyBytes(bytes));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  private push(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }
}

function checkUint(v: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new DecodeError('BAD_VALUE', `${what} out of range: ${v}`);
  return v;
}

export class Reader {
  private off = 0;

  /** Throws CryptoError BAD_TYPE unless `buf` is a Uint8Array (decoders take untrusted input). */
  constructor(
    private readonly buf: Uint8Array,
    private readonly what = 'input',
  ) {
    expectBytes(buf, what);
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  u8(): number {
    return this.take(1)[0];
  }

  u16(): number {
    const b = this.take(2);
    return (b[0] << 8) | b[1];
  }

  u32(): number {
    const b = this.take(4);
    return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }

  u64(): number {
    const hi = this.u32();
    const lo = this.u32();
    const v = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(v)) throw new DecodeError('BAD_VALUE', `${this.what}: u64 beyond 2^53`);
    return v;
  }

  /** Exactly n bytes (a copy). */
  fixed(n: number): Uint8Array {
    return copyBytes(this.take(n));
  }

  /** A u32-length-prefixed byte string (a copy); `max` bounds the length before allocating. */
  bytes(max = this.remaining): Uint8Array {
    const n = this.u32();
    if (n > max) throw new DecodeError('BAD_VALUE', `${this.what}: length ${n} exceeds ${max}`);
    return this.fixed(n);
  }

  /** Asserts that every byte was consumed. */
  end(): void {
    if (this.off !== this.buf.length)
      throw new DecodeError('TRAILING_BYTES', `${this.what}: ${this.buf.length - this.off} trailing bytes`);
  }

  private take(n: number): Uint8Array {
    if (this.off + n > this.buf.length)
      throw new DecodeError('TRUNCATED', `${this.what}: truncated (needed ${n} more bytes at offset ${this.off})`);
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
}
