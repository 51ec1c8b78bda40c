import { describe, expect, test } from 'vitest';
import { decodeBundle, encodeBundle, verifyBundle, type PreKeyBundle } from '../../src/protocol/bundle.ts';
import {
  DAY_MS,
  HYBRID_SIGNATURE_BYTES,
  MAX_CLOCK_SKEW_MS,
  MAX_SIGNED_PREKEY_AGE_MS,
  PREKEY_ROLE,
  SIGNATURE_LABEL_PREKEY,
  type PreKeyRole,
} from '../../src/protocol/constants.ts';
import { hybridSign } from '../../src/protocol/hybrid-signature.ts';
import { startSession } from '../../src/protocol/session-cipher.ts';
import {
  decodePreKeyRecord,
  encodePreKeyRecord,
  expiredSignedPreKeys,
  generatePreKey,
  needsRotation,
  preKeyPayload,
  preKeySignedMessage,
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
    expect(verifyBundle(SUITE, decodeBundle(bytes), T0)).toBeDefined();
    const noOpk: PreKeyBundle = { identity: bundle.identity, signedPreKey: bundle.signedPreKey, kemPreKey: bundle.kemPreKey };
    const b2 = encodeBundle(noOpk);
    expect(b2.length).toBe(bytes.length - (1 + 1 + 1 + 4 + 8 + 32 + HYBRID_SIGNATURE_BYTES));
    expect(decodeBundle(b2).oneTimePreKey).toBeUndefined();
    verifyBundle(SUITE, decodeBundle(b2), T0);
  });

  test('a bad signature on any prekey, in either half, fails with BAD_SIGNATURE', () => {
    let cases = 0;
    for (const slot of ['signedPreKey', 'kemPreKey', 'oneTimePreKey'] as const) {
      for (const index of [5, 64 + 5, HYBRID_SIGNATURE_BYTES - 1]) {
        const prekey = bundle[slot]!;
        const signature = prekey.signature.slice();
        signature[index] ^= 1;
        const bad = { ...bundle, [slot]: { ...prekey, signature } };
        expect(codeOf(() => verifyBundle(SUITE, bad, T0))).toBe('BAD_SIGNATURE');
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
      expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: tampered }, T0))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, identity: other.identity.publicKey }, T0))).toBe('BAD_SIGNATURE');
    // The identity's X25519 key is bound too: genuine signing keys with a substituted DH key fail.
    const swappedDh = { ...bundle.identity, dhKey: other.identity.publicKey.dhKey };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, identity: swappedDh }, T0))).toBe('BAD_SIGNATURE');
    expect(verifyPreKey(SUITE, other.identity.publicKey, spk)).toBe(false);
  });

  test('a prekey in the wrong slot or of the wrong size is rejected before any signature check', () => {
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, kemPreKey: bundle.signedPreKey }, T0))).toBe('BAD_TAG');
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: bundle.oneTimePreKey! }, T0))).toBe('BAD_TAG');
    const short = { ...bundle.kemPreKey, publicKey: bundle.kemPreKey.publicKey.subarray(1) };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, kemPreKey: short }, T0))).toBe('BAD_LENGTH');
    const shortSig = { ...bundle.signedPreKey, signature: bundle.signedPreKey.signature.subarray(1) };
    expect(codeOf(() => verifyBundle(SUITE, { ...bundle, signedPreKey: shortSig }, T0))).toBe('BAD_LENGTH');
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

