import { describe, expect, test } from 'vitest';
import { defaultRandom } from '../../src/util/random.ts';
import { codeOf } from '../helpers/error-code.ts';

describe('defaultRandom — crypto.getRandomValues through the SP 800-90B health tests', () => {
  test('returns fresh arrays of the requested length, across the 65536-byte WebCrypto quota', () => {
    for (const n of [0, 1, 32, 65536, 65537, 200_000]) expect(defaultRandom(n)).toHaveLength(n);
    const a = defaultRandom(32);
    const b = defaultRandom(32);
    expect(a.buffer).not.toBe(b.buffer);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false); // 2⁻²⁵⁶ chance of a false failure
  });

  test('every byte passes through the health tests: 1 MiB from the OS source pass', () => {
    let total = 0;
    for (let i = 0; i < 16; i++) total += defaultRandom(65536).length;
    expect(total).toBe(1 << 20);
  });

  test('bad lengths throw BAD_PARAMS', () => {
    expect(codeOf(() => defaultRandom(-1))).toBe('BAD_PARAMS');
    expect(codeOf(() => defaultRandom(1.5))).toBe('BAD_PARAMS');
  });
});
