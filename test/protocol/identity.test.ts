import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { HYBRID_SIGNATURE_BYTES, SIZES } from '../../src/protocol/constants.ts';
import { hybridSign, hybridVerify, toBeSigned } from '../../src/protocol/hybrid-signature.ts';
import {
  decodeIdentityPublic,
  decodeIdentitySecret,
  encodeIdentityPublic,
  encodeIdentitySecret,
  generateIdentity,
  IDENTITY_PUBLIC_BYTES,
  identitiesEqual,
} from '../../src/protocol/identity.ts';
import type { Suite } from '../../src/protocol/suite.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { SUITE } from './helpers/suites.ts';

const rnd = detRandom('identity tests');
const alice = generateIdentity(SUITE, rnd);
const mallory = generateIdentity(SUITE, rnd);

describe('hybrid identity — encodings (PROTOCOL.md §2.2)', () => {
  test('public encoding: fixed layout, exact round trip, strict tags and version', () => {
    const enc = encodeIdentityPublic(alice.publicKey);
    expect(enc.length).toBe(IDENTITY_PUBLIC_BYTES);
    expect(IDENTITY_PUBLIC_BYTES).toBe(1 + 33 + 33 + 1 + SIZES.ML_DSA_65_PUBLIC);
    expect([enc[0], enc[1], enc[34], enc[67]]).toEqual([1, 0x05, 0x21, 0x22]);
    expect(encodeIdentityPublic(decodeIdentityPublic(enc))).toEqual(enc);
    expect(identitiesEqual(decodeIdentityPublic(enc), alice.publicKey)).toBe(true);
    expect(identitiesEqual(mallory.publicKey, alice.publicKey)).toBe(false);
    for (const [offset, code] of [[0, 'BAD_VERSION'], [1, 'BAD_TAG'], [34, 'BAD_TAG'], [67, 'BAD_TAG']] as const) {
      const bad = enc.slice();
      bad[offset] ^= 0x40;
      expect(() => decodeIdentityPublic(bad)).toThrow(expect.objectContaining({ code }));
    }
    expect(() => decodeIdentityPublic(enc.subarray(1))).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    expect(() => decodeIdentityPublic(Uint8Array.of(...enc, 0))).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });

  test('secret encoding re-derives the same identity; input buffers are not mutated', () => {
    const sec = encodeIdentitySecret(alice);
    const copy = sec.slice();
    const back = decodeIdentitySecret(SUITE, sec);
    expect(sec).toEqual(copy);
    expect(encodeIdentityPublic(back.publicKey)).toEqual(encodeIdentityPublic(alice.publicKey));
    expect(() => decodeIdentitySecret(SUITE, sec.subarray(1))).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
  });
});

describe('hybrid signature — Ed25519 ‖ ML-DSA-65, both must verify (PROTOCOL.md §2.3)', () => {
  const msg = utf8('a prekey payload');
  const sig = hybridSign(SUITE, alice, 'label', msg, rnd);

  test('valid signature verifies; wrong label, message or signer fails', () => {
    expect(sig.length).toBe(HYBRID_SIGNATURE_BYTES);
    expect(hybridVerify(SUITE, alice.publicKey, 'label', msg, sig)).toBe(true);
    expect(hybridVerify(SUITE, alice.publicKey, 'label2', msg, sig)).toBe(false);
    expect(hybridVerify(SUITE, alice.publicKey, 'label', utf8('another payload'), sig)).toBe(false);
    expect(hybridVerify(SUITE, mallory.publicKey, 'label', msg, sig)).toBe(false);
    expect(hybridVerify(SUITE, alice.publicKey, 'label', msg, sig.subarray(1))).toBe(false);
    expect(() => hybridVerify(SUITE, alice.publicKey, 'label', msg, [] as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'BAD_TYPE' }),
    );
  });

  test('label framing is unambiguous: (label, message) pairs never share signed bytes', () => {
    expect(toBeSigned('ab', utf8('c'))).not.toEqual(toBeSigned('a', utf8('bc')));
  });

  test('a forged half fails even when the other half is genuine (mix-and-match)', () => {
    const forged = hybridSign(SUITE, mallory, 'label', msg, rnd);
    const edGenuine = Uint8Array.of(...sig.subarray(0, 64), ...forged.subarray(64));
    const pqGenuine = Uint8Array.of(...forged.subarray(0, 64), ...sig.subarray(64));
    expect(hybridVerify(SUITE, alice.publicKey, 'label', msg, edGenuine)).toBe(false);
    expect(hybridVerify(SUITE, alice.publicKey, 'label', msg, pqGenuine)).toBe(false);
  });

  test('AND logic: a suite whose one half accepts everything still rejects a bad other half', () => {
    const yes = { ...SUITE.sigClassical, verify: () => true };
    const edAlwaysOk: Suite = { ...SUITE, sigClassical: yes };
    const pqAlwaysOk: Suite = { ...SUITE, sigPQ: { ...SUITE.sigPQ, verify: () => true } };
    const badPQ = sig.slice();
    badPQ[100] ^= 1;
    const badEd = sig.slice();
    badEd[10] ^= 1;
    expect(hybridVerify(edAlwaysOk, alice.publicKey, 'label', msg, badPQ)).toBe(false);
    expect(hybridVerify(pqAlwaysOk, alice.publicKey, 'label', msg, badEd)).toBe(false);
    expect(hybridVerify(edAlwaysOk, alice.publicKey, 'label', msg, sig)).toBe(true);
  });

  test('property: any single flipped bit in either half is rejected', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: HYBRID_SIGNATURE_BYTES - 1 }), fc.integer({ min: 0, max: 7 }), (i, bit) => {
        const bad = sig.slice();
        bad[i] ^= 1 << bit;
        expect(hybridVerify(SUITE, alice.publicKey, 'label', msg, bad)).toBe(false);
        runs++;
      }),
      { numRuns: 40, seed: 6 },
    );
    expect(runs).toBe(40);
  });
});
