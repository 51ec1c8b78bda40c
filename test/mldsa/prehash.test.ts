import { describe, expect, test } from 'vitest';
import { hashSign, hashVerify, PRE_HASHES } from '../../src/mldsa/prehash.ts';
import { mldsa44, mldsa87 } from '../../src/mldsa/index.ts';
import { CryptoError } from '../../src/util/errors.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError) return e.code;
    throw e;
  }
  return undefined;
};

describe('FIPS 204 Alg 4/5 — HashML-DSA', () => {
  const p = mldsa44.params;
  const { publicKey, secretKey } = mldsa44.keygen(new Uint8Array(32).fill(6));
  const msg = Uint8Array.of(1, 2, 3, 4);
  const names = Object.keys(PRE_HASHES);

  test('8 pre-hashes supported; each signature verifies only under its own hash and context', () => {
    expect(names.sort()).toEqual([
      'SHA2-256',
      'SHA2-512',
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
    expect(code(() => hashSign(p, secretKey, msg, 'SHA2-384'))).toBe('BAD_PARAMS');
    expect(code(() => hashSign(p, secretKey, msg, 'toString'))).toBe('BAD_PARAMS');
    expect(code(() => hashVerify(p, publicKey, msg, new Uint8Array(p.sigBytes), 'MD5'))).toBe(
      'BAD_PARAMS',
    );
    const long = new Uint8Array(256);
    const withLong = { context: long };
    expect(code(() => hashSign(p, secretKey, msg, 'SHA2-256', withLong))).toBe('BAD_PARAMS');
    const sig = hashSign(p, secretKey, msg, 'SHA2-256');
    expect(hashVerify(p, publicKey, msg, sig, 'SHA2-256', { context: long })).toBe(false);
    expect(hashVerify(p, publicKey, msg, sig.subarray(1), 'SHA2-256')).toBe(false);
    expect(code(() => hashSign(mldsa87.params, secretKey, msg, 'SHA2-256'))).toBe('BAD_LENGTH');
  });
});
