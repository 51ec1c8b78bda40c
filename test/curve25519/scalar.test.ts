import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { L, scIsCanonical, scMulAdd, scReduce } from '../../src/curve25519/scalar.ts';

function bytesOf(v: bigint, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

function valueOf(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

const MAX512 = 2n ** 512n - 1n;
const MAX256 = 2n ** 256n - 1n;
const wide = fc.oneof(
  fc.constantFrom(0n, 1n, L - 1n, L, L + 1n, 2n * L, 2n ** 252n, 2n ** 252n - 1n, L * L, MAX512),
  fc.constantFrom(2n ** 253n - 1n, (2n ** 253n - 1n) * L, MAX512 - L, 2n ** 511n),
  fc.bigInt({ min: 0n, max: MAX512 }),
);
const narrow = fc.oneof(
  fc.constantFrom(0n, 1n, L - 1n, L, 2n ** 255n - 1n, MAX256, 2n ** 252n),
  fc.bigInt({ min: 0n, max: MAX256 }),
);

describe('RFC 8032 §5.1 — scalars modulo L (limb form agrees with bigint)', () => {
  test('L is 2^252 + 27742317777372353535851937790883648493', () => {
    expect(L).toBe(2n ** 252n + 27742317777372353535851937790883648493n);
  });

  test('scReduce(64 bytes) = x mod L, canonical, on random and edge inputs', () => {
    fc.assert(
      fc.property(wide, (x) => {
        const out = scReduce(bytesOf(x, 64));
        expect(out.length).toBe(32);
        expect(valueOf(out)).toBe(x % L);
      }),
      { numRuns: 1000 },
    );
  });

  test('scReduce on every value near the fold boundaries c·2^252 ± small', () => {
    for (let c = 0n; c < 40n; c++)
      for (const d of [-2n, -1n, 0n, 1n, 2n]) {
        const x = c * 2n ** 252n + d * L + d;
        if (x < 0n) continue;
        expect(valueOf(scReduce(bytesOf(x, 64)))).toBe(x % L);
      }
  });

  test('scMulAdd(a, b, c) = (a·b + c) mod L for 32-byte inputs up to 2^256 − 1', () => {
    fc.assert(
      fc.property(narrow, narrow, narrow, (a, b, c) => {
        const out = scMulAdd(bytesOf(a, 32), bytesOf(b, 32), bytesOf(c, 32));
        expect(valueOf(out)).toBe((a * b + c) % L);
      }),
      { numRuns: 1000 },
    );
  });

  test('inputs are not mutated', () => {
    const a = bytesOf(MAX256, 32);
    const w = bytesOf(MAX512, 64);
    scMulAdd(a, a, a);
    scReduce(w);
    expect(valueOf(a)).toBe(MAX256);
    expect(valueOf(w)).toBe(MAX512);
  });

  test('scIsCanonical: S < L (RFC 8032 §5.1.7 step 1)', () => {
    fc.assert(
      fc.property(narrow, (s) => {
        expect(scIsCanonical(bytesOf(s, 32))).toBe(s < L);
      }),
    );
    expect(scIsCanonical(bytesOf(L - 1n, 32))).toBe(true);
    expect(scIsCanonical(bytesOf(L, 32))).toBe(false);
  });
});
