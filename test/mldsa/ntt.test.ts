import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  ZETAS,
  bitRev8,
  invNttInPlace,
  matrixVectorNTT,
  multiplyNTT,
  newPolyNTT,
  nttInPlace,
  type Poly,
  type PolyNTT,
} from '../../src/mldsa/ntt.ts';
import { N, Q } from '../../src/mldsa/params.ts';
import * as reference from '../../src/mldsa/reference.ts';
import { modQ, schoolbookMul } from '../reference/mldsa.ts';

const polyArb = (bound: number) =>
  fc.array(fc.integer({ min: -bound, max: bound }), { minLength: N, maxLength: N });
const H = (Q - 1) / 2;
const unsigned = (a: ArrayLike<number>) => Array.from(a, modQ);
/** NTT / NTT⁻¹ of a fresh copy of w (the transforms work in place). */
const ntt = (w: ArrayLike<number>): PolyNTT => {
  const a = Float64Array.from(w) as PolyNTT;
  nttInPlace(a);
  return a;
};
const inv = (wHat: ArrayLike<number>): Poly => {
  const a = Float64Array.from(wHat) as PolyNTT;
  invNttInPlace(a);
  return a;
};

describe('FIPS 204 Alg 43 / Appendix B — BitRev₈ and zetas', () => {
  test('BitRev₈ is an involution on [0, 256)', () => {
    for (let m = 0; m < 256; m++) expect(bitRev8(bitRev8(m))).toBe(m);
    expect(bitRev8(1)).toBe(128);
  });

  test('zetas[m] = 1753^BitRev₈(m) mod q (bigint), centered, and ζ is a primitive 512-th root', () => {
    const q = BigInt(Q);
    const pow = (b: bigint, e: number) => {
      let r = 1n;
      for (let i = 0; i < e; i++) r = (r * b) % q;
      return r;
    };
    const want = Array.from({ length: N }, (_, m) => Number(pow(1753n, bitRev8(m))));
    expect(unsigned(ZETAS)).toEqual(want);
    expect(ZETAS.every((z) => Math.abs(z) <= H)).toBe(true);
    expect(pow(1753n, 256)).toBe(q - 1n); // ζ²⁵⁶ = −1
  });

  test('zetas[1..15] match FIPS 204 Appendix B (entry 0 is unused there)', () => {
    // prettier-ignore
    const appendixB = [4808194, 3765607, 3761513, 5178923, 5496691, 5234739, 5178987, 7778734,
      3542485, 2682288, 2129892, 3764867, 7375178, 557458, 7159240];
    expect(unsigned(ZETAS.subarray(1, 16))).toEqual(appendixB);
  });
});

