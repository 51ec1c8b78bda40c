/**
 * Differential tests of the aead area against the peers (devDependencies only): @noble/ciphers
 * (chacha20poly1305, xchacha20poly1305, chacha20, poly1305), node:crypto (OpenSSL
 * 'chacha20-poly1305') and tweetnacl's lowlevel crypto_onetimeauth (Poly1305), on random keys,
 * nonces, AAD and lengths 0 … 5 blocks, including every 16- and 64-byte boundary.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import {
  chacha20 as nobleChacha20,
  chacha20poly1305 as nobleChaCha,
  xchacha20poly1305 as nobleXChaCha,
} from '@noble/ciphers/chacha.js';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, test } from 'vitest';
import { chacha20, chacha20poly1305, poly1305, xchacha20poly1305 } from '../../src/aead/index.ts';
import { CryptoError } from '../../src/util/errors.ts';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Lengths 0 … 5·64 + 1, biased towards the values next to every 16-byte boundary. */
const length = fc.oneof(
  fc.integer({ min: 0, max: 321 }),
  fc
    .integer({ min: 0, max: 20 })
    .chain((k) => fc.constantFrom(16 * k - 1, 16 * k, 16 * k + 1).filter((n) => n >= 0)),
);
const bytesOf = (n: fc.Arbitrary<number>): fc.Arbitrary<Uint8Array> =>
  n.chain((len) => fc.uint8Array({ minLength: len, maxLength: len }));
const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce12 = fc.uint8Array({ minLength: 12, maxLength: 12 });
const nonce24 = fc.uint8Array({ minLength: 24, maxLength: 24 });
const aadArb = bytesOf(fc.integer({ min: 0, max: 70 }));

function nodeSeal(k: Uint8Array, n: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', k, n, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function nodeOpen(k: Uint8Array, n: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const d = createDecipheriv('chacha20-poly1305', k, n, { authTagLength: 16 });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  d.setAAD(aad, { plaintextLength: sealed.length - 16 });
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}

function authFailed(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    return e instanceof CryptoError && e.code === 'AUTH_FAILED';
  }
  return false;
}

function rejects(f: () => unknown): boolean {
  try {
    f();
  } catch {
    return true;
  }
  return false;
}

