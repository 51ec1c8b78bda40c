/**
 * Reference twin of src/protocol/pq-ratchet/gf16.ts: GF(2¹⁶) as the textbook defines it —
 * multiply two polynomials over GF(2) coefficient by coefficient into a degree-30 product, then
 * reduce by long division by x¹⁶ + x¹² + x³ + x + 1; the inverse by exhaustive search.
 * Slow on purpose; test oracle only. Side channels: branches on everything (teaching code).
 */

const POLY = [16, 12, 3, 1, 0]; // exponents of x¹⁶ + x¹² + x³ + x + 1

/** The coefficient list (index = degree) of an element. */
function bits(a: number, length: number): number[] {
  return Array.from({ length }, (_, i) => (a >> i) & 1);
}

/** a · b: schoolbook product over GF(2), then the remainder modulo the field polynomial. */
export function refMul(a: number, b: number): number {
  const fa = bits(a, 16);
  const fb = bits(b, 16);
  const product = new Array<number>(31).fill(0);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) product[i + j] ^= fa[i] & fb[j];
  for (let d = 30; d >= 16; d--) {
    if (product[d] === 0) continue;
    for (const e of POLY) product[d - 16 + e] ^= 1; // subtract x^(d−16) · poly
  }
  return product.slice(0, 16).reduce((acc, bit, i) => acc | (bit << i), 0);
}

/** The b with a · b = 1, by trying every element (a ≠ 0). */
export function refInv(a: number): number {
  for (let b = 1; b < 0x10000; b++) if (refMul(a, b) === 1) return b;
  throw new Error('refInv: no inverse (0, or the polynomial is reducible)');
}
