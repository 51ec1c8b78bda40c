import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  GAMMAS,
  ZETAS,
  baseCaseMultiply,
  bitRev7,
  multiplyAccumulate,
  multiplyNTTs,
  nttInPlace,
  invNttInPlace,
  prepareNTT,
  reduceAccumulator,
  type PolyNTT,
} from '../../src/mlkem/ntt.ts';
import { Q } from '../../src/mlkem/params.ts';
import * as reference from '../../src/mlkem/reference.ts';
import { schoolbookMultiply, zetaPow } from '../reference/mlkem.ts';

const coeffs = (max = Q - 1) =>
  fc.array(fc.integer({ min: 0, max }), { minLength: 256, maxLength: 256 });
const poly = (a: number[]) => Uint16Array.from(a);
const EIGHTEEN = { minLength: 18, maxLength: 18 };
/** NTT / NTT⁻¹ of a fresh copy of a (the transforms work in place). */
const ntt = (a: ArrayLike<number>): PolyNTT => {
  const f = Uint16Array.from(a);
  nttInPlace(f);
  return f as PolyNTT;
};
const inv = (a: ArrayLike<number>): Uint16Array => {
  const fHat = Uint16Array.from(a) as PolyNTT;
  invNttInPlace(fHat);
  return fHat;
};

describe('FIPS 203 §4.3 — zetas and gammas', () => {
  test('ZETAS[i] = 17^BitRev₇(i) and GAMMAS[i] = 17^(2·BitRev₇(i)+1) mod q, recomputed with bigint', () => {
    for (let i = 0; i < 128; i++) {
      expect(ZETAS[i]).toBe(zetaPow(bitRev7(i)));
      expect(GAMMAS[i]).toBe(zetaPow(2 * bitRev7(i) + 1));
    }
  });

  test('first entries as printed in FIPS 203 Appendix A', () => {
    expect(Array.from(ZETAS.subarray(0, 8))).toEqual([1, 1729, 2580, 3289, 2642, 630, 1897, 848]);
    expect(Array.from(GAMMAS.subarray(0, 4))).toEqual([17, Q - 17, 2761, Q - 2761]);
  });

  test('BitRev₇ is an involution on [0, 128)', () => {
    for (let r = 0; r < 128; r++) expect(bitRev7(bitRev7(r))).toBe(r);
    expect(bitRev7(1)).toBe(64);
  });

  test('ζ = 17 is a primitive 256-th root of unity mod q', () => {
    expect(zetaPow(128)).toBe(Q - 1);
    expect(zetaPow(256)).toBe(1);
  });
});

describe('FIPS 203 Alg 9/10 — NTT and NTT⁻¹', () => {
  test('NTT equals the spec-shaped Algorithm 9 (reference.ts) for inputs < 2q (the lazy-reduction range)', () => {
    fc.assert(
      fc.property(coeffs(2 * Q - 1), (f) => {
        expect(Array.from(ntt(f))).toEqual(reference.ntt(f));
      }),
      { numRuns: 200 },
    );
  });

  test('NTT⁻¹ equals the spec-shaped Algorithm 10 (reference.ts) for inputs < 2q', () => {
    fc.assert(
      fc.property(coeffs(2 * Q - 1), (f) => {
        expect(Array.from(inv(f))).toEqual(reference.invNtt(f));
      }),
      { numRuns: 200 },
    );
  });

  test('extreme inputs: all 2q − 1, all 0, alternating', () => {
    const alternating = Array.from({ length: 256 }, (_, i) => (i & 1 ? 2 * Q - 1 : 0));
    for (const f of [new Array(256).fill(2 * Q - 1), new Array(256).fill(0), alternating]) {
      expect(Array.from(ntt(f))).toEqual(reference.ntt(f));
      expect(Array.from(inv(f))).toEqual(reference.invNtt(f));
    }
  });

  test('the reference model (src/mlkem/reference.ts) inverts itself: invNtt(ntt(f)) = f', () => {
    fc.assert(
      fc.property(coeffs(), (f) => {
        expect(reference.invNtt(reference.ntt(f))).toEqual(f);
      }),
      { numRuns: 20 },
    );
  });

  test('NTT⁻¹(NTT(f)) = f', () => {
    fc.assert(
      fc.property(coeffs(), (f) => {
        expect(Array.from(inv(ntt(f)))).toEqual(f);
      }),
      { numRuns: 200 },
    );
  });

  test('outputs are reduced to [0, q)', () => {
    fc.assert(
      fc.property(coeffs(2 * Q - 1), (f) => {
        expect(ntt(f).every((x) => x < Q)).toBe(true);
        expect(inv(f).every((x) => x < Q)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('FIPS 203 Alg 11/12 — MultiplyNTTs, BaseCaseMultiply', () => {
  test('NTT⁻¹(MultiplyNTTs(NTT(f), NTT(g))) = f·g in R_q (schoolbook reference)', () => {
    fc.assert(
      fc.property(coeffs(), coeffs(), (f, g) => {
        const h = inv(multiplyNTTs(ntt(f), ntt(g)));
        expect(Array.from(h)).toEqual(schoolbookMultiply(f, g));
      }),
      { numRuns: 25 },
    );
  });

  test('BaseCaseMultiply is (a₀ + a₁X)(b₀ + b₁X) mod X² − γ', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Q - 1 }),
        fc.integer({ min: 0, max: Q - 1 }),
        fc.integer({ min: 0, max: Q - 1 }),
        fc.integer({ min: 0, max: Q - 1 }),
        fc.integer({ min: 0, max: 127 }),
        (a0, a1, b0, b1, i) => {
          const gamma = GAMMAS[i];
          const [c0, c1] = baseCaseMultiply(a0, a1, b0, b1, gamma);
          expect(c0).toBe(Number((BigInt(a0 * b0) + BigInt(a1 * b1) * BigInt(gamma)) % 3329n));
          expect(c1).toBe((a0 * b1 + a1 * b0) % Q);
        },
      ),
      { numRuns: 5000 },
    );
  });

  test('prepared multiply-accumulate of k ≤ 9 products equals Σ MultiplyNTTs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(coeffs(), EIGHTEEN), (k, ps) => {
        const acc = new Int32Array(256);
        const expected = new Array<number>(256).fill(0);
        for (let j = 0; j < k; j++) {
          const f = poly(ps[2 * j]) as PolyNTT;
          const g = poly(ps[2 * j + 1]) as PolyNTT;
          multiplyAccumulate(acc, f, g, prepareNTT(new Uint16Array(128), g));
          const h = multiplyNTTs(f, g);
          for (let c = 0; c < 256; c++) expected[c] = (expected[c] + h[c]) % Q;
        }
        const out = new Uint16Array(256);
        reduceAccumulator(out, acc);
        expect(out.every((x) => x < 2 * Q)).toBe(true);
        expect(Array.from(out, (x) => x % Q)).toEqual(expected);
        expect(acc.every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test('multiply-accumulate at the bound: 96 products of all-(q − 1) operands (acc < 2³¹)', () => {
    const f = new Uint16Array(256).fill(Q - 1) as PolyNTT;
    const prep = prepareNTT(new Uint16Array(128), f);
    const acc = new Int32Array(256);
    for (let j = 0; j < 96; j++) multiplyAccumulate(acc, f, f, prep);
    expect(acc.every((x) => x > 0)).toBe(true); // no int32 overflow
    const h = multiplyNTTs(f, f);
    const out = new Uint16Array(256);
    reduceAccumulator(out, acc);
    expect(Array.from(out, (x) => x % Q)).toEqual(Array.from(h, (x) => (96 * x) % Q));
  });
});
