/**
 * Byte helpers with no cryptographic meaning: argument checks, hex, concatenation,
 * little/big-endian loads and stores. Side channels: none of these look at secret values
 * except to copy them; `bytesEqual` is variable-time and only for public data (use ct.ts).
 */
import { CryptoError } from './errors.ts';

/** Throws BAD_TYPE unless `value` is a Uint8Array; names the argument in the message. */
export function expectBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new CryptoError('BAD_TYPE', `${what}: expected Uint8Array, got ${describe(value)}`);
}

/** Throws BAD_TYPE / BAD_LENGTH unless `value` is a Uint8Array of exactly `length` bytes. */
export function expectLength(value: unknown, length: number, what: string): asserts value is Uint8Array {
  expectBytes(value, what);
  if (value.length !== length)
    throw new CryptoError('BAD_LENGTH', `${what}: expected ${length} bytes, got ${value.length}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * A fresh copy of bytes[start..end). Use this, never `bytes.slice()`, on arrays a caller passed
 * in: Node's Buffer is a Uint8Array whose `slice` returns a view of the caller's memory, so a
 * "copy" made with it would be clamped or wiped in the caller's buffer.
 */
export function copyBytes(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

/** Concatenates byte arrays into a fresh array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** Parses hex (either case, even length); throws on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new CryptoError('BAD_TYPE', 'fromHex: expected an even-length hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** UTF-8 encoding of a string (for labels and info strings). */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Variable-time equality, for public data only (lengths, encodings of public keys). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function load32LE(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

export function store32LE(b: Uint8Array, off: number, v: number): void {
  b[off] = v;
  b[off + 1] = v >>> 8;
  b[off + 2] = v >>> 16;
  b[off + 3] = v >>> 24;
}

export function load32BE(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function store32BE(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = v >>> 16;
  b[off + 2] = v >>> 8;
  b[off + 3] = v;
}

/** Writes a non-negative integer < 2⁵³ as 8 bytes little-endian. */
export function store64LE(b: Uint8Array, off: number, v: number): void {
  store32LE(b, off, v >>> 0);
  store32LE(b, off + 4, Math.floor(v / 2 ** 32) >>> 0);
}

/** Writes a non-negative integer < 2⁵³ as 8 bytes big-endian. */
export function store64BE(b: Uint8Array, off: number, v: number): void {
  store32BE(b, off, Math.floor(v / 2 ** 32) >>> 0);
  store32BE(b, off + 4, v >>> 0);
}