describe('crosscheck — ChaCha20-Poly1305 (RFC 8439 §2.8) vs @noble/ciphers and node:crypto', () => {
  test('seal equal, open round-trips both ways, any flipped bit rejected by all', () => {
    fc.assert(
      fc.property(key, nonce12, bytesOf(length), aadArb, fc.nat(), (k, n, pt, aad, bitSeed) => {
        const ours = chacha20poly1305.seal(k, n, pt, aad);
        expect(toHex(ours)).toBe(toHex(nobleChaCha(k, n, aad).encrypt(pt)));
        expect(toHex(ours)).toBe(toHex(nodeSeal(k, n, pt, aad)));
        expect(toHex(chacha20poly1305.open(k, n, nodeSeal(k, n, pt, aad), aad))).toBe(toHex(pt));
        expect(toHex(nobleChaCha(k, n, aad).decrypt(ours))).toBe(toHex(pt));
        expect(toHex(nodeOpen(k, n, ours, aad))).toBe(toHex(pt));
        const bit = bitSeed % (ours.length * 8);
        const bad = ours.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        expect(authFailed(() => chacha20poly1305.open(k, n, bad, aad))).toBe(true);
        expect(rejects(() => nobleChaCha(k, n, aad).decrypt(bad))).toBe(true);
        expect(rejects(() => nodeOpen(k, n, bad, aad))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('crosscheck — every length 0 … 320 and one large message', () => {
  const k = Uint8Array.from({ length: 32 }, (_, i) => 3 * i + 1);
  const n12 = Uint8Array.from({ length: 12 }, (_, i) => 5 * i + 2);
  const n24 = Uint8Array.from({ length: 24 }, (_, i) => 7 * i + 3);
  const aad = Uint8Array.from({ length: 21 }, (_, i) => i);

  test('seal equals @noble/ciphers and node:crypto at every length up to five blocks', () => {
    let checked = 0;
    for (let len = 0; len <= 320; len++) {
      const pt = Uint8Array.from({ length: len }, (_, i) => (i * 13 + len) & 0xff);
      const ad = aad.subarray(0, len % 22);
      const ours = chacha20poly1305.seal(k, n12, pt, ad);
      expect(toHex(ours)).toBe(toHex(nobleChaCha(k, n12, ad).encrypt(pt)));
      expect(toHex(ours)).toBe(toHex(nodeSeal(k, n12, pt, ad)));
      expect(toHex(xchacha20poly1305.seal(k, n24, pt, ad))).toBe(
        toHex(nobleXChaCha(k, n24, ad).encrypt(pt)),
      );
      expect(toHex(poly1305(k, pt))).toBe(toHex(noblePoly1305(pt, k)));
      checked++;
    }
    expect(checked).toBe(321);
  });

  test('a 1 MiB + 7 byte message seals like node:crypto and opens', () => {
    const pt = new Uint8Array((1 << 20) + 7);
    for (let i = 0; i < pt.length; i++) pt[i] = (i * 2654435761) >>> 24;
    const ours = chacha20poly1305.seal(k, n12, pt, aad);
    const theirs = nodeSeal(k, n12, pt, aad);
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    expect(Buffer.from(chacha20poly1305.open(k, n12, theirs, aad)).equals(Buffer.from(pt))).toBe(
      true,
    );
  });
});

describe('crosscheck — XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) vs @noble/ciphers', () => {
  test('seal equal, open round-trips, any flipped bit rejected', () => {
    fc.assert(
      fc.property(key, nonce24, bytesOf(length), aadArb, fc.nat(), (k, n, pt, aad, bitSeed) => {
        const ours = xchacha20poly1305.seal(k, n, pt, aad);
        expect(toHex(ours)).toBe(toHex(nobleXChaCha(k, n, aad).encrypt(pt)));
        expect(toHex(xchacha20poly1305.open(k, n, ours, aad))).toBe(toHex(pt));
        const bit = bitSeed % (ours.length * 8);
        const bad = ours.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        expect(authFailed(() => xchacha20poly1305.open(k, n, bad, aad))).toBe(true);
        expect(rejects(() => nobleXChaCha(k, n, aad).decrypt(bad))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('crosscheck — ChaCha20 (§2.4) and Poly1305 (§2.5) building blocks', () => {
  test('ChaCha20 equals @noble/ciphers chacha20 (RFC 8439 variant) for any counter', () => {
    fc.assert(
      fc.property(
        key,
        nonce12,
        bytesOf(length),
        fc.integer({ min: 0, max: 2 ** 32 - 6 }),
        (k, n, data, counter) => {
          expect(toHex(chacha20(k, n, counter, data))).toBe(
            toHex(nobleChacha20(k, n, data, undefined, counter)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  test('Poly1305 equals @noble/ciphers poly1305 and tweetnacl crypto_onetimeauth', () => {
    type Lowlevel = { crypto_onetimeauth: (...a: unknown[]) => number };
    const lowlevel = (nacl as unknown as { lowlevel: Lowlevel }).lowlevel;
    fc.assert(
      fc.property(key, bytesOf(length), (k, msg) => {
        const ours = toHex(poly1305(k, msg));
        expect(ours).toBe(toHex(noblePoly1305(msg, k)));
        const tag = new Uint8Array(16);
        lowlevel.crypto_onetimeauth(tag, 0, msg, 0, msg.length, k);
        expect(ours).toBe(toHex(tag));
      }),
      { numRuns: 200 },
    );
  });
});

describe('crosscheck — long run (SLOW=1)', () => {
  // 30,000 cases up to 4 KiB take about half a minute on two shared cores: not in `npm test`.
  const skipSlow = process.env.SLOW !== '1';
  test.skipIf(skipSlow)('ChaCha20-Poly1305 and XChaCha20-Poly1305 vs noble, 30,000 cases', () => {
    fc.assert(
      fc.property(
        key,
        nonce24,
        bytesOf(fc.integer({ min: 0, max: 4096 })),
        aadArb,
        (k, n, pt, aad) => {
          const n12 = n.subarray(0, 12);
          expect(toHex(chacha20poly1305.seal(k, n12, pt, aad))).toBe(
            toHex(nobleChaCha(k, n12, aad).encrypt(pt)),
          );
          expect(toHex(xchacha20poly1305.seal(k, n, pt, aad))).toBe(
            toHex(nobleXChaCha(k, n, aad).encrypt(pt)),
          );
        },
      ),
      { numRuns: 30_000 },
    );
  });
});
