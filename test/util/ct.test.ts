import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ctByteEqual, ctEqual, ctIsZero, ctLessThan, ctSelect, ctSwap, wipe } from '../../src/util/ct.ts';

describe('util/ct — constant-time helpers', () => {
  test('ctEqual agrees with element-wise comparison', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        expect(ctEqual(a, b)).toBe(same ? 1 : 0);
        expect(ctEqual(a, a.slice())).toBe(1);
      }),
    );
  });

  test('ctEqual detects a difference in any single bit', () => {
    const a = new Uint8Array(33).fill(0xa5);
    for (let bit = 0; bit < a.length * 8; bit++) {
      const b = a.slice();
      b[bit >> 3] ^= 1 << (bit & 7);
      expect(ctEqual(a, b)).toBe(0);
    }
  });

  test('ctIsZero', () => {
    expect(ctIsZero(new Uint8Array(32))).toBe(1);
    for (let i = 0; i < 32; i++) {
      const z = new Uint8Array(32);
      z[i] = 0x80;
      expect(ctIsZero(z)).toBe(0);
    }
  });

  test('ctSelect and ctSwap pick by the bit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (a, b) => {
        expect(ctSelect(1, a, b)).toEqual(a);
        expect(ctSelect(0, a, b)).toEqual(b);
        const x = a.slice();
        const y = b.slice();
        ctSwap(0, x, y);
        expect([x, y]).toEqual([a, b]);
        ctSwap(1, x, y);
        expect([x, y]).toEqual([b, a]);
      }),
    );
  });

  test('wipe zeroes every array', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Int32Array([-1, 5]);
    wipe(a, b);
    expect([...a, ...b]).toEqual([0, 0, 0, 0, 0]);
  });

  test('ctByteEqual on every pair of bytes', () => {
    let ones = 0;
    let wrong = 0;
    for (let a = 0; a < 256; a++)
      for (let b = 0; b < 256; b++) {
        const e = ctByteEqual(a, b);
        if (e !== (a === b ? 1 : 0)) wrong++;
        ones += e;
      }
    expect([wrong, ones]).toEqual([0, 256]);
  });

  test('ctLessThan on [0, 2³¹) including the ends', () => {
    const edge = [0, 1, 2, 255, 256, 511, 512, 2 ** 30, 2 ** 31 - 2, 2 ** 31 - 1];
    for (const a of edge) for (const b of edge) expect(ctLessThan(a, b)).toBe(a < b ? 1 : 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (a, b) => {
        expect(ctLessThan(a, b)).toBe(a < b ? 1 : 0);
      }),
    );
  });
});
