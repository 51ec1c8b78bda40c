/**
 * Differential tests of BLAKE2b (RFC 7693) and Argon2d/i/id (RFC 9106) against @noble/hashes and,
 * for unkeyed BLAKE2b-512, node:crypto (OpenSSL's blake2b512): every message length 0..300,
 * block boundaries, every digest length 1..64, keys of every length 0..64, random update()
 * splits; Argon2 on small random parameters (m ∈ [8p, 256] KiB, t ∈ 1..3, p ∈ 1..4, tags up to
 * 200 bytes so that H' chains), and once at ARGON2ID_DEFAULTS (64 MiB).
 */
import { createHash, getHashes } from 'node:crypto';
import * as nobleArgon2 from '@noble/hashes/argon2.js';
import { blake2b as nobleBlake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Blake2b, blake2b } from '../../src/hash/index.ts';
import { ARGON2D, ARGON2I, ARGON2ID, ARGON2ID_DEFAULTS, argon2, argon2id, type Argon2Type } from '../../src/kdf/index.ts';
import { toHex } from '../../src/util/bytes.ts';

const noble = (msg: Uint8Array, dkLen = 64, key?: Uint8Array): string =>
  toHex(nobleBlake2b(msg, { dkLen, key: key && key.length > 0 ? key : undefined }));
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed * 7 + 1) & 0xff);

describe('crosscheck — BLAKE2b vs @noble/hashes and node:crypto', () => {
  test('every length 0..300, unkeyed BLAKE2b-512 (noble and OpenSSL) and keyed (noble)', () => {
    const hasOpenssl = getHashes().includes('blake2b512');
    expect(hasOpenssl).toBe(true);
    let n = 0;
    for (let len = 0; len <= 300; len++) {
      const m = bytes(len, len);
      const ours = toHex(blake2b(m));
      expect(ours).toBe(noble(m));
      expect(ours).toBe(toHex(createHash('blake2b512').update(m).digest()));
      const key = bytes(1 + (len % 64), 3);
      expect(toHex(blake2b(m, 64, key))).toBe(noble(m, 64, key));
      n++;
    }
    expect(n).toBe(301);
  });

  test('block boundaries × every key length 0..64', () => {
    for (const len of [127, 128, 129, 255, 256, 257, 1023, 1024, 1025])
      for (let kk = 0; kk <= 64; kk++) {
        const m = bytes(len, kk);
        const key = bytes(kk, len);
        expect(toHex(blake2b(m, 64, key))).toBe(noble(m, 64, key));
      }
  });

  test('every digest length 1..64, keyed and unkeyed', () => {
    for (let nn = 1; nn <= 64; nn++) {
      const m = bytes(nn * 5, nn);
      expect(toHex(blake2b(m, nn))).toBe(noble(m, nn));
      expect(toHex(blake2b(m, nn, bytes(nn, 1)))).toBe(noble(m, nn, bytes(nn, 1)));
    }
  });

  test('random messages, keys, digest lengths and update() splits', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1200 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
        (m, key, nn, cuts) => {
          const h = new Blake2b(nn, key);
          let off = 0;
          for (const c of cuts) {
            const end = Math.min(m.length, off + c);
            h.update(m.subarray(off, end));
            off = end;
          }
          h.update(m.subarray(off));
          expect(toHex(h.digest())).toBe(noble(m, nn, key));
        },
      ),
      { numRuns: 200 },
    );
  });
});

const NOBLE_ARGON2 = {
  [ARGON2D]: nobleArgon2.argon2d,
  [ARGON2I]: nobleArgon2.argon2i,
  [ARGON2ID]: nobleArgon2.argon2id,
} as const;
const NAMES = { [ARGON2D]: 'Argon2d', [ARGON2I]: 'Argon2i', [ARGON2ID]: 'Argon2id' } as const;

describe('crosscheck — Argon2 vs @noble/hashes (small random parameters)', () => {
  const inputs = fc.record({
    p: fc.integer({ min: 1, max: 4 }),
    extraM: fc.integer({ min: 0, max: 224 }),
    t: fc.integer({ min: 1, max: 3 }),
    tagLength: fc.oneof(fc.integer({ min: 4, max: 64 }), fc.integer({ min: 65, max: 200 })),
    password: fc.uint8Array({ maxLength: 64 }),
    salt: fc.uint8Array({ minLength: 8, maxLength: 40 }),
    secret: fc.uint8Array({ maxLength: 32 }),
    ad: fc.uint8Array({ maxLength: 32 }),
  });

  for (const type of [ARGON2D, ARGON2I, ARGON2ID] as Argon2Type[]) {
    test(`${NAMES[type]}: m ∈ [8p, 256] KiB, t ∈ 1..3, p ∈ 1..4, random inputs and tag lengths`, () => {
      fc.assert(
        fc.property(inputs, ({ p, extraM, t, tagLength, password, salt, secret, ad }) => {
          const m = Math.min(256, 8 * p + extraM);
          const ours = argon2(type, password, salt, { t, m, p, tagLength }, { secret, associatedData: ad });
          const theirs = NOBLE_ARGON2[type](password, salt, { t, m, p, dkLen: tagLength, key: secret, personalization: ad });
          expect(toHex(ours)).toBe(toHex(theirs));
        }),
        { numRuns: 25 },
      );
    });
  }

  test('Argon2id at ARGON2ID_DEFAULTS (64 MiB, t = 3, p = 4), once', () => {
    const password = new TextEncoder().encode('correct horse battery staple');
    const salt = bytes(ARGON2ID_DEFAULTS.saltLength, 5);
    const ours = argon2id(password, salt, ARGON2ID_DEFAULTS);
    const theirs = nobleArgon2.argon2id(password, salt, { t: 3, m: 65536, p: 4, dkLen: 32 });
    expect(toHex(ours)).toBe(toHex(theirs));
  });
});
