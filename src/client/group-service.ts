/**
 * The group service (docs/CLIENT.md §10): this device's groups on top of the pure group protocol
 * (src/protocol/groups, PROTOCOL.md §15) and the sealed store, with every state change that must
 * be atomic in one transaction, before anything is sent (docs/ARCHITECTURE.md §2):
 *   create / change  sign + apply + new chain + group row + one pairwise outbox row per member
 *                    user, this account's own other devices included;
 *   queueText        chain step + group row + group-outbox row + history row;
 *   rotateForRemovedDevices  a new chain where a device holding ours left its account's list;
 *   queueDistribution  pairwise outbox row with our roster and chain (a welcome, PROTOCOL.md
 *                    §15.12) to the devices of a user lacking it + the "distributed to" devices;
 *   onGroupMessage / onControl  (inside storeThenAck) decrypt or apply + group row + history row.
 * Group traffic to a user goes through `queueToUser` only: every device of the user with a
 * session (its verified device list, docs/CLIENT.md §9); each of our devices is a member device
 * with its own chain, so our other devices get what the other members get.
 * Side channels: orchestration on public names; secrets stay in the protocol and the store.
 */
import { decodeIdentityPublic, type IdentityKeyPair, type IdentityPublic } from '../protocol/identity.ts';
import { decodeDistribution, distributionOf } from '../protocol/groups/distribution.ts';
import { decodeGroupState, encodeGroupState } from '../protocol/groups/group-state-codec.ts';
import {
  createGroup,
  decryptGroupMessageIn,
  encryptGroupMessage,
  holdsChain,
  isMember,
  makeChange,
  receiveChange,
  receiveDistribution,
  receiveRoster,
  rotateOwnChain,
  type GroupState,
} from '../protocol/groups/group-state.ts';
import { decodeGroupChange, encodeGroupChange, userOf, type GroupChange } from '../protocol/groups/membership.ts';
import { decodeGroupMessage } from '../protocol/groups/sender-key.ts';
import { decodeWelcome, encodeWelcome, signRoster, type GroupWelcome } from '../protocol/groups/welcome.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { ClientError, ProtocolError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import { addressOf, deviceIdOfAddress } from './account.ts';
import {
  decodeContent,
  encodeContent,
  encodeControl,
  padContent,
  unpadContent,
  type ControlContent,
} from './content.ts';
import {
  decodeGroupOutbox,
  decodeGroupRecord,
  encodeGroupOutbox,
  encodeGroupRecord,
  type DeviceRef,
  type GroupEvent,
  type GroupOutboxEntry,
  type GroupRecord,
} from './group-records.ts';
import { decodeHistory, encodeHistory, type HistoryEntry } from './records.ts';
import type { GroupHooks, SessionService } from './session-service.ts';

/** Tables of the group service in the client store (docs/CLIENT.md §10). */
export const GROUP_TABLE = Object.freeze({
  GROUPS: 'groups',
  OUTBOX: 'group-outbox',
  HISTORY: 'group-history',
});

/** A group as `groups list` shows it. */
export interface GroupView {
  readonly name: string;
  /** Group id, hex (the key of its row). */
  readonly id: string;
  readonly version: number;
  readonly members: readonly string[];
  /** False once this device's user left or was removed. */
  readonly member: boolean;
}

const MESSAGE_ID_BYTES = 16;
/** The row of a group before its first state is saved: our chain has gone nowhere yet. */
const NEW_RECORD: GroupRecord = Object.freeze({ state: new Uint8Array(0), distributedChainId: 0, distributedTo: [] });
const pad = (n: number): string => String(n).padStart(16, '0');

/** The devices of `user` on its verified device list, this device excepted. */
function listedDevices(service: SessionService, user: string): DeviceRef[] {
  const self = service.account.address;
  return service.devices
    .devicesOf(user)
    .map((d) => ({ address: addressOf(user, d.deviceId), identityHash: d.identityHash }))
    .filter((d) => d.address !== self);
}

