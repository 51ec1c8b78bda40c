/**
 * One device's state in one group (docs/PROTOCOL.md §15.7): the membership, this device's own
 * sender chain and the chains received from the other member devices, with the pure steps the
 * client sequences (state in, new state out; docs/ARCHITECTURE.md §2):
 *   createGroup / makeChange   sign a change, apply it, rotate on removal;
 *   receiveChange              verify the author's signature, apply, rotate on removal;
 *   receiveDistribution        accept another member device's chain (members only, no replay);
 *   receiveRoster / rotateOwnChain  devices in groups (§15.12): a member's signed roster, and a
 *                              new chain when a device holding ours left its account's list;
 *   encryptGroupMessage        one sealed ciphertext for every member device;
 *   decryptGroupMessage(In)    find the chain by its header key (trial), then header, body and
 *                              signature; returns the authenticated sender.
 * REMOVING a member (remove or leave) rotates this device's chain and drops every chain of the
 * removed user's devices: the caller distributes the new chain to the remaining member devices
 * only, so the removed member cannot read what is sent after (§15.7 "Removal").
 * Side channels: see sender-key.ts; everything here branches on public names and versions, and the
 * trial on which header key opens a header: its time tells a local observer the position of the
 * message's chain among those held (which chain), never a key.
 */
import { bytesEqual } from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import type { IdentityKeyPair, IdentityPublic } from '../identity.ts';
import type { Suite } from '../suite.ts';
import { GROUP_ID_BYTES } from './constants.ts';
import { acceptDistribution, verifyDistribution, type SenderKeyDistribution } from './distribution.ts';
import { verifyRoster, type SignedRoster } from './welcome.ts';
import {
  applyGroupChange,
  nextMembers,
  signGroupChange,
  userOf,
  verifyGroupChange,
  type ChangeKind,
  type GroupChange,
  type Membership,
} from './membership.ts';
import { openGroupHeader, type GroupHeader } from './group-header.ts';
import {
  createSenderChain,
  groupDecrypt,
  groupEncrypt,
  type GroupMessage,
  type OwnSenderChain,
  type ReceivedSenderChain,
} from './sender-key.ts';

/** Chains received from one other member device, newest first. */
export interface SenderChains {
  readonly sender: string;
  readonly chains: readonly ReceivedSenderChain[];
}

export interface GroupState {
  readonly membership: Membership;
  /** This device's address `user.deviceId`. */
  readonly self: string;
  /**
   * This device's sending chain (absent before it has one). Kept, unused, while its user is not a
   * member, so that a chain made on rejoining has a newer epoch than any a member still holds.
   */
  readonly own?: OwnSenderChain;
  /** Chains of the other member devices, by sender address (sorted). */
  readonly received: readonly SenderChains[];
}

/** What a membership step asks the caller to do next. */
export interface ChangeResult {
  readonly state: GroupState;
  /** True when this device made a new chain: distribute it to every member device. */
  readonly rotated: boolean;
  /** The users added by the step: send them this device's current chain. */
  readonly added: readonly string[];
  /** The users removed by the step (their chains were dropped). */
  readonly removed: readonly string[];
}

/** True while this device's user is a member. */
export function isMember(state: GroupState): boolean {
  return state.membership.members.includes(userOf(state.self));
}

/**
 * Creates a group (§15.6 create): draws a 16-byte group id, signs the create change with this
 * device's identity and makes this device's first chain. The caller sends the change to every
 * member device, then the chain's distribution.
 */
export function createGroup(
  suite: Suite,
  identity: IdentityKeyPair,
  self: string,
  name: string,
  members: readonly string[],
  random: RandomSource,
): { state: GroupState; change: GroupChange } {
  const groupId = random(GROUP_ID_BYTES);
  const author = userOf(self);
  const roster = [...new Set([author, ...members])].sort();
  const body = { groupId, kind: 'create' as const, baseVersion: 0, author: self, target: author, name, members: roster };
  const change = signGroupChange(suite, identity, body, random);
  const { membership } = applyGroupChange(suite, undefined, change);
  const own = createSenderChain(random, 1);
  return { state: { membership, self, own, received: [] }, change };
}

