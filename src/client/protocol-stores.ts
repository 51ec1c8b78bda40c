/**
 * The protocol's store interfaces (src/protocol/store.ts) on a ClientStore: identity, prekeys
 * (with consumed-id tombstones), session records and trust records, one sealed row each.
 * Tables: identity/secret, prekeys/<role>:<id>, prekeys-consumed/<role>:<id>, sessions/<address>,
 * trust/<address> (docs/CLIENT.md "Store layout"). Writes happen inside the caller's transaction.
 * Side channels: secrets are copied between the protocol and the sealed store; no branch on them.
 */
import type { PreKeyRole } from '../protocol/constants.ts';
import {
  decodeIdentitySecret,
  encodeIdentitySecret,
  type IdentityKeyPair,
} from '../protocol/identity.ts';
import { decodePreKeyRecord, encodePreKeyRecord, type PreKeyRecord } from '../protocol/prekeys.ts';
import type {
  Address,
  IdentityStore,
  PreKeyStore,
  SessionStore,
  TrustRecord,
  TrustStore,
} from '../protocol/store.ts';
import type { Suite } from '../protocol/suite.ts';
import { ClientError } from '../util/errors.ts';
import { decodeTrust, encodeTrust } from './records.ts';
import type { ClientStore } from './store.ts';

export const TABLE = Object.freeze({
  ACCOUNT: 'account',
  IDENTITY: 'identity',
  PREKEYS: 'prekeys',
  CONSUMED: 'prekeys-consumed',
  SESSIONS: 'sessions',
  TRUST: 'trust',
  CONTACTS: 'contacts',
  HISTORY: 'history',
  OUTBOX: 'outbox',
  PROCESSED: 'processed',
  COUNTERS: 'counters',
});

const EMPTY = new Uint8Array(0);
const preKeyKey = (role: PreKeyRole, id: number): string => `${role}:${id}`;

/** Stores a new device identity (inside `init`'s transaction). */
export function storeIdentity(store: ClientStore, identity: IdentityKeyPair): void {
  store.put(TABLE.IDENTITY, 'secret', encodeIdentitySecret(identity));
}

export class StoredIdentity implements IdentityStore {
  private identity: IdentityKeyPair | undefined;
  constructor(
    private readonly store: ClientStore,
    private readonly suite: Suite,
    private readonly address: Address,
  ) {}
  /** Decoded (keys re-derived from the seeds) on first use only. */
  getLocalIdentity(): IdentityKeyPair {
    if (this.identity === undefined) {
      const bytes = this.store.get(TABLE.IDENTITY, 'secret');
      if (bytes === undefined) throw new ClientError('NOT_INITIALIZED', 'store has no identity');
      this.identity = decodeIdentitySecret(this.suite, bytes);
    }
    return this.identity;
  }
  getLocalAddress(): Address {
    return this.address;
  }
}

export class StoredPreKeys implements PreKeyStore {
  constructor(private readonly store: ClientStore) {}
  storePreKey(record: PreKeyRecord): void {
    this.store.put(TABLE.PREKEYS, preKeyKey(record.role, record.id), encodePreKeyRecord(record));
  }
  loadPreKey(role: PreKeyRole, id: number): PreKeyRecord | undefined {
    const bytes = this.store.get(TABLE.PREKEYS, preKeyKey(role, id));
    return bytes === undefined ? undefined : decodePreKeyRecord(bytes);
  }
  listPreKeys(role: PreKeyRole): PreKeyRecord[] {
    return this.store.list(TABLE.PREKEYS, `${role}:`).map((r) => decodePreKeyRecord(r.value));
  }
  isConsumed(role: PreKeyRole, id: number): boolean {
    return this.store.get(TABLE.CONSUMED, preKeyKey(role, id)) !== undefined;
  }
  consumePreKey(role: PreKeyRole, id: number): void {
    this.removePreKey(role, id);
    this.store.put(TABLE.CONSUMED, preKeyKey(role, id), EMPTY);
  }
  removePreKey(role: PreKeyRole, id: number): void {
    this.store.delete(TABLE.PREKEYS, preKeyKey(role, id));
  }
}

export class StoredSessions implements SessionStore {
  constructor(private readonly store: ClientStore) {}
  loadSession(address: Address): Uint8Array | undefined {
    return this.store.get(TABLE.SESSIONS, address);
  }
  storeSession(address: Address, record: Uint8Array): void {
    this.store.put(TABLE.SESSIONS, address, record);
  }
  deleteSession(address: Address): void {
    this.store.delete(TABLE.SESSIONS, address);
  }
}

export class StoredTrust implements TrustStore {
  constructor(private readonly store: ClientStore) {}
  loadTrust(address: Address): TrustRecord | undefined {
    const bytes = this.store.get(TABLE.TRUST, address);
    return bytes === undefined ? undefined : decodeTrust(bytes);
  }
  storeTrust(address: Address, record: TrustRecord): void {
    this.store.put(TABLE.TRUST, address, encodeTrust(record));
  }
}
