import { describe, expect, test } from 'vitest';
import { decodeDistribution, distributionOf, encodeDistribution } from '../../../src/protocol/groups/distribution.ts';
import {
  decryptGroupMessage,
  encryptGroupMessage,
  isMember,
  makeChange,
  receiveChange,
  receiveDistribution,
  type GroupState,
} from '../../../src/protocol/groups/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../../../src/protocol/groups/group-state-codec.ts';
import { decodeGroupMessage } from '../../../src/protocol/groups/sender-key.ts';
import { utf8 } from '../../../src/util/bytes.ts';
import type { RandomSource } from '../../../src/util/random.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';
import { generateIdentity } from '../../../src/protocol/identity.ts';
import { changeHash, type GroupChange } from '../../../src/protocol/groups/membership.ts';
import { exchangeDistributions, threeMemberGroup, type GroupDevice } from './helpers/group-fixtures.ts';

const rnd = detRandom('group state tests');
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('group state: send, distribution, removal rekey (PROTOCOL.md §15.5–§15.7)', () => {
  test('one ciphertext opens at every other member device, and the state round-trips its codec', () => {
    const { devices } = threeMemberGroup(rnd);
    const alice = devices.get('alice.1')!;
    const sent = encryptGroupMessage(SUITE, alice.state!, utf8('hello'), rnd);
    alice.state = sent.state;
    let opened = 0;
    for (const d of devices.values()) {
      if (d === alice) continue;
      const r = decryptGroupMessage(SUITE, d.state!, decodeGroupMessage(sent.message));
      expect(text(r.plaintext)).toBe('hello');
      expect(r.sender).toBe('alice.1');
      d.state = r.state;
      opened++;
      const bytes = encodeGroupState(d.state);
      expect(encodeGroupState(decodeGroupState(bytes))).toEqual(bytes);
    }
    expect(opened).toBe(2);
    const own = encodeGroupState(alice.state);
    expect(encodeGroupState(decodeGroupState(own))).toEqual(own);
  });

  test('removal: every remaining member rotates; the removed member reads nothing sent after', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob, carol] = ['alice.1', 'bob.1', 'carol.1'].map((a) => devices.get(a)!);
    const carolBefore = carol.state!;
    const removal = makeChange(SUITE, alice.identity, alice.state!, 'remove', 'carol', rnd);
    expect(removal.rotated).toBe(true);
    expect(removal.removed).toEqual(['carol']);
    alice.state = removal.state;
    const atBob = receiveChange(SUITE, bob.state, 'bob.1', removal.change, alice.identity.publicKey, rnd);
    expect(atBob.rotated).toBe(true);
    bob.state = atBob.state;
    const atCarol = receiveChange(SUITE, carol.state, 'carol.1', removal.change, alice.identity.publicKey, rnd);
    expect(isMember(atCarol.state)).toBe(false);
    carol.state = atCarol.state;
    // new chains go to remaining members only
    const onlyRemaining = new Map([...devices].filter(([a]) => a !== 'carol.1'));
    exchangeDistributions(onlyRemaining);
    for (const from of [alice, bob]) {
      const sent = encryptGroupMessage(SUITE, from.state!, utf8(`after from ${from.address}`), rnd);
      from.state = sent.state;
      const to = from === alice ? bob : alice;
      const r = decryptGroupMessage(SUITE, to.state!, decodeGroupMessage(sent.message));
      to.state = r.state;
      expect(text(r.plaintext)).toBe(`after from ${from.address}`);
      // carol, even keeping the state she had before her removal, cannot read it
      for (const s of [carolBefore, carol.state]) {
        const code = codeOf(() => decryptGroupMessage(SUITE, s, decodeGroupMessage(sent.message)));
        expect(code).toBe('UNKNOWN_SENDER_CHAIN');
      }
    }
    // and carol, no longer a member, can neither send nor accept a chain
    expect(codeOf(() => encryptGroupMessage(SUITE, carol.state!, utf8('x'), rnd))).toBe('NOT_A_MEMBER');
    const d = distributionOf(SUITE, alice.identity, alice.state!.membership.groupId, alice.state!.own!, rnd);
    expect(codeOf(() => receiveDistribution(SUITE, carol.state!, 'alice.1', alice.identity.publicKey, d))).toBe('NOT_A_MEMBER');
  });

  test('a removed member added again starts from the add and reads only what follows', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob, carol] = ['alice.1', 'bob.1', 'carol.1'].map((a) => devices.get(a)!);
    const removal = makeChange(SUITE, alice.identity, alice.state!, 'remove', 'carol', rnd);
    alice.state = removal.state;
    bob.state = receiveChange(SUITE, bob.state, 'bob.1', removal.change, alice.identity.publicKey, rnd).state;
    carol.state = receiveChange(SUITE, carol.state, 'carol.1', removal.change, alice.identity.publicKey, rnd).state;
    // alice sends while carol is out; carol's state stays at version 2 (she sees no later change)
    const between = encryptGroupMessage(SUITE, alice.state, utf8('while carol is out'), rnd);
    alice.state = between.state;
    const readd = makeChange(SUITE, bob.identity, bob.state, 'add', 'carol', rnd);
    bob.state = readd.state;
    expect(readd.added).toEqual(['carol']);
    alice.state = receiveChange(SUITE, alice.state, 'alice.1', readd.change, bob.identity.publicKey, rnd).state;
    const back = receiveChange(SUITE, carol.state, 'carol.1', readd.change, bob.identity.publicKey, rnd);
    expect(back.state.membership.members).toEqual(['alice', 'bob', 'carol']);
    expect(back.state.membership.version).toBe(3);
    expect(back.state.received).toEqual([]);
    carol.state = back.state;
    exchangeDistributions(devices);
    const after = encryptGroupMessage(SUITE, alice.state, utf8('welcome back'), rnd);
    alice.state = after.state;
    expect(text(decryptGroupMessage(SUITE, carol.state, decodeGroupMessage(after.message)).plaintext)).toBe('welcome back');
    expect(codeOf(() => decryptGroupMessage(SUITE, carol.state!, decodeGroupMessage(between.message)))).toBe('DUPLICATE_MESSAGE');
  });

  test('concurrent add and remove: every device converges on the winner and every member reads every member', () => {
    const outcomes = new Set<boolean>();
    for (let i = 0; outcomes.size < 2 && i < 16; i++) outcomes.add(concurrentAddRemove(detRandom(`concurrent ${i}`)));
    expect([...outcomes].sort()).toEqual([false, true]); // both tie-break outcomes were exercised
  });

  test('replayed or stale distribution messages are rejected without state change', () => {
    const { devices } = threeMemberGroup(rnd);
    const [alice, bob] = ['alice.1', 'bob.1'].map((a) => devices.get(a)!);
    const first = distributionOf(SUITE, alice.identity, alice.state!.membership.groupId, alice.state!.own!, rnd);
    const encoded = encodeDistribution(first);
    expect(encodeDistribution(decodeDistribution(encoded))).toEqual(encoded);
    const check = (s: GroupState, from: string, bytes: Uint8Array, code: string) => {
      const before = encodeGroupState(s);
      const identity = devices.get(from)!.identity.publicKey;
      expect(codeOf(() => receiveDistribution(SUITE, s, from, identity, decodeDistribution(bytes)))).toBe(code);
      expect(encodeGroupState(s)).toEqual(before);
    };
    check(bob.state!, 'alice.1', encoded, 'STALE_DISTRIBUTION'); // replay of the held chain
    // alice rotates (removes carol): her old distribution replayed to bob afterwards is stale
    const removal = makeChange(SUITE, alice.identity, alice.state!, 'remove', 'carol', rnd);
    alice.state = removal.state;
    bob.state = receiveChange(SUITE, bob.state, 'bob.1', removal.change, alice.identity.publicKey, rnd).state;
    const second = distributionOf(SUITE, alice.identity, alice.state.membership.groupId, alice.state.own!, rnd);
    bob.state = receiveDistribution(SUITE, bob.state, 'alice.1', alice.identity.publicKey, second);
    check(bob.state, 'alice.1', encoded, 'STALE_DISTRIBUTION');
    // alice's distribution relayed by carol (her identity did not sign it), and carol's own chain
    check(bob.state, 'carol.1', encodeDistribution(second), 'BAD_SIGNATURE');
    const carol = devices.get('carol.1')!;
    const carols = distributionOf(SUITE, carol.identity, alice.state.membership.groupId, alice.state.own!, rnd);
    check(bob.state, 'carol.1', encodeDistribution(carols), 'NOT_A_MEMBER');
    // a tampered chain id breaks alice's signature (the chain key itself rides the session's AEAD)
    const tampered = encodeDistribution(second);
    tampered[22] ^= 1; // version 1 ‖ group id 16 ‖ epoch 4 ‖ chain id: bytes 21–24
    check(bob.state, 'alice.1', tampered, 'BAD_SIGNATURE');
  });
});

