/**
 * The group welcome (docs/PROTOCOL.md §15.12 "Devices in groups"): what a member device sends a
 * member device over their pairwise session instead of a bare distribution — its current signed
 * ROSTER (group id, name, version, member users) together with its chain's distribution (§15.5).
 * A device that lacks the group's state (linked to a member's account after the group was made)
 * learns the group from it; a device whose state is older takes the newer roster; the distribution
 * then applies as usual. One pairwise content, so the roster cannot arrive after its chain.
 *   roster   = version ‖ groupId (16) ‖ u32 rosterVersion ‖ bytes(author device address)
 *              ‖ bytes(name) ‖ u16 n ‖ n × bytes(member user) ‖ signature (3373)
 *   signed   = "pqmsg v1 group roster" label (PROTOCOL.md §2.3) over everything before the signature
 *   welcome  = version ‖ bytes(roster) ‖ bytes(distribution, §15.5)
 * Side channels: public data only (the signature uses the identity through the suite).
 */
import { DecodeError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, PROTOCOL_VERSION } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import { expectVersion, type IdentityKeyPair, type IdentityPublic } from '../identity.ts';
import type { Suite } from '../suite.ts';
import {
  GROUP_ID_BYTES,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_BYTES,
  MAX_MEMBER_NAME_BYTES,
  SIGNATURE_LABEL_GROUP_ROSTER,
} from './constants.ts';
import { decodeDistribution, encodeDistribution, type SenderKeyDistribution } from './distribution.ts';
import { nameBytes, type Roster } from './membership.ts';
import { decodeUtf8 } from './names.ts';

/** A member device's signed statement of the roster it holds (§15.12). */
export interface SignedRoster extends Roster {
  /** The signing device's address `user.deviceId`. */
  readonly author: string;
  readonly signature: Uint8Array;
}

/** A roster and the author's current chain, in one pairwise content. */
export interface GroupWelcome {
  readonly roster: SignedRoster;
  readonly distribution: SenderKeyDistribution;
}

/** Bound on a distribution inside a welcome (it is 5420 bytes, §15.11). */
const MAX_DISTRIBUTION_BYTES = 8 * 1024;

function writeRosterBody(r: Omit<SignedRoster, 'signature'>): Writer {
  const w = new Writer().u8(PROTOCOL_VERSION).fixed(r.groupId).u32(r.version);
  w.bytes(nameBytes(r.author, MAX_MEMBER_NAME_BYTES, 'author')).bytes(nameBytes(r.name, MAX_GROUP_NAME_BYTES, 'group name'));
  w.u16(r.members.length);
  for (const m of r.members) w.bytes(nameBytes(m, MAX_MEMBER_NAME_BYTES, 'member'));
  return w;
}

/** Signs `roster` with the device `author`'s hybrid identity signature (PROTOCOL.md §2.3). */
export function signRoster(suite: Suite, identity: IdentityKeyPair, author: string, roster: Roster, random: RandomSource): SignedRoster {
  const body = { groupId: roster.groupId, name: roster.name, version: roster.version, members: [...roster.members], author };
  return { ...body, signature: hybridSign(suite, identity, SIGNATURE_LABEL_GROUP_ROSTER, writeRosterBody(body).finish(), random) };
}

/** True iff the roster's hybrid signature verifies under the author device's identity. */
export function verifyRoster(suite: Suite, author: IdentityPublic, r: SignedRoster): boolean {
  return hybridVerify(suite, author, SIGNATURE_LABEL_GROUP_ROSTER, writeRosterBody(r).finish(), r.signature);
}

export function encodeSignedRoster(r: SignedRoster): Uint8Array {
  return writeRosterBody(r).fixed(r.signature).finish();
}

/** Decodes a signed roster strictly (version, lengths, member count, no trailing bytes). */
export function decodeSignedRoster(bytes: Uint8Array): SignedRoster {
  const r = new Reader(bytes, 'group roster');
  expectVersion(r.u8(), 'group roster');
  const groupId = r.fixed(GROUP_ID_BYTES);
  const version = r.u32();
  const author = decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group roster author');
  const name = decodeUtf8(r.bytes(MAX_GROUP_NAME_BYTES), 'group name');
  const n = r.u16();
  if (n > MAX_GROUP_MEMBERS) throw new DecodeError('BAD_VALUE', `group roster: ${n} members, limit ${MAX_GROUP_MEMBERS}`);
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group member'));
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  r.end();
  return { groupId, version, author, name, members, signature };
}

export function encodeWelcome(w: GroupWelcome): Uint8Array {
  return new Writer().u8(PROTOCOL_VERSION).bytes(encodeSignedRoster(w.roster)).bytes(encodeDistribution(w.distribution)).finish();
}

/** Decodes a welcome strictly; the roster and the distribution decode strictly too. */
export function decodeWelcome(bytes: Uint8Array): GroupWelcome {
  const r = new Reader(bytes, 'group welcome');
  expectVersion(r.u8(), 'group welcome');
  const roster = decodeSignedRoster(r.bytes(MAX_GROUP_MEMBERS * (4 + MAX_MEMBER_NAME_BYTES) + 4096));
  const distribution = decodeDistribution(r.bytes(MAX_DISTRIBUTION_BYTES));
  r.end();
  return { roster, distribution };
}
