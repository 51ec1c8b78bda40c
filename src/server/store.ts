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
import type { DeliveredMessage } from '../wire/pushes.ts';
import type { PreKeyCounts } from '../wire/responses.ts';

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

  /** Up to `limit` queued messages of `address` with guid > afterGuid, stored at or after `notBefore`, by guid. */
  pendingMessages(address: Address, afterGuid: number, notBefore: number, limit: number): Promise<DeliveredMessage[]>;

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

  /** Queued messages and envelope bytes over all mailboxes. */
  queueStats(): Promise<QueueStats>;

  /** Finishes every pending write, then releases the backend. */
  close(): Promise<void>;
}