/** Makes and applies this device's own change (add, remove, leave) on the current version. */
export function makeChange(
  suite: Suite,
  identity: IdentityKeyPair,
  state: GroupState,
  kind: Exclude<ChangeKind, 'create'>,
  target: string,
  random: RandomSource,
): ChangeResult & { change: GroupChange } {
  const m = state.membership;
  const body = {
    groupId: m.groupId,
    kind,
    baseVersion: m.version,
    author: state.self,
    target,
    name: m.name,
    members: nextMembers(kind, m.members, target),
  };
  const change = signGroupChange(suite, identity, body, random);
  const applied = applyGroupChange(suite, m, change);
  return { ...afterChange(suite, state, applied.membership, random), change };
}

/**
 * Applies another device's change: the author's hybrid signature must verify under
 * `authorIdentity` (the pinned identity of that device; BAD_SIGNATURE), then applyGroupChange's
 * rules hold. `state` is undefined when this device learns of the group (create, or being added);
 * a device whose user was removed and is added again starts from the add (its old state is stale).
 */
export function receiveChange(
  suite: Suite,
  state: GroupState | undefined,
  self: string,
  change: GroupChange,
  authorIdentity: IdentityPublic,
  random: RandomSource,
): ChangeResult {
  if (change.author === self)
    throw new ProtocolError('BAD_GROUP_CHANGE', 'group change claims to be from this device');
  if (!verifyGroupChange(suite, authorIdentity, change))
    throw new ProtocolError('BAD_SIGNATURE', 'group change: hybrid signature does not verify (PROTOCOL.md §15.6)');
  // A device whose user was removed saw no change since; being added again starts afresh.
  const rejoin = state !== undefined && !isMember(state) && change.kind === 'add' && change.target === userOf(self);
  const applied = applyGroupChange(suite, rejoin ? undefined : state?.membership, change);
  if (state === undefined || rejoin) {
    const fresh = { membership: applied.membership, self, received: [] };
    if (!applied.membership.members.includes(userOf(self)))
      throw new ProtocolError('NOT_A_MEMBER', 'group change does not make this device a member');
    const own = createSenderChain(random, (state?.own?.epoch ?? 0) + 1);
    return { state: { ...fresh, own }, rotated: true, added: [], removed: [] };
  }
  return afterChange(suite, state, applied.membership, random);
}

/** The common tail of a change: drop removed users' chains, rotate on removal, list the added. */
function afterChange(suite: Suite, state: GroupState, membership: Membership, random: RandomSource): ChangeResult {
  const before = state.membership.members;
  const after = membership.members;
  const removed = before.filter((u) => !after.includes(u));
  const added = after.filter((u) => !before.includes(u));
  const received = state.received.filter((s) => after.includes(userOf(s.sender)));
  const selfMember = after.includes(userOf(state.self));
  if (!selfMember) {
    const out = state.own === undefined ? { membership, self: state.self, received: [] } : { membership, self: state.self, own: state.own, received: [] };
    return { state: out, rotated: false, added, removed };
  }
  // a new chain at a removal, and on becoming a member again (the tie-break may restore one)
  const rotate = removed.length > 0 || state.own === undefined || !isMember(state);
  const own = rotate ? createSenderChain(random, (state.own?.epoch ?? 0) + 1) : state.own;
  return { state: { membership, self: state.self, own, received }, rotated: rotate, added, removed };
}

/**
 * Makes this device a new chain (epoch + 1) while the roster stays (§15.12 "Devices in groups"):
 * a device that held this device's chain left its account's verified device list, so what is
 * sent from now on must be on a chain it never had. The caller distributes the new chain to the
 * current member devices only.
 */
export function rotateOwnChain(suite: Suite, state: GroupState, random: RandomSource): GroupState {
  if (state.own === undefined || !isMember(state)) throw new ProtocolError('NOT_A_MEMBER', 'this device is not a member of the group');
  return { ...state, own: createSenderChain(random, state.own.epoch + 1) };
}

