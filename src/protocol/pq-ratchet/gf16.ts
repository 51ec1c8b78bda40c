/**
 * Arithmetic in GF(2¹⁶) = GF(2)[x] / (x¹⁶ + x¹² + x³ + x + 1), the field of the erasure code
 * (erasure.ts) that carries the post-quantum ratchet's keys and ciphertexts in chunks, as in the
 * ML-KEM Braid (signal.org/docs/specifications/mlkembraid, rev. 1, 2025-02-21) and SPQR's
 * `encoding/polynomial.rs`. Elements are integers in [0, 2¹⁶): bit i is the coefficient of xⁱ.
 * Addition (and subtraction) is XOR; products and inverses go through logarithm tables to the
 * base x, which is a generator (the polynomial is primitive: tested), built at load from their
 * definition xⁱ⁺¹ = xⁱ · x.
 * Side channels: table lookups and the zero test depend on the operands. Every value coded is
 * public in ML-KEM's threat model (encapsulation keys and ciphertexts; FIPS 203 §3.3 needs only
 * dk, m and K secret), and chunk indices are public; no secret ever reaches this file.
 * The slow, obviously-correct twin is test/reference/gf16.ts.
 */

/** x¹⁶ + x¹² + x³ + x + 1: irreducible and primitive over GF(2) (gf16.test.ts). */
export const GF16_POLY = 0x1100b;
/** |GF(2¹⁶)*| = 2¹⁶ − 1, the order of the generator x. */
const ORDER = 0xffff;

/** EXP[i] = xⁱ for 0 ≤ i < 2·ORDER (doubled, so EXP[log a + log b] needs no reduction). */
const EXP = new Uint16Array(2 * ORDER);
/** LOG[a] = i with xⁱ = a, for a ≠ 0 (LOG[0] is unused). */
const LOG = new Uint16Array(ORDER + 1);
for (let i = 0, v = 1; i < ORDER; i++) {
  EXP[i] = EXP[i + ORDER] = v;
  LOG[v] = i;
  v <<= 1; // v · x
  if (v & 0x10000) v ^= GF16_POLY; // reduce: x¹⁶ ≡ x¹² + x³ + x + 1
}

/** a + b (= a − b) in GF(2¹⁶). */
export function gfAdd(a: number, b: number): number {
  return a ^ b;
}

/** a · b in GF(2¹⁶): x^(log a + log b), and 0 if either factor is 0 (public operands). */
export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a] + LOG[b]];
}

/** a⁻¹ = x^(2¹⁶ − 1 − log a) in GF(2¹⁶) for a ≠ 0; maps 0 to 0. */
export function gfInv(a: number): number {
  if (a === 0) return 0;
  return EXP[ORDER - LOG[a]];
}
