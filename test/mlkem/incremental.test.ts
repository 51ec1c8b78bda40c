import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { loadVectorFile } from '../../kat/lib.ts';
import { bytesEqual, fromHex } from '../../src/util/bytes.ts';
import { ML_KEM_768 } from '../../src/mlkem/params.ts';
import {
  ct1Bytes,
  ct2Bytes,
  ekVectorBytes,
} from '../../src/mlkem/incremental.ts';
import {
  encaps1Internal,
  encaps2Internal,
  encapsInternal,
  keyGenInternal,
  splitEncapsulationKey,
} from '../../src/mlkem/testing.ts';
import { codeOf } from '../helpers/error-code.ts';

const p = ML_KEM_768;
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** c₁ ‖ c₂ and K from the two halves. */
function splitEncaps(ek: Uint8Array, m: Uint8Array) {
  const { header, vector } = splitEncapsulationKey(p, ek);
  const { ct1, sharedSecret } = encaps1Internal(p, header, m);
  const ct2 = encaps2Internal(p, header, vector, m);
  expect(header.length).toBe(64);
  expect(vector.length).toBe(1152);
  expect(ct1.length).toBe(960);
  expect(ct2.length).toBe(128);
  return { cipherText: new Uint8Array([...ct1, ...ct2]), sharedSecret };
}

describe('incremental ML-KEM-768 (header/vector split) equals FIPS 203 Encaps byte for byte', () => {
  test('sizes: header 64, vector 1152, c₁ 960, c₂ 128', () => {
    expect([ekVectorBytes(p), ct1Bytes(p), ct2Bytes(p)]).toEqual([1152, 960, 128]);
  });

  test('NIST ACVP encapDecap (FIPS203), every ML-KEM-768 encapsulation case', () => {
    const data = loadVectorFile('acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json') as any;
    expect(data).not.toBeNull();
    let checked = 0;
    for (const g of data.testGroups)
      if (g.parameterSet === 'ML-KEM-768' && g.function === 'encapsulation')
        for (const t of g.tests) {
          const out = splitEncaps(fromHex(t.ek), fromHex(t.m));
          expect(bytesEqual(out.cipherText, fromHex(t.c))).toBe(true);
          expect(bytesEqual(out.sharedSecret, fromHex(t.k))).toBe(true);
          checked++;
        }
    expect(checked).toBe(25);
  });

  test('random keys and messages: equal to our Encaps_internal and to @noble/post-quantum', () => {
    fc.assert(
      fc.property(bytes(64), bytes(32), (seed, m) => {
        const { publicKey } = keyGenInternal(p, seed.subarray(0, 32), seed.subarray(32));
        const split = splitEncaps(publicKey, m);
        const whole = encapsInternal(p, publicKey, m);
        expect(split.cipherText).toEqual(whole.cipherText);
        expect(split.sharedSecret).toEqual(whole.sharedSecret);
        const noble = ml_kem768.encapsulate(publicKey, m);
        expect(split.cipherText).toEqual(noble.cipherText);
        expect(split.sharedSecret).toEqual(noble.sharedSecret);
      }),
      { numRuns: 20 },
    );
  });

  test('a vector that does not match the header is refused (AUTH_FAILED / NON_CANONICAL)', () => {
    const { publicKey } = keyGenInternal(p, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    const { header, vector } = splitEncapsulationKey(p, publicKey);
    const m = new Uint8Array(32).fill(3);
    const tampered = vector.slice();
    tampered[0] ^= 1;
    expect(codeOf(() => encaps2Internal(p, header, tampered, m))).toBe('AUTH_FAILED');
    const wrongHeader = header.slice();
    wrongHeader[40] ^= 1; // H(ek) byte
    expect(codeOf(() => encaps2Internal(p, wrongHeader, vector, m))).toBe('AUTH_FAILED');
    const big = vector.slice();
    big[0] = 0xff;
    big[1] = 0xff; // first coefficient 0xfff ≥ q
    expect(codeOf(() => encaps2Internal(p, header, big, m))).toBe('NON_CANONICAL');
    expect(codeOf(() => encaps1Internal(p, header.subarray(1), m))).toBe('BAD_LENGTH');
    expect(codeOf(() => encaps2Internal(p, header, vector.subarray(1), m))).toBe('BAD_LENGTH');
  });
});
