/**
 * Shared fixtures of the group tests: device identities from a deterministic random source and a
 * small group of three users (alice, bob, carol), one device each.
 */
import { generateIdentity, type IdentityKeyPair } from '../../../../src/protocol/identity.ts';
import { createGroup, type GroupState } from '../../../../src/protocol/groups/group-state.ts';
import { distributionOf } from '../../../../src/protocol/groups/distribution.ts';
import { receiveChange, receiveDistribution } from '../../../../src/protocol/groups/group-state.ts';
import type { GroupChange } from '../../../../src/protocol/groups/membership.ts';
import type { RandomSource } from '../../../../src/util/random.ts';
import { detRandom } from '../../helpers/det-rng.ts';
import { SUITE } from '../../helpers/suites.ts';

export interface GroupDevice {
  readonly address: string;
  readonly identity: IdentityKeyPair;
  state?: GroupState;
}

export function makeDevices(addresses: readonly string[], random: RandomSource): Map<string, GroupDevice> {
  return new Map(addresses.map((a) => [a, { address: a, identity: generateIdentity(SUITE, random) }]));
}

/**
 * alice.1 creates "friends" with bob and carol; every device applies the create and receives
 * every other device's distribution (what the client does over the pairwise sessions).
 */
export function threeMemberGroup(random: RandomSource): { devices: Map<string, GroupDevice>; create: GroupChange } {
  const devices = makeDevices(['alice.1', 'bob.1', 'carol.1'], random);
  const alice = devices.get('alice.1')!;
  const { state, change } = createGroup(SUITE, alice.identity, 'alice.1', 'friends', ['bob', 'carol'], random);
  alice.state = state;
  for (const d of devices.values())
    if (d !== alice) d.state = receiveChange(SUITE, undefined, d.address, change, alice.identity.publicKey, random).state;
  exchangeDistributions(devices);
  return { devices, create: change };
}

/** Every member device hands its current chain to every other member device. */
export function exchangeDistributions(devices: Map<string, GroupDevice>): void {
  for (const from of devices.values()) {
    if (from.state?.own === undefined) continue;
    const d = distributionOf(SUITE, from.identity, from.state.membership.groupId, from.state.own, detRandom('distributions'));
    for (const to of devices.values())
      if (to !== from && to.state?.own !== undefined && !to.state.received.some((s) => s.sender === from.address && s.chains.some((c) => c.chainId === d.chainId)))
        to.state = receiveDistribution(SUITE, to.state, from.address, from.identity.publicKey, d);
  }
}
