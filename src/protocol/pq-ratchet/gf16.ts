/**
 * Arithmetic in GF(2¹⁶) = GF(2)[x] / (x¹⁶ + x¹² + x³ + x + 1), the field of the erasure code
 * (erasure.ts) that carries the post-quantum ratchet's keys and ciphertexts in chunks, as in the
 * ML-KEM Braid (signal.org/docs/specifications/mlkembraid, rev. 1, 2025-02-21) and SPQR's
 * `encoding/polynomial.rs`. Elements are integers in [0, 2¹⁶): bit i is the coefficient of xⁱ.
 * Addition (and subtraction) is XOR; multiplication is shift-and-add with the reduction folded in.
 * Side channels: no table, no branch and no data-dependent loop bound — every product runs the
 * same 16 steps through masks. (The data coded is public in the KEM's threat model anyway.)
 * The slow, obviously-correct twin is test/reference/gf16.ts.
 */

/** x¹⁶ + x¹² + x³ + x + 1: irreducible over GF(2) (test/protocol/pq-ratchet/gf16.test.ts). */
export const GF16_POLY = 0x1100b;
/** The reduction step: x¹⁶ ≡ x¹² + x³ + x + 1, i.e. GF16_POLY without its leading term. */
const REDUCE = GF16_POLY & 0xffff;

/** a + b (= a − b) in GF(2¹⁶). */
export function gfAdd(a: number, b: number): number {
  return a ^ b;
}

/**
 * a · b in GF(2¹⁶): for each bit of b from the top, acc ← acc·x (reduced) + bit·a.
 * Horner's rule on the bits of b; acc < 2¹⁶ after every step, so all values fit an int32.
 */
export function gfMul(a: number, b: number): number {
  let acc = 0;
  for (let i = 15; i >= 0; i--) {
    const top = -(acc >>> 15) & REDUCE; // acc·x overflows x¹⁶ iff bit 15 of acc is set
    acc = ((acc << 1) & 0xffff) ^ top;
    acc ^= -((b >>> i) & 1) & a; // + bᵢ·a
  }
  return acc;
}

/**
 * a⁻¹ = a^(2¹⁶ − 2) in GF(2¹⁶) (Fermat: a^(2¹⁶ − 1) = 1 for a ≠ 0); maps 0 to 0.
 * 2¹⁶ − 2 = 0b1111111111111110: square-and-multiply with a fixed, public exponent.
 */
export function gfInv(a: number): number {
  let result = 1;
  for (let i = 15; i >= 0; i--) {
    result = gfMul(result, result);
    if (i !== 0) result = gfMul(result, a); // the exponent's bits are public: 1 except bit 0
  }
  return result;
}
