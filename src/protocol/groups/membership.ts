/**
 * Group membership (docs/PROTOCOL.md §15.6): the roster — group id, name, version and member
 * users — and the signed changes that move it (create, add, remove, leave). A change names its
 * base version and carries the complete roster after it; it is signed by the device that made it
 * with that device's hybrid identity signature (PROTOCOL.md §2.3), and applies only if its author
 * is a member, its roster follows from its kind and target, and its base is the current version.
 * Two changes made concurrently on the same base are ordered by a deterministic tie-break: the
 * one whose encoding has the smaller SHA-256 wins everywhere; a device that already applied the
 * loser re-applies the winner on the kept previous roster (one step back), and the loser's author
 * makes its change again on the new version (§15.6 "Concurrent changes").
 *   change = version ‖ groupId (16) ‖ u8 kind ‖ u32 baseVersion ‖ bytes(author) ‖ bytes(target)
 *            ‖ bytes(name) ‖ u16 n ‖ n × bytes(member) ‖ hybrid signature (3373)
 * Side channels: public data only (the signature uses the identity through the suite).
 */
import { bytesEqual, utf8 } from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
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
  SIGNATURE_LABEL_GROUP_CHANGE,
} from './constants.ts';
import { decodeUtf8 } from './names.ts';

/** Kinds of membership change; the byte is under the signature. */
export const CHANGE_KIND = Object.freeze({ create: 1, add: 2, remove: 3, leave: 4 });
export type ChangeKind = keyof typeof CHANGE_KIND;

/** A group's roster at one version. */
export interface Roster {
  readonly groupId: Uint8Array;
  readonly name: string;
  /** 1 after create, +1 per applied change. */
  readonly version: number;
  /** Member user names, sorted, unique. */
  readonly members: readonly string[];
}

/** The roster with the one step of history the tie-break needs. */
export interface Membership extends Roster {
  /** The roster before the last applied change and that change's SHA-256 (tie-break, §15.6). */
  readonly previous?: { readonly roster: Roster; readonly changeHash: Uint8Array };
}

/** A signed membership change (§15.6). */
export interface GroupChange {
  readonly groupId: Uint8Array;
  readonly kind: ChangeKind;
  /** The version this change applies to (0 for create); the result is baseVersion + 1. */
  readonly baseVersion: number;
  /** The authoring device's address `user.deviceId`. */
  readonly author: string;
  /** The user added, removed or leaving (the author's user for create and leave). */
  readonly target: string;
  readonly name: string;
  /** The complete roster after the change, sorted. */
  readonly members: readonly string[];
  readonly signature: Uint8Array;
}

/** The user part of a device address `user.deviceId` (everything before the last dot). */
export function userOf(address: string): string {
  const dot = address.lastIndexOf('.');
  return dot < 0 ? address : address.slice(0, dot);
}

/** The roster a change of `kind` on `target` makes from `members` (sorted, unique). */
export function nextMembers(kind: ChangeKind, members: readonly string[], target: string): string[] {
  const set = new Set(members);
  if (kind === 'add') set.add(target);
  else set.delete(target);
  return [...set].sort();
}

function writeBody(c: Omit<GroupChange, 'signature'>): Writer {
  const w = new Writer().u8(PROTOCOL_VERSION).fixed(c.groupId).u8(CHANGE_KIND[c.kind]).u32(c.baseVersion);
  w.bytes(nameBytes(c.author, MAX_MEMBER_NAME_BYTES, 'author')).bytes(nameBytes(c.target, MAX_MEMBER_NAME_BYTES, 'target'));
  w.bytes(nameBytes(c.name, MAX_GROUP_NAME_BYTES, 'group name')).u16(c.members.length);
  for (const m of c.members) w.bytes(nameBytes(m, MAX_MEMBER_NAME_BYTES, 'member'));
  return w;
}

/** UTF-8 of a name carried in a group encoding, at most `max` bytes (DecodeError BAD_VALUE). */
export function nameBytes(s: string, max: number, what: string): Uint8Array {
  const b = utf8(s);
  if (b.length > max) throw new DecodeError('BAD_VALUE', `group encoding: ${what} longer than ${max} bytes`);
  return b;
}

/** Signs a change with the author device's hybrid identity signature (PROTOCOL.md §2.3). */
export function signGroupChange(
  suite: Suite,
  identity: IdentityKeyPair,
  body: Omit<GroupChange, 'signature'>,
  random: RandomSource,
): GroupChange {
  const tbs = writeBody(body).finish();
  return { ...body, signature: hybridSign(suite, identity, SIGNATURE_LABEL_GROUP_CHANGE, tbs, random) };
}

/** True iff the change's hybrid signature verifies under the author device's identity. */
export function verifyGroupChange(suite: Suite, author: IdentityPublic, c: GroupChange): boolean {
  const tbs = writeBody(c).finish();
  return hybridVerify(suite, author, SIGNATURE_LABEL_GROUP_CHANGE, tbs, c.signature);
}

export function encodeGroupChange(c: GroupChange): Uint8Array {
  return writeBody(c).fixed(c.signature).finish();
}

