import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { x25519 } from '../../src/curve25519/index.ts';
import { P, x25519Reference } from '../../src/curve25519/reference.ts';
import { BASE_U, decodeScalar25519, scalarMult } from '../../src/curve25519/x25519.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function bytesOf(v: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}


describe('RFC 7748 §5 — X25519 function (limb ladder vs bigint reference)', () => {
  test('RFC 7748 §5.2 first test vector (quoted)', () => {
    const k = fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4');
    const u = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c');
    const out = 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552';
    expect(toHex(scalarMult(k, u))).toBe(out);
    expect(toHex(x25519Reference(k, u))).toBe(out);
  });

  test('agrees with the reference model on random k and u (incl. bit 255 set, u ≥ p)', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (k, u) => {
        expect(toHex(scalarMult(k, u))).toBe(toHex(x25519Reference(k, u)));
      }),
      { numRuns: 40 },
    );
    const k = new Uint8Array(32).fill(0xff);
    for (const u of [P, P + 1n, P + 9n, 2n ** 255n - 1n, 2n ** 256n - 1n, P - 1n])
      expect(toHex(scalarMult(k, bytesOf(u)))).toBe(toHex(x25519Reference(k, bytesOf(u))));
  });

  test('decodeScalar25519 clamps a copy', () => {
    const k = new Uint8Array(32).fill(0xff);
    const c = decodeScalar25519(k);
    expect(c[0]).toBe(248);
    expect(c[31]).toBe(127);
    expect(k[0]).toBe(0xff);
    expect(decodeScalar25519(new Uint8Array(32))[31]).toBe(64);
  });
});

describe('RFC 7748 §6.1 — X25519 key agreement API', () => {
  test('keygen(seed) is deterministic, getPublicKey agrees, both sides share a secret', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (sa, sb) => {
        const a = x25519.keygen(sa);
        const b = x25519.keygen(sb);
        expect(a.secretKey).toEqual(sa);
        expect(a.publicKey).toEqual(x25519.getPublicKey(sa));
        expect(a.publicKey).toEqual(scalarMult(sa, BASE_U));
        expect(x25519.getSharedSecret(a.secretKey, b.publicKey)).toEqual(
          x25519.getSharedSecret(b.secretKey, a.publicKey),
        );
      }),
      { numRuns: 15 },
    );
  });

  test('keygen() draws a fresh random seed', () => {
    const a = x25519.keygen();
    const b = x25519.keygen();
    expect(a.secretKey.length).toBe(32);
    expect(toHex(a.secretKey)).not.toBe(toHex(b.secretKey));
  });

  test('all-zero shared secret is rejected with LOW_ORDER (u = 0, 1, p, p + 1, −1)', () => {
    const sk = x25519.keygen(new Uint8Array(32).fill(7)).secretKey;
    for (const u of [0n, 1n, P, P + 1n, P - 1n]) {
      expect(codeOf(() => x25519.getSharedSecret(sk, bytesOf(u)))).toBe('LOW_ORDER');
    }
  });

  test('bad lengths and types throw BAD_LENGTH / BAD_TYPE', () => {
    const ok = new Uint8Array(32).fill(1);
    for (const n of [0, 31, 33, 64]) {
      expect(codeOf(() => x25519.getSharedSecret(new Uint8Array(n), ok))).toBe('BAD_LENGTH');
      expect(codeOf(() => x25519.getSharedSecret(ok, new Uint8Array(n)))).toBe('BAD_LENGTH');
      expect(codeOf(() => x25519.getPublicKey(new Uint8Array(n)))).toBe('BAD_LENGTH');
      expect(codeOf(() => x25519.keygen(new Uint8Array(n)))).toBe('BAD_LENGTH');
    }
    const notBytes = [undefined, null, 'x'.repeat(32), Array(32).fill(0), new Uint16Array(32)];
    for (const bad of notBytes) {
      const b = bad as unknown as Uint8Array;
      expect(codeOf(() => x25519.getSharedSecret(b, ok))).toBe('BAD_TYPE');
      expect(codeOf(() => x25519.getSharedSecret(ok, b))).toBe('BAD_TYPE');
      expect(codeOf(() => x25519.getPublicKey(b))).toBe('BAD_TYPE');
    }
  });

  test('inputs are never mutated', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (sk, pk) => {
        const [skCopy, pkCopy] = [sk.slice(), pk.slice()];
        try {
          x25519.getSharedSecret(sk, pk);
        } catch (e) {
          expect((e as CryptoError).code).toBe('LOW_ORDER');
        }
        x25519.getPublicKey(sk);
        x25519.keygen(sk);
        expect(sk).toEqual(skCopy);
        expect(pk).toEqual(pkCopy);
      }),
      { numRuns: 10 },
    );
  });
});
