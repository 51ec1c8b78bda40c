import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  barrettReduce,
  compress,
  decompress,
  fieldMul,
  barrettReduceWide,
  mulShoup,
  reduceOnce,
  shoupPrecompute,
} from '../../src/mlkem/field.ts';
import { GAMMAS, ZETAS } from '../../src/mlkem/ntt.ts';
import { Q } from '../../src/mlkem/params.ts';

describe('FIPS 203 — Z_q reductions (exhaustive over each stated input range)', () => {
  test('reduceOnce: all x ∈ [0, 2q)', () => {
    let bad = 0;
    for (let x = 0; x < 2 * Q; x++) if (reduceOnce(x) !== x % Q) bad++;
    expect(bad).toBe(0);
  });

  test('barrettReduce: all x ∈ [0, 2¹⁶)', () => {
    let bad = 0;
    for (let x = 0; x < 65536; x++) if (barrettReduce(x) !== x % Q) bad++;
    expect(bad).toBe(0);
  });

  /** Counts x ∈ [from, to) where barrettReduceWide(x) is not x mod q (+ 0 or q). */
  function barrettWideMisses(from: number, to: number): number {
    const reduce = barrettReduceWide; // a local binding for the long loop
    let expected = from % Q;
    let bad = 0;
    for (let x = from; x < to; x++) {
      const r = reduce(x);
      if (r !== expected && r !== expected + Q) bad++;
      if (++expected === Q) expected = 0;
    }
    return bad;
  }

  test('barrettReduceWide: all x ∈ [0, 2²⁴) (every product of two values < q)', () => {
    expect(barrettWideMisses(0, 2 ** 24)).toBe(0);
  });

  test('barrettReduceWide: every multiple of q and its neighbours up to 2³¹, and the top 2²⁰', () => {
    // The truncated quotient can only be off where x/q is within 2⁻³³ of an integer from below.
    let bad = 0;
    let checked = 0;
    for (let m = 0; m * Q < 2 ** 31; m++) {
      for (let x = m * Q - 1; x <= m * Q + 1; x++) {
        if (x < 0 || x >= 2 ** 31) continue;
        const r = barrettReduceWide(x);
        if (r < 0 || r >= 2 * Q || r % Q !== x % Q) bad++;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3 * 645000);
    expect(bad).toBe(0);
    expect(barrettWideMisses(2 ** 31 - 2 ** 20, 2 ** 31)).toBe(0);
  });

  // The accumulator range (k ≤ 4 products: < 8q² < 2²⁷) is 1.3·10⁸ values: SLOW=1 only.
  test.skipIf(process.env.SLOW !== '1')('barrettReduceWide: all x ∈ [0, 2²⁷) (SLOW)', () => {
    expect(barrettWideMisses(0, 2 ** 27)).toBe(0);
  });

  test('mulShoup: all a ∈ [0, 2¹⁶) for every constant the NTT uses, r ≡ a·w with r < 2q', () => {
    const constants = new Set<number>([
      ...ZETAS,
      ...GAMMAS, // prepareNTT
      3303, // 128⁻¹
      fieldMul(ZETAS[1], 3303), // ζ·128⁻¹ (last inverse layer)
    ]);
    let bad = 0;
    for (const w of constants) {
      const ws = shoupPrecompute(w);
      for (let a = 0; a < 65536; a++) {
        const r = mulShoup(a, w, ws);
        if (r < 0 || r >= 2 * Q || r % Q !== (a * w) % Q) bad++;
      }
    }
    expect(constants.size).toBeGreaterThan(190);
    expect(bad).toBe(0);
  });

  test('mulShoup: random constants w ∈ [0, q)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: Q - 1 }), (a, w) => {
        const r = mulShoup(a, w, shoupPrecompute(w));
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThan(2 * Q);
        expect(r % Q).toBe((a * w) % Q);
      }),
      { numRuns: 20000 },
    );
  });

  test('fieldMul: all a, b ∈ [0, q)', () => {
    let bad = 0;
    for (let a = 0; a < Q; a++) for (let b = 0; b < Q; b++) if (fieldMul(a, b) !== (a * b) % Q) bad++;
    expect(bad).toBe(0);
  });
});

describe('FIPS 203 §4.2.1 — Compress_d / Decompress_d (eq. 4.7, 4.8), exhaustive', () => {
  const DS = [1, 4, 5, 10, 11];

  /** ⌈(num/den)⌋ = ⌊num/den + 1/2⌋ exactly, on integers (public test data). */
  const roundRational = (num: number, den: number): number => Math.floor((2 * num + den) / (2 * den));

  test.each(DS)('Compress_%i: all x ∈ [0, q) against exact rational rounding', (d) => {
    let bad = 0;
    for (let x = 0; x < Q; x++) if (compress(d, x) !== roundRational(2 ** d * x, Q) % 2 ** d) bad++;
    expect(bad).toBe(0);
  });

  test('Compress_d for every d ∈ [1, 11], all x ∈ [0, q)', () => {
    let bad = 0;
    for (let d = 1; d <= 11; d++)
      for (let x = 0; x < Q; x++) if (compress(d, x) !== roundRational(2 ** d * x, Q) % 2 ** d) bad++;
    expect(bad).toBe(0);
  });

  test.each(DS)('Decompress_%i: all y ∈ [0, 2^d) against exact rational rounding', (d) => {
    let bad = 0;
    for (let y = 0; y < 2 ** d; y++) if (decompress(d, y) !== roundRational(Q * y, 2 ** d)) bad++;
    expect(bad).toBe(0);
  });

  test.each(DS)('Decompress_%i ∘ Compress_%i is within ⌈q/2^(d+1)⌋ of x (mod± q)', (d) => {
    const bound = roundRational(Q, 2 ** (d + 1));
    for (let x = 0; x < Q; x++) {
      let diff = (decompress(d, compress(d, x)) - x) % Q;
      if (diff > Q / 2) diff -= Q;
      if (diff < -Q / 2) diff += Q;
      expect(Math.abs(diff)).toBeLessThanOrEqual(bound);
    }
  });

  test('Compress_d ∘ Decompress_d is the identity on [0, 2^d)', () => {
    for (const d of DS) for (let y = 0; y < 2 ** d; y++) expect(compress(d, decompress(d, y))).toBe(y);
  });
});
