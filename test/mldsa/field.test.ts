import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fieldMul, reduce, toCentered, toUnsigned } from '../../src/mldsa/field.ts';
import { Q } from '../../src/mldsa/params.ts';

const Qn = BigInt(Q);
/** Centered remainder with bigint, the oracle for reduce. */
function centeredRef(c: bigint): number {
  let r = ((c % Qn) + Qn) % Qn;
  if (r > (Qn - 1n) / 2n) r -= Qn;
  return Number(r);
}

describe('FIPS 204 §2.3 — mod± q by float rounding (field.ts)', () => {
  test('reduce(c) = c mod± q for random |c| < 2⁵⁰ and the edges', () => {
    const H = (Q - 1) / 2;
    const edges = [0, 1, -1, Q, -Q, H, H + 1, -H, -H - 1, 2 ** 50 - 1, -(2 ** 50 - 1)];
    for (const c of edges) expect(reduce(c) + 0).toBe(centeredRef(BigInt(c))); // + 0 folds −0
    // every multiple of q ± the half-way neighbours, near the top of the range
    for (let t = 2 ** 27 - 1000; t < 2 ** 27 + 1000; t++)
      for (const c of [t * Q + (Q - 1) / 2, t * Q + (Q + 1) / 2, -t * Q - (Q - 1) / 2])
        expect(reduce(c) + 0).toBe(centeredRef(BigInt(c)));
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 50n) + 1n, max: 2n ** 50n - 1n }), (c) => {
        expect(reduce(Number(c)) + 0).toBe(centeredRef(c));
      }),
      { numRuns: 10000 },
    );
  });

  test('fieldMul on centered operands equals the bigint product mod± q', () => {
    const h = (Q - 1) / 2;
    fc.assert(
      fc.property(
        fc.integer({ min: -h, max: h }),
        fc.integer({ min: -(2 ** 27) + 1, max: 2 ** 27 - 1 }),
        (a, b) => {
          expect(fieldMul(a, b) + 0).toBe(centeredRef(BigInt(a) * BigInt(b))); // + 0 folds −0
        },
      ),
      { numRuns: 10000 },
    );
  });

  test('toUnsigned and toCentered are inverse bijections over all of Z_q', () => {
    for (let x = 0; x < Q; x++) {
      const c = toCentered(x);
      if (c !== (x > (Q - 1) / 2 ? x - Q : x) || toUnsigned(c) !== x) throw new Error(`x = ${x}`);
    }
    expect(toUnsigned(-(Q - 1))).toBe(1);
  });
});
