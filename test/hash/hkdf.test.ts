import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hkdf, hkdfExpand, hkdfExtract } from '../../src/hash/hkdf.ts';
import { hmac, type HashName } from '../../src/hash/hmac.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

const HASHES: [HashName, number][] = [
  ['sha256', 32],
  ['sha512', 64],
];
const bytesArb = fc.uint8Array({ maxLength: 100 });

describe('RFC 5869 §2.2–2.3 — HKDF', () => {
  test('RFC 5869 Appendix A.1 (Test Case 1)', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = fromHex('000102030405060708090a0b0c');
    const info = fromHex('f0f1f2f3f4f5f6f7f8f9');
    const prk = hkdfExtract('sha256', salt, ikm);
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(hkdfExpand('sha256', prk, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  test.each(HASHES)('%s: L ≤ 255·HashLen is enforced with BAD_PARAMS', (hash, hashLen) => {
    const prk = new Uint8Array(hashLen).fill(1);
    expect(hkdfExpand(hash, prk, new Uint8Array(0), 255 * hashLen).length).toBe(255 * hashLen);
    for (const L of [255 * hashLen + 1, 1e6, -1, 1.5, NaN]) {
      expect(() => hkdfExpand(hash, prk, new Uint8Array(0), L)).toThrow(
        expect.objectContaining({ code: 'BAD_PARAMS' }),
      );
      expect(() => hkdf(hash, prk, undefined, new Uint8Array(0), L)).toThrow(
        expect.objectContaining({ code: 'BAD_PARAMS' }),
      );
    }
    expect(hkdf(hash, prk, undefined, new Uint8Array(0), 0).length).toBe(0);
  });

  test.each(HASHES)('%s: absent, empty and HashLen-zero salts are the same (§2.2)', (hash, hashLen) => {
    const ikm = new Uint8Array([1, 2, 3]);
    const zero = hkdfExtract(hash, new Uint8Array(hashLen), ikm);
    expect(hkdfExtract(hash, undefined, ikm)).toEqual(zero);
    expect(hkdfExtract(hash, new Uint8Array(0), ikm)).toEqual(zero);
  });

  test('HKDF = Expand(Extract); T(1) = HMAC(PRK, info ‖ 0x01); longer outputs extend shorter ones', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), bytesArb, bytesArb, bytesArb, fc.nat({ max: 600 }), ([hash, hashLen], ikm, salt, info, L) => {
        const prk = hkdfExtract(hash, salt, ikm);
        const okm = hkdf(hash, ikm, salt, info, L);
        expect(okm).toEqual(hkdfExpand(hash, prk, info, L));
        const t1 = hmac(hash, prk, new Uint8Array([...info, 1]));
        expect(okm.subarray(0, Math.min(L, hashLen))).toEqual(t1.subarray(0, Math.min(L, hashLen)));
        expect(hkdfExpand(hash, prk, info, L + 5).subarray(0, L)).toEqual(okm);
      }),
      { numRuns: 60 },
    );
  });

  test('bad types throw BAD_TYPE; caller buffers are not mutated', () => {
    const u = new Uint8Array(4);
    for (const bad of [null, 'x', [1], new Uint16Array(1)]) {
      const b = bad as unknown as Uint8Array;
      for (const f of [
        () => hkdf('sha256', b, u, u, 16),
        () => hkdf('sha256', u, b, u, 16),
        () => hkdf('sha256', u, u, b, 16),
        () => hkdfExpand('sha256', b, u, 16),
        () => hkdfExpand('sha256', u, b, 16),
        () => hkdfExtract('sha256', b, u),
        () => hkdfExtract('sha256', u, b),
      ])
        expect(f).toThrow(expect.objectContaining({ code: 'BAD_TYPE' }));
    }
    fc.assert(
      fc.property(bytesArb, bytesArb, bytesArb, (ikm, salt, info) => {
        const copies = [ikm.slice(), salt.slice(), info.slice()];
        hkdf('sha512', ikm, salt, info, 100);
        expect([ikm, salt, info]).toEqual(copies);
      }),
      { numRuns: 30 },
    );
  });
});
