/**
 * The delivery service's storage interface (docs/ARCHITECTURE.md §9, docs/SERVER.md):
 * accounts and devices, the prekey directory and the per-device mailboxes. Every method is
 * asynchronous so that a networked backend (PostgreSQL) fits the same shape as SQLite, and every
 * state change that must be atomic is ONE method, named after what it guarantees. The server's
 * logic (auth.ts, directory.ts, mailbox.ts) sees only this interface; sqlite-store.ts is the first
 * implementation, and test/server/store.test.ts runs the same suite against every backend.
 * The store holds public data only: identities, signed public prekeys, opaque envelopes.
 */
import type { Address } from '../wire/address.ts';
import type { QueuedMessage } from '../wire/pushes.ts';
import type { AccessMode } from '../wire/requests.ts';
import type { GroupSendResult, PreKeyCounts } from '../wire/responses.ts';

/** A signed public prekey as uploaded: its role and id, and its PROTOCOL.md §3.1 encoding. */
export interface StoredPreKey {
  readonly role: number;
  readonly id: number;
  readonly encoded: Uint8Array;
}

/** What one bundle fetch took from the directory (one transaction). */
export interface TakenPreKeys {
  /** The owner's identity (PROTOCOL.md §2.2 encoding). */
  readonly identity: Uint8Array;
  readonly signedPreKey: StoredPreKey;
  /** A one-time ML-KEM-768 prekey if any was left, else the last-resort one. */
  readonly kemPreKey: StoredPreKey;
  readonly oneTimePreKey?: StoredPreKey;
  /** One-time stock left after this fetch. */
  readonly remaining: PreKeyCounts;
}

export interface NewMessage {
  readonly sender: Address;
  readonly recipient: Address;
  readonly clientMessageId: Uint8Array;
  readonly envelope: Uint8Array;
  /** The server's clock when the send arrived (ms); becomes the delivered serverTimestamp. */
  readonly serverTimestamp: number;
  /** Messages stored before this time (ms) have expired: they are dropped before the quota check. */
  readonly expiredBefore: number;
}

/** A sealed message (docs/SERVER.md §12): stored with no sender, idempotent per (recipient, id). */
export interface NewSealedMessage {
  readonly recipient: Address;
  readonly clientMessageId: Uint8Array;
  readonly envelope: Uint8Array;
  readonly serverTimestamp: number;
  readonly expiredBefore: number;
}

/** One GROUP_SEND: one envelope for many recipient devices (docs/SERVER.md §14). */
export interface NewGroupMessage {
  readonly sender: Address;
  /** Distinct devices, not the sender (the handler checks). */
  readonly recipients: readonly Address[];
  readonly clientMessageId: Uint8Array;
  readonly envelope: Uint8Array;
  readonly serverTimestamp: number;
  readonly expiredBefore: number;
}

/** One GROUP_SEND_SEALED (docs/SERVER.md §15.2): a group message with no sender. */
export type NewSealedGroupMessage = Omit<NewGroupMessage, 'sender'>;

/** An account's registered delivery access: SHA-256 verifier of its access key, and its mode. */
export interface DeliveryAccess {
  readonly verifier: Uint8Array;
  readonly mode: AccessMode;
}

export interface MailboxQuota {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

export interface StoredMessageAck {
  readonly guid: number;
  readonly serverTimestamp: number;
  /** True when this (sender, clientMessageId) had been stored before: nothing new was stored. */
  readonly duplicate: boolean;
  /**
   * A new message only: the highest guid the recipient's mailbox held when this one was added
   * (0: none). A connection that has pushed up to it may push this message at once without
   * reading the mailbox (docs/SERVER.md §10, direct push).
   */
  readonly previousGuid?: number;
}

/** Where a connection's delivery loop stands: it has pushed every message of `address` up to `afterGuid`. */
export interface MailboxCursor {
  readonly address: Address;
  readonly afterGuid: number;
}

export interface QueueStats {
  readonly messages: number;
  readonly bytes: number;
}

/** An account's signed device list as uploaded (PROTOCOL.md §14.1 encoding) and its version. */
export interface StoredDeviceList {
  readonly version: number;
  readonly encoded: Uint8Array;
}

/** A registered device of an account. */
export interface RegisteredDevice {
  readonly deviceId: number;
  readonly identity: Uint8Array;
}

/** What the new device collects from the provisioning relay: the answer, or not yet. */
export type ProvisionPoll = { readonly state: 'answered'; readonly linkResponse: Uint8Array } | { readonly state: 'pending' };

export interface ServerStore {
  /**
   * Returns the server's identity secret, storing `candidate` first if none exists yet (first
   * start). Atomic: two processes starting on one database agree on one identity.
   */
  initServerIdentity(candidate: Uint8Array): Promise<Uint8Array>;

