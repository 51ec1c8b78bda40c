/**
 * In-memory implementations of the protocol's store interfaces (src/protocol/store.ts), for the
 * demo, tests and benchmarks. Consumed one-time prekeys leave a tombstone (role, id) so that a
 * second use is reported as PREKEY_REUSED rather than PREKEY_NOT_FOUND. The session store holds one
 * opaque serialized session record (current + archived sessions) per address.
 * Side channels: n/a; secrets are held as the records given (wipe on removal is best effort).
 */
import type { PreKeyRole } from '../protocol/constants.ts';
import type { IdentityKeyPair } from '../protocol/identity.ts';
import type { PreKeyRecord } from '../protocol/prekeys.ts';
import type {
  Address,
  IdentityStore,
  PreKeyStore,
  SessionStore,
  TrustRecord,
  TrustStore,
} from '../protocol/store.ts';
import { wipe } from '../util/ct.ts';
import { copyBytes } from '../util/bytes.ts';

const key = (role: PreKeyRole, id: number): string => `${role}:${id}`;

export class MemoryIdentityStore implements IdentityStore {
  constructor(
    private readonly identity: IdentityKeyPair,
    private readonly address: Address,
  ) {}
  getLocalIdentity(): IdentityKeyPair {
    return this.identity;
  }
  getLocalAddress(): Address {
    return this.address;
  }
}

export class MemoryPreKeyStore implements PreKeyStore {
  private readonly live = new Map<string, PreKeyRecord>();
  private readonly consumed = new Set<string>();

  storePreKey(record: PreKeyRecord): void {
    this.live.set(key(record.role, record.id), record);
  }
  loadPreKey(role: PreKeyRole, id: number): PreKeyRecord | undefined {
    return this.live.get(key(role, id));
  }
  listPreKeys(role: PreKeyRole): PreKeyRecord[] {
    return [...this.live.values()].filter((r) => r.role === role);
  }
  isConsumed(role: PreKeyRole, id: number): boolean {
    return this.consumed.has(key(role, id));
  }
  consumePreKey(role: PreKeyRole, id: number): void {
    this.removePreKey(role, id);
    this.consumed.add(key(role, id));
  }
  removePreKey(role: PreKeyRole, id: number): void {
    const record = this.live.get(key(role, id));
    if (record) wipe(record.keyPair.secretKey);
    this.live.delete(key(role, id));
  }
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<Address, Uint8Array>();
  loadSession(address: Address): Uint8Array | undefined {
    const session = this.sessions.get(address);
    return session === undefined ? undefined : copyBytes(session);
  }
  storeSession(address: Address, session: Uint8Array): void {
    const old = this.sessions.get(address);
    if (old) wipe(old); // the replaced record's secrets (dropped or evicted sessions included)
    this.sessions.set(address, copyBytes(session));
  }
  deleteSession(address: Address): void {
    const s = this.sessions.get(address);
    if (s) wipe(s);
    this.sessions.delete(address);
  }
}

export class MemoryTrustStore implements TrustStore {
  private readonly records = new Map<Address, TrustRecord>();
  loadTrust(address: Address): TrustRecord | undefined {
    return this.records.get(address);
  }
  storeTrust(address: Address, record: TrustRecord): void {
    this.records.set(address, record);
  }
}
