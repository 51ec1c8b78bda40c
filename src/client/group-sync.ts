/**
 * The network side of groups (docs/CLIENT.md §10), over an open Sync: opens the pairwise sessions
 * a group operation needs, then sequences the group service's transactions before each transmit:
 *   membership: sessions with every member device, ours too → create/change (commit) → settle;
 *   send:       lists refreshed → settle → queueText (commit) → one upload for the other members'
 *               devices (GROUP_SEND_SEALED when sealing, else GROUP_SEND), one for our own others;
 *   settle:     a new chain where a device holding ours left its list (commit) → our roster and
 *               chain to every member device lacking it (commit each) → pairwise → group outbox.
 * Pairwise rows (changes, distributions) always leave before group messages, so each recipient's
 * mailbox holds a chain's distribution before the messages on it.
 * Side channels: orchestration on public names only.
 */
import { fromHex } from '../util/bytes.ts';
import { ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { GroupSendResult } from '../wire/responses.ts';
import type { CrashHook } from './crash-points.ts';
import type { GroupOutboxEntry } from './group-records.ts';
import type { GroupService, GroupView } from './group-service.ts';
import { sendGroupSealed } from './sealed-send.ts';
import type { Sync } from './sync.ts';

/** GROUP_SEND refusals of one recipient that no retry can cure (docs/SERVER.md §14). */
const PERMANENT: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>(['UNKNOWN_ADDRESS']);

/** What one transmitted group message reached. */
export interface GroupSent {
  readonly entry: GroupOutboxEntry;
  readonly stored: number;
  readonly duplicate: number;
  /** Recipient devices refused for good (e.g. an unknown device). */
  readonly refused: readonly string[];
  /** True when the other members' devices got it sealed (GROUP_SEND_SEALED). */
  readonly sealed: boolean;
}

export class GroupSync {
  constructor(
    readonly sync: Sync,
    readonly groups: GroupService,
    private readonly crash?: CrashHook,
  ) {}

  /** `groups create NAME MEMBER…`: sessions with every member, the signed create, our chain. */
  async create(name: string, members: readonly string[]): Promise<GroupView> {
    await this.sync.flushOutbox();
    for (const m of [...members, this.me]) await this.reach(m);
    const view = this.groups.create(name, members);
    await this.settle();
    return view;
  }

  /** `groups add|remove|leave`: the signed change to every member (and the removed one). */
  async change(name: string, kind: 'add' | 'remove' | 'leave', target: string): Promise<GroupView> {
    await this.sync.flushOutbox();
    for (const u of [...this.groups.others(name), this.me]) await this.reach(u);
    if (kind === 'add') await this.reach(target);
    const view = this.groups.change(name, kind, target);
    await this.settle();
    return view;
  }

  /**
   * `send --group NAME TEXT`: one ciphertext, one upload, every member device (our own other
   * devices included), after every member's list was fetched again: a device that left a list
   * makes us rotate first, a device that joined one gets our roster and chain first.
   */
  async send(name: string, body: string): Promise<GroupSent[]> {
    for (const u of [...this.groups.others(name), this.me]) await this.reach(u);
    await this.settle();
    this.groups.queueText(name, body);
    this.crash?.('after-send-commit');
    return this.flushGroupOutbox();
  }

  private get me(): string {
    return this.sync.service.account.name;
  }

  /**
   * Fetches `user`'s list again and opens a session with every listed device (its verified list,
   * Sync.reachableDevices); for this account, with its other devices.
   */
  private async reach(user: string): Promise<number[]> {
    if (user !== this.me) await this.sync.ensureSession(user);
    await this.sync.refreshList(user);
    return this.sync.reachableDevices(user);
  }

  /**
   * Rotates where a device holding our chain left its list, distributes our roster and chain
   * where missing (with our delivery access secret when due, so the members can seal group
   * messages to us: docs/CLIENT.md §10), then flushes the pairwise and the group outboxes.
   */
  async settle(): Promise<GroupSent[]> {
    this.groups.rotateForRemovedDevices();
    for (const { key, user } of this.groups.pendingDistributions()) {
      const devices = await this.reach(user);
      this.groups.queueDistribution(key, user);
      if (this.sync.sealing && user !== this.me) this.sync.sealed.queueAccessKeyAuthenticatedIfDue(user, devices);
    }
    await this.sync.flushOutbox();
    return this.flushGroupOutbox();
  }

  /**
   * Transmits every group-outbox row in order (same id on a retry: the server stores each
   * recipient once). A recipient refused for a reason a retry may cure (a full mailbox) keeps the
   * row for the next attempt and stops the flush with that refusal.
   */
  async flushGroupOutbox(): Promise<GroupSent[]> {
    const sent: GroupSent[] = [];
    for (const { key, entry } of this.groups.groupOutbox()) {
      if (entry.recipients.length === 0) {
        // no other member device (a group of our own user, alone on this account)
        this.groups.markGroupDelivered(key, entry);
        sent.push({ entry, stored: 0, duplicate: 0, refused: [], sealed: false });
        continue;
      }
      const { results, sealed } = await this.transmit(entry);
      const retry = results.find((r) => r.status === 'refused' && !PERMANENT.has(r.code));
      if (retry !== undefined && retry.status === 'refused')
        throw new ServerError(retry.code, `group message ${entry.id} kept for a later attempt`);
      this.crash?.('after-transmit');
      this.groups.markGroupDelivered(key, entry);
      const refused = entry.recipients.filter((_, i) => results[i].status === 'refused').map((a) => `${a.username}.${a.deviceId}`);
      sent.push({
        entry,
        stored: results.filter((r) => r.status === 'stored').length,
        duplicate: results.filter((r) => r.status === 'duplicate').length,
        refused,
        sealed,
      });
    }
    return sent;
  }

  /**
   * One group message to its recipient devices, results in `entry.recipients` order. Sealed
   * (docs/CLIENT.md §10): the other members' devices get it by GROUP_SEND_SEALED on the anonymous
   * connection, admitted by the combined access key of their accounts, and our own other devices
   * by GROUP_SEND (the server knows our account already). Without every member's access key, or
   * when the server refuses the combined key (a member rotated its key), by GROUP_SEND alone.
   */
  private async transmit(entry: GroupOutboxEntry): Promise<{ results: GroupSendResult[]; sealed: boolean }> {
    const self = this.groups.service.account.name;
    const others = entry.recipients.filter((a) => a.username !== self);
    const own = entry.recipients.filter((a) => a.username === self);
    const accessKey = this.sync.sealing && others.length > 0 ? this.sync.sealed.combinedAccessKey(others.map((a) => a.username)) : undefined;
    if (accessKey === undefined) return { results: await this.groupSend(entry.recipients, entry), sealed: false };
    let sealedResults: GroupSendResult[];
    try {
      const send = { recipients: others, clientMessageId: fromHex(entry.id), accessKey, envelope: entry.message };
      sealedResults = await sendGroupSealed(await this.sync.anonymousConnection(), send);
    } catch (err) {
      if (!(err instanceof ServerError && err.code === 'ACCESS_DENIED')) throw err;
      return { results: await this.groupSend(entry.recipients, entry), sealed: false };
    }
    const ownResults = own.length === 0 ? [] : await this.groupSend(own, entry);
    const results = entry.recipients.map((a) => (a.username === self ? ownResults[own.indexOf(a)] : sealedResults[others.indexOf(a)]));
    return { results, sealed: true };
  }

  /** GROUP_SEND on the authenticated connection (same id on a retry: stored once per recipient). */
  private async groupSend(recipients: readonly Address[], entry: GroupOutboxEntry): Promise<GroupSendResult[]> {
    const { results } = await this.sync.conn.request({
      op: 'groupSend',
      recipients: [...recipients],
      clientMessageId: fromHex(entry.id),
      envelope: entry.message,
    });
    return results;
  }
}
