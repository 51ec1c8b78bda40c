import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHmac, hashLength, hmac, type HashName } from '../../src/hash/hmac.ts';
import { sha256 } from '../../src/hash/sha256.ts';
import { sha512 } from '../../src/hash/sha512.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

const HASHES: HashName[] = ['sha256', 'sha512'];

describe('RFC 2104 §2 — HMAC-SHA-256/512', () => {
  test('RFC 4231 §4.2 (Test Case 1), HMAC-SHA-256', () => {
    const key = new Uint8Array(20).fill(0x0b);
    const data = new TextEncoder().encode('Hi There');
    expect(toHex(hmac('sha256', key, data))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });

  test('keys longer than the block are replaced by H(K) (RFC 2104 §2)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 129, maxLength: 300 }), fc.uint8Array({ maxLength: 100 }), (key, msg) => {
        expect(hmac('sha256', key, msg)).toEqual(hmac('sha256', sha256(key), msg));
        expect(hmac('sha512', key, msg)).toEqual(hmac('sha512', sha512(key), msg));
      }),
      { numRuns: 30 },
    );
  });

  test('keys up to the block length are zero-padded: K and K ‖ 0 give the same MAC', () => {
    const key = fromHex('0102030405');
    const padded = new Uint8Array(64);
    padded.set(key);
    const msg = new Uint8Array([9, 9, 9]);
    expect(hmac('sha256', key, msg)).toEqual(hmac('sha256', padded, msg));
  });

  test('incremental HMAC in any chunking equals one-shot; clone forks the text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HASHES),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat({ max: 300 }),
        (hash, key, msg, cut) => {
          const c = Math.min(cut, msg.length);
          const h = createHmac(hash, key).update(msg.subarray(0, c));
          const fork = h.clone();
          h.update(msg.subarray(c));
          expect(h.digest()).toEqual(hmac(hash, key, msg));
          expect(fork.digest()).toEqual(hmac(hash, key, msg.subarray(0, c)));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('reset() restarts under the same key (precomputed pads, RFC 2104 §4)', () => {
    for (const hash of HASHES) {
      const key = new Uint8Array(40).fill(7);
      const h = createHmac(hash, key).update(new Uint8Array([1, 2, 3]));
      h.digest();
      expect(h.reset().update(new Uint8Array([4])).digest()).toEqual(hmac(hash, key, new Uint8Array([4])));
      h.reset().update(new Uint8Array([5]));
      expect(h.reset().digest()).toEqual(hmac(hash, key, new Uint8Array(0)));
    }
  });

  test('output lengths; unknown hash names throw BAD_PARAMS', () => {
    expect(hmac('sha256', new Uint8Array(0), new Uint8Array(0)).length).toBe(32);
    expect(hmac('sha512', new Uint8Array(0), new Uint8Array(0)).length).toBe(64);
    expect(hashLength('sha512')).toBe(64);
    for (const bad of ['sha1', 'SHA256', 'sha3-256', undefined])
      expect(() => hmac(bad as HashName, new Uint8Array(1), new Uint8Array(1))).toThrow(
        expect.objectContaining({ code: 'BAD_PARAMS' }),
      );
  });

  test('bad key/message types throw BAD_TYPE; caller buffers are not mutated', () => {
    for (const bad of [null, 'key', [1, 2], new Int32Array(2)]) {
      expect(() => hmac('sha256', bad as unknown as Uint8Array, new Uint8Array(1))).toThrow(
        expect.objectContaining({ code: 'BAD_TYPE' }),
      );
      expect(() => hmac('sha512', new Uint8Array(1), bad as unknown as Uint8Array)).toThrow(
        expect.objectContaining({ code: 'BAD_TYPE' }),
      );
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (key, msg) => {
        const k = key.slice();
        const m = msg.slice();
        hmac('sha256', key, msg);
        hmac('sha512', key, msg);
        expect(key).toEqual(k);
        expect(msg).toEqual(m);
      }),
      { numRuns: 30 },
    );
  });
});
