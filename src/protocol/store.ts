/**
 * Storage interfaces the protocol consumes (docs/ARCHITECTURE.md §2; modelled on libsignal's
 * storage traits): the local identity, prekeys with one-time consumption, serialized session
 * records (current + archived sessions per address), and the trust store. Implementations live in
 * src/storage/ (memory.ts); the protocol never touches files.
 * The interfaces are synchronous: a persistent implementation loads what it needs first.
 * Side channels: n/a (interfaces only).
 */
import type { PreKeyRole } from './constants.ts';
import type { IdentityKeyPair } from './identity.ts';
import type { PreKeyRecord } from './prekeys.ts';

/** A peer device's address, e.g. 'bob.1' (opaque to the protocol; used as the safety-number id). */
export type Address = string;

export interface IdentityStore {
  /** This device's identity key pair. */
  getLocalIdentity(): IdentityKeyPair;
  /** This device's own address (its safety-number stable id). */
  getLocalAddress(): Address;
}

export interface PreKeyStore {
  storePreKey(record: PreKeyRecord): void;
  /** The prekey of `role` with `id`, or undefined if unknown, deleted or consumed. */
  loadPreKey(role: PreKeyRole, id: number): PreKeyRecord | undefined;
  /** Every live prekey of `role` (for rotation and replenishment). */
  listPreKeys(role: PreKeyRole): PreKeyRecord[];
  /** True if this one-time prekey was consumed by an earlier handshake. */
  isConsumed(role: PreKeyRole, id: number): boolean;
  /** Deletes a one-time prekey's secret and remembers its id as consumed (PQXDH rev. 3 §3.4). */
  consumePreKey(role: PreKeyRole, id: number): void;
  /** Deletes a prekey without marking it consumed (signed-prekey rotation). */
  removePreKey(role: PreKeyRole, id: number): void;
}

export interface SessionStore {
  /**
   * The serialized session record with `address` (encodeSessionRecord: the current session and
   * its archived predecessors, PROTOCOL.md §6.3), if any.
   */
  loadSession(address: Address): Uint8Array | undefined;
  /** Replaces the record with `address` (the caller wipes what it dropped). */
  storeSession(address: Address, record: Uint8Array): void;
  /** Deletes (and wipes) the whole record: the current and every archived session. */
  deleteSession(address: Address): void;
}

/** What a device remembers about a peer's identity (trust.ts). */
export interface TrustRecord {
  /** The pinned identity (encodeIdentityPublic). */
  readonly identity: Uint8Array;
  /** True once the user compared safety numbers. */
  readonly verified: boolean;
  /** When the identity was first seen (ms). */
  readonly firstSeen: number;
  /** A different identity seen later and not yet accepted by the user. */
  readonly pendingChange?: { readonly identity: Uint8Array; readonly seenAt: number };
}

export interface TrustStore {
  loadTrust(address: Address): TrustRecord | undefined;
  storeTrust(address: Address, record: TrustRecord): void;
}