/**
 * Applies a member device's signed roster (§15.12): its signature must verify under
 * `authorIdentity`, the pinned identity of the session's peer (BAD_SIGNATURE); the roster must be
 * well-formed and name the author's user and this device's user (BAD_GROUP_CHANGE, NOT_A_MEMBER).
 * A device without the group's state (or whose user is no longer a member) starts from it with a
 * new chain; a member device takes it only if it is newer than its own roster and the author's
 * user is a member of its own roster (NOT_A_MEMBER), then drops removed users' chains and
 * rotates as after a change; an older or equal roster changes nothing.
 */
export function receiveRoster(
  suite: Suite,
  state: GroupState | undefined,
  self: string,
  roster: SignedRoster,
  authorIdentity: IdentityPublic,
  random: RandomSource,
): ChangeResult {
  if (roster.author === self) throw new ProtocolError('BAD_GROUP_CHANGE', 'group roster claims to be from this device');
  if (!verifyRoster(suite, authorIdentity, roster))
    throw new ProtocolError('BAD_SIGNATURE', 'group roster: hybrid signature does not verify (PROTOCOL.md §15.12)');
  const sorted = [...new Set(roster.members)].sort();
  if (sorted.length !== roster.members.length || sorted.some((m, i) => m !== roster.members[i]) || roster.name.length === 0)
    throw new ProtocolError('BAD_GROUP_CHANGE', 'group roster must be sorted, unique and named');
  if (!roster.members.includes(userOf(roster.author)) || !roster.members.includes(userOf(self)))
    throw new ProtocolError('NOT_A_MEMBER', 'group roster must name its author and this device as members');
  const membership: Membership = { groupId: roster.groupId, name: roster.name, version: roster.version, members: [...roster.members] };
  if (state === undefined || !isMember(state)) {
    if (state !== undefined && (!bytesEqual(state.membership.groupId, roster.groupId) || state.membership.version >= roster.version))
      return { state, rotated: false, added: [], removed: [] };
    const own = createSenderChain(random, (state?.own?.epoch ?? 0) + 1);
    return { state: { membership, self, own, received: [] }, rotated: true, added: [], removed: [] };
  }
  const held = state.membership;
  if (!bytesEqual(held.groupId, roster.groupId) || held.name !== roster.name)
    throw new ProtocolError('BAD_GROUP_CHANGE', 'group roster for another group');
  if (!held.members.includes(userOf(roster.author)))
    throw new ProtocolError('NOT_A_MEMBER', `${userOf(roster.author)} is not a member of the group`);
  if (roster.version <= held.version) return { state, rotated: false, added: [], removed: [] };
  return afterChange(suite, state, membership, random);
}

/**
 * Accepts a distribution received over the pairwise session with `sender` (§15.5): its hybrid
 * signature must verify under `senderIdentity`, the pinned identity of that device
 * (BAD_SIGNATURE), the sender's user must be a member (NOT_A_MEMBER), the group must match, and
 * the chain must be newer than every chain held from that device (STALE_DISTRIBUTION).
 */
export function receiveDistribution(
  suite: Suite,
  state: GroupState,
  sender: string,
  senderIdentity: IdentityPublic,
  d: SenderKeyDistribution,
): GroupState {
  if (!verifyDistribution(suite, senderIdentity, d))
    throw new ProtocolError('BAD_SIGNATURE', 'sender-key distribution: hybrid signature does not verify (PROTOCOL.md §15.5)');
  if (!bytesEqual(d.groupId, state.membership.groupId))
    throw new ProtocolError('BAD_GROUP_CHANGE', 'distribution for another group');
  if (!isMember(state)) throw new ProtocolError('NOT_A_MEMBER', 'this device is no longer a member');
  if (sender === state.self || !state.membership.members.includes(userOf(sender)))
    throw new ProtocolError('NOT_A_MEMBER', `distribution from ${sender}, not a member device`);
  const held = state.received.find((s) => s.sender === sender);
  const chains = acceptDistribution(held?.chains ?? [], d);
  const others = state.received.filter((s) => s.sender !== sender);
  const received = [...others, { sender, chains }].sort((a, b) => (a.sender < b.sender ? -1 : 1));
  return { ...state, received };
}