  /**
   * Binds `address` to `identity`, first come first served. Resolves 'created', or 'existing' when
   * the address already has exactly this identity; throws ServerError USERNAME_TAKEN otherwise.
   */
  registerDevice(address: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'>;

  /** The registered identity of `address`, or undefined. */
  deviceIdentity(address: Address): Promise<Uint8Array | undefined>;

  /**
   * Stores an upload all-or-nothing: a signed prekey or last-resort KEM prekey replaces the
   * current one; one-time prekeys are added (an existing id of the same role is replaced).
   * Throws ServerError PREKEY_STOCK_FULL, storing nothing, if a one-time stock would exceed
   * `maxOneTimePerKind`. Returns the stock after the upload.
   */
  putPreKeys(address: Address, preKeys: readonly StoredPreKey[], maxOneTimePerKind: number): Promise<PreKeyCounts>;

  /** Live one-time prekeys of `address`. */
  preKeyCounts(address: Address): Promise<PreKeyCounts>;

  /**
   * PQXDH rev. 3 §3.2 bundle fetch as one transaction: reads the signed prekey and takes (deletes)
   * at most one one-time X25519 and one one-time ML-KEM-768 prekey, falling back to the last-resort
   * KEM prekey; each one-time key is handed out exactly once, even to concurrent fetches.
   * Resolves undefined for an unknown address; throws ServerError BUNDLE_UNAVAILABLE (taking
   * nothing) when the signed or last-resort prekey was never uploaded.
   */
  takeOneTimePreKeys(address: Address): Promise<TakenPreKeys | undefined>;

  /**
   * Stores a message durably and idempotently: once this resolves the message survives a crash
   * of the process, and a second call with the same (sender, clientMessageId) stores nothing and
   * resolves the first call's guid and timestamp. Throws ServerError UNKNOWN_ADDRESS (no such
   * recipient), MAILBOX_FULL_COUNT or MAILBOX_FULL_BYTES (quota), storing nothing.
   */
  storeMessage(message: NewMessage, quota: MailboxQuota): Promise<StoredMessageAck>;

  /**
   * GROUP_SEND fan-out (docs/SERVER.md §14) in ONE transaction: stores the envelope once per
   * recipient mailbox (a row each), idempotently PER RECIPIENT — a second call with the same
   * (sender, clientMessageId) stores nothing for a recipient that already has it and reports its
   * first guid ('duplicate'). A recipient that is unknown or over quota is 'refused' with its code
   * (UNKNOWN_ADDRESS, MAILBOX_FULL_COUNT, MAILBOX_FULL_BYTES) without affecting the others.
   * Results are in `recipients` order.
   */
  storeGroupMessage(message: NewGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]>;

  /** Up to `limit` queued messages of `address` with guid > afterGuid, stored at or after `notBefore`, by guid. */
  pendingMessages(address: Address, afterGuid: number, notBefore: number, limit: number): Promise<QueuedMessage[]>;

  /**
   * The addresses among `cursors` with an unexpired message past their cursor: one probe for all
   * the devices a process serves (the hub's fallback poll when a cross-process wake-up is lost).
   */
  mailboxesWithPending(cursors: readonly MailboxCursor[], notBefore: number): Promise<Address[]>;

  /** Number of queued, unexpired messages of `address`. */
  countPending(address: Address, notBefore: number): Promise<number>;

  /**
   * Deletes message `guid` from the mailbox of `address`; false if it is not there. Survives a
   * crash of the server process once it resolves (SQLite: also power loss; PostgreSQL commits it
   * asynchronously, so a database crash may undo it — which only redelivers the message).
   */
  ackMessage(address: Address, guid: number): Promise<boolean>;

  /** Deletes every message and idempotency record stored before `before` (ms); returns the messages deleted. */
  deleteExpired(before: number): Promise<number>;

  // ── multiple devices (docs/SERVER.md §13) ──

  /** The account's signed device list, or undefined if none was uploaded. */
  deviceList(username: string): Promise<StoredDeviceList | undefined>;

  /**
   * Stores `list` as the account's device list if its version is higher than the stored one
   * (else ServerError BAD_DEVICE_LIST, storing nothing) and, in the same transaction, deletes each
   * device of `removed`: its registration, prekeys, mailbox and queued messages.
   */
  putDeviceList(username: string, list: StoredDeviceList, removed: readonly number[]): Promise<void>;

  /**
   * Registers a linked device (id > 1) of an existing account. Resolves 'created', or 'existing'
   * for the same identity; throws USERNAME_TAKEN for another identity at that address and
   * UNKNOWN_ADDRESS when the account does not exist. The caller checked the device list.
   */
  registerLinkedDevice(address: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'>;

  /** The registered devices of `username`, by ascending id. */
  registeredDevices(username: string): Promise<RegisteredDevice[]>;

  /**
   * storeMessage for several recipients as ONE transaction: every message is stored (or was a
   * duplicate of its (sender, clientMessageId)), or none is — the first refusal is thrown.
   * Resolves the server timestamp and whether every message was a duplicate.
   */
  storeMessageBatch(messages: readonly NewMessage[], quota: MailboxQuota): Promise<{ serverTimestamp: number; duplicate: boolean }>;

  /**
   * Opens a provisioning slot `rendezvousId` holding `linkRequest` until `expiresAt` (ms). False,
   * storing nothing, when `maxPending` unexpired slots exist already.
   */
  provisionOpen(rendezvousId: Uint8Array, linkRequest: Uint8Array, now: number, expiresAt: number, maxPending: number): Promise<boolean>;

  /** Takes (once) the link request of a live slot; undefined if none. */
  provisionTake(rendezvousId: Uint8Array, now: number): Promise<Uint8Array | undefined>;

  /** Leaves the answer in a live slot whose request was taken and not yet answered; false otherwise. */
  provisionAnswer(rendezvousId: Uint8Array, linkResponse: Uint8Array, now: number): Promise<boolean>;

  /** The answer of a live slot, deleting the slot; 'pending' before the answer; undefined if no live slot. */
  provisionPoll(rendezvousId: Uint8Array, now: number): Promise<ProvisionPoll | undefined>;

  /** Queued messages and envelope bytes over all mailboxes. */
  queueStats(): Promise<QueueStats>;

  // ── sealed sender (docs/SERVER.md §12) ──

  /** Replaces the sealed-sender key of `address` (PROTOCOL.md §13.3 encoding); UNKNOWN_ADDRESS if no such device. */
  putSealedKey(address: Address, encoded: Uint8Array): Promise<void>;

  /** The current sealed-sender key of `address`, or undefined if none was uploaded. */
  sealedKey(address: Address): Promise<Uint8Array | undefined>;

  /** Registers (replaces) the delivery access of `username`'s account; UNKNOWN_ADDRESS if no such account. */
  setDeliveryAccess(username: string, access: DeliveryAccess): Promise<void>;

  /** The delivery access `username` registered, or undefined (then no sealed message is accepted). */
  deliveryAccess(username: string): Promise<DeliveryAccess | undefined>;

  /**
   * Stores a sealed message with NO sender, durably and idempotently: a second call with the same
   * (recipient, clientMessageId) stores nothing and resolves the first guid and timestamp. Errors
   * as `storeMessage` (UNKNOWN_ADDRESS, MAILBOX_FULL_COUNT, MAILBOX_FULL_BYTES).
   */
  storeSealedMessage(message: NewSealedMessage, quota: MailboxQuota): Promise<StoredMessageAck>;

  /**
   * SEND_SEALED_MULTI (docs/SERVER.md §15.1): storeSealedMessage for several devices as ONE
   * transaction: every message is stored (or was a duplicate of its (recipient, clientMessageId)),
   * or none is — the first refusal is thrown. Resolves the server timestamp and whether every
   * message was a duplicate.
   */
  storeSealedMessageBatch(
    messages: readonly NewSealedMessage[],
    quota: MailboxQuota,
  ): Promise<{ serverTimestamp: number; duplicate: boolean }>;

  /**
   * GROUP_SEND_SEALED (docs/SERVER.md §15.2): as storeGroupMessage, one transaction and results in
   * `recipients` order, but every row has NO sender and idempotency is per (recipient,
   * clientMessageId) in `sealed_sent`, as for storeSealedMessage.
   */
  storeSealedGroupMessage(message: NewSealedGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]>;

  /** Finishes every pending write, then releases the backend. */
  close(): Promise<void>;
}
