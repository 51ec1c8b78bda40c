import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { xchacha20poly1305 } from '../../src/aead/xchacha20poly1305.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { refHchacha20 } from '../reference/chacha20.ts';
import { refAeadSeal } from '../reference/poly1305.ts';

const { seal, open } = xchacha20poly1305;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const KEY = bytes(32, 1);
const NONCE = bytes(24, 2);

function errorOf(f: () => unknown): CryptoError {
  try {
    f();
  } catch (e) {
    if (e instanceof CryptoError) return e;
    throw e;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

/** draft-irtf-cfrg-xchacha-03 §2.3, from the reference parts: HChaCha20 subkey, then §2.8. */
function refXSeal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array {
  const subkey = refHchacha20(key, nonce.subarray(0, 16));
  const nonce12 = new Uint8Array(12);
  nonce12.set(nonce.subarray(16), 4);
  return refAeadSeal(subkey, nonce12, pt, aad);
}

describe('draft-irtf-cfrg-xchacha-03 §2.3 — AEAD_XChaCha20_Poly1305', () => {
  test('seal agrees with HChaCha20 + RFC 8439 §2.8 (reference parts); open round-trips', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        (key, nonce, pt, aad) => {
          const sealed = seal(key, nonce, pt, aad);
          expect(toHex(sealed)).toBe(toHex(refXSeal(key, nonce, pt, aad)));
          expect(toHex(open(key, nonce, sealed, aad))).toBe(toHex(pt));
        },
      ),
      { numRuns: 80 },
    );
  });

  test('any single flipped bit of nonce, aad, ciphertext or tag is rejected: AUTH_FAILED', () => {
    const pt = bytes(33, 4);
    const aad = bytes(7, 5);
    const sealed = seal(KEY, NONCE, pt, aad);
    let rejected = 0;
    const flip = (b: Uint8Array, bit: number): Uint8Array => {
      const c = b.slice();
      c[bit >> 3] ^= 1 << (bit & 7);
      return c;
    };
    const expectRejected = (n: Uint8Array, s: Uint8Array, a: Uint8Array): void => {
      expect(errorOf(() => open(KEY, n, s, a)).code).toBe('AUTH_FAILED');
      rejected++;
    };
    for (let bit = 0; bit < sealed.length * 8; bit++) expectRejected(NONCE, flip(sealed, bit), aad);
    for (let bit = 0; bit < aad.length * 8; bit++) expectRejected(NONCE, sealed, flip(aad, bit));
    for (let bit = 0; bit < NONCE.length * 8; bit++) expectRejected(flip(NONCE, bit), sealed, aad);
    expect(rejected).toBe((49 + 7 + 24) * 8);
  });

  test('never mutates caller buffers', () => {
    const pt = bytes(70, 6);
    const aad = bytes(9, 7);
    const before = [KEY, NONCE, pt, aad].map(toHex);
    const sealed = seal(KEY, NONCE, pt, aad);
    const sealedHex = toHex(sealed);
    open(KEY, NONCE, sealed, aad);
    const bad = sealed.slice();
    bad[bad.length - 1] ^= 0x80;
    expect(() => open(KEY, NONCE, bad, aad)).toThrow(CryptoError);
    expect([KEY, NONCE, pt, aad].map(toHex)).toEqual(before);
    expect(toHex(sealed)).toBe(sealedHex);
  });

  test('bad inputs throw typed errors', () => {
    const pt = bytes(10, 1);
    const sealed = seal(KEY, NONCE, pt);
    for (const len of [0, 12, 16, 23, 25, 32]) {
      expect(errorOf(() => seal(KEY, new Uint8Array(len), pt)).code).toBe('BAD_LENGTH');
      expect(errorOf(() => open(KEY, new Uint8Array(len), sealed)).code).toBe('BAD_LENGTH');
    }
    for (const len of [16, 31, 33])
      expect(errorOf(() => seal(new Uint8Array(len), NONCE, pt)).code).toBe('BAD_LENGTH');
    expect(errorOf(() => open(KEY, NONCE, new Uint8Array(15))).code).toBe('BAD_LENGTH');
    const notBytes = [null, 'abc', [1, 2, 3]] as unknown as Uint8Array[];
    for (const v of notBytes) {
      expect(errorOf(() => seal(v, NONCE, pt)).code).toBe('BAD_TYPE');
      expect(errorOf(() => seal(KEY, v, pt)).code).toBe('BAD_TYPE');
      expect(errorOf(() => seal(KEY, NONCE, v)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(KEY, NONCE, v)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(KEY, NONCE, sealed, v)).code).toBe('BAD_TYPE');
    }
    expect(xchacha20poly1305.nonceLength).toBe(24);
  });
});
