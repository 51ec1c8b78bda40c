import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pad, padme, unpad } from '../../../src/protocol/sealed-sender/padding.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';

/** Padmé straight from the paper's definition, on floating-point logs (an independent twin). */
function padmeFromDefinition(L: number): number {
  if (L < 2) return L;
  const E = Math.floor(Math.log2(L));
  const S = Math.floor(Math.log2(E)) + 1;
  const lastBits = E - S;
  const step = 2 ** lastBits;
  return Math.ceil(L / step) * step;
}

describe('Padmé (PURBs, PoPETs 2019(4)) — PROTOCOL.md §13.5', () => {
  test('hand-computed values: 9→10, 1000→1024, 3585→3712, 4097→4352, 8193→8704', () => {
    // 4097: E = 12, S = ⌊log₂ 12⌋ + 1 = 4, lastBits = 8 → next multiple of 256.
    const cases: [number, number][] = [
      [0, 0], [1, 1], [2, 2], [3, 3], [9, 10], [1000, 1024], [3585, 3712], [4097, 4352], [8193, 8704],
    ];
    for (const [L, want] of cases) expect(padme(L)).toBe(want);
    expect(cases).toHaveLength(9);
  });

  test('equals the floating-point definition for every L < 2¹⁶ and at random up to 2³⁰', () => {
    for (let L = 0; L < 1 << 16; L++) if (padme(L) !== padmeFromDefinition(L)) expect([L, padme(L)]).toBe('equal');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), (L) => padme(L) === padmeFromDefinition(L)),
      { numRuns: 2000 },
    );
  });

  test('laws: L ≤ Padmé(L) ≤ 1.12·L, idempotent, monotone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 30 - 1 }), (L) => {
        const p = padme(L);
        return L <= p && p <= 1.12 * L && padme(p) === p && padme(L + 1) >= p;
      }),
      { numRuns: 3000 },
    );
  });

  test('rejects lengths that are negative, fractional or beyond 2³⁰', () => {
    for (const L of [-1, 0.5, 2 ** 30 + 1, NaN]) expect(codeOf(() => padme(L))).toBe('BAD_VALUE');
  });
});

describe('ISO/IEC 7816-4 padding to the Padmé length — PROTOCOL.md §13.5', () => {
  test('round trip; the output is content ‖ 0x80 ‖ 0x00… of length Padmé(n + 1)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (content) => {
        const padded = pad(content);
        expect(padded.length).toBe(padme(content.length + 1));
        expect(padded[content.length]).toBe(0x80);
        expect(padded.subarray(content.length + 1).every((b) => b === 0)).toBe(true);
        expect(bytesEqual(unpad(padded), content)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('unpad is strict: whatever it accepts is the one canonical padding of its output', () => {
    // Random inputs, and inputs built to be nearly valid (a marker, then about the right zeros).
    const nearlyValid = fc
      .tuple(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(0x80, 0x80, 0x81, 0x00))
      .map(([c, delta, marker]) => {
        const zeros = Math.max(0, padme(c.length + 1) - c.length - 1 + delta);
        const out = new Uint8Array(c.length + 1 + zeros);
        out.set(c);
        out[c.length] = marker;
        return out;
      });
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), nearlyValid), (x) => {
        const code = codeOf(() => unpad(x));
        if (code === 'no error') {
          accepted++;
          expect(bytesEqual(pad(unpad(x)), x)).toBe(true);
        } else {
          rejected++;
          expect(code).toBe('BAD_PADDING');
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(20); // both branches of the law were exercised
    expect(rejected).toBeGreaterThan(20);
  });

  test('malformed padding is BAD_PADDING: no marker, wrong marker, too few or too many zeros', () => {
    const good = pad(new Uint8Array(100).fill(7)); // 101 → Padmé 104: marker at 100, 3 zeros
    expect(good.length).toBe(104);
    const noMarker = good.slice();
    noMarker[100] = 0;
    const wrongMarker = good.slice();
    wrongMarker[100] = 0x81;
    const tooLong = new Uint8Array(112); // 112 = Padmé(112) but not Padmé(101)
    tooLong.set(good);
    const tooShort = good.subarray(0, 103);
    const cases = [new Uint8Array(0), new Uint8Array(64), noMarker, wrongMarker, tooLong, tooShort];
    expect(cases.map((c) => codeOf(() => unpad(c)))).toEqual(Array(6).fill('BAD_PADDING'));
    expect(codeOf(() => unpad(good))).toBe('no error');
  });
});
