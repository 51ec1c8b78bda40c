import { describe, expect, test } from 'vitest';
import { decodeBundle, encodeBundle, verifyBundle, type PreKeyBundle } from '../../src/protocol/bundle.ts';
import { DAY_MS, HYBRID_SIGNATURE_BYTES, PREKEY_ROLE } from '../../src/protocol/constants.ts';
import {
  decodePreKeyRecord,
  encodePreKeyRecord,
  expiredSignedPreKeys,
  generatePreKey,
  needsRotation,
  preKeyPayload,
  publicPreKey,
  verifyPreKey,
} from '../../src/protocol/prekeys.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';
import { codeOf } from '../helpers/error-code.ts';

const rnd = detRandom('bundle tests');
const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1, kemOneTime: 1 });
const bundle = fetchBundle(bob);
const other = makeDevice(SUITE, 'mallory.1', rnd);


describe('prekey bundles — PQXDH rev. 3 §3.2–3.3 (PROTOCOL.md §3)', () => {
  test('encode/decode round-trips exactly, with and without OPK; verification passes', () => {
    const bytes = encodeBundle(bundle);
    expect(encodeBundle(decodeBundle(bytes))).toEqual(bytes);
    expect(verifyBundle(SUITE, decodeBundle(bytes))).toBeDefined();
    const noOpk: PreKeyBundle = { identity: bundle.identity, signedPreKey: bundle.signedPreKey, kemPreKey: bundle.kemPreKey };
    const b2 = encodeBundle(noOpk);
    expect(b2.length).toBe(bytes.length - (1 + 1 + 1 + 4 + 8 + 32 + HYBRID_SIGNATURE_BYTES));
    expect(decodeBundle(b2).oneTimePreKey).toBeUndefined();
    verifyBundle(SUITE, decodeBundle(b2));
  });

  test('a bad signature on any prekey, in either half, fails with BAD_SIGNATURE', () => {
    let cases = 0;
    for (const slot of ['signedPreKey', 'kemPreKey', 'oneTimePreKey'] as const) {
      for (const index of [5, 64 + 5, HYBRID_SIGNATURE_BYTES - 1]) {
        const prekey = bundle[slot]!;
        const signature = prekey.signature.slice();
        signature[index] ^= 1;
        const bad = { ...bundle, [slot]: { ...prekey, signature } };
        expect(codeOf(() => verifyBundle(SUITE, bad))).toBe('BAD_SIGNATURE');
        cases++;
      }
    }
    expect(cases).toBe(9);
  });

  test('signed fields are bound: changing id, createdAt, or the key fails; a foreign signer fails', () => {
    const spk = bundle.signedPreKey;
    const key = spk.publicKey.slice();
    key[0] ^= 1;
    for (const tampered of [{ ...spk, id: spk.id + 1 }, { ...spk, createdAt: spk.createdAt + 1 }, { ...spk, publicKey: key }])
      expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: tampered }))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, identity: other.identity.publicKey }))).toBe('BAD_SIGNATURE');
    // The identity's X25519 key is bound too: genuine signing keys with a substituted DH key fail.
    const swappedDh = { ...bundle.identity, dhKey: other.identity.publicKey.dhKey };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, identity: swappedDh }))).toBe('BAD_SIGNATURE');
    expect(verifyPreKey(SUITE, other.identity.publicKey, spk)).toBe(false);
  });

  test('a prekey in the wrong slot or of the wrong size is rejected before any signature check', () => {
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, kemPreKey: bundle.signedPreKey }))).toBe('BAD_TAG');
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: bundle.oneTimePreKey! }))).toBe('BAD_TAG');
    const short = { ...bundle.kemPreKey, publicKey: bundle.kemPreKey.publicKey.subarray(1) };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, kemPreKey: short }))).toBe('BAD_LENGTH');
    const shortSig = { ...bundle.signedPreKey, signature: bundle.signedPreKey.signature.subarray(1) };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: shortSig }))).toBe('BAD_LENGTH');
  });

  test('wire decoding: versions, tags, flags, truncation and trailing bytes are all rejected', () => {
    const bytes = encodeBundle(bundle);
    const spkStart = 1 + 2020;
    const mutate = (offset: number, value: number) => {
      const b = bytes.slice();
      b[offset] = value;
      return b;
    };
    expect(codeOf(() => decodeBundle(mutate(0, 2)))).toBe('BAD_VERSION');
    expect(codeOf(() => decodeBundle(mutate(1, 9)))).toBe('BAD_VERSION'); // identity version
    expect(codeOf(() => decodeBundle(mutate(spkStart, 0)))).toBe('BAD_VERSION'); // prekey version
    expect(codeOf(() => decodeBundle(mutate(spkStart + 1, 9)))).toBe('BAD_TAG'); // unknown role
    expect(codeOf(() => decodeBundle(mutate(spkStart + 2, 0x0b)))).toBe('BAD_TAG'); // key type ≠ role
    const flagAt = bytes.length - (1 + 1 + 1 + 4 + 8 + 32 + HYBRID_SIGNATURE_BYTES) - 1;
    expect(codeOf(() => decodeBundle(mutate(flagAt, 2)))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeBundle(bytes.subarray(0, bytes.length - 1)))).toBe('TRUNCATED');
    expect(codeOf(() => decodeBundle(Uint8Array.of(...bytes, 0)))).toBe('TRAILING_BYTES');
  });
});

describe('prekeys — records and rotation policy (PROTOCOL.md §3.3)', () => {
  test('payload layout: version ‖ role ‖ type ‖ u32 id ‖ u64 createdAt ‖ key', () => {
    const p = preKeyPayload(PREKEY_ROLE.SIGNED, 0x01020304, 2 ** 40 + 5, new Uint8Array(32).fill(7));
    expect(Array.from(p.subarray(0, 15))).toEqual([1, 1, 0x05, 1, 2, 3, 4, 0, 0, 1, 0, 0, 0, 0, 5]);
    expect(p.length).toBe(15 + 32);
  });

  test('record encoding round-trips with the secret key', () => {
    const rec = generatePreKey(SUITE, bob.identity, PREKEY_ROLE.KEM_ONE_TIME, 7, T0, rnd);
    const enc = encodePreKeyRecord(rec);
    const back = decodePreKeyRecord(enc);
    expect(encodePreKeyRecord(back)).toEqual(enc);
    expect(back.keyPair.secretKey).toEqual(rec.keyPair.secretKey);
    expect(publicPreKey(back)).toEqual(publicPreKey(rec));
  });

  test('rotation after 7 days; retired keys deleted 30 days after their successor', () => {
    expect(needsRotation({ createdAt: T0 }, T0 + 7 * DAY_MS - 1)).toBe(false);
    expect(needsRotation({ createdAt: T0 }, T0 + 7 * DAY_MS)).toBe(true);
    const keys = [
      { id: 1, createdAt: T0 },
      { id: 2, createdAt: T0 + 7 * DAY_MS },
      { id: 3, createdAt: T0 + 14 * DAY_MS },
    ];
    expect(expiredSignedPreKeys(keys, T0 + 36 * DAY_MS)).toEqual([]);
    expect(expiredSignedPreKeys(keys, T0 + 37 * DAY_MS)).toEqual([1]);
    expect(expiredSignedPreKeys(keys, T0 + 44 * DAY_MS)).toEqual([1, 2]);
    expect(expiredSignedPreKeys(keys.slice(2), T0 + 1000 * DAY_MS)).toEqual([]); // newest never expires
  });
});