describe('FIPS 204 Alg 41/42/45 — NTT, NTT⁻¹, MultiplyNTT', () => {
  test('two-layer-per-pass NTT and NTT⁻¹ equal the spec-shaped Algorithms 41 and 42 (reference.ts)', () => {
    fc.assert(
      fc.property(polyArb(2 ** 26 - 1), polyArb(H), (w, v) => {
        expect(unsigned(ntt(w))).toEqual(reference.ntt(w));
        expect(unsigned(inv(v))).toEqual(reference.invNtt(v));
      }),
      { numRuns: 100 },
    );
  });

  test('the reference model (src/mldsa/reference.ts) inverts itself: invNtt(ntt(w)) = w mod q', () => {
    fc.assert(
      fc.property(polyArb(H), (w) => {
        expect(reference.invNtt(reference.ntt(w))).toEqual(unsigned(w));
      }),
      { numRuns: 20 },
    );
  });

  test('NTT⁻¹(NTT(w)) = w for |w| < 2²⁶; outputs centered', () => {
    fc.assert(
      fc.property(polyArb(2 ** 26 - 1), (w) => {
        const hat = ntt(w);
        expect(hat.every((x) => Math.abs(x) <= H)).toBe(true);
        const back = inv(hat);
        expect(back.every((x) => Math.abs(x) <= H)).toBe(true);
        expect(unsigned(back)).toEqual(unsigned(w));
      }),
      { numRuns: 200 },
    );
  });

  test('NTT⁻¹(NTT(a) ∘ NTT(b)) = a·b in R_q (schoolbook, bigint)', () => {
    fc.assert(
      fc.property(polyArb(H), polyArb(2 ** 23), (a, b) => {
        const ph = newPolyNTT();
        multiplyNTT(ph, ntt(a), ntt(b));
        expect(unsigned(inv(ph))).toEqual(schoolbookMul(a, b));
      }),
      { numRuns: 15 },
    );
  });

  test('NTT without the final reduction: same values mod q, within max|w| + 4(q − 1); MultiplyNTT and MatrixVectorNTT accept it', () => {
    const lazy = (w: ArrayLike<number>): PolyNTT => {
      const a = Float64Array.from(w) as PolyNTT;
      nttInPlace(a, false);
      return a;
    };
    fc.assert(
      fc.property(polyArb(2 ** 19), polyArb(1), polyArb(H), (z, c, s) => {
        const zHat = lazy(z);
        expect(unsigned(zHat)).toEqual(reference.ntt(z));
        expect(zHat.every((x) => Math.abs(x) <= 2 ** 19 + 4 * (Q - 1))).toBe(true);
        // ĉ unreduced times a centered ŝ (signing's cs₁, cs₂, ct₀)
        const cHat = lazy(c);
        const prod = newPolyNTT();
        multiplyNTT(prod, cHat, ntt(s));
        expect(unsigned(inv(prod))).toEqual(schoolbookMul(c, s));
      }),
      { numRuns: 30 },
    );
    // the extremes of MatrixVectorNTT's bound: l = 7 products of (2¹⁹ + 4(q − 1)) · (q − 1)/2
    const edge = 2 ** 19 + 4 * (Q - 1);
    const big = Float64Array.from({ length: N }, (_, i) => (i & 1 ? -edge : edge)) as PolyNTT;
    const aMax = Float64Array.from({ length: N }, (_, i) => (i & 2 ? -H : H)) as PolyNTT;
    const out = [newPolyNTT()];
    matrixVectorNTT(out, [Array(7).fill(aMax)], Array(7).fill(big));
    const want = Array.from({ length: N }, (_, i) =>
      Number((7n * BigInt(big[i]) * BigInt(aMax[i])) % BigInt(Q) + BigInt(Q)) % Q,
    );
    expect(unsigned(out[0])).toEqual(want);
  });

  test('Alg 48 MatrixVectorNTT equals the sum of MultiplyNTT products (k = 2, l = 3 … 7)', () => {
    for (let l = 3; l <= 7; l++) {
      fc.assert(
        fc.property(fc.array(polyArb(H), { minLength: 3 * l, maxLength: 3 * l }), (ps) => {
          const hat = ps.map((p) => Float64Array.from(p) as PolyNTT);
          const A = [hat.slice(0, l), hat.slice(l, 2 * l)];
          const v = hat.slice(2 * l);
          const out = [newPolyNTT().fill(1) as PolyNTT, newPolyNTT().fill(2) as PolyNTT];
          matrixVectorNTT(out, A, v);
          for (let i = 0; i < 2; i++) {
            const want = new Array<number>(N).fill(0);
            const tmp = newPolyNTT();
            for (let j = 0; j < l; j++) {
              multiplyNTT(tmp, A[i][j], v[j]);
              for (let c = 0; c < N; c++) want[c] = modQ(want[c] + tmp[c]);
            }
            expect(out[i].every((x) => Math.abs(x) <= H)).toBe(true);
            expect(unsigned(out[i])).toEqual(want);
          }
        }),
        { numRuns: 8 },
      );
    }
    const two = [newPolyNTT(), newPolyNTT()];
    expect(() => matrixVectorNTT([newPolyNTT()], [two], two)).toThrow('l ≥ 3');
  });
});
