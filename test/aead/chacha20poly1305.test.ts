import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  MAX_PLAINTEXT_LENGTH,
  chacha20poly1305,
  poly1305KeyGen,
} from '../../src/aead/chacha20poly1305.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { refChacha20Block } from '../reference/chacha20.ts';
import { refAeadSeal } from '../reference/poly1305.ts';

const { seal, open } = chacha20poly1305;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed) & 0xff);
const KEY = bytes(32, 1);
const NONCE = bytes(12, 2);
const BOUNDARY_LENGTHS = [
  0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257,
];

function errorOf(f: () => unknown): CryptoError {
  try {
    f();
  } catch (e) {
    if (e instanceof CryptoError) return e;
    throw e;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

describe('RFC 8439 §2.6 — Poly1305 key generation', () => {
  test('is the first 32 bytes of the block with counter 0', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        (key, nonce) => {
          expect(toHex(poly1305KeyGen(key, nonce))).toBe(
            toHex(refChacha20Block(key, 0, nonce).subarray(0, 32)),
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('RFC 8439 §2.8 — AEAD_CHACHA20_POLY1305', () => {
  test('seal agrees with the reference construction; open round-trips', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 70 }),
        (key, nonce, pt, aad) => {
          const sealed = seal(key, nonce, pt, aad);
          expect(toHex(sealed)).toBe(toHex(refAeadSeal(key, nonce, pt, aad)));
          expect(toHex(open(key, nonce, sealed, aad))).toBe(toHex(pt));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('every block boundary, with aligned and unaligned inputs', () => {
    for (const len of BOUNDARY_LENGTHS) {
      for (const aadLen of [0, 1, 16, 17]) {
        const shift = (len + aadLen) & 3;
        const pt = new Uint8Array(len + shift).fill(0x5a).subarray(shift);
        const aad = bytes(aadLen, 9);
        const sealed = seal(KEY, NONCE, pt, aad);
        expect(toHex(sealed)).toBe(toHex(refAeadSeal(KEY, NONCE, pt, aad)));
        const padded = new Uint8Array(sealed.length + 3);
        padded.set(sealed, 3);
        expect(toHex(open(KEY, NONCE, padded.subarray(3), aad))).toBe(toHex(pt));
      }
    }
  });

  test('aad defaults to empty', () => {
    const pt = bytes(50, 3);
    expect(toHex(seal(KEY, NONCE, pt))).toBe(toHex(seal(KEY, NONCE, pt, new Uint8Array(0))));
    expect(toHex(open(KEY, NONCE, seal(KEY, NONCE, pt)))).toBe(toHex(pt));
  });

  test('any single flipped bit of nonce, aad, ciphertext or tag is rejected: AUTH_FAILED', () => {
    const pt = bytes(40, 4);
    const aad = bytes(13, 5);
    const sealed = seal(KEY, NONCE, pt, aad);
    let rejected = 0;
    const expectRejected = (n: Uint8Array, s: Uint8Array, a: Uint8Array): void => {
      const e = errorOf(() => open(KEY, n, s, a));
      expect(e.code).toBe('AUTH_FAILED');
      expect(e.message).toBe('ChaCha20-Poly1305: tag mismatch (RFC 8439 §2.8)');
      rejected++;
    };
    const flip = (b: Uint8Array, bit: number): Uint8Array => {
      const c = b.slice();
      c[bit >> 3] ^= 1 << (bit & 7);
      return c;
    };
    for (let bit = 0; bit < sealed.length * 8; bit++) expectRejected(NONCE, flip(sealed, bit), aad);
    for (let bit = 0; bit < aad.length * 8; bit++) expectRejected(NONCE, sealed, flip(aad, bit));
    for (let bit = 0; bit < NONCE.length * 8; bit++) expectRejected(flip(NONCE, bit), sealed, aad);
    expectRejected(NONCE, sealed.subarray(1), aad); //              truncated
    expectRejected(NONCE, Uint8Array.of(...sealed, 0), aad); //    extended
    expectRejected(NONCE, sealed, Uint8Array.of(...aad, 0)); //    aad extended
    expect(rejected).toBe((56 + 13 + 12) * 8 + 3);
  });

  test('a ciphertext under another key is rejected', () => {
    const sealed = seal(KEY, NONCE, bytes(20, 1));
    expect(errorOf(() => open(bytes(32, 2), NONCE, sealed)).code).toBe('AUTH_FAILED');
  });

  test('never mutates caller buffers and returns fresh arrays (also when open fails)', () => {
    const pt = bytes(100, 6);
    const aad = bytes(20, 7);
    const snapshot = (): string[] => [KEY, NONCE, pt, aad].map(toHex);
    const before = snapshot();
    const sealed = seal(KEY, NONCE, pt, aad);
    const sealedCopy = toHex(sealed);
    const opened = open(KEY, NONCE, sealed, aad);
    expect(opened).not.toBe(pt);
    expect(opened.buffer).not.toBe(sealed.buffer);
    const bad = sealed.slice();
    bad[0] ^= 1;
    const badCopy = toHex(bad);
    expect(() => open(KEY, NONCE, bad, aad)).toThrow(CryptoError);
    expect(snapshot()).toEqual(before);
    expect(toHex(sealed)).toBe(sealedCopy);
    expect(toHex(bad)).toBe(badCopy);
    opened.fill(0);
    expect(toHex(pt)).toBe(before[2]);
  });

  test('accepts Node Buffers (a Uint8Array subclass) without mutating them', () => {
    const pt = Buffer.from(bytes(70, 8));
    const aad = Buffer.from(bytes(5, 9));
    const [ptHex, aadHex] = [toHex(pt), toHex(aad)];
    const sealed = seal(Buffer.from(KEY), Buffer.from(NONCE), pt, aad);
    expect(toHex(sealed)).toBe(toHex(refAeadSeal(KEY, NONCE, pt, aad)));
    const sealedBuf = Buffer.from(sealed);
    expect(toHex(open(KEY, NONCE, sealedBuf, aad))).toBe(ptHex);
    expect([toHex(pt), toHex(aad), toHex(sealedBuf)]).toEqual([ptHex, aadHex, toHex(sealed)]);
  });

  test('bad inputs throw typed errors before anything else', () => {
    const pt = bytes(10, 1);
    const sealed = seal(KEY, NONCE, pt);
    const notBytes = [null, undefined, 'abc', [1, 2, 3], new Uint16Array(16)];
    const asBytes = notBytes as unknown as Uint8Array[];
    for (const len of [0, 16, 31, 33, 64]) {
      expect(errorOf(() => seal(new Uint8Array(len), NONCE, pt)).code).toBe('BAD_LENGTH');
      expect(errorOf(() => open(new Uint8Array(len), NONCE, sealed)).code).toBe('BAD_LENGTH');
    }
    for (const len of [0, 8, 11, 13, 16, 24]) {
      expect(errorOf(() => seal(KEY, new Uint8Array(len), pt)).code).toBe('BAD_LENGTH');
      expect(errorOf(() => open(KEY, new Uint8Array(len), sealed)).code).toBe('BAD_LENGTH');
    }
    for (const v of asBytes) {
      expect(errorOf(() => seal(v, NONCE, pt)).code).toBe('BAD_TYPE');
      expect(errorOf(() => seal(KEY, v, pt)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(v, NONCE, sealed)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(KEY, v, sealed)).code).toBe('BAD_TYPE');
      if (v === undefined) continue; // an omitted aad is the empty default
      expect(errorOf(() => seal(KEY, NONCE, v)).code).toBe('BAD_TYPE');
      expect(errorOf(() => seal(KEY, NONCE, pt, v)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(KEY, NONCE, v)).code).toBe('BAD_TYPE');
      expect(errorOf(() => open(KEY, NONCE, sealed, v)).code).toBe('BAD_TYPE');
    }
    for (const len of [0, 1, 15])
      expect(errorOf(() => open(KEY, NONCE, new Uint8Array(len))).code).toBe('BAD_LENGTH');
  });

  test('states the RFC 8439 §2.8 plaintext limit: P_MAX = 274,877,906,880 bytes', () => {
    expect(MAX_PLAINTEXT_LENGTH).toBe(274_877_906_880);
    expect(chacha20poly1305.keyLength).toBe(32);
    expect(chacha20poly1305.nonceLength).toBe(12);
    expect(chacha20poly1305.tagLength).toBe(16);
  });
});
