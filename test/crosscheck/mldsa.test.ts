/**
 * Differential tests: pqmsg ML-DSA against @noble/post-quantum (devDependency, oracle only) on
 * random seeds, messages, contexts and rnd, for all three sets: keys and signatures byte-equal,
 * each verifies the other's signatures, and both reject the same corrupted signatures.
 */
import fc from 'fast-check';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { describe, expect, test } from 'vitest';
import {
  hashSign,
  hashVerify,
  mldsa44,
  mldsa65,
  mldsa87,
  type MlDsa,
} from '../../src/mldsa/index.ts';
import { shake128Xof, shake256Xof } from '../../src/hash/sha3.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const message = fc.uint8Array({ maxLength: 300 });
const context = fc.uint8Array({ maxLength: 255 });

const SETS: [MlDsa, typeof ml_dsa65][] = [
  [mldsa44, ml_dsa44],
  [mldsa65, ml_dsa65],
  [mldsa87, ml_dsa87],
];

describe('FIPS 204 ML-DSA — differential vs @noble/post-quantum', () => {
  for (const [ours, noble] of SETS) {
    const name = ours.params.name;

    test(`${name}: keygen, hedged sign (explicit rnd) and verify equal noble on random inputs`, () => {
      let runs = 0;
      fc.assert(
        fc.property(bytes(32), message, context, bytes(32), (seed, msg, ctx, rnd) => {
          const a = ours.keygen(seed);
          const b = noble.keygen(seed);
          expect(a.publicKey).toEqual(b.publicKey);
          expect(a.secretKey).toEqual(b.secretKey);
          const sig = ours.sign(a.secretKey, msg, { context: ctx, random: rnd });
          expect(sig).toEqual(noble.sign(msg, b.secretKey, { context: ctx, extraEntropy: rnd }));
          expect(ours.verify(a.publicKey, msg, sig, { context: ctx })).toBe(true);
          expect(noble.verify(sig, msg, b.publicKey, { context: ctx })).toBe(true);
          runs++;
        }),
        { numRuns: 12 },
      );
      expect(runs).toBe(12);
    });

    test(`${name}: deterministic signatures equal noble's; noble's hedged signatures verify here`, () => {
      const { publicKey, secretKey } = ours.keygen(new Uint8Array(32).fill(3));
      let runs = 0;
      fc.assert(
        fc.property(message, (msg) => {
          const sig = ours.sign(secretKey, msg, { deterministic: true });
          expect(sig).toEqual(noble.sign(msg, secretKey, { extraEntropy: false }));
          const hedged = noble.sign(msg, secretKey);
          expect(ours.verify(publicKey, msg, hedged)).toBe(true);
          expect(ours.verify(publicKey, msg, hedged, { context: Uint8Array.of(1) })).toBe(false);
          runs++;
        }),
        { numRuns: 12 },
      );
      expect(runs).toBe(12);
    });

    test(`${name}: corrupted signatures (bit flips anywhere, random hint bytes) are rejected by both`, () => {
      const { publicKey, secretKey } = ours.keygen(new Uint8Array(32).fill(4));
      const msg = Uint8Array.of(1, 2, 3);
      const sig = ours.sign(secretKey, msg, { deterministic: true });
      const hintStart = sig.length - ours.params.omega - ours.params.k;
      let runs = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: sig.length * 8 - 1 }),
          fc.integer({ min: hintStart, max: sig.length - 1 }),
          fc.integer({ min: 1, max: 255 }),
          (bit, pos, x) => {
            const flipped = sig.slice();
            flipped[bit >> 3] ^= 1 << (bit & 7);
            expect(ours.verify(publicKey, msg, flipped)).toBe(false);
            expect(noble.verify(flipped, msg, publicKey)).toBe(false);
            const garbled = sig.slice();
            garbled[pos] ^= x;
            expect(ours.verify(publicKey, msg, garbled)).toBe(false);
            expect(noble.verify(garbled, msg, publicKey)).toBe(false);
            runs++;
          },
        ),
        { numRuns: 40 },
      );
      expect(runs).toBe(40);
    });
  }

  for (const [ours, noble] of SETS) {
    const p = ours.params;

    test(`${p.name}: external μ — computeMu, signMu, verifyMu agree with noble's internal externalMu`, () => {
      let runs = 0;
      fc.assert(
        fc.property(bytes(32), message, context, bytes(32), (seed, msg, ctx, rnd) => {
          const { publicKey, secretKey } = ours.keygen(seed);
          const mu = ours.computeMu(publicKey, msg, { context: ctx });
          const sig = ours.signMu(secretKey, mu, { random: rnd });
          const opts = { externalMu: true, extraEntropy: rnd };
          expect(sig).toEqual(noble.internal.sign(mu, secretKey, opts));
          expect(noble.internal.verify(sig, mu, publicKey, { externalMu: true })).toBe(true);
          expect(noble.verify(sig, msg, publicKey, { context: ctx })).toBe(true);
          expect(ours.verifyMu(publicKey, mu, sig)).toBe(true);
          runs++;
        }),
        { numRuns: 6 },
      );
      expect(runs).toBe(6);
    });

    test(`${p.name}: skDecode range — both refuse a key with one s₁/s₂ field outside [−η, η]`, () => {
      const { secretKey } = ours.keygen(new Uint8Array(32).fill(5));
      const msg = Uint8Array.of(4, 5);
      const fields = p.k + p.l;
      let runs = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: fields * 256 - 1 }),
          fc.integer({ min: 0, max: (1 << p.etaBits) - 1 }),
          (index, field) => {
            const sk = secretKey.slice();
            for (let b = 0; b < p.etaBits; b++) {
              const pos = 128 * 8 + index * p.etaBits + b;
              sk[pos >> 3] = (sk[pos >> 3] & ~(1 << (pos & 7))) | (((field >> b) & 1) << (pos & 7));
            }
            if (field > 2 * p.eta) {
              expect(() => ours.sign(sk, msg, { deterministic: true })).toThrow(/FIPS 204/);
              expect(() => noble.sign(msg, sk, { extraEntropy: false })).toThrow();
            } else {
              const sig = ours.sign(sk, msg, { deterministic: true });
              expect(sig).toEqual(noble.sign(msg, sk, { extraEntropy: false }));
            }
            runs++;
          },
        ),
        { numRuns: 12 },
      );
      expect(runs).toBe(12);
    });
  }

  test('ML-DSA-44 HashML-DSA (SHA2-256, SHA2-512, SHA3-256) equals noble prehash signatures', () => {
    const peers = [
      ['SHA2-256', sha256],
      ['SHA2-512', sha512],
      ['SHA3-256', sha3_256],
    ] as const;
    let runs = 0;
    fc.assert(
      fc.property(bytes(32), message, context, bytes(32), fc.constantFrom(0, 1, 2), (...args) => {
        const [seed, msg, ctx, rnd, h] = args;
        const [name, hash] = peers[h];
        const { publicKey, secretKey } = mldsa44.keygen(seed);
        const ph = ml_dsa44.prehash(hash); // noble requires PH strength ≥ the set's: use ML-DSA-44
        const sig = hashSign(mldsa44.params, secretKey, msg, name, { context: ctx, random: rnd });
        expect(sig).toEqual(ph.sign(msg, secretKey, { context: ctx, extraEntropy: rnd }));
        expect(hashVerify(mldsa44.params, publicKey, msg, sig, name, { context: ctx })).toBe(true);
        // domain separation: a HashML-DSA signature is not a pure ML-DSA one
        expect(mldsa44.verify(publicKey, msg, sig, { context: ctx })).toBe(false);
        runs++;
      }),
      { numRuns: 9 },
    );
    expect(runs).toBe(9);
  });

  // Long run (tier 3): hundreds of keygen/sign/verify rounds per set from a SHAKE128 stream,
  // every output hashed into one digest on each side. Behind SLOW=1: one to two minutes on 2 cores.
  test.skipIf(process.env.SLOW !== '1')('SLOW: 300 rounds per set, digest equals noble', () => {
    for (const [ours, noble] of SETS) {
      const rng = shake128Xof().absorb(Uint8Array.of(0x6d, 0x6c, 0x64, 0x73, 0x61)); // 'mldsa'
      const a = shake256Xof();
      const b = shake256Xof();
      for (let i = 0; i < 300; i++) {
        const seed = rng.squeeze(32);
        const msg = rng.squeeze(rng.squeeze(1)[0]);
        const ctx = rng.squeeze(rng.squeeze(1)[0]);
        const rnd = rng.squeeze(32);
        const k = ours.keygen(seed);
        const sig = ours.sign(k.secretKey, msg, { context: ctx, random: rnd });
        const ok = ours.verify(k.publicKey, msg, sig, { context: ctx });
        a.absorb(k.publicKey).absorb(k.secretKey).absorb(sig).absorb(Uint8Array.of(+ok));
        const n = noble.keygen(seed);
        const nsig = noble.sign(msg, n.secretKey, { context: ctx, extraEntropy: rnd });
        const nok = noble.verify(nsig, msg, n.publicKey, { context: ctx });
        b.absorb(n.publicKey).absorb(n.secretKey).absorb(nsig).absorb(Uint8Array.of(+nok));
      }
      expect(a.squeeze(32)).toEqual(b.squeeze(32));
    }
  });
});