/**
 * True iff the newest chain held from `sender` is the chain `d` carries (same epoch and chain id):
 * a welcome re-announcing it to every device of an account leaves such a device as it is (§15.12).
 */
export function holdsChain(state: GroupState, sender: string, d: SenderKeyDistribution): boolean {
  const newest = state.received.find((s) => s.sender === sender)?.chains[0];
  return newest !== undefined && newest.epoch === d.epoch && newest.chainId === d.chainId;
}

/** Encrypts and signs one group message on this device's chain (§15.4). */
export function encryptGroupMessage(
  suite: Suite,
  state: GroupState,
  plaintext: Uint8Array,
  random: RandomSource,
): { state: GroupState; message: Uint8Array } {
  if (state.own === undefined || !isMember(state))
    throw new ProtocolError('NOT_A_MEMBER', 'this device is not a member of the group');
  const out = groupEncrypt(suite, state.own, state.membership.groupId, state.self, plaintext, random);
  return { state: { ...state, own: out.chain }, message: out.message };
}

/** A group message opened on one of this device's groups. */
export interface OpenedGroupMessage {
  /** The group's new state, to be stored before anything else happens (docs/CLIENT.md §4). */
  readonly state: GroupState;
  /** The sending device's address, authenticated: the owner of the chain, whose signature held. */
  readonly sender: string;
  readonly plaintext: Uint8Array;
}

/** Decrypts a sealed group message (§15.4) on one group: decryptGroupMessageIn on [state]. */
export function decryptGroupMessage(suite: Suite, state: GroupState, m: GroupMessage): OpenedGroupMessage {
  const { state: next, sender, plaintext } = decryptGroupMessageIn(suite, [state], m);
  return { state: next, sender, plaintext };
}

/**
 * Decrypts a sealed group message (§15.4) on whichever of this device's groups holds its chain,
 * returning that group's `index` in `states`. The chain is found by TRIAL: the 105-byte sealed
 * header is opened under the header key of every chain held (every sender, every kept chain, in
 * order), and the first chain whose key opens it to a header NAMING it — this group, the chain's
 * owner as sender, its chain id — is the one (a key that opens a header naming another chain is
 * SENDER_MISMATCH, one that opens a malformed header a DecodeError, and the trial goes on: a
 * member cannot shadow another's chain by reusing its header key). No such chain:
 * UNKNOWN_SENDER_CHAIN, or the first refusal met. The message is then judged on that chain
 * alone (groupDecrypt). Nothing changes on any error; `states` are not modified.
 */
export function decryptGroupMessageIn(
  suite: Suite,
  states: readonly GroupState[],
  m: GroupMessage,
): OpenedGroupMessage & { index: number } {
  let refusal: Error | undefined;
  for (let index = 0; index < states.length; index++) {
    const state = states[index];
    for (const held of state.received)
      for (const chain of held.chains) {
        let header: GroupHeader | null;
        try {
          header = openGroupHeader(suite, chain.headerKey, m.nonce, m.sealedHeader);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          refusal ??= e;
          continue;
        }
        if (header === null) continue;
        if (header.sender !== held.sender || header.chainId !== chain.chainId || !bytesEqual(header.groupId, state.membership.groupId)) {
          refusal ??= new ProtocolError('SENDER_MISMATCH', 'group message: the header names another sender or chain than the one whose key opened it');
          continue;
        }
        const out = groupDecrypt(suite, chain, header, m);
        const chains = held.chains.map((c) => (c === chain ? out.chain : c));
        const received = state.received.map((s) => (s === held ? { sender: s.sender, chains } : s));
        return { index, state: { ...state, received }, sender: header.sender, plaintext: out.plaintext };
      }
  }
  throw refusal ?? new ProtocolError('UNKNOWN_SENDER_CHAIN', 'group message: no header key held opens its header (PROTOCOL.md §15.4)');
}
