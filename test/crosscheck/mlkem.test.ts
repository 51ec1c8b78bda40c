/**
 * Differential tests: pqmsg ML-KEM against @noble/post-quantum and `mlkem` (devDependencies, used
 * as oracles only) on random seeds, messages, garbled and random ciphertexts, all three sets.
 */
import fc from 'fast-check';
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { createMlKem1024, createMlKem512, createMlKem768 } from 'mlkem';
import { describe, expect, test } from 'vitest';
import { shake128Xof, shake256Xof } from '../../src/hash/sha3.ts';
import { mlkem1024, mlkem512, mlkem768, type MlKem } from '../../src/mlkem/index.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

interface Peer {
  deriveKeyPair(seed: Uint8Array): [Uint8Array, Uint8Array];
  encap(pk: Uint8Array, m?: Uint8Array): [Uint8Array, Uint8Array];
  decap(ct: Uint8Array, sk: Uint8Array): Uint8Array;
}

const SETS: [MlKem, typeof ml_kem768, () => Promise<Peer>][] = [
  [mlkem512, ml_kem512, createMlKem512 as () => Promise<Peer>],
  [mlkem768, ml_kem768, createMlKem768 as () => Promise<Peer>],
  [mlkem1024, ml_kem1024, createMlKem1024 as () => Promise<Peer>],
];

describe('FIPS 203 ML-KEM — differential vs @noble/post-quantum and mlkem', () => {
  for (const [ours, noble, createDajiaji] of SETS) {
    const name = ours.params.name;

    test(`${name}: keygen, encaps, decaps equal noble and mlkem (random seeds, m)`, async () => {
      const dajiaji = await createDajiaji();
      let runs = 0;
      fc.assert(
        fc.property(bytes(64), bytes(32), (seed, m) => {
          const a = ours.keygen(seed);
          const b = noble.keygen(seed);
          const [pkD, skD] = dajiaji.deriveKeyPair(seed);
          expect(a.publicKey).toEqual(b.publicKey);
          expect(a.secretKey).toEqual(b.secretKey);
          expect(a.publicKey).toEqual(pkD);
          expect(a.secretKey).toEqual(skD);
          const ea = ours.encapsulate(a.publicKey, m);
          const eb = noble.encapsulate(a.publicKey, m);
          const [ctD, ssD] = dajiaji.encap(a.publicKey, m);
          expect(ea.cipherText).toEqual(eb.cipherText);
          expect(ea.sharedSecret).toEqual(eb.sharedSecret);
          expect(ea.cipherText).toEqual(ctD);
          expect(ea.sharedSecret).toEqual(ssD);
          expect(ours.decapsulate(ea.cipherText, a.secretKey)).toEqual(ea.sharedSecret);
          runs++;
        }),
        { numRuns: 25 },
      );
      expect(runs).toBe(25);
    });

    test(`${name}: garbled and random ciphertexts give the same K̄ as noble and mlkem`, async () => {
      const dajiaji = await createDajiaji();
      const { publicKey, secretKey } = ours.keygen(new Uint8Array(64).fill(9));
      const { cipherText } = ours.encapsulate(publicKey);
      const flip = fc.tuple(fc.nat(cipherText.length - 1), fc.integer({ min: 1, max: 255 }));
      let runs = 0;
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(flip, { minLength: 1, maxLength: 4 }).map((flips) => {
              const c = cipherText.slice();
              for (const [i, x] of flips) c[i] ^= x;
              return c;
            }),
            bytes(cipherText.length),
          ),
          (c) => {
            const K = ours.decapsulate(c, secretKey);
            expect(K).toEqual(noble.decapsulate(c, secretKey));
            expect(K).toEqual(dajiaji.decap(c, secretKey));
            runs++;
          },
        ),
        { numRuns: 60 },
      );
      expect(runs).toBe(60);
    });
  }
});

/**
 * Tier-3 self-consistency at scale: a SHAKE128 stream of a fixed label drives keygen seeds,
 * messages and garbled ciphertexts; every output is absorbed into one SHAKE256 digest, computed
 * once with pqmsg and once with noble. 60 rounds per set here; SLOW=1 runs 2,000.
 */
describe('FIPS 203 ML-KEM — transcript digest vs @noble/post-quantum', () => {
  const ROUNDS = process.env.SLOW === '1' ? 2000 : 60;

  type Impl = (typeof SETS)[number][0] | typeof ml_kem768;

  function transcript(impl: Impl, rounds: number): Uint8Array {
    const rng = shake128Xof().absorb(new TextEncoder().encode('pqmsg ML-KEM transcript v1'));
    const digest = shake256Xof();
    for (let r = 0; r < rounds; r++) {
      const { publicKey, secretKey } = impl.keygen(rng.squeeze(64));
      const { cipherText, sharedSecret } = impl.encapsulate(publicKey, rng.squeeze(32));
      const garbled = cipherText.slice();
      const pos = rng.squeeze(2);
      garbled[((pos[0] << 8) | pos[1]) % garbled.length] ^= 1 + (pos[0] % 255);
      digest
        .absorb(publicKey)
        .absorb(secretKey)
        .absorb(cipherText)
        .absorb(sharedSecret)
        .absorb(impl.decapsulate(cipherText, secretKey))
        .absorb(impl.decapsulate(garbled, secretKey));
    }
    return digest.squeeze(32);
  }

  for (const [ours, noble] of SETS) {
    test(`${ours.params.name}: ${ROUNDS} rounds of keygen/encaps/decaps/implicit rejection`, () => {
      expect(transcript(ours, ROUNDS)).toEqual(transcript(noble, ROUNDS));
    });
  }
});