describe('bundle freshness and mandatory slots (PROTOCOL.md §3.2, §3.3)', () => {
  const fresh = (role: PreKeyRole, createdAt: number) =>
    publicPreKey(generatePreKey(SUITE, bob.identity, role, 9, createdAt, rnd));

  test('SPK and PQSPK older than rotation + grace, or from beyond the clock skew, are STALE_PREKEY', () => {
    expect(MAX_SIGNED_PREKEY_AGE_MS).toBe(37 * DAY_MS);
    expect(MAX_CLOCK_SKEW_MS).toBe(DAY_MS);
    expect(codeOf(() => verifyBundle(SUITE, bundle, T0 + MAX_SIGNED_PREKEY_AGE_MS))).toBe('no error');
    expect(codeOf(() => verifyBundle(SUITE, bundle, T0 + MAX_SIGNED_PREKEY_AGE_MS + 1))).toBe('STALE_PREKEY');
    expect(codeOf(() => verifyBundle(SUITE, bundle, T0 - MAX_CLOCK_SKEW_MS))).toBe('no error');
    expect(codeOf(() => verifyBundle(SUITE, bundle, T0 - MAX_CLOCK_SKEW_MS - 1))).toBe('STALE_PREKEY');
    // A stale last-resort KEM prekey next to a fresh SPK, and vice versa.
    const later = T0 + 100 * DAY_MS;
    const oldPqspk = publicPreKey(bob.lastResort);
    const base = { identity: bob.identity.publicKey, signedPreKey: fresh(PREKEY_ROLE.SIGNED, later) };
    expect(codeOf(() => verifyBundle(SUITE, { ...base, kemPreKey: oldPqspk }, later))).toBe('STALE_PREKEY');
    const freshPqspk = fresh(PREKEY_ROLE.KEM_LAST_RESORT, later);
    expect(codeOf(() => verifyBundle(SUITE, { ...base, kemPreKey: freshPqspk }, later))).toBe('no error');
    const oldSpk = { ...base, signedPreKey: publicPreKey(bob.signedPreKey), kemPreKey: freshPqspk };
    expect(codeOf(() => verifyBundle(SUITE, oldSpk, later))).toBe('STALE_PREKEY');
    // One-time prekeys are used once, not rotated: an old PQOPK or OPK is accepted.
    const oneTime = { ...base, kemPreKey: bundle.kemPreKey, oneTimePreKey: bundle.oneTimePreKey };
    expect(bundle.kemPreKey.role).toBe(PREKEY_ROLE.KEM_ONE_TIME);
    expect(codeOf(() => verifyBundle(SUITE, oneTime, later))).toBe('no error');
    expect(codeOf(() => verifyBundle(SUITE, bundle, Number.NaN))).toBe('BAD_PARAMS');
  });

  test('startSession refuses a stale bundle before pinning or storing anything', () => {
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const stale = { ...bundle, oneTimePreKey: undefined };
    expect(codeOf(() => startSession(alice.ctx, 'bob.1', stale, T0 + 38 * DAY_MS))).toBe('STALE_PREKEY');
    expect(alice.ctx.trust.loadTrust('bob.1')).toBeUndefined();
    expect(alice.ctx.sessions.loadSession('bob.1')).toBeUndefined();
  });

  test('a missing identity, SPK or KEM prekey is BAD_TYPE (only the OPK is optional)', () => {
    const { oneTimePreKey: _opk, ...noOpk } = bundle;
    expect(codeOf(() => verifyBundle(SUITE, noOpk, T0))).toBe('no error');
    const cases: unknown[] = [
      { ...bundle, signedPreKey: undefined },
      { ...bundle, kemPreKey: undefined },
      { ...bundle, kemPreKey: null },
      { ...bundle, identity: undefined },
      { identity: bundle.identity },
      null,
      undefined,
      'bundle',
    ];
    for (const bad of cases) expect(codeOf(() => verifyBundle(SUITE, bad as PreKeyBundle, T0))).toBe('BAD_TYPE');
    expect(cases).toHaveLength(8);
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const missing = { ...bundle, kemPreKey: undefined } as unknown as PreKeyBundle;
    expect(codeOf(() => startSession(alice.ctx, 'bob.1', missing, T0))).toBe('BAD_TYPE');
    expect(alice.ctx.trust.loadTrust('bob.1')).toBeUndefined();
  });

  test('trust is pinned only after PQXDH succeeded: a signed low-order SPK pins nothing', () => {
    const zero = new Uint8Array(32); // u = 0: a low-order X25519 point (RFC 7748 §6.1 all-zero output)
    const payload = preKeyPayload(PREKEY_ROLE.SIGNED, 5, T0, zero);
    const message = preKeySignedMessage(SUITE, bob.identity.publicKey, payload);
    const signature = hybridSign(SUITE, bob.identity, SIGNATURE_LABEL_PREKEY, message, rnd);
    const signedPreKey = { role: PREKEY_ROLE.SIGNED, id: 5, createdAt: T0, publicKey: zero, signature };
    const lowOrder = { ...bundle, signedPreKey, oneTimePreKey: undefined };
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    expect(codeOf(() => startSession(alice.ctx, 'bob.1', lowOrder, T0))).toBe('LOW_ORDER');
    expect(alice.ctx.trust.loadTrust('bob.1')).toBeUndefined();
    expect(alice.ctx.sessions.loadSession('bob.1')).toBeUndefined();
  });
});
