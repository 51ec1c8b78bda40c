import { describe, expect, test } from 'vitest';
import {
  applyGroupChange,
  changeHash,
  decodeGroupChange,
  encodeGroupChange,
  signGroupChange,
  verifyGroupChange,
  type GroupChange,
  type Membership,
} from '../../../src/protocol/groups/membership.ts';
import { makeChange, receiveChange } from '../../../src/protocol/groups/group-state.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';
import { makeDevices, threeMemberGroup } from './helpers/group-fixtures.ts';

const rnd = detRandom('membership tests');

describe('group changes: encoding and signature (PROTOCOL.md §15.6)', () => {
  const { devices, create } = threeMemberGroup(rnd);
  const alice = devices.get('alice.1')!;

  test('create: version 1, sorted roster, round-trips byte for byte, verifies under the author only', () => {
    expect(create.kind).toBe('create');
    expect(create.members).toEqual(['alice', 'bob', 'carol']);
    expect(alice.state!.membership.version).toBe(1);
    const bytes = encodeGroupChange(create);
    expect(encodeGroupChange(decodeGroupChange(bytes))).toEqual(bytes);
    expect(verifyGroupChange(SUITE, alice.identity.publicKey, create)).toBe(true);
    expect(verifyGroupChange(SUITE, devices.get('bob.1')!.identity.publicKey, create)).toBe(false);
  });

  test('a tampered change (any field) fails its signature and changes nothing at the receiver', () => {
    const bob = devices.get('bob.1')!;
    const { change } = makeChange(SUITE, alice.identity, alice.state!, 'remove', 'carol', rnd);
    const tampered: GroupChange[] = [
      { ...change, target: 'bob', members: ['alice', 'carol'] },
      { ...change, baseVersion: change.baseVersion + 1 },
      { ...change, author: 'carol.1' },
    ];
    for (const t of tampered) {
      const before = JSON.stringify(bob.state);
      expect(codeOf(() => receiveChange(SUITE, bob.state, 'bob.1', t, alice.identity.publicKey, rnd))).toBe('BAD_SIGNATURE');
      expect(JSON.stringify(bob.state)).toBe(before);
    }
    // carol signs a change claiming alice.1 as author: bob verifies under alice's identity
    const carol = devices.get('carol.1')!;
    const forged = signGroupChange(SUITE, carol.identity, { ...change, author: 'alice.1' }, rnd);
    expect(codeOf(() => receiveChange(SUITE, bob.state, 'bob.1', forged, alice.identity.publicKey, rnd))).toBe('BAD_SIGNATURE');
  });

  test('decoder: unknown kind, trailing and truncated bytes are typed errors', () => {
    const bytes = encodeGroupChange(create);
    const badKind = bytes.slice();
    badKind[17] = 9;
    expect(codeOf(() => decodeGroupChange(badKind))).toBe('BAD_TAG');
    expect(codeOf(() => decodeGroupChange(Uint8Array.of(...bytes, 0)))).toBe('TRAILING_BYTES');
    expect(codeOf(() => decodeGroupChange(bytes.subarray(0, bytes.length - 1)))).toBe('TRUNCATED');
  });
});

describe('membership rules and order (PROTOCOL.md §15.6)', () => {
  const devices = makeDevices(['alice.1', 'bob.1', 'carol.1', 'dave.1'], rnd);
  const id = (a: string) => devices.get(a)!.identity;
  const base: Membership = { groupId: new Uint8Array(16).fill(1), name: 'g', version: 3, members: ['alice', 'bob', 'carol'] };
  const change = (author: string, kind: GroupChange['kind'], target: string, members: string[], baseVersion = 3) =>
    signGroupChange(SUITE, id(author), { groupId: base.groupId, kind, baseVersion, author, target, name: 'g', members }, rnd);

  test('add, remove, leave apply on the current version; each yields version + 1', () => {
    expect(applyGroupChange(SUITE, base, change('alice.1', 'add', 'dave', ['alice', 'bob', 'carol', 'dave'])).membership.members).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(applyGroupChange(SUITE, base, change('alice.1', 'remove', 'carol', ['alice', 'bob'])).membership.version).toBe(4);
    expect(applyGroupChange(SUITE, base, change('bob.1', 'leave', 'bob', ['alice', 'carol'])).membership.members).toEqual(['alice', 'carol']);
  });

  test('refusals: non-member author, roster that does not follow, removing oneself, stale base', () => {
    expect(codeOf(() => applyGroupChange(SUITE, base, change('dave.1', 'add', 'dave', ['alice', 'bob', 'carol', 'dave'])))).toBe('NOT_A_MEMBER');
    expect(codeOf(() => applyGroupChange(SUITE, base, change('alice.1', 'add', 'dave', ['alice', 'bob', 'dave'])))).toBe('BAD_GROUP_CHANGE');
    expect(codeOf(() => applyGroupChange(SUITE, base, change('alice.1', 'remove', 'alice', ['bob', 'carol'])))).toBe('BAD_GROUP_CHANGE');
    expect(codeOf(() => applyGroupChange(SUITE, base, change('alice.1', 'remove', 'carol', ['alice', 'bob'], 2)))).toBe('STALE_GROUP_VERSION');
    expect(codeOf(() => applyGroupChange(SUITE, base, change('alice.1', 'remove', 'carol', ['alice', 'bob'], 4)))).toBe('STALE_GROUP_VERSION');
  });

  test('concurrent changes on one base: every device ends on the same roster whatever the arrival order', () => {
    const x = change('alice.1', 'remove', 'carol', ['alice', 'bob']);
    const y = change('bob.1', 'add', 'dave', ['alice', 'bob', 'carol', 'dave']);
    const winner = [x, y].sort((p, q) => Buffer.compare(changeHash(SUITE, p), changeHash(SUITE, q)))[0];
    const rosters = [
      [x, y],
      [y, x],
    ].map(([first, second]) => {
      let m = applyGroupChange(SUITE, base, first).membership;
      const code = codeOf(() => (m = applyGroupChange(SUITE, m, second).membership));
      expect(code).toBe(second === winner ? 'no error' : 'STALE_GROUP_VERSION');
      return m;
    });
    expect(rosters[0].members).toEqual(rosters[1].members);
    expect(rosters[0].members).toEqual(winner.members);
    expect(rosters[0].version).toBe(4);
    // the same change twice is a duplicate
    const once = applyGroupChange(SUITE, base, x).membership;
    expect(codeOf(() => applyGroupChange(SUITE, once, x))).toBe('DUPLICATE_MESSAGE');
  });
});
