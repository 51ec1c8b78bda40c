/**
 * The per-device half of the Sesame fan-out (docs/CLIENT.md §9; PROTOCOL.md §14.5): one envelope
 * per device pair on its own session, tagged with the SHA-256 of the identity that session is
 * keyed to; the re-fan of an outbox row after DEVICE_MISMATCH; and forgetting a linked device whose
 * id the account's signed list now gives to another identity. Used inside the session service's
 * transactions; the network is not seen here (sync.ts).
 * Side channels: orchestration on public ids and hashes; secrets stay in the protocol.
 */
import { sendMessage, type ProtocolContext } from '../protocol/session-cipher.ts';
import { pendingIdentityChange } from '../protocol/trust.ts';
import { bytesEqual } from '../util/bytes.ts';
import { ClientError } from '../util/errors.ts';
import { DEVICE_ID, addressOf } from './account.ts';
import { padContent } from './content.ts';
import { TABLE } from './protocol-stores.ts';
import { encodeOutbox, type OutboxEntry, type OutboxEnvelope } from './records.ts';
import type { ClientStore } from './store.ts';

export class FanOut {
  constructor(
    private readonly store: ClientStore,
    private readonly ctx: ProtocolContext,
  ) {}

  /**
   * One device's envelope of `content` on the session with `name.deviceId` (persisted by
   * `sendMessage`); IDENTITY_CHANGE_PENDING, nothing stored, while that device's change is pending.
   */
  encryptFor(name: string, deviceId: number, content: Uint8Array): OutboxEnvelope {
    const address = addressOf(name, deviceId);
    if (pendingIdentityChange(this.ctx.trust, address) !== undefined)
      throw new ClientError(
        'IDENTITY_CHANGE_PENDING',
        `the identity of ${address} has CHANGED: compare safety numbers, then accept it with \`pqmsg contacts trust ${name}\``,
      );
    const envelope = sendMessage(this.ctx, address, padContent(content)); // PROTOCOL.md §13.5
    return { deviceId, identityHash: this.pinnedHash(name, deviceId), envelope };
  }

  /** SHA-256 of the identity pinned for `name.deviceId` (what its session is keyed to); empty if none. */
  pinnedHash(name: string, deviceId: number): Uint8Array {
    const pin = this.ctx.trust.loadTrust(addressOf(name, deviceId));
    return pin === undefined ? new Uint8Array(0) : this.ctx.suite.sha256(pin.identity);
  }

  /**
   * Brings an outbox row to the device set `devices` of its peer after the server refused it
   * (DEVICE_MISMATCH): envelopes of devices no longer current, or keyed to another identity than
   * the pinned one, are dropped; each device without one gets its own envelope of the same content.
   * One transaction; returns the new row.
   */
  refan(outboxKey: string, entry: OutboxEntry, devices: readonly number[]): OutboxEntry {
    return this.store.transaction(() => {
      const kept = entry.envelopes.filter(
        (e) => devices.includes(e.deviceId) && bytesEqual(e.identityHash, this.pinnedHash(entry.peer, e.deviceId)),
      );
      const added = devices
        .filter((d) => !kept.some((e) => e.deviceId === d))
        .map((d) => this.encryptFor(entry.peer, d, entry.content));
      const next = { ...entry, envelopes: [...kept, ...added].sort((a, b) => a.deviceId - b.deviceId) };
      this.store.put(TABLE.OUTBOX, outboxKey, encodeOutbox(next));
      return next;
    });
  }

  /**
   * Forgets the pin and sessions of linked device `name.deviceId` (id > 1) when its account's
   * verified list names another identity for that id (an id reused after a removal,
   * PROTOCOL.md §14.1): the primary's signature vouches for the new identity, which the next
   * session then pins. Returns true if anything was forgotten.
   */
  forgetReplacedDevice(name: string, deviceId: number, listedHash: Uint8Array): boolean {
    if (deviceId === DEVICE_ID || listedHash.length === 0) return false;
    const address = addressOf(name, deviceId);
    const pinned = this.pinnedHash(name, deviceId);
    if (pinned.length === 0 || bytesEqual(pinned, listedHash)) return false;
    this.store.transaction(() => {
      this.store.delete(TABLE.TRUST, address);
      this.store.delete(TABLE.SESSIONS, address);
    });
    return true;
  }
}
