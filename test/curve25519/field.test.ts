import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Fe,
  fe,
  feAdd,
  feCmov,
  feCswap,
  feFromBytes,
  feInvert,
  feIsNegative,
  feIsZero,
  feMul,
  feMulSmall,
  feNeg,
  fePow22523,
  feSqr,
  feSqrN,
  feSub,
  feToBytes,
} from '../../src/curve25519/field.ts';
import {
  P,
  SQRT_M1,
  decodeLittleEndian,
  decodeUCoordinate,
  encodeUCoordinate,
  fieldAdd,
  fieldInvert,
  fieldMul,
  fieldPow,
  fieldSqrt,
  fieldSquare,
  fieldSub,
  mod,
} from '../../src/curve25519/reference.ts';

const TWO255 = 2n ** 255n;

/** 32 little-endian bytes of 0 ≤ v < 2^256 (no reduction: non-canonical values stay). */
function bytesOf(v: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

function feOf(v: bigint): Fe {
  const o = fe();
  feFromBytes(o, bytesOf(v));
  return o;
}

/** The value of a limb vector as an integer (limbs may be loose or negative). */
function limbValue(a: Fe): bigint {
  let v = 0n;
  for (let i = 14; i >= 0; i--) v = v * 2n ** 17n + BigInt(a[i]);
  return v;
}

function valueOf(a: Fe): bigint {
  const b = new Uint8Array(32);
  feToBytes(b, a);
  return decodeLittleEndian(b);
}

// Edge inputs: 0, 1, p−1, p, p+1, 2^255−1 (non-canonical encodings of 0, 1 and 18), 2^254, 19.
const EDGES = [0n, 1n, 2n, 19n, P - 1n, P, P + 1n, TWO255 - 1n, 2n ** 254n, 2n ** 255n - 20n];
const element = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.bigInt({ min: 0n, max: TWO255 - 1n }),
);

