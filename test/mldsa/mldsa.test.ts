import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { mldsa44, mldsa65, mldsa87, hashSign, type MlDsa } from '../../src/mldsa/index.ts';
import { codeOf } from '../helpers/error-code.ts';

const SETS: MlDsa[] = [mldsa44, mldsa65, mldsa87];

describe('FIPS 204 Alg 1–3 — public API', () => {
  for (const dsa of SETS) {
    const name = dsa.params.name;
    const seed = new Uint8Array(32).fill(1);
    const { publicKey, secretKey } = dsa.keygen(seed);
    const msg = Uint8Array.of(10, 20, 30);

    test(`${name}: lengths match FIPS 204 Table 2 and the outputs`, () => {
      expect(publicKey.length).toBe(dsa.lengths.publicKey);
      expect(secretKey.length).toBe(dsa.lengths.secretKey);
      expect(dsa.sign(secretKey, msg).length).toBe(dsa.lengths.signature);
      expect(dsa.lengths.seed).toBe(32);
      const fresh = dsa.keygen(); // random ξ
      expect(fresh.publicKey.length).toBe(dsa.lengths.publicKey);
      expect(fresh.publicKey).not.toEqual(publicKey);
    });

    test(`${name}: hedged by default (fresh signatures differ), deterministic and explicit rnd repeat`, () => {
      const a = dsa.sign(secretKey, msg);
      const b = dsa.sign(secretKey, msg);
      expect(a).not.toEqual(b);
      expect(dsa.verify(publicKey, msg, a)).toBe(true);
      expect(dsa.verify(publicKey, msg, b)).toBe(true);
      expect(dsa.sign(secretKey, msg, { deterministic: true })).toEqual(
        dsa.sign(secretKey, msg, { random: new Uint8Array(32) }),
      );
      const rnd = new Uint8Array(32).fill(7);
      const again = dsa.sign(secretKey, msg, { random: rnd });
      expect(dsa.sign(secretKey, msg, { random: rnd })).toEqual(again);
    });

    test(`${name}: context binds the signature; |ctx| > 255 → BAD_PARAMS on sign, false on verify`, () => {
      const ctx = new Uint8Array(255).fill(2);
      const sig = dsa.sign(secretKey, msg, { context: ctx, deterministic: true });
      expect(dsa.verify(publicKey, msg, sig, { context: ctx })).toBe(true);
      expect(dsa.verify(publicKey, msg, sig)).toBe(false);
      expect(dsa.verify(publicKey, msg, sig, { context: ctx.subarray(1) })).toBe(false);
      const long = new Uint8Array(256);
      expect(codeOf(() => dsa.sign(secretKey, msg, { context: long }))).toBe('BAD_PARAMS');
      expect(dsa.verify(publicKey, msg, sig, { context: new Uint8Array(256) })).toBe(false);
      expect(dsa.verify(publicKey, Uint8Array.of(10, 20, 31), sig, { context: ctx })).toBe(false);
    });

    test(`${name}: bad types and lengths throw typed errors; verify returns false on wrong lengths`, () => {
      const sig = dsa.sign(secretKey, msg, { deterministic: true });
      expect(codeOf(() => dsa.keygen(new Uint8Array(31)))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey.subarray(1), msg))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey, 'hello' as unknown as Uint8Array))).toBe('BAD_TYPE');
      const rnd31 = new Uint8Array(31);
      const rnd32 = new Uint8Array(32);
      expect(codeOf(() => dsa.sign(secretKey, msg, { random: rnd31 }))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey, msg, { random: rnd32, deterministic: true }))).toBe(
        'BAD_PARAMS',
      );
      const notBytes = [1, 2] as unknown as Uint8Array;
      expect(codeOf(() => dsa.verify(publicKey, msg, notBytes))).toBe('BAD_TYPE');
      expect(dsa.verify(publicKey, msg, sig.subarray(1))).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length + 1))).toBe(false);
      expect(dsa.verify(publicKey.subarray(1), msg, sig)).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length))).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length).fill(0xff))).toBe(false);
    });

    test(`${name}: inputs are never mutated`, () => {
      const s = new Uint8Array(32).fill(9);
      const ctx = Uint8Array.of(1, 2);
      const rnd = new Uint8Array(32).fill(5);
      const copies = [s, secretKey, publicKey, msg, ctx, rnd].map((a) => a.slice());
      const k = dsa.keygen(s);
      const sig = dsa.sign(secretKey, msg, { context: ctx, random: rnd });
      const sigCopy = sig.slice();
      dsa.verify(publicKey, msg, sig, { context: ctx });
      hashSign(dsa.params, secretKey, msg, 'SHA3-512', { context: ctx, random: rnd });
      expect([s, secretKey, publicKey, msg, ctx, rnd]).toEqual(copies);
      expect(sig).toEqual(sigCopy);
      expect(k.publicKey.length).toBe(dsa.lengths.publicKey);
    });
  }

  test('ML-DSA-65 sign/verify round trip on random messages, contexts and rnd', () => {
    const { publicKey, secretKey } = mldsa65.keygen(new Uint8Array(32).fill(8));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.uint8Array({ maxLength: 255 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (m, ctx, rnd) => {
          const sig = mldsa65.sign(secretKey, m, { context: ctx, random: rnd });
          expect(mldsa65.verify(publicKey, m, sig, { context: ctx })).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});
