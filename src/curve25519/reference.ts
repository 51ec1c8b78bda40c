/**
 * The READABLE REFERENCE MODEL of GF(2^255 − 19) and X25519 on bigint, shaped like the pseudo-code
 * of RFC 7748 §5 (Elliptic Curves for Security, https://www.rfc-editor.org/rfc/rfc7748), plus the
 * square root of RFC 8032 §5.1.3. Exported for readers and used as the test oracle of field.ts and
 * x25519.ts; nothing shipped calls it.
 * Side channels: bigint arithmetic in V8 is NOT constant-time (cost varies with operand size), and
 * `%` is a variable-time division: teaching code. The ladder's control flow depends only on the
 * bit index t, never on k (cswap is a mask), but that does not make it constant-time.
 */

/** p = 2^255 − 19. RFC 7748 §4.1. */
export const P = 2n ** 255n - 19n;
import { copyBytes } from '../util/bytes.ts';

/** a24 = (486662 − 2) / 4 = 121665. RFC 7748 §5. */
export const A24 = 121665n;

/** a mod p in [0, p). */
export function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

export const fieldAdd = (a: bigint, b: bigint): bigint => mod(a + b);
export const fieldSub = (a: bigint, b: bigint): bigint => mod(a - b);
export const fieldMul = (a: bigint, b: bigint): bigint => mod(a * b);
export const fieldSquare = (a: bigint): bigint => mod(a * a);

/** a^e mod p by square-and-multiply (e ≥ 0). */
export function fieldPow(a: bigint, e: bigint): bigint {
  let result = 1n;
  let base = mod(a);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) result = mod(result * base);
    base = mod(base * base);
  }
  return result;
}

/** a^(p−2), the inverse (0 for 0). RFC 7748 §5: "x_2 * (z_2^(p - 2))". */
export const fieldInvert = (a: bigint): bigint => fieldPow(a, P - 2n);

/** √(−1) = 2^((p−1)/4). RFC 8032 §5.1.3 step 3. */
export const SQRT_M1 = fieldPow(2n, (P - 1n) / 4n);

/**
 * A square root of a, or null when a is not a square: x = a^((p+3)/8), then x·√(−1) if x² = −a.
 * RFC 8032 §5.1.3 step 3 (with v = 1).
 */
export function fieldSqrt(a: bigint): bigint | null {
  a = mod(a);
  let x = fieldPow(a, (P + 3n) / 8n);
  if (fieldSquare(x) === a) return x;
  x = fieldMul(x, SQRT_M1);
  return fieldSquare(x) === a ? x : null;
}

/** Little-endian bytes → integer. RFC 7748 §5 (decodeLittleEndian). */
export function decodeLittleEndian(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

/** Masks bit 255 and reads u; values ≥ p are kept (the arithmetic reduces them). RFC 7748 §5. */
export function decodeUCoordinate(u: Uint8Array): bigint {
  const copy = copyBytes(u, 0, 32);
  copy[31] &= 127; // "mask the most significant bit in the final byte"
  return decodeLittleEndian(copy);
}

/** u mod p as 32 little-endian bytes. RFC 7748 §5 (encodeUCoordinate). */
export function encodeUCoordinate(u: bigint): Uint8Array {
  u = mod(u);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Clears bits 0, 1, 2 and 255, sets bit 254. RFC 7748 §5 (decodeScalar25519). */
export function decodeScalar25519(k: Uint8Array): bigint {
  const kList = copyBytes(k, 0, 32);
  kList[0] &= 248;
  kList[31] &= 127;
  kList[31] |= 64;
  return decodeLittleEndian(kList);
}

/** RFC 7748 §5 cswap: (a, b) ← swap ? (b, a) : (a, b), through a mask rather than a branch. */
export function cswap(swap: bigint, a: bigint, b: bigint): [bigint, bigint] {
  const mask = -swap; // 0n or −1n (all ones)
  const dummy = mask & (a ^ b);
  return [a ^ dummy, b ^ dummy];
}

/** The X25519 function: the Montgomery ladder on bigint. RFC 7748 §5. */
export function x25519Reference(kBytes: Uint8Array, uBytes: Uint8Array): Uint8Array {
  const k = decodeScalar25519(kBytes);
  const x1 = decodeUCoordinate(uBytes);
  let x2 = 1n;
  let z2 = 0n;
  let x3 = x1;
  let z3 = 1n;
  let swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const kt = (k >> t) & 1n;
    swap ^= kt;
    [x2, x3] = cswap(swap, x2, x3);
    [z2, z3] = cswap(swap, z2, z3);
    swap = kt;
    const A = fieldAdd(x2, z2);
    const AA = fieldSquare(A);
    const B = fieldSub(x2, z2);
    const BB = fieldSquare(B);
    const E = fieldSub(AA, BB);
    const C = fieldAdd(x3, z3);
    const D = fieldSub(x3, z3);
    const DA = fieldMul(D, A);
    const CB = fieldMul(C, B);
    x3 = fieldSquare(fieldAdd(DA, CB));
    z3 = fieldMul(x1, fieldSquare(fieldSub(DA, CB)));
    x2 = fieldMul(AA, BB);
    z2 = fieldMul(E, fieldAdd(AA, fieldMul(A24, E)));
  }
  [x2, x3] = cswap(swap, x2, x3);
  [z2, z3] = cswap(swap, z2, z3);
  return encodeUCoordinate(fieldMul(x2, fieldInvert(z2)));
}
