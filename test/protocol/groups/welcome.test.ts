/**
 * Devices in groups (docs/PROTOCOL.md §15.12): the signed roster and the welcome (codec, strict
 * decoding), receiveRoster's rules — a device without the group's state learns it, a lagging
 * member device moves forward, an older roster changes nothing, forged or foreign rosters are
 * refused with their codes — rotateOwnChain, and holdsChain.
 */
import { describe, expect, test } from 'vitest';
import { distributionOf } from '../../../src/protocol/groups/distribution.ts';
import {
  decryptGroupMessage,
  encryptGroupMessage,
  holdsChain,
  makeChange,
  receiveDistribution,
  receiveRoster,
  rotateOwnChain,
} from '../../../src/protocol/groups/group-state.ts';
import { encodeGroupState } from '../../../src/protocol/groups/group-state-codec.ts';
import { decodeGroupMessage } from '../../../src/protocol/groups/sender-key.ts';
import {
  decodeSignedRoster,
  decodeWelcome,
  encodeSignedRoster,
  encodeWelcome,
  signRoster,
  type SignedRoster,
} from '../../../src/protocol/groups/welcome.ts';
import { utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';
import { makeDevices, threeMemberGroup } from './helpers/group-fixtures.ts';

const rnd = detRandom('group welcome tests');

describe('group welcome: signed roster and devices in groups (PROTOCOL.md §15.12)', () => {
  test('roster and welcome round-trip; a trailing byte, a wrong version or a cut is refused', () => {
    const { devices } = threeMemberGroup(rnd);
    const alice = devices.get('alice.1')!;
    const roster = signRoster(SUITE, alice.identity, 'alice.1', alice.state!.membership, rnd);
    const encoded = encodeSignedRoster(roster);
    expect(encodeSignedRoster(decodeSignedRoster(encoded))).toEqual(encoded);
    const distribution = distributionOf(SUITE, alice.identity, roster.groupId, alice.state!.own!, rnd);
    const welcome = encodeWelcome({ roster, distribution });
    expect(encodeWelcome(decodeWelcome(welcome))).toEqual(welcome);
    expect(codeOf(() => decodeWelcome(Uint8Array.of(...welcome, 0)))).toBe('TRAILING_BYTES');
    expect(codeOf(() => decodeWelcome(welcome.subarray(0, welcome.length - 1)))).toBe('TRUNCATED');
    const other = Uint8Array.from(welcome);
    other[0] = 9;
    expect(codeOf(() => decodeWelcome(other))).toBe('BAD_VERSION');
  });

  test('a device without the state learns the group from a roster, gets a chain, and reads what follows', () => {
    const { devices } = threeMemberGroup(rnd);
    const alice = devices.get('alice.1')!;
    const laptop = makeDevices(['bob.2'], rnd).get('bob.2')!;
    const roster = signRoster(SUITE, alice.identity, 'alice.1', alice.state!.membership, rnd);
    const r = receiveRoster(SUITE, undefined, 'bob.2', roster, alice.identity.publicKey, rnd);
    expect(r.rotated).toBe(true);
    expect(r.state.membership.members).toEqual(['alice', 'bob', 'carol']);
    expect(r.state.own?.epoch).toBe(1);
    // alice's chain at its current iteration: the message sent before is not readable, the next one is
    const before = encryptGroupMessage(SUITE, alice.state!, utf8('before'), rnd);
    alice.state = before.state;
    const d = distributionOf(SUITE, alice.identity, roster.groupId, alice.state.own!, rnd);
    laptop.state = r.state;
    expect(holdsChain(laptop.state, 'alice.1', d)).toBe(false);
    const after = encryptGroupMessage(SUITE, alice.state, utf8('after'), rnd);
    laptop.state = receiveDistribution(SUITE, laptop.state, 'alice.1', alice.identity.publicKey, d);
    expect(holdsChain(laptop.state, 'alice.1', d)).toBe(true);
    expect(codeOf(() => decryptGroupMessage(SUITE, laptop.state!, decodeGroupMessage(before.message)))).toBe('DUPLICATE_MESSAGE');
    expect(new TextDecoder().decode(decryptGroupMessage(SUITE, laptop.state, decodeGroupMessage(after.message)).plaintext)).toBe('after');
  });

  test('a lagging member device moves to a newer roster (and rotates on a removal); an older or equal one changes nothing', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob] = ['alice.1', 'bob.1'].map((a) => devices.get(a)!);
    const removal = makeChange(SUITE, alice.identity, alice.state!, 'remove', 'carol', rnd);
    const newer = signRoster(SUITE, alice.identity, 'alice.1', removal.state.membership, rnd);
    const moved = receiveRoster(SUITE, bob.state, 'bob.1', newer, alice.identity.publicKey, rnd);
    expect(moved.removed).toEqual(['carol']);
    expect(moved.rotated).toBe(true);
    expect(moved.state.own!.epoch).toBe(bob.state!.own!.epoch + 1);
    expect(moved.state.received.map((s) => s.sender)).toEqual(['alice.1']); // carol's chain dropped
    const same = receiveRoster(SUITE, moved.state, 'bob.1', newer, alice.identity.publicKey, rnd);
    expect(same.state).toBe(moved.state);
    const older = signRoster(SUITE, alice.identity, 'alice.1', alice.state!.membership, rnd);
    expect(receiveRoster(SUITE, moved.state, 'bob.1', older, alice.identity.publicKey, rnd).state).toBe(moved.state);
  });

  test('forged, foreign or ill-formed rosters are refused with their codes', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob, carol] = ['alice.1', 'bob.1', 'carol.1'].map((a) => devices.get(a)!);
    const m = alice.state!.membership;
    const check = (roster: SignedRoster, code: string, identity = alice.identity.publicKey) => {
      const before = encodeGroupState(bob.state!);
      expect(codeOf(() => receiveRoster(SUITE, bob.state, 'bob.1', roster, identity, rnd))).toBe(code);
      expect(encodeGroupState(bob.state!)).toEqual(before);
    };
    const bumped = { ...m, version: m.version + 1 };
    const good = signRoster(SUITE, alice.identity, 'alice.1', bumped, rnd);
    check({ ...good, members: ['alice', 'bob', 'carol', 'eve'] }, 'BAD_SIGNATURE'); // tampered after signing
    check(good, 'BAD_SIGNATURE', carol.identity.publicKey); // not the session peer's identity
    check(signRoster(SUITE, alice.identity, 'alice.1', { ...bumped, members: ['bob', 'alice', 'carol'] }, rnd), 'BAD_GROUP_CHANGE');
    check(signRoster(SUITE, alice.identity, 'alice.1', { ...bumped, members: ['alice', 'carol'] }, rnd), 'NOT_A_MEMBER');
    check(signRoster(SUITE, alice.identity, 'alice.1', { ...bumped, name: 'other' }, rnd), 'BAD_GROUP_CHANGE');
    check(signRoster(SUITE, bob.identity, 'bob.1', bumped, rnd), 'BAD_GROUP_CHANGE', bob.identity.publicKey); // "from" itself
    // a removed member (carol, dropped by bob's roster) signing herself back in
    bob.state = makeChange(SUITE, bob.identity, bob.state!, 'remove', 'carol', rnd).state;
    const back = { ...bob.state.membership, version: bob.state.membership.version + 1, members: ['alice', 'bob', 'carol'] };
    check(signRoster(SUITE, carol.identity, 'carol.1', back, rnd), 'NOT_A_MEMBER', carol.identity.publicKey);
  });

  test('rotateOwnChain: a new chain of the next epoch; refused on a device that is not a member', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob] = ['alice.1', 'bob.1'].map((a) => devices.get(a)!);
    const rotated = rotateOwnChain(SUITE, alice.state!, rnd);
    expect(rotated.own!.epoch).toBe(alice.state!.own!.epoch + 1);
    expect(rotated.own!.chainId).not.toBe(alice.state!.own!.chainId);
    expect(rotated.membership).toBe(alice.state!.membership);
    // bob holds the old chain only: what alice sends on the new one does not open for him
    const sent = encryptGroupMessage(SUITE, rotated, utf8('x'), rnd);
    expect(codeOf(() => decryptGroupMessage(SUITE, bob.state!, decodeGroupMessage(sent.message)))).toBe('UNKNOWN_SENDER_CHAIN');
    const left = makeChange(SUITE, alice.identity, alice.state!, 'leave', 'alice', rnd).state;
    expect(codeOf(() => rotateOwnChain(SUITE, left, rnd))).toBe('NOT_A_MEMBER');
  });
});