/** The listed devices of `user` this device has a session with: where its group traffic goes. */
function reachedDevices(service: SessionService, user: string): DeviceRef[] {
  return listedDevices(service, user).filter((d) => service.hasSession(user, deviceIdOfAddress(d.address)));
}

const sameDevice = (a: DeviceRef, b: DeviceRef): boolean => a.address === b.address && bytesEqual(a.identityHash, b.identityHash);

export class GroupService implements GroupHooks {
  constructor(readonly service: SessionService) {
    service.setGroupHooks(this);
  }

  private get self(): string {
    return this.service.account.address;
  }

  private identity(): IdentityKeyPair {
    return this.service.ctx.identity.getLocalIdentity();
  }

  // ── queries ───────────────────────────────────────────────────────────────────────────────

  list(): GroupView[] {
    return this.service.store.list(GROUP_TABLE.GROUPS).map((r) => {
      const s = this.decodeState(decodeGroupRecord(r.value));
      const m = s.membership;
      return { name: m.name, id: r.key, version: m.version, members: m.members, member: isMember(s) };
    });
  }

  /** The group named `name` this device is (or was last) in; UNKNOWN_GROUP if none. */
  find(name: string): { key: string; record: GroupRecord; state: GroupState } {
    const rows = this.service.store.list(GROUP_TABLE.GROUPS).map((r) => {
      const record = decodeGroupRecord(r.value);
      return { key: r.key, record, state: this.decodeState(record) };
    });
    const named = rows.filter((g) => g.state.membership.name === name);
    const found = named.find((g) => isMember(g.state)) ?? named[0];
    if (found === undefined) throw new ClientError('UNKNOWN_GROUP', `no group named ${name}`);
    return found;
  }

  /** The member users other than this device's user. */
  others(name: string): string[] {
    const me = userOf(this.self);
    return this.find(name).state.membership.members.filter((u) => u !== me);
  }

  /** The group's history, oldest first. */
  history(name: string): HistoryEntry[] {
    const { key } = this.find(name);
    return this.service.store.list(GROUP_TABLE.HISTORY, `${key}/`).map((r) => decodeHistory(r.value));
  }

  // ── membership (sessions with every member must exist: GroupSync opens them first) ───────

  /** Creates group `name` with `members` and queues the signed create to each (one transaction). */
  create(name: string, members: readonly string[]): GroupView {
    const { store, ctx } = this.service;
    const taken = this.list().some((g) => g.name === name && g.member);
    if (taken) throw new ClientError('GROUP_EXISTS', `a group named ${name} exists already`);
    for (const m of members) this.service.contact(m);
    return store.transaction(() => {
      const { state, change } = createGroup(ctx.suite, this.identity(), this.self, name, members, ctx.random);
      const key = toHex(state.membership.groupId);
      this.save(key, state, NEW_RECORD);
      this.queueChange(change, state.membership.members);
      return this.view(key, state);
    });
  }

