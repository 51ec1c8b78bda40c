import { describe, expect, test } from 'vitest';
import { DAY_MS, PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { replenishOneTimePreKeys, rotateMediumTermPreKey } from '../../src/protocol/prekey-maintenance.ts';
import { publicPreKey } from '../../src/protocol/prekeys.ts';
import { receiveMessage, sendMessage, startSession } from '../../src/protocol/session-cipher.ts';
import { MemoryPreKeyStore } from '../../src/storage/memory.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { makeDevice, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';
import { codeOf } from '../helpers/error-code.ts';

const rnd = detRandom('prekey maintenance');

describe('prekey maintenance — rotation with a grace period, replenishment (PROTOCOL.md §3.3)', () => {
  test('SPK rotation: new key when due; old key works during the grace period, then PREKEY_NOT_FOUND', () => {
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    const store = bob.ctx.prekeys;
    const { SIGNED, KEM_LAST_RESORT } = PREKEY_ROLE;
    expect(rotateMediumTermPreKey(SUITE, bob.identity, store, SIGNED, T0 + DAY_MS, rnd)).toEqual({ deleted: [] });
    const r = rotateMediumTermPreKey(SUITE, bob.identity, store, SIGNED, T0 + 7 * DAY_MS, rnd);
    expect(r.created?.id).toBe(2);
    expect(store.listPreKeys(SIGNED).map((k) => k.id).sort()).toEqual([1, 2]);
    // A bundle fetched before the rotation (SPK #1) still works inside the grace period.
    const oldBundle = {
      identity: bob.identity.publicKey,
      signedPreKey: publicPreKey(bob.signedPreKey),
      kemPreKey: publicPreKey(bob.lastResort),
    };
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    startSession(alice.ctx, 'bob.1', oldBundle, T0 + 8 * DAY_MS);
    const env = sendMessage(alice.ctx, 'bob.1', utf8('late'));
    // 30 days after SPK #2 was created, SPK #1 is deleted; the late handshake can no longer complete.
    const later = rotateMediumTermPreKey(SUITE, bob.identity, store, SIGNED, T0 + 37 * DAY_MS, rnd);
    expect(later.deleted).toEqual([1]);
    expect(later.created?.id).toBe(3); // #2 was itself due for rotation
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', env, T0 + 37 * DAY_MS))).toBe('PREKEY_NOT_FOUND');
    // The last-resort KEM prekey follows the same policy.
    expect(rotateMediumTermPreKey(SUITE, bob.identity, store, KEM_LAST_RESORT, T0 + 7 * DAY_MS, rnd).created?.id).toBe(2);
  });

  test('inside the grace period the old SPK is still accepted', () => {
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    const oldBundle = {
      identity: bob.identity.publicKey,
      signedPreKey: publicPreKey(bob.signedPreKey),
      kemPreKey: publicPreKey(bob.lastResort),
    };
    rotateMediumTermPreKey(SUITE, bob.identity, bob.ctx.prekeys, PREKEY_ROLE.SIGNED, T0 + 7 * DAY_MS, rnd);
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    startSession(alice.ctx, 'bob.1', oldBundle, T0 + 8 * DAY_MS);
    const env = sendMessage(alice.ctx, 'bob.1', utf8('within grace'));
    expect(new TextDecoder().decode(receiveMessage(bob.ctx, 'alice.1', env, T0 + 36 * DAY_MS).plaintext)).toBe('within grace');
  });

  test('replenishment tops up to the target and never reuses a consumed id', () => {
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    const store = new MemoryPreKeyStore();
    const first = replenishOneTimePreKeys(SUITE, bob.identity, store, PREKEY_ROLE.ONE_TIME, 3, T0, rnd);
    expect(first.map((k) => k.id)).toEqual([1, 2, 3]);
    store.consumePreKey(PREKEY_ROLE.ONE_TIME, 3);
    store.consumePreKey(PREKEY_ROLE.ONE_TIME, 2);
    const more = replenishOneTimePreKeys(SUITE, bob.identity, store, PREKEY_ROLE.ONE_TIME, 3, T0, rnd);
    expect(more.map((k) => k.id)).toEqual([4, 5]);
    expect(replenishOneTimePreKeys(SUITE, bob.identity, store, PREKEY_ROLE.ONE_TIME, 3, T0, rnd)).toEqual([]);
    const kem = replenishOneTimePreKeys(SUITE, bob.identity, store, PREKEY_ROLE.KEM_ONE_TIME, 2, T0, rnd);
    expect(kem.map((k) => [k.role, k.id])).toEqual([[3, 1], [3, 2]]);
  });
});