/** alice adds dave while bob removes carol, both on version 1; returns whether the add won. */
function concurrentAddRemove(rnd: RandomSource): boolean {
  const { devices } = threeMemberGroup(rnd);
  const dave = { address: 'dave.1', identity: generateIdentity(SUITE, rnd) } as GroupDevice;
  devices.set('dave.1', dave);
  const [alice, bob, carol] = ['alice.1', 'bob.1', 'carol.1'].map((a) => devices.get(a)!);
  const add = makeChange(SUITE, alice.identity, alice.state!, 'add', 'dave', rnd);
  const remove = makeChange(SUITE, bob.identity, bob.state!, 'remove', 'carol', rnd);
  alice.state = add.state;
  bob.state = remove.state;
  const addWins = Buffer.compare(changeHash(SUITE, add.change), changeHash(SUITE, remove.change)) < 0;
  const winner = addWins ? add.change : remove.change;
  const apply = (d: GroupDevice, c: GroupChange, author: GroupDevice) =>
    codeOf(() => (d.state = receiveChange(SUITE, d.state, d.address, c, author.identity.publicKey, rnd).state));
  // each change reaches the roster after it (and the removed carol); carol gets both
  expect(apply(alice, remove.change, bob)).toBe(addWins ? 'STALE_GROUP_VERSION' : 'no error');
  expect(apply(bob, add.change, alice)).toBe(addWins ? 'no error' : 'STALE_GROUP_VERSION');
  expect(apply(carol, remove.change, bob)).toBe('no error');
  expect(apply(carol, add.change, alice)).toBe(addWins ? 'no error' : 'STALE_GROUP_VERSION');
  if (addWins) expect(apply(dave, add.change, alice)).toBe('no error');
  for (const d of [alice, bob, carol]) expect(d.state!.membership.members).toEqual(winner.members);
  // the loser's author makes its change again on the new version, and it applies everywhere
  if (addWins) {
    const again = makeChange(SUITE, bob.identity, bob.state!, 'remove', 'carol', rnd);
    bob.state = again.state;
    for (const d of [alice, carol, dave]) d.state = receiveChange(SUITE, d.state, d.address, again.change, bob.identity.publicKey, rnd).state;
  } else {
    const again = makeChange(SUITE, alice.identity, alice.state!, 'add', 'dave', rnd);
    alice.state = again.state;
    for (const d of [bob, dave]) d.state = receiveChange(SUITE, d.state, d.address, again.change, alice.identity.publicKey, rnd).state;
  }
  const members = [alice, bob, dave];
  for (const d of members) expect(d.state!.membership.members).toEqual(['alice', 'bob', 'dave']);
  exchangeDistributions(new Map(members.map((d) => [d.address, d])));
  for (const from of members) {
    const sent = encryptGroupMessage(SUITE, from.state!, utf8(`from ${from.address}`), rnd);
    from.state = sent.state;
    for (const to of members)
      if (to !== from) {
        const r = decryptGroupMessage(SUITE, to.state!, decodeGroupMessage(sent.message));
        to.state = r.state;
        expect(text(r.plaintext)).toBe(`from ${from.address}`);
      }
    expect(codeOf(() => decryptGroupMessage(SUITE, carol.state!, decodeGroupMessage(sent.message)))).toBe('UNKNOWN_SENDER_CHAIN');
  }
  return addWins;
}
