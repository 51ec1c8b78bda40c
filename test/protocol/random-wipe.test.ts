/**
 * Zeroization of drawn randomness (docs/SECURITY.md, "Zeroization"): every byte array a
 * RandomSource hands to the protocol becomes a key, a seed or ML-DSA's rnd and is wiped once
 * used — except header nonces (24 bytes), which are sent in the clear.
 */
import { describe, expect, test } from 'vitest';
import { verifyBundle } from '../../src/protocol/bundle.ts';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { hybridSign } from '../../src/protocol/hybrid-signature.ts';
import { pqxdhInitiate } from '../../src/protocol/pqxdh.ts';
import { ratchetEncrypt, ratchetInitAlice } from '../../src/protocol/ratchet/double-ratchet.ts';
import { HEADER_NONCE_BYTES } from '../../src/protocol/ratchet/constants.ts';
import type { RandomSource } from '../../src/util/random.ts';
import { T0, fetchBundle, makeDevice } from './helpers/fixtures.ts';
import { detRandom } from './helpers/det-rng.ts';

/** detRandom(label), remembering every array it hands out. */
function recording(label: string): { random: RandomSource; handed: Uint8Array[] } {
  const inner = detRandom(label);
  const handed: Uint8Array[] = [];
  return { random: (n) => (handed.push(inner(n)), handed[handed.length - 1]), handed };
}

const isZero = (a: Uint8Array): boolean => a.every((b) => b === 0);

describe('drawn randomness is wiped after use (seeds, rnd, ephemeral keys, m)', () => {
  test('identity, the four prekey roles and their hybrid signatures', () => {
    const { random, handed } = recording('wipe: device');
    const bob = makeDevice(defaultSuite, 'bob', random, { oneTime: 1, kemOneTime: 1 });
    // 3 identity seeds; per prekey a seed and ML-DSA rnd: SPK, PQSPK, OPK, PQOPK
    expect(handed.map((a) => a.length)).toEqual([32, 32, 32, ...[32, 32, 64, 32, 32, 32, 64, 32]]);
    expect(handed.filter((a) => !isZero(a))).toHaveLength(0);
    expect(isZero(bob.signedPreKey.keyPair.secretKey)).toBe(false); // the keys themselves survive
  });

  test('hybridSign wipes rnd', () => {
    const bob = makeDevice(defaultSuite, 'bob', detRandom('wipe: sign'));
    const { random, handed } = recording('wipe: rnd');
    hybridSign(defaultSuite, bob.identity, 'label', Uint8Array.of(1, 2, 3), random);
    expect(handed).toHaveLength(1);
    expect(isZero(handed[0])).toBe(true);
  });

  test('PQXDH (EK_A seed, ML-KEM m) and the first ratchet steps; header nonces are public', () => {
    const bob = makeDevice(defaultSuite, 'bob', detRandom('wipe: bob'), { oneTime: 1, kemOneTime: 1 });
    const alice = makeDevice(defaultSuite, 'alice', detRandom('wipe: alice'));
    const { random, handed } = recording('wipe: session');
    const bundle = verifyBundle(defaultSuite, fetchBundle(bob), T0);
    const { secrets } = pqxdhInitiate(defaultSuite, alice.identity, bundle, random);
    const state = ratchetInitAlice(
      defaultSuite, secrets.sk, bundle.signedPreKey.publicKey, secrets.sharedHka, secrets.sharedNhkb, random,
    );
    const sent = ratchetEncrypt(defaultSuite, state, Uint8Array.of(7), secrets.ad, random);
    const secret = handed.filter((a) => a.length !== HEADER_NONCE_BYTES);
    // EK_A seed, m, DHRs seed, then the PQ epoch's ML-KEM d ‖ z (docs/PROTOCOL.md §5.12.5)
    expect(secret.map((a) => a.length)).toEqual([32, 32, 32, 64]);
    expect(secret.slice(0, 3).filter((a) => !isZero(a))).toHaveLength(0);
    // d ‖ z is the keyholder's decapsulation key until the epoch completes: held by the new state
    // (wiped with it by wipePhase), never left behind as a stray copy.
    const phase = sent.state.pq.phase;
    expect(phase.kind).toBe('keySent');
    expect(phase.kind === 'keySent' && phase.seed).toBe(secret[3]);
    expect(handed.filter((a) => a.length === HEADER_NONCE_BYTES)).toHaveLength(1);
  });
});