describe('RFC 7748 §4.1 / §5 — GF(2^255 − 19): limb field agrees with the bigint model', () => {
  test('decode/encode: bit 255 masked, non-canonical values reduced (decodeUCoordinate)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const a = fe();
        feFromBytes(a, b);
        expect(valueOf(a)).toBe(mod(decodeUCoordinate(b)));
        expect(limbValue(a)).toBe(decodeUCoordinate(b));
      }),
    );
    for (const v of EDGES) expect(valueOf(feOf(v))).toBe(mod(v));
    expect(valueOf(feOf(TWO255 - 1n))).toBe(18n); // 2^255 − 1 = p + 18
  });

  test('add, sub, mul, square agree on random and edge inputs', () => {
    fc.assert(
      fc.property(element, element, (x, y) => {
        const [a, b, o] = [feOf(x), feOf(y), fe()];
        feAdd(o, a, b);
        expect(valueOf(o)).toBe(fieldAdd(x, y));
        feSub(o, a, b);
        expect(valueOf(o)).toBe(fieldSub(x, y));
        feMul(o, a, b);
        expect(valueOf(o)).toBe(fieldMul(x, y));
        feSqr(o, a);
        expect(valueOf(o)).toBe(fieldSquare(x));
        feNeg(o, a);
        expect(valueOf(o)).toBe(mod(-x));
        feMulSmall(o, a, 121665);
        expect(valueOf(o)).toBe(fieldMul(x, 121665n));
      }),
      { numRuns: 300 },
    );
  });

  test('mul and square stay exact at the stated input bound (|limb| < 2^19.5, mixed signs)', () => {
    const limb = fc.integer({ min: -741454, max: 741454 }); // 2^19.5 ≈ 741455
    const limbs = fc.array(limb, { minLength: 15, maxLength: 15 });
    fc.assert(
      fc.property(limbs, limbs, (la, lb) => {
        const [a, b, o] = [Float64Array.from(la), Float64Array.from(lb), fe()];
        feMul(o, a, b);
        expect(valueOf(o)).toBe(mod(limbValue(a) * limbValue(b)));
        for (let i = 0; i < 15; i++) expect(Math.abs(o[i])).toBeLessThan(2 ** 17 + 2 ** 14);
        feSqr(o, a);
        expect(valueOf(o)).toBe(mod(limbValue(a) ** 2n));
      }),
      { numRuns: 200 },
    );
    const worst = new Float64Array(15).fill(741454);
    const o = fe();
    feMul(o, worst, worst);
    expect(valueOf(o)).toBe(mod(limbValue(worst) ** 2n));
  });

  test('feToBytes reduces any loose limb vector with |limb| < 2^26', () => {
    const limbs = fc.array(fc.integer({ min: -(2 ** 26) + 1, max: 2 ** 26 - 1 }), {
      minLength: 15,
      maxLength: 15,
    });
    fc.assert(
      fc.property(limbs, (l) => {
        const a = Float64Array.from(l);
        expect(valueOf(a)).toBe(mod(limbValue(a)));
      }),
    );
    for (const fill of [2 ** 26 - 1, -(2 ** 26) + 1, 2 ** 17 - 1, -1]) {
      const a = new Float64Array(15).fill(fill);
      expect(valueOf(a)).toBe(mod(limbValue(a)));
    }
  });

  test('invert and pow22523 agree (a^(p−2), a^((p−5)/8)); inverse of 0 is 0', () => {
    fc.assert(
      fc.property(element, (x) => {
        const o = fe();
        feInvert(o, feOf(x));
        expect(valueOf(o)).toBe(fieldInvert(x));
        fePow22523(o, feOf(x));
        expect(valueOf(o)).toBe(fieldPow(x, (P - 5n) / 8n));
      }),
      { numRuns: 60 },
    );
  });

  test('square roots: the RFC 8032 §5.1.3 candidate from pow22523 matches fieldSqrt', () => {
    fc.assert(
      fc.property(element, (x) => {
        // candidate r = x·(x)^((p−5)/8)·… with v = 1: r = x^((p+3)/8) = x · x^((p−5)/8)
        const r = fe();
        fePow22523(r, feOf(x));
        feMul(r, r, feOf(x));
        const root = fieldSqrt(x);
        const cand = valueOf(r);
        if (root === null) {
          expect(fieldSquare(cand)).not.toBe(mod(x));
          expect(fieldSquare(fieldMul(cand, SQRT_M1))).not.toBe(mod(x));
        } else {
          const other = fieldMul(cand, SQRT_M1);
          const ok = fieldSquare(cand) === mod(x) || fieldSquare(other) === mod(x);
          expect(ok).toBe(true);
          expect(fieldSquare(root)).toBe(mod(x));
        }
      }),
      { numRuns: 60 },
    );
    expect(fieldSquare(SQRT_M1)).toBe(P - 1n);
  });

  test('sqrN, cswap, cmov, isZero, isNegative', () => {
    fc.assert(
      fc.property(element, element, fc.integer({ min: 1, max: 9 }), (x, y, k) => {
        const o = fe();
        feSqrN(o, feOf(x), k);
        expect(valueOf(o)).toBe(fieldPow(x, 2n ** BigInt(k)));
        for (const bit of [0, 1]) {
          const [a, b] = [feOf(x), feOf(y)];
          feCswap(bit, a, b);
          expect([valueOf(a), valueOf(b)]).toEqual(bit ? [mod(y), mod(x)] : [mod(x), mod(y)]);
          const c = feOf(x);
          feCmov(c, feOf(y), bit);
          expect(valueOf(c)).toBe(bit ? mod(y) : mod(x));
        }
        expect(feIsZero(feOf(x))).toBe(mod(x) === 0n ? 1 : 0);
        expect(feIsNegative(feOf(x))).toBe(Number(mod(x) & 1n));
      }),
    );
    expect(feIsZero(feOf(P))).toBe(1);
  });

  test('reference model: encodeUCoordinate reduces, decodeUCoordinate masks bit 255', () => {
    expect(encodeUCoordinate(P + 5n)).toEqual(bytesOf(5n));
    const b = bytesOf(TWO255 + 7n);
    expect(decodeUCoordinate(b)).toBe(7n);
  });
});