/** Decodes a change strictly (version, kind, lengths, member count, no trailing bytes). */
export function decodeGroupChange(bytes: Uint8Array): GroupChange {
  const r = new Reader(bytes, 'group change');
  expectVersion(r.u8(), 'group change');
  const groupId = r.fixed(GROUP_ID_BYTES);
  const kindByte = r.u8();
  const kind = (Object.keys(CHANGE_KIND) as ChangeKind[]).find((k) => CHANGE_KIND[k] === kindByte);
  if (kind === undefined) throw new DecodeError('BAD_TAG', `group change: unknown kind ${kindByte}`);
  const baseVersion = r.u32();
  const author = decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group change author');
  const target = decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group change target');
  const name = decodeUtf8(r.bytes(MAX_GROUP_NAME_BYTES), 'group name');
  const n = r.u16();
  if (n > MAX_GROUP_MEMBERS) throw new DecodeError('BAD_VALUE', `group change: ${n} members, limit ${MAX_GROUP_MEMBERS}`);
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group member'));
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  r.end();
  return { groupId, kind, baseVersion, author, target, name, members, signature };
}

/** SHA-256 of a change's encoding: its identity in the tie-break. */
export function changeHash(suite: Suite, c: GroupChange): Uint8Array {
  return suite.sha256(encodeGroupChange(c));
}

/** Outcome of applying a change: a new version, or the tie-break replacing the last change. */
export type ApplyOutcome = 'applied' | 'replaced';

/**
 * Applies a change whose signature the caller verified (verifyGroupChange) to `state` (undefined
 * before create, or for a device learning of the group by being added). Throws, changing nothing:
 * NOT_A_MEMBER (author not a member), BAD_GROUP_CHANGE (roster does not follow, wrong group,
 * bad create), STALE_GROUP_VERSION (base not current, or the change loses the tie-break),
 * DUPLICATE_MESSAGE (the last applied change again).
 */
export function applyGroupChange(
  suite: Suite,
  state: Membership | undefined,
  c: GroupChange,
): { membership: Membership; outcome: ApplyOutcome } {
  const hash = changeHash(suite, c);
  const author = userOf(c.author);
  if (state === undefined) {
    // A device learns of a group by its create, or by the add that names its user.
    if (c.kind !== 'create' && c.kind !== 'add')
      throw new ProtocolError('NOT_A_MEMBER', 'group change for a group this device is not in');
    expectWellFormed(c);
    if (c.kind === 'create') {
      if (c.baseVersion !== 0 || c.target !== author || !c.members.includes(author))
        throw new ProtocolError('BAD_GROUP_CHANGE', 'group create: base 0, target and member must be its author');
    } else if (!c.members.includes(author) || !c.members.includes(c.target) || author === c.target)
      throw new ProtocolError('BAD_GROUP_CHANGE', 'group add: author and target must be members after it');
    const roster = { groupId: c.groupId, name: c.name, version: c.baseVersion + 1, members: [...c.members] };
    return { membership: roster, outcome: 'applied' };
  }
  if (!bytesEqual(c.groupId, state.groupId)) throw new ProtocolError('BAD_GROUP_CHANGE', 'group change for another group');
  if (state.previous !== undefined && bytesEqual(hash, state.previous.changeHash))
    throw new ProtocolError('DUPLICATE_MESSAGE', 'group change already applied');
  if (c.baseVersion === state.version) return { membership: applyOn(state, c, hash), outcome: 'applied' };
  const prev = state.previous;
  if (prev !== undefined && c.baseVersion === prev.roster.version && c.baseVersion + 1 === state.version) {
    // Tie-break (§15.6): the smaller SHA-256 of the encoding wins on every device.
    if (compareBytes(hash, prev.changeHash) < 0) return { membership: applyOn(prev.roster, c, hash), outcome: 'replaced' };
    throw new ProtocolError('STALE_GROUP_VERSION', `group change on version ${c.baseVersion} lost the tie-break`);
  }
  throw new ProtocolError('STALE_GROUP_VERSION', `group change on version ${c.baseVersion}, current is ${state.version}`);
}

function applyOn(roster: Roster, c: GroupChange, hash: Uint8Array): Membership {
  const author = userOf(c.author);
  if (!roster.members.includes(author)) throw new ProtocolError('NOT_A_MEMBER', `${author} is not a member of the group`);
  expectWellFormed(c);
  const ok =
    (c.kind === 'add' && !roster.members.includes(c.target) && c.target !== author) ||
    (c.kind === 'remove' && roster.members.includes(c.target) && c.target !== author) ||
    (c.kind === 'leave' && c.target === author);
  if (!ok || !sameList(c.members, nextMembers(c.kind, roster.members, c.target)) || c.name !== roster.name)
    throw new ProtocolError('BAD_GROUP_CHANGE', `group ${c.kind} of ${c.target} does not follow from version ${roster.version}`);
  const base = { groupId: roster.groupId, name: roster.name, version: roster.version, members: roster.members };
  return { ...base, version: roster.version + 1, members: [...c.members], previous: { roster: base, changeHash: hash } };
}

function expectWellFormed(c: GroupChange): void {
  const sorted = [...new Set(c.members)].sort();
  if (!sameList(sorted, c.members) || c.members.length > MAX_GROUP_MEMBERS || c.name.length === 0)
    throw new ProtocolError('BAD_GROUP_CHANGE', 'group change: roster must be sorted, unique, bounded, and named');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Lexicographic order of two public byte strings (hashes). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
