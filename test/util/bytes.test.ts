import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { concatBytes, expectLength, fromHex, toHex } from '../../src/util/bytes.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { defaultRandom } from '../../src/util/random.ts';

describe('util/bytes', () => {
  test('hex round-trips', () => {
    fc.assert(fc.property(fc.uint8Array(), (a) => {
      expect(fromHex(toHex(a))).toEqual(a);
    }));
    expect(() => fromHex('abc')).toThrow(CryptoError);
    expect(() => fromHex('zz')).toThrow(CryptoError);
  });

  test('concatBytes', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });

  test('expectLength rejects wrong types and lengths with typed errors', () => {
    expect(() => expectLength(new Uint8Array(3), 4, 'key')).toThrow(/key: expected 4 bytes, got 3/);
    expect(() => expectLength('abcd', 4, 'key')).toThrow(/expected Uint8Array, got string/);
    try {
      expectLength([1, 2, 3, 4], 4, 'key');
    } catch (e) {
      expect((e as CryptoError).code).toBe('BAD_TYPE');
    }
  });

  test('defaultRandom returns fresh bytes of the requested length, beyond the 64 KiB quota', () => {
    expect(defaultRandom(0).length).toBe(0);
    const big = defaultRandom(200_000);
    expect(big.length).toBe(200_000);
    expect(big.some((x) => x !== 0)).toBe(true);
    expect(toHex(defaultRandom(32))).not.toBe(toHex(defaultRandom(32)));
  });
});
