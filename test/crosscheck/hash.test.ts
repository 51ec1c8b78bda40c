/**
 * Differential tests of the hash area against node:crypto (OpenSSL) and @noble/hashes on random
 * inputs: lengths 0 … several blocks plus every block boundary (rate − 1, rate, rate + 1 for each
 * Keccak rate; 55/56/64 for the SHA-256 family; 111/112/128 for the SHA-512 family), random XOF
 * output lengths, random update() splits, HMAC keys around the block size and HKDF via
 * crypto.hkdfSync.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import {
  sha224 as nobleSha224,
  sha256 as nobleSha256,
  sha384 as nobleSha384,
  sha512 as nobleSha512,
  sha512_224 as nobleSha512_224,
  sha512_256 as nobleSha512_256,
} from '@noble/hashes/sha2.js';
import * as nobleSha3 from '@noble/hashes/sha3.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createSha224,
  createSha384,
  createSha512_224,
  createSha512_256,
  hkdf,
  hmac,
  sha224,
  sha256,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
  shake128,
  shake128Xof,
  shake256,
} from '../../src/hash/index.ts';

const node = (alg: string, m: Uint8Array, outputLength?: number): Uint8Array =>
  new Uint8Array(createHash(alg, outputLength === undefined ? {} : { outputLength }).update(m).digest());

/** Byte strings whose lengths hit each boundary in `boundaries` (±1) or are random up to `max`. */
function messages(boundaries: number[], max: number): fc.Arbitrary<Uint8Array> {
  const lengths = boundaries.flatMap((b) => [b - 1, b, b + 1, 2 * b - 1, 2 * b, 2 * b + 1]);
  return fc.oneof(
    fc.uint8Array({ maxLength: max }),
    fc.constantFrom(0, ...lengths).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  );
}

describe('crosscheck — SHA-3 family vs node:crypto and @noble/hashes', () => {
  const sha3s = [
    ['sha3-224', sha3_224, nobleSha3.sha3_224, 144],
    ['sha3-256', sha3_256, nobleSha3.sha3_256, 136],
    ['sha3-384', sha3_384, nobleSha3.sha3_384, 104],
    ['sha3-512', sha3_512, nobleSha3.sha3_512, 72],
  ] as const;
  for (const [name, ours, noble, rate] of sha3s)
    test(`${name} (rate ${rate})`, () => {
      fc.assert(
        fc.property(messages([rate], 4 * rate), (m) => {
          const d = ours(m);
          expect(d).toEqual(node(name, m));
          expect(d).toEqual(noble(m));
        }),
        { numRuns: 150 },
      );
    });

  const shakes = [
    ['shake128', shake128, nobleSha3.shake128, 168],
    ['shake256', shake256, nobleSha3.shake256, 136],
  ] as const;
  for (const [name, ours, noble, rate] of shakes)
    test(`${name} (rate ${rate}) with random output lengths`, () => {
      fc.assert(
        fc.property(
          messages([rate], 4 * rate),
          fc.oneof(fc.nat({ max: 3 * rate + 2 }), fc.constantFrom(rate - 1, rate, rate + 1, 2 * rate)),
          (m, outLen) => {
            const d = ours(m, outLen);
            expect(d).toEqual(node(name, m, outLen));
            expect(d).toEqual(noble(m, { dkLen: outLen }));
          },
        ),
        { numRuns: 150 },
      );
    });

  test('shake128 XOF in random squeeze chunks vs node:crypto', () => {
    fc.assert(
      fc.property(messages([168], 400), fc.array(fc.nat({ max: 400 }), { maxLength: 6 }), (m, outs) => {
        const x = shake128Xof().absorb(m);
        const parts = outs.map((n) => x.squeeze(n));
        const total = outs.reduce((a, b) => a + b, 0);
        expect(new Uint8Array(Buffer.concat(parts))).toEqual(node('shake128', m, total));
      }),
      { numRuns: 100 },
    );
  });
});

describe('crosscheck — SHA-2, HMAC, HKDF vs node:crypto and @noble/hashes', () => {
  test('sha256 (55/56/64 boundaries)', () => {
    fc.assert(
      fc.property(messages([55, 56, 64], 400), (m) => {
        const d = sha256(m);
        expect(d).toEqual(node('sha256', m));
        expect(d).toEqual(nobleSha256(m));
      }),
      { numRuns: 200 },
    );
  });

  test('sha512 (111/112/128 boundaries)', () => {
    fc.assert(
      fc.property(messages([111, 112, 128], 600), (m) => {
        const d = sha512(m);
        expect(d).toEqual(node('sha512', m));
        expect(d).toEqual(nobleSha512(m));
      }),
      { numRuns: 200 },
    );
  });

  const truncated = [
    ['sha224', sha224, createSha224, nobleSha224, 64],
    ['sha384', sha384, createSha384, nobleSha384, 128],
    ['sha512-224', sha512_224, createSha512_224, nobleSha512_224, 128],
    ['sha512-256', sha512_256, createSha512_256, nobleSha512_256, 128],
  ] as const;
  for (const [name, ours, create, noble, block] of truncated)
    test(`${name} one-shot and incremental (${block - 9}/${block - 8}/${block} boundaries)`, () => {
      fc.assert(
        fc.property(
          messages([block - 9, block - 8, block], 5 * block),
          fc.array(fc.nat({ max: 5 * block }), { maxLength: 4 }),
          (m, cuts) => {
            const d = ours(m);
            expect(d).toEqual(node(name, m));
            expect(d).toEqual(noble(m));
            const h = create();
            let prev = 0;
            for (const c of [...cuts.map((x) => x % (m.length + 1)).sort((a, b) => a - b), m.length]) {
              h.update(m.subarray(prev, c));
              prev = c;
            }
            expect(h.digest()).toEqual(d);
          },
        ),
        { numRuns: 150 },
      );
    });

  test('hmac sha256/sha512 with keys around the block size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256', 'sha512'),
        messages([64, 128], 300),
        messages([64, 128], 300),
        (hash, key, m) => {
          const mac = hmac(hash, key, m);
          expect(mac).toEqual(new Uint8Array(createHmac(hash, key).update(m).digest()));
          expect(mac).toEqual(nobleHmac(hash === 'sha256' ? nobleSha256 : nobleSha512, key, m));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('hkdf sha256/sha512 vs crypto.hkdfSync and noble', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256', 'sha512'),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 150 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat({ max: 1000 }),
        (hash, ikm, salt, info, L) => {
          const okm = hkdf(hash, ikm, salt, info, L);
          expect(okm).toEqual(new Uint8Array(hkdfSync(hash, ikm, salt, info, L)));
          const nh = hash === 'sha256' ? nobleSha256 : nobleSha512;
          expect(okm).toEqual(nobleHkdf(nh, ikm, salt, info, L));
        },
      ),
      { numRuns: 150 },
    );
  });
});
