import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GF16_POLY, gfAdd, gfInv, gfMul } from '../../../src/protocol/pq-ratchet/gf16.ts';
import { refInv, refMul } from '../../reference/gf16.ts';

const element = fc.integer({ min: 0, max: 0xffff });

describe('GF(2¹⁶) = GF(2)[x]/(x¹⁶ + x¹² + x³ + x + 1) — shipped vs reference twin', () => {
  test('the field polynomial is 0x1100B', () => {
    expect(GF16_POLY).toBe(0x1100b);
  });

  test('gfMul equals the schoolbook-and-long-division product (20 000 random pairs)', () => {
    let checked = 0;
    fc.assert(
      fc.property(element, element, (a, b) => {
        checked++;
        return gfMul(a, b) === refMul(a, b);
      }),
      { numRuns: 20000 },
    );
    expect(checked).toBe(20000);
  });

  test('gfMul equals the reference on every a times each power of x and on edge values', () => {
    let checked = 0;
    for (let a = 0; a < 0x10000; a += 257)
      for (const b of [0, 1, 2, 0x8000, 0xffff, 0x100b, 0x1234]) {
        expect(gfMul(a, b)).toBe(refMul(a, b));
        checked++;
      }
    expect(checked).toBe(256 * 7);
  });

  test('every non-zero element has an inverse (so the polynomial is irreducible: a field)', () => {
    let checked = 0;
    for (let a = 1; a < 0x10000; a++) {
      if (gfMul(a, gfInv(a)) !== 1) throw new Error(`no inverse for ${a}`);
      checked++;
    }
    expect(checked).toBe(0xffff);
    expect(gfInv(0)).toBe(0);
  });

  test('gfInv equals the reference exhaustive search (8 elements)', () => {
    for (const a of [1, 2, 3, 0x8000, 0xffff, 0x1234, 0xbeef, 0x100b])
      expect(gfInv(a)).toBe(refInv(a));
  });

  test('field laws: commutative, associative, distributive over XOR', () => {
    fc.assert(
      fc.property(element, element, element, (a, b, c) => {
        expect(gfMul(a, b)).toBe(gfMul(b, a));
        expect(gfMul(gfMul(a, b), c)).toBe(gfMul(a, gfMul(b, c)));
        expect(gfMul(a, gfAdd(b, c))).toBe(gfAdd(gfMul(a, b), gfMul(a, c)));
      }),
      { numRuns: 2000 },
    );
  });

  test('x generates the multiplicative group (x¹⁶ + x¹² + x³ + x + 1 is primitive)', () => {
    let p = 1;
    let order = 0;
    do {
      p = gfMul(p, 2);
      order++;
    } while (p !== 1 && order <= 0xffff);
    expect(order).toBe(0xffff);
  });
});
