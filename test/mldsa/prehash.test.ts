import fc from 'fast-check';
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { sha224, sha384, sha512_224, sha512_256 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import { hashSign, hashVerify, PRE_HASHES } from '../../src/mldsa/prehash.ts';
import { mldsa44, mldsa65, mldsa87 } from '../../src/mldsa/index.ts';
import { codeOf } from '../helpers/error-code.ts';


describe('FIPS 204 Alg 4/5 — HashML-DSA', () => {
  const p = mldsa44.params;
  const { publicKey, secretKey } = mldsa44.keygen(new Uint8Array(32).fill(6));
  const msg = Uint8Array.of(1, 2, 3, 4);
  const names = Object.keys(PRE_HASHES);

  test('12 pre-hashes supported; each signature verifies only under its own hash and context', () => {
    expect(names.sort()).toEqual([
      'SHA2-224',
      'SHA2-256',
      'SHA2-384',
      'SHA2-512',
      'SHA2-512/224',
      'SHA2-512/256',
      'SHA3-224',
      'SHA3-256',
      'SHA3-384',
      'SHA3-512',
      'SHAKE-128',
      'SHAKE-256',
    ]);
    const ctx = Uint8Array.of(9);
    for (const name of names) {
      const sig = hashSign(p, secretKey, msg, name, { context: ctx, deterministic: true });
      expect(hashVerify(p, publicKey, msg, sig, name, { context: ctx })).toBe(true);
      expect(hashVerify(p, publicKey, msg, sig, name)).toBe(false);
      expect(hashVerify(p, publicKey, Uint8Array.of(1, 2, 3), sig, name, { context: ctx })).toBe(false);
      for (const other of names)
        if (other !== name)
          expect(hashVerify(p, publicKey, msg, sig, other, { context: ctx })).toBe(false);
    }
  });

  test('unsupported hashes and long contexts are rejected; wrong lengths verify false', () => {
    expect(codeOf(() => hashSign(p, secretKey, msg, 'SHA2-512/384'))).toBe('BAD_PARAMS');
    expect(codeOf(() => hashSign(p, secretKey, msg, 'SHA-1'))).toBe('BAD_PARAMS');
    expect(codeOf(() => hashSign(p, secretKey, msg, 'toString'))).toBe('BAD_PARAMS');
    expect(codeOf(() => hashVerify(p, publicKey, msg, new Uint8Array(p.sigBytes), 'MD5'))).toBe(
      'BAD_PARAMS',
    );
    const long = new Uint8Array(256);
    const withLong = { context: long };
    expect(codeOf(() => hashSign(p, secretKey, msg, 'SHA2-256', withLong))).toBe('BAD_PARAMS');
    const sig = hashSign(p, secretKey, msg, 'SHA2-256');
    expect(hashVerify(p, publicKey, msg, sig, 'SHA2-256', { context: long })).toBe(false);
    expect(hashVerify(p, publicKey, msg, sig.subarray(1), 'SHA2-256')).toBe(false);
    expect(codeOf(() => hashSign(mldsa87.params, secretKey, msg, 'SHA2-256'))).toBe('BAD_LENGTH');
  });

  // DER OIDs of the NIST hashAlgs arc 2.16.840.1.101.3.4.2 (NIST Computer Security Objects
  // Register): .2 SHA-384, .4 SHA-224, .5 SHA-512/224, .6 SHA-512/256.
  const NEW = [
    ['SHA2-224', 0x04, sha224],
    ['SHA2-384', 0x02, sha384],
    ['SHA2-512/224', 0x05, sha512_224],
    ['SHA2-512/256', 0x06, sha512_256],
  ] as const;
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

  test('SHA-2 truncated pre-hashes equal noble Sign_internal on M′ = 1 ‖ |ctx| ‖ ctx ‖ OID ‖ PH(M)', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 255 }),
        bytes(32),
        fc.constantFrom(0, 1, 2, 3),
        (m, ctx, rnd, i) => {
          const [name, oidLast, ph] = NEW[i];
          const oid = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, oidLast];
          const mPrime = Uint8Array.from([1, ctx.length, ...ctx, ...oid, ...ph(m)]);
          const sig = hashSign(p, secretKey, m, name, { context: ctx, random: rnd });
          expect(sig).toEqual(ml_dsa44.internal.sign(mPrime, secretKey, { extraEntropy: rnd }));
          expect(hashVerify(p, publicKey, m, sig, name, { context: ctx })).toBe(true);
          runs++;
        },
      ),
      { numRuns: 8 },
    );
    expect(runs).toBe(8);
  });

  // noble's prehash() refuses pre-hashes weaker than the set's collision strength (its policy,
  // not FIPS 204's): SHA-224 and SHA-512/224 never, SHA-512/256 only for ML-DSA-44.
  test('SHA2-384 / SHA2-512/256 equal noble prehash signatures (ML-DSA-44, ML-DSA-65)', () => {
    const k65 = mldsa65.keygen(new Uint8Array(32).fill(7));
    const cases = [
      [mldsa44.params, secretKey, ml_dsa44, 'SHA2-384', sha384],
      [mldsa44.params, secretKey, ml_dsa44, 'SHA2-512/256', sha512_256],
      [mldsa65.params, k65.secretKey, ml_dsa65, 'SHA2-384', sha384],
    ] as const;
    for (const [params, sk, noble, name, hash] of cases) {
      const m = Uint8Array.of(5, 6, 7);
      const ctx = Uint8Array.of(1, 2);
      const rnd = new Uint8Array(32).fill(3);
      const sig = hashSign(params, sk, m, name, { context: ctx, random: rnd });
      expect([name, sig]).toEqual([
        name,
        noble.prehash(hash).sign(m, sk, { context: ctx, extraEntropy: rnd }),
      ]);
    }
  });
});