  /** Adds, removes or leaves (`target` is ignored for leave) and queues the signed change. */
  change(name: string, kind: 'add' | 'remove' | 'leave', target: string): GroupView {
    const { store, ctx } = this.service;
    const found = this.find(name);
    if (!isMember(found.state)) throw new ClientError('NOT_GROUP_MEMBER', `you are no longer a member of ${name}`);
    const who = kind === 'leave' ? userOf(this.self) : target;
    if (kind !== 'leave') this.service.contact(who);
    return store.transaction(() => {
      const r = makeChange(ctx.suite, this.identity(), found.state, kind, who, ctx.random);
      this.save(found.key, r.state, found.record);
      // the change goes to every member after it, to the removed user (who learns it) and to our
      // own other devices (a leave included)
      this.queueChange(r.change, [...new Set([...r.state.membership.members, who])]);
      return this.view(found.key, r.state);
    });
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────

  /**
   * Encrypts `body` once for the group and, in ONE transaction, stores the advanced chain, the
   * group-outbox row (the message and its recipient devices) and the history row.
   */
  queueText(name: string, body: string): GroupOutboxEntry {
    const { store, ctx } = this.service;
    const found = this.find(name);
    if (!isMember(found.state)) throw new ClientError('NOT_GROUP_MEMBER', `you are no longer a member of ${name}`);
    return store.transaction(() => {
      const id = toHex(ctx.random(MESSAGE_ID_BYTES));
      const timestamp = this.service.clock();
      const plain = padContent(encodeContent({ id, timestamp, body })); // PROTOCOL.md §13.5
      const { state, message } = encryptGroupMessage(ctx.suite, found.state, plain, ctx.random);
      this.save(found.key, state, found.record);
      const seq = this.service.nextSequence();
      const historyKey = `${found.key}/${pad(seq)}`;
      const me = this.service.account.name;
      const entry = { direction: 'out' as const, peer: me, id, timestamp, body, delivered: false };
      store.put(GROUP_TABLE.HISTORY, historyKey, encodeHistory(entry));
      // every member device we reach, our own other devices included (PROTOCOL.md §15.12)
      const recipients = state.membership.members.flatMap((u): Address[] =>
        reachedDevices(this.service, u).map((d) => ({ username: u, deviceId: deviceIdOfAddress(d.address) })),
      );
      const out: GroupOutboxEntry = { id, group: found.key, recipients, message, historyKey };
      store.put(GROUP_TABLE.OUTBOX, pad(seq), encodeGroupOutbox(out));
      return out;
    });
  }

  groupOutbox(): { key: string; entry: GroupOutboxEntry }[] {
    return this.service.store.list(GROUP_TABLE.OUTBOX).map((r) => ({ key: r.key, entry: decodeGroupOutbox(r.value) }));
  }

  /** The server stored the message for every recipient it could: drop the row, mark history. */
  markGroupDelivered(outboxKey: string, entry: GroupOutboxEntry): void {
    const { store } = this.service;
    store.transaction(() => {
      store.delete(GROUP_TABLE.OUTBOX, outboxKey);
      const bytes = store.get(GROUP_TABLE.HISTORY, entry.historyKey);
      if (bytes !== undefined)
        store.put(GROUP_TABLE.HISTORY, entry.historyKey, encodeHistory({ ...decodeHistory(bytes), delivered: true }));
    });
  }

  // ── sender-key distribution ───────────────────────────────────────────────────────────────

  /**
   * Member users (this account included) with a listed device that does not hold this device's
   * current chain, per group (docs/CLIENT.md §10: per device, so a device linked later gets it).
   */
  pendingDistributions(): { key: string; user: string }[] {
    return this.memberGroups().flatMap(({ key, record, state }) => {
      const done = this.holders(record, state);
      return state.membership.members
        .filter((u) => listedDevices(this.service, u).some((d) => !done.some((h) => sameDevice(h, d))))
        .map((user) => ({ key, user }));
    });
  }

  /**
   * PROTOCOL.md §15.12: where a device that holds this device's current chain is no longer on its
   * account's verified list (removed, or its id given to another identity), makes a new chain
   * (one transaction per group) so that the removed device reads nothing sent from now on.
   */
  rotateForRemovedDevices(): void {
    const { store, ctx } = this.service;
    for (const { key, record, state } of this.memberGroups()) {
      const current = state.membership.members.flatMap((u) => listedDevices(this.service, u));
      const gone = this.holders(record, state).some((h) => !current.some((d) => sameDevice(h, d)));
      if (!gone) continue;
      store.transaction(() => this.save(key, rotateOwnChain(ctx.suite, state, ctx.random), { ...record, distributedTo: [] }));
    }
  }

  /**
   * Queues this device's roster and current chain (a welcome, PROTOCOL.md §15.12) to the devices
   * of `user` when one of them lacks the chain, over the pairwise sessions, and records them
   * (one transaction).
   */
  queueDistribution(key: string, user: string): void {
    const { store, ctx } = this.service;
    store.transaction(() => {
      const bytes = store.get(GROUP_TABLE.GROUPS, key);
      if (bytes === undefined) throw new ClientError('UNKNOWN_GROUP', `no group ${key}`);
      const record = decodeGroupRecord(bytes);
      const state = this.decodeState(record);
      if (state.own === undefined || !isMember(state)) return;
      const done = this.holders(record, state);
      // one pairwise row reaches every current device of the user (SEND_MULTI, docs/SERVER.md
      // §13.3); those that hold the chain already keep it as it is (PROTOCOL.md §15.12)
      const devices = reachedDevices(this.service, user);
      if (devices.every((d) => done.some((h) => sameDevice(h, d)))) return;
      const m = state.membership;
      const welcome: GroupWelcome = {
        roster: signRoster(ctx.suite, this.identity(), this.self, m, ctx.random),
        distribution: distributionOf(ctx.suite, this.identity(), m.groupId, state.own, ctx.random),
      };
      const content = encodeControl({ kind: 'groupWelcome', payload: encodeWelcome(welcome) });
      this.queueToUser(user, content);
      const kept = done.filter((h) => !devices.some((d) => d.address === h.address));
      const distributedTo = [...kept, ...devices].sort((a, b) => (a.address < b.address ? -1 : 1));
      store.put(GROUP_TABLE.GROUPS, key, encodeGroupRecord({ ...record, distributedChainId: state.own.chainId, distributedTo }));
    });
  }

  // ── receiving (GroupHooks: inside SessionService.processDelivery's transaction) ──────────

  /**
   * A group message, delivered sealed (no `transportSender`, docs/CLIENT.md §10) or by GROUP_SEND
   * (the server's authenticated sender, which must then be the sender the message authenticates).
   */
  onGroupMessage(envelope: Uint8Array, transportSender?: Address): GroupEvent {
    const message = decodeGroupMessage(envelope);
    // sealed (PROTOCOL.md §15.4): the chain, hence the group and the sender, is found by trial
    const groups = this.service.store.list(GROUP_TABLE.GROUPS).map((row) => ({ key: row.key, record: decodeGroupRecord(row.value) }));
    const r = decryptGroupMessageIn(this.service.ctx.suite, groups.map((g) => this.decodeState(g.record)), message);
    if (transportSender !== undefined && r.sender !== addressOf(transportSender.username, transportSender.deviceId))
      throw new ProtocolError('SENDER_MISMATCH', `group message from ${r.sender} uploaded by another device`);
    const { key, record } = groups[r.index];
    const content = decodeContent(unpadContent(r.plaintext));
    this.save(key, r.state, record);
    const from = userOf(r.sender);
    const direction = from === this.service.account.name ? ('out' as const) : ('in' as const);
    const entry = { direction, peer: from, id: content.id, timestamp: content.timestamp, body: content.body, delivered: true };
    this.service.store.put(GROUP_TABLE.HISTORY, `${key}/${pad(this.service.nextSequence())}`, encodeHistory(entry));
    return { type: 'message', group: r.state.membership.name, from, id: content.id, timestamp: content.timestamp, body: content.body };
  }

  onControl(peer: string, address: string, content: ControlContent): GroupEvent {
    const { ctx } = this.service;
    if (content.kind !== 'groupChange') {
      // a welcome (PROTOCOL.md §15.12): the author's roster first, then its chain (§15.5)
      const w = content.kind === 'groupWelcome' ? decodeWelcome(content.payload) : { distribution: decodeDistribution(content.payload) };
      const d = w.distribution;
      const key = toHex(d.groupId);
      const { record, state: held } = this.load(key);
      let state = held;
      let roster: number | undefined;
      if ('roster' in w) {
        if (w.roster.author !== address) throw new ProtocolError('SENDER_MISMATCH', 'group roster: author is not the session peer');
        if (!bytesEqual(w.roster.groupId, d.groupId)) throw new ProtocolError('BAD_GROUP_CHANGE', 'group welcome: roster and chain of two groups');
        const r = receiveRoster(ctx.suite, state, this.self, w.roster, this.pinnedIdentity(address), ctx.random);
        if (r.state !== state) roster = r.state.membership.version;
        state = r.state;
      }
      if (state === undefined) throw new ProtocolError('NOT_A_MEMBER', 'sender key for a group this device is not in');
      // a welcome goes to every device of an account (one pairwise row): a device holding that
      // chain already keeps it as it is (PROTOCOL.md §15.12); a bare distribution is checked as ever
      if (!('roster' in w && holdsChain(state, address, d)))
        state = receiveDistribution(ctx.suite, state, address, this.pinnedIdentity(address), d);
      this.save(key, state, record);
      const event = { type: 'senderKey' as const, group: state.membership.name, from: peer };
      return roster === undefined ? event : { ...event, roster };
    }
    const change = decodeGroupChange(content.payload);
    if (change.author !== address)
      throw new ProtocolError('SENDER_MISMATCH', 'group change: author is not the session peer');
    const key = toHex(change.groupId);
    const { record, state: before } = this.load(key);
    const r = receiveChange(ctx.suite, before, this.self, change, this.pinnedIdentity(address), ctx.random);
    this.save(key, r.state, record);
    const m = r.state.membership;
    return { type: 'change', group: m.name, by: peer, change: change.kind, target: change.target, version: m.version, left: !isMember(r.state) };
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  /** The identity pinned for the device `address` (its pairwise session's peer). */
  private pinnedIdentity(address: string): IdentityPublic {
    const trust = this.service.ctx.trust.loadTrust(address);
    if (trust === undefined) throw new ProtocolError('UNTRUSTED_IDENTITY', `no identity pinned for ${address}`);
    return decodeIdentityPublic(trust.identity);
  }

  /** The row of group `key`, or a new one (no state yet) for a group this device is not in. */
  private load(key: string): { record: GroupRecord; state: GroupState | undefined } {
    const bytes = this.service.store.get(GROUP_TABLE.GROUPS, key);
    if (bytes === undefined) return { record: NEW_RECORD, state: undefined };
    const record = decodeGroupRecord(bytes);
    return { record, state: this.decodeState(record) };
  }

  private decodeState(record: GroupRecord): GroupState {
    return decodeGroupState(record.state);
  }

  private save(key: string, state: GroupState, record: GroupRecord): void {
    this.service.store.put(GROUP_TABLE.GROUPS, key, encodeGroupRecord({ ...record, state: encodeGroupState(state) }));
  }

  /** Queues a signed change to each of `users` and to this account's other devices (pairwise). */
  private queueChange(change: GroupChange, users: readonly string[]): void {
    const me = userOf(this.self);
    const content = encodeControl({ kind: 'groupChange', payload: encodeGroupChange(change) });
    for (const u of users) if (u !== me) this.queueToUser(u, content);
    if (reachedDevices(this.service, me).length > 0) this.queueToUser(me, content);
  }

  /** The groups this device is a member of, with a chain. */
  private memberGroups(): { key: string; record: GroupRecord; state: GroupState }[] {
    return this.service.store.list(GROUP_TABLE.GROUPS).flatMap((r) => {
      const record = decodeGroupRecord(r.value);
      const state = this.decodeState(record);
      return state.own === undefined || !isMember(state) ? [] : [{ key: r.key, record, state }];
    });
  }

  /** The devices that hold this device's current chain (none after a rotation). */
  private holders(record: GroupRecord, state: GroupState): readonly DeviceRef[] {
    return record.distributedChainId === state.own?.chainId ? record.distributedTo : [];
  }

  /**
   * THE one function through which group traffic reaches a user: one outbox row with an envelope
   * for every device of `user` this device has a session with (the Sesame fan-out of
   * docs/CLIENT.md §9; GroupSync opens the sessions first with Sync.reachableDevices).
   */
  private queueToUser(user: string, content: Uint8Array): void {
    const devices = reachedDevices(this.service, user).map((d) => deviceIdOfAddress(d.address));
    if (devices.length === 0) throw new ClientError('UNKNOWN_CONTACT', `no session with a device of ${user}`);
    this.service.queueToUser(user, content, devices);
  }

  private view(key: string, state: GroupState): GroupView {
    const m = state.membership;
    return { name: m.name, id: key, version: m.version, members: m.members, member: isMember(state) };
  }
}

