import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  decompose,
  highBits,
  lowBits,
  makeHint,
  normAtLeast,
  power2Round,
  useHint,
} from '../../src/mldsa/rounding.ts';
import { Q } from '../../src/mldsa/params.ts';
import { decomposeRef, modQ, power2RoundRef } from '../reference/mldsa.ts';

const GAMMA2S = [(Q - 1) / 88, (Q - 1) / 32];

describe('FIPS 204 Alg 35 — Power2Round', () => {
  test('matches the literal algorithm for every r ∈ [0, q)', () => {
    const r0 = new Float64Array(1);
    for (let r = 0; r < Q; r++) {
      const r1 = power2Round(r, r0, 0);
      let w0 = r & 8191; // r⁺ mod± 2¹³, inlined from power2RoundRef for speed
      if (w0 > 4096) w0 -= 8192;
      const w1 = (r - w0) / 8192;
      if (r1 !== w1 || r0[0] !== w0)
        throw new Error(`r = ${r}: got (${r1}, ${r0[0]}), want (${w1}, ${w0})`);
    }
    for (const r of [0, 4096, 4097, 8191, Q - 1]) {
      const [w1, w0] = power2RoundRef(r);
      expect([power2Round(r, r0, 0), r0[0]]).toEqual([w1, w0]);
    }
  });
});

describe('FIPS 204 Alg 36/37/38 — Decompose, HighBits, LowBits', () => {
  for (const gamma2 of GAMMA2S) {
    test(`match the literal algorithm for every r ∈ [0, q), γ₂ = ${gamma2}`, () => {
      const r0 = new Float64Array(1);
      const m = (Q - 1) / (2 * gamma2);
      let wraps = 0;
      for (let r = 0; r < Q; r++) {
        const r1 = decompose(r, gamma2, r0, 0);
        // the literal Algorithm 36 (as decomposeRef, inlined to keep 8.4M cases fast)
        let w0 = r % (2 * gamma2);
        if (w0 > gamma2) w0 -= 2 * gamma2; // r₀ ← r⁺ mod± 2γ₂
        let w1 = (r - w0) / (2 * gamma2);
        if (r - w0 === Q - 1) {
          w1 = 0;
          w0 -= 1;
          wraps++;
        }
        if (r1 !== w1 || r0[0] !== w0 || highBits(r, gamma2) !== w1 || lowBits(r, gamma2) !== w0)
          throw new Error(`r = ${r}: got (${r1}, ${r0[0]}), want (${w1}, ${w0})`);
        if (w1 < 0 || w1 >= m) throw new Error(`r₁ out of range at r = ${r}`);
      }
      expect(wraps).toBe(gamma2); // r ∈ [q − 1 − γ₂, q − 1) wraps: exactly γ₂ values
      for (const r of [0, 1, gamma2, gamma2 + 1, Q - 1 - gamma2, Q - gamma2, Q - 2, Q - 1])
        expect(decomposeRef(r, gamma2)).toEqual([highBits(r, gamma2), lowBits(r, gamma2) + 0]);
    });
  }
});

describe('FIPS 204 Alg 39/40 — MakeHint / UseHint laws', () => {
  for (const gamma2 of GAMMA2S) {
    test(`UseHint(MakeHint(z, r), r) = HighBits(r + z) for ‖z‖∞ ≤ γ₂ (γ₂ = ${gamma2})`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: Q - 1 }),
          fc.integer({ min: -gamma2, max: gamma2 }),
          (r, zc) => {
            const z = modQ(zc);
            const h = makeHint(z, r, gamma2);
            expect(useHint(h, r, gamma2)).toBe(highBits(modQ(r + z), gamma2));
          },
        ),
        { numRuns: 10000 },
      );
    });

    test(`every r near the wrap and block edges obeys the law (γ₂ = ${gamma2})`, () => {
      const rs: number[] = [];
      for (let t = 0; t <= (Q - 1) / (2 * gamma2); t++)
        for (let e = -3; e <= 3; e++)
          rs.push(modQ(t * 2 * gamma2 + gamma2 + e), modQ(t * 2 * gamma2 + e));
      for (const r of rs)
        for (const zc of [-gamma2, -gamma2 + 1, -1, 0, 1, gamma2 - 1, gamma2]) {
          const z = modQ(zc);
          expect(useHint(makeHint(z, r, gamma2), r, gamma2)).toBe(highBits(modQ(r + z), gamma2));
        }
    });

    test(`UseHint(h, r) differs from HighBits(r) by at most one step mod m (γ₂ = ${gamma2})`, () => {
      const m = (Q - 1) / (2 * gamma2);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: Q - 1 }), fc.integer({ min: 0, max: 1 }), (r, h) => {
          const d = (useHint(h, r, gamma2) - highBits(r, gamma2) + m) % m;
          expect([0, 1, m - 1]).toContain(d);
          if (h === 0) expect(d).toBe(0);
        }),
        { numRuns: 10000 },
      );
    });
  }
});

describe('FIPS 204 §2.3 — infinity norm check', () => {
  test('normAtLeast(a, b) = [[max |a[i]| ≥ b]]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 24), max: 2 ** 24 }), { minLength: 256, maxLength: 256 }),
        fc.integer({ min: 1, max: 2 ** 24 }),
        (a, b) => {
          const max = Math.max(...a.map(Math.abs));
          expect(normAtLeast(Float64Array.from(a), b)).toBe(max >= b ? 1 : 0);
        },
      ),
      { numRuns: 2000 },
    );
    const a = new Float64Array(256);
    a[255] = -100;
    expect(normAtLeast(a, 100)).toBe(1);
    expect(normAtLeast(a, 101)).toBe(0);
  });
});
