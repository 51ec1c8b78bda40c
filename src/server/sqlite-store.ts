/**
 * ServerStore on SQLite (better-sqlite3): one database file in WAL mode. With synchronous=FULL
 * (the default) a transaction is on disk (WAL fsynced) before its promise resolves, so an
 * acknowledged message survives kill -9 and power loss alike; with NORMAL the WAL is written (not
 * fsynced) before the promise resolves, which survives a process crash (kill -9) but not a power
 * loss (docs/SERVER.md §7). Writes are group-committed: every
 * write requested during one turn of the event loop runs in ONE transaction with a single fsync.
 * A refused write rolls back alone: writes that refuse only before their first change run bare,
 * the others (prekey uploads) inside a savepoint; any other error rolls the whole group back.
 * Reads run directly on the last committed state.
 * Node-only (native module).
 */
import Database from 'better-sqlite3';
import { bytesEqual, copyBytes } from '../util/bytes.ts';
import { ServerError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { QueuedMessage } from '../wire/pushes.ts';
import type { GroupSendResult, PreKeyCounts } from '../wire/responses.ts';
import { migrate } from './sqlite-migrations.ts';
import type {
  DeliveryAccess,
  ProvisionPoll,
  RegisteredDevice,
  StoredDeviceList,
  MailboxCursor,
  MailboxQuota,
  NewGroupMessage,
  NewMessage,
  NewSealedGroupMessage,
  NewSealedMessage,
  QueueStats,
  ServerStore,
  StoredMessageAck,
  StoredPreKey,
  TakenPreKeys,
} from './store.ts';

/** SQLite's durability level for commits in WAL mode (https://sqlite.org/pragma.html#pragma_synchronous). */
export type SqliteSynchronous = 'full' | 'normal';

/** Most writes folded into one group commit (bounds the time one transaction holds the loop). */
const MAX_GROUP_COMMIT_WRITES = 512;

// Prekey roles (PROTOCOL.md §3.1); the store only sorts rows by them.
const ROLE_SIGNED = 1;
const ROLE_KEM_LAST_RESORT = 2;
const ROLE_KEM_ONE_TIME = 3;
const ROLE_ONE_TIME = 4;

interface Job {
  work: () => unknown;
  /** True when `work` may throw a refusal after writing: it runs inside a savepoint. */
  atomic: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/** Binds a Uint8Array as a BLOB without copying it. */
const blob = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
/** A BLOB read back as a plain Uint8Array (a copy: never a view of Node's Buffer pool). */
const bytesOf = (b: Buffer) => copyBytes(b);

export class SqliteStore implements ServerStore {
  private readonly db: Database.Database;
  private jobs: Job[] = [];
  private scheduled = false;
  private closed = false;
  private readonly commitGroup: (jobs: Job[]) => void;
  private readonly stmt;

  constructor(file: string, synchronous: SqliteSynchronous = 'full') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    const savepoint = this.db.transaction((work: () => unknown) => work());
    this.commitGroup = this.db.transaction((jobs: Job[]) => {
      for (const j of jobs) {
        try {
          j.outcome = { ok: true, value: j.atomic ? savepoint(j.work) : j.work() };
        } catch (error) {
          // A bare job refuses (ServerError) before writing; anything else may have written half.
          if (!j.atomic && !(error instanceof ServerError)) throw error;
          j.outcome = { ok: false, error };
        }
      }
    });
    const p = (sql: string) => this.db.prepare(sql);
    this.stmt = {
      identityGet: p('SELECT secret FROM server_identity WHERE id = 1'),
      identityPut: p('INSERT OR IGNORE INTO server_identity (id, secret) VALUES (1, ?)'),
      accountGet: p('SELECT 1 FROM accounts WHERE username = ?'),
      accountPut: p('INSERT INTO accounts (username, created_at) VALUES (?, ?)'),
      deviceGet: p('SELECT identity FROM devices WHERE username = ? AND device_id = ?'),
      devicePut: p('INSERT INTO devices (username, device_id, identity, created_at) VALUES (?, ?, ?, ?)'),
      mailboxPut: p('INSERT INTO mailboxes (username, device_id, messages, bytes) VALUES (?, ?, 0, 0)'),
      mailboxGet: p('SELECT messages, bytes FROM mailboxes WHERE username = ? AND device_id = ?'),
      mailboxAdd: p('UPDATE mailboxes SET messages = messages + ?, bytes = bytes + ? WHERE username = ? AND device_id = ?'),
      signedPut: p('INSERT OR REPLACE INTO signed_prekeys (username, device_id, role, key_id, encoded) VALUES (?, ?, ?, ?, ?)'),
      signedGet: p('SELECT role, key_id, encoded FROM signed_prekeys WHERE username = ? AND device_id = ? AND role = ?'),
      oneTimePut: p('INSERT OR REPLACE INTO one_time_prekeys (username, device_id, role, key_id, encoded) VALUES (?, ?, ?, ?, ?)'),
      oneTimeCount: p('SELECT role, count(*) AS n FROM one_time_prekeys WHERE username = ? AND device_id = ? GROUP BY role'),
      oneTimeFirst: p('SELECT role, key_id, encoded FROM one_time_prekeys WHERE username = ? AND device_id = ? AND role = ? ORDER BY key_id LIMIT 1'),
      oneTimeDelete: p('DELETE FROM one_time_prekeys WHERE username = ? AND device_id = ? AND role = ? AND key_id = ?'),
      sentGet: p('SELECT guid, server_timestamp FROM sent_messages WHERE sender_username = ? AND sender_device_id = ? AND client_message_id = ?'),
      sentPut: p('INSERT INTO sent_messages (sender_username, sender_device_id, client_message_id, guid, server_timestamp) VALUES (?, ?, ?, ?, ?)'),
      messagePut: p('INSERT INTO messages (username, device_id, sender_username, sender_device_id, client_message_id, server_timestamp, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      mailboxLast: p('SELECT coalesce(max(guid), 0) AS g FROM messages WHERE username = ? AND device_id = ?'),
      messageOldest: p('SELECT server_timestamp FROM messages WHERE username = ? AND device_id = ? ORDER BY guid LIMIT 1'),
      mailboxExpired: p('SELECT count(*) AS n, coalesce(sum(length(envelope)), 0) AS b FROM messages WHERE username = ? AND device_id = ? AND server_timestamp < ?'),
      mailboxExpiredDelete: p('DELETE FROM messages WHERE username = ? AND device_id = ? AND server_timestamp < ?'),
      pending: p('SELECT guid, server_timestamp, sender_username, sender_device_id, client_message_id, envelope FROM messages WHERE username = ? AND device_id = ? AND guid > ? AND server_timestamp >= ? ORDER BY guid LIMIT ?'),
      pendingAny: p('SELECT 1 FROM messages WHERE username = ? AND device_id = ? AND guid > ? AND server_timestamp >= ? LIMIT 1'),
      pendingCount: p('SELECT count(*) AS n FROM messages WHERE username = ? AND device_id = ? AND server_timestamp >= ?'),
      messageDelete: p('DELETE FROM messages WHERE guid = ? AND username = ? AND device_id = ? RETURNING length(envelope) AS b'),
      expiredByMailbox: p('SELECT username, device_id, count(*) AS n, sum(length(envelope)) AS b FROM messages WHERE server_timestamp < ? GROUP BY username, device_id'),
      expiredDelete: p('DELETE FROM messages WHERE server_timestamp < ?'),
      sentExpiredDelete: p('DELETE FROM sent_messages WHERE server_timestamp < ?'),
      groupSentGet: p('SELECT guid, server_timestamp FROM group_sent_messages WHERE sender_username = ? AND sender_device_id = ? AND client_message_id = ? AND recipient_username = ? AND recipient_device_id = ?'),
      groupSentPut: p('INSERT INTO group_sent_messages (sender_username, sender_device_id, client_message_id, recipient_username, recipient_device_id, guid, server_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      groupSentExpiredDelete: p('DELETE FROM group_sent_messages WHERE server_timestamp < ?'),
      stats: p('SELECT coalesce(sum(messages), 0) AS n, coalesce(sum(bytes), 0) AS b FROM mailboxes'),
      sealedSentGet: p('SELECT guid, server_timestamp FROM sealed_sent WHERE username = ? AND device_id = ? AND client_message_id = ?'),
      sealedSentPut: p('INSERT INTO sealed_sent (username, device_id, client_message_id, guid, server_timestamp) VALUES (?, ?, ?, ?, ?)'),
      sealedSentExpiredDelete: p('DELETE FROM sealed_sent WHERE server_timestamp < ?'),
      sealedKeyPut: p('INSERT OR REPLACE INTO sealed_keys (username, device_id, encoded) VALUES (?, ?, ?)'),
      sealedKeyGet: p('SELECT encoded FROM sealed_keys WHERE username = ? AND device_id = ?'),
      accessPut: p('INSERT OR REPLACE INTO delivery_access (username, verifier, mode) VALUES (?, ?, ?)'),
      accessGet: p('SELECT verifier, mode FROM delivery_access WHERE username = ?'),
      // multiple devices (docs/SERVER.md §13)
      listGet: p('SELECT version, encoded FROM device_lists WHERE username = ?'),
      listPut: p('INSERT OR REPLACE INTO device_lists (username, version, encoded) VALUES (?, ?, ?)'),
      devicesOf: p('SELECT device_id, identity FROM devices WHERE username = ? ORDER BY device_id'),
      removeOneTime: p('DELETE FROM one_time_prekeys WHERE username = ? AND device_id = ?'),
      removeSigned: p('DELETE FROM signed_prekeys WHERE username = ? AND device_id = ?'),
      removeMessages: p('DELETE FROM messages WHERE username = ? AND device_id = ?'),
      removeMailbox: p('DELETE FROM mailboxes WHERE username = ? AND device_id = ?'),
      removeDevice: p('DELETE FROM devices WHERE username = ? AND device_id = ?'),
      provisionLive: p('SELECT count(*) AS n FROM provisioning WHERE expires_at > ?'),
      provisionPut: p('INSERT INTO provisioning (rendezvous_id, request, taken, response, expires_at) VALUES (?, ?, 0, NULL, ?)'),
      provisionGet: p('SELECT request, taken, response FROM provisioning WHERE rendezvous_id = ? AND expires_at > ?'),
      provisionTaken: p('UPDATE provisioning SET request = NULL, taken = 1 WHERE rendezvous_id = ?'),
      provisionAnswer: p('UPDATE provisioning SET response = ? WHERE rendezvous_id = ?'),
      provisionDelete: p('DELETE FROM provisioning WHERE rendezvous_id = ?'),
      provisionExpired: p('DELETE FROM provisioning WHERE expires_at < ?'),
    };
  }

  async initServerIdentity(candidate: Uint8Array): Promise<Uint8Array> {
    return this.write(() => {
      this.stmt.identityPut.run(blob(candidate));
      return bytesOf((this.stmt.identityGet.get() as { secret: Buffer }).secret);
    });
  }

  async registerDevice(a: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'> {
    return this.write(() => {
      const row = this.stmt.deviceGet.get(a.username, a.deviceId) as { identity: Buffer } | undefined;
      if (row !== undefined) {
        if (bytesEqual(bytesOf(row.identity), identity)) return 'existing' as const;
        throw new ServerError('USERNAME_TAKEN', `username "${a.username}" is registered to another identity`);
      }
      if (this.stmt.accountGet.get(a.username) !== undefined)
        throw new ServerError('USERNAME_TAKEN', `username "${a.username}" is taken`);
      this.stmt.accountPut.run(a.username, now);
      this.stmt.devicePut.run(a.username, a.deviceId, blob(identity), now);
      this.stmt.mailboxPut.run(a.username, a.deviceId);
      return 'created' as const;
    });
  }

  async deviceIdentity(a: Address): Promise<Uint8Array | undefined> {
    const row = this.stmt.deviceGet.get(a.username, a.deviceId) as { identity: Buffer } | undefined;
    return row === undefined ? undefined : bytesOf(row.identity);
  }

  async putPreKeys(a: Address, preKeys: readonly StoredPreKey[], maxOneTimePerKind: number): Promise<PreKeyCounts> {
    return this.writeAtomic(() => {
      this.expectDevice(a);
      for (const k of preKeys) {
        const oneTime = k.role === ROLE_ONE_TIME || k.role === ROLE_KEM_ONE_TIME;
        const put = oneTime ? this.stmt.oneTimePut : this.stmt.signedPut;
        put.run(a.username, a.deviceId, k.role, k.id, blob(k.encoded));
      }
      const counts = this.counts(a);
      if (counts.oneTime > maxOneTimePerKind || counts.kemOneTime > maxOneTimePerKind)
        throw new ServerError(
          'PREKEY_STOCK_FULL',
          `one-time prekey stock would be ${counts.oneTime} X25519 / ${counts.kemOneTime} ML-KEM, limit ${maxOneTimePerKind} each`,
        );
      return counts;
    });
  }

  async preKeyCounts(a: Address): Promise<PreKeyCounts> {
    return this.counts(a);
  }

  async takeOneTimePreKeys(a: Address): Promise<TakenPreKeys | undefined> {
    return this.write(() => {
      const device = this.stmt.deviceGet.get(a.username, a.deviceId) as { identity: Buffer } | undefined;
      if (device === undefined) return undefined;
      const signedPreKey = this.signed(a, ROLE_SIGNED);
      const lastResort = this.signed(a, ROLE_KEM_LAST_RESORT);
      if (signedPreKey === undefined || lastResort === undefined)
        throw new ServerError('BUNDLE_UNAVAILABLE', 'the device has not published its signed prekeys');
      const oneTimePreKey = this.takeFirst(a, ROLE_ONE_TIME);
      const kemOneTime = this.takeFirst(a, ROLE_KEM_ONE_TIME);
      const taken = {
        identity: bytesOf(device.identity),
        signedPreKey,
        kemPreKey: kemOneTime ?? lastResort,
        remaining: this.counts(a),
      };
      return oneTimePreKey ? { ...taken, oneTimePreKey } : taken;
    });
  }

  async storeMessage(m: NewMessage, quota: MailboxQuota): Promise<StoredMessageAck> {
    return this.write(() => this.storeOne(m, quota));
  }

  /** storeMessage's work: refuses (ServerError) before its first write. */
  private storeOne(m: NewMessage, quota: MailboxQuota): StoredMessageAck {
    const { sender: s, recipient: r } = m;
    const sent = this.stmt.sentGet.get(s.username, s.deviceId, blob(m.clientMessageId)) as
      | { guid: number; server_timestamp: number }
      | undefined;
    if (sent !== undefined)
      return { guid: sent.guid, serverTimestamp: sent.server_timestamp, duplicate: true };
    this.checkQuota(r, m.envelope.length, m.expiredBefore, quota);
    const previousGuid = (this.stmt.mailboxLast.get(r.username, r.deviceId) as { g: number }).g;
    const { lastInsertRowid } = this.stmt.messagePut.run(
      r.username, r.deviceId, s.username, s.deviceId,
      blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope),
    );
    const guid = Number(lastInsertRowid);
    this.stmt.sentPut.run(s.username, s.deviceId, blob(m.clientMessageId), guid, m.serverTimestamp);
    this.stmt.mailboxAdd.run(1, m.envelope.length, r.username, r.deviceId);
    return { guid, serverTimestamp: m.serverTimestamp, duplicate: false, previousGuid };
  }

  async storeGroupMessage(m: NewGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]> {
    return this.write(() =>
      m.recipients.map((r): GroupSendResult => {
        const { sender: s } = m;
        const id = blob(m.clientMessageId);
        const sent = this.stmt.groupSentGet.get(s.username, s.deviceId, id, r.username, r.deviceId) as
          | { guid: number; server_timestamp: number }
          | undefined;
        if (sent !== undefined) return { status: 'duplicate', guid: sent.guid, serverTimestamp: sent.server_timestamp };
        try {
          this.checkQuota(r, m.envelope.length, m.expiredBefore, quota); // refuses this recipient only
        } catch (e) {
          if (e instanceof ServerError) return { status: 'refused', code: e.code };
          throw e;
        }
        const { lastInsertRowid } = this.stmt.messagePut.run(
          r.username, r.deviceId, s.username, s.deviceId, id, m.serverTimestamp, blob(m.envelope),
        );
        const guid = Number(lastInsertRowid);
        this.stmt.groupSentPut.run(s.username, s.deviceId, id, r.username, r.deviceId, guid, m.serverTimestamp);
        this.stmt.mailboxAdd.run(1, m.envelope.length, r.username, r.deviceId);
        return { status: 'stored', guid, serverTimestamp: m.serverTimestamp };
      }),
    );
  }

  async pendingMessages(a: Address, afterGuid: number, notBefore: number, limit: number): Promise<QueuedMessage[]> {
    const rows = this.stmt.pending.all(a.username, a.deviceId, afterGuid, notBefore, limit) as {
      guid: number;
      server_timestamp: number;
      sender_username: string | null;
      sender_device_id: number | null;
      client_message_id: Buffer;
      envelope: Buffer;
    }[];
    return rows.map((row) => {
      const m = {
        guid: row.guid,
        serverTimestamp: row.server_timestamp,
        clientMessageId: bytesOf(row.client_message_id),
        envelope: bytesOf(row.envelope),
      };
      // A sealed message has no sender (docs/SERVER.md §12).
      if (row.sender_username === null || row.sender_device_id === null) return m;
      return { ...m, sender: { username: row.sender_username, deviceId: row.sender_device_id } };
    });
  }

  async mailboxesWithPending(cursors: readonly MailboxCursor[], notBefore: number): Promise<Address[]> {
    return cursors
      .filter((c) => this.stmt.pendingAny.get(c.address.username, c.address.deviceId, c.afterGuid, notBefore) !== undefined)
      .map((c) => c.address);
  }

  async countPending(a: Address, notBefore: number): Promise<number> {
    return (this.stmt.pendingCount.get(a.username, a.deviceId, notBefore) as { n: number }).n;
  }

  async ackMessage(a: Address, guid: number): Promise<boolean> {
    return this.write(() => {
      const row = this.stmt.messageDelete.get(guid, a.username, a.deviceId) as { b: number } | undefined;
      if (row === undefined) return false;
      this.stmt.mailboxAdd.run(-1, -row.b, a.username, a.deviceId);
      return true;
    });
  }

  async deleteExpired(before: number): Promise<number> {
    return this.write(() => {
      const boxes = this.stmt.expiredByMailbox.all(before) as {
        username: string;
        device_id: number;
        n: number;
        b: number;
      }[];
      for (const x of boxes) this.stmt.mailboxAdd.run(-x.n, -x.b, x.username, x.device_id);
      const { changes } = this.stmt.expiredDelete.run(before);
      this.stmt.sentExpiredDelete.run(before);
      this.stmt.sealedSentExpiredDelete.run(before);
      this.stmt.provisionExpired.run(before);
      this.stmt.groupSentExpiredDelete.run(before);
      return changes;
    });
  }

  async putSealedKey(a: Address, encoded: Uint8Array): Promise<void> {
    return this.write(() => {
      this.expectDevice(a);
      this.stmt.sealedKeyPut.run(a.username, a.deviceId, blob(encoded));
    });
  }

  async sealedKey(a: Address): Promise<Uint8Array | undefined> {
    const row = this.stmt.sealedKeyGet.get(a.username, a.deviceId) as { encoded: Buffer } | undefined;
    return row === undefined ? undefined : bytesOf(row.encoded);
  }

  async setDeliveryAccess(username: string, access: DeliveryAccess): Promise<void> {
    return this.write(() => {
      if (this.stmt.accountGet.get(username) === undefined)
        throw new ServerError('UNKNOWN_ADDRESS', `no account ${username}`);
      this.stmt.accessPut.run(username, blob(access.verifier), access.mode);
    });
  }

  async deliveryAccess(username: string): Promise<DeliveryAccess | undefined> {
    const row = this.stmt.accessGet.get(username) as { verifier: Buffer; mode: 'contacts' | 'anyone' } | undefined;
    return row === undefined ? undefined : { verifier: bytesOf(row.verifier), mode: row.mode };
  }

  async storeSealedMessage(m: NewSealedMessage, quota: MailboxQuota): Promise<StoredMessageAck> {
    return this.write(() => this.storeSealedOne(m, quota));
  }

  async storeSealedMessageBatch(messages: readonly NewSealedMessage[], quota: MailboxQuota): Promise<{ serverTimestamp: number; duplicate: boolean }> {
    return this.writeAtomic(() => {
      const acks = messages.map((m) => this.storeSealedOne(m, quota));
      return { serverTimestamp: acks[0].serverTimestamp, duplicate: acks.every((a) => a.duplicate) };
    });
  }

  async storeSealedGroupMessage(m: NewSealedGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]> {
    return this.write(() =>
      m.recipients.map((recipient): GroupSendResult => {
        try {
          const ack = this.storeSealedOne({ ...m, recipient }, quota); // refuses this recipient only
          return { status: ack.duplicate ? 'duplicate' : 'stored', guid: ack.guid, serverTimestamp: ack.serverTimestamp };
        } catch (e) {
          if (e instanceof ServerError) return { status: 'refused', code: e.code };
          throw e;
        }
      }),
    );
  }

  /** storeSealedMessage's work: refuses (ServerError) before its first write. */
  private storeSealedOne(m: NewSealedMessage, quota: MailboxQuota): StoredMessageAck {
    const r = m.recipient;
    const sent = this.stmt.sealedSentGet.get(r.username, r.deviceId, blob(m.clientMessageId)) as
      | { guid: number; server_timestamp: number }
      | undefined;
    if (sent !== undefined)
      return { guid: sent.guid, serverTimestamp: sent.server_timestamp, duplicate: true };
    this.checkQuota(r, m.envelope.length, m.expiredBefore, quota);
    const { lastInsertRowid } = this.stmt.messagePut.run(
      r.username, r.deviceId, null, null, blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope),
    );
    const guid = Number(lastInsertRowid);
    this.stmt.sealedSentPut.run(r.username, r.deviceId, blob(m.clientMessageId), guid, m.serverTimestamp);
    this.stmt.mailboxAdd.run(1, m.envelope.length, r.username, r.deviceId);
    return { guid, serverTimestamp: m.serverTimestamp, duplicate: false };
  }

  async deviceList(username: string): Promise<StoredDeviceList | undefined> {
    const row = this.stmt.listGet.get(username) as { version: number; encoded: Buffer } | undefined;
    return row && { version: row.version, encoded: bytesOf(row.encoded) };
  }

  async putDeviceList(username: string, list: StoredDeviceList, removed: readonly number[]): Promise<void> {
    return this.write(() => {
      const current = this.stmt.listGet.get(username) as { version: number } | undefined;
      if (current !== undefined && list.version <= current.version)
        throw new ServerError('BAD_DEVICE_LIST', `device list version ${list.version} does not supersede stored version ${current.version}`);
      this.stmt.listPut.run(username, list.version, blob(list.encoded));
      for (const d of removed)
        for (const del of [this.stmt.removeOneTime, this.stmt.removeSigned, this.stmt.removeMessages, this.stmt.removeMailbox, this.stmt.removeDevice])
          del.run(username, d);
    });
  }

  async registerLinkedDevice(a: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'> {
    return this.write(() => {
      const row = this.stmt.deviceGet.get(a.username, a.deviceId) as { identity: Buffer } | undefined;
      if (row !== undefined) {
        if (bytesEqual(bytesOf(row.identity), identity)) return 'existing' as const;
        throw new ServerError('USERNAME_TAKEN', `${a.username}.${a.deviceId} is registered to another identity`);
      }
      if (this.stmt.accountGet.get(a.username) === undefined)
        throw new ServerError('UNKNOWN_ADDRESS', `no account ${a.username}`);
      this.stmt.devicePut.run(a.username, a.deviceId, blob(identity), now);
      this.stmt.mailboxPut.run(a.username, a.deviceId);
      return 'created' as const;
    });
  }

  async registeredDevices(username: string): Promise<RegisteredDevice[]> {
    const rows = this.stmt.devicesOf.all(username) as { device_id: number; identity: Buffer }[];
    return rows.map((r) => ({ deviceId: r.device_id, identity: bytesOf(r.identity) }));
  }

  async storeMessageBatch(messages: readonly NewMessage[], quota: MailboxQuota): Promise<{ serverTimestamp: number; duplicate: boolean }> {
    return this.writeAtomic(() => {
      const acks = messages.map((m) => this.storeOne(m, quota));
      return { serverTimestamp: acks[0].serverTimestamp, duplicate: acks.every((a) => a.duplicate) };
    });
  }

  async provisionOpen(id: Uint8Array, request: Uint8Array, now: number, expiresAt: number, maxPending: number): Promise<boolean> {
    return this.write(() => {
      if ((this.stmt.provisionLive.get(now) as { n: number }).n >= maxPending) return false;
      this.stmt.provisionPut.run(blob(id), blob(request), expiresAt);
      return true;
    });
  }

  async provisionTake(id: Uint8Array, now: number): Promise<Uint8Array | undefined> {
    return this.write(() => {
      const row = this.stmt.provisionGet.get(blob(id), now) as { request: Buffer | null; taken: number } | undefined;
      if (row === undefined || row.taken === 1 || row.request === null) return undefined;
      this.stmt.provisionTaken.run(blob(id));
      return bytesOf(row.request);
    });
  }

  async provisionAnswer(id: Uint8Array, response: Uint8Array, now: number): Promise<boolean> {
    return this.write(() => {
      const row = this.stmt.provisionGet.get(blob(id), now) as { taken: number; response: Buffer | null } | undefined;
      if (row === undefined || row.taken !== 1 || row.response !== null) return false;
      this.stmt.provisionAnswer.run(blob(response), blob(id));
      return true;
    });
  }

  async provisionPoll(id: Uint8Array, now: number): Promise<ProvisionPoll | undefined> {
    return this.write(() => {
      const row = this.stmt.provisionGet.get(blob(id), now) as { response: Buffer | null } | undefined;
      if (row === undefined) return undefined;
      if (row.response === null) return { state: 'pending' as const };
      this.stmt.provisionDelete.run(blob(id));
      return { state: 'answered' as const, linkResponse: bytesOf(row.response) };
    });
  }

  async queueStats(): Promise<QueueStats> {
    const row = this.stmt.stats.get() as { n: number; b: number };
    return { messages: row.n, bytes: row.b };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.jobs.length > 0) this.flush();
    this.db.close();
  }

  /**
   * Queues `work` for the next group commit; resolves once that transaction is durable. `work`
   * must throw its ServerError refusals before its first write (else use writeAtomic).
   */
  private write<T>(work: () => T, atomic = false): Promise<T> {
    if (this.closed) return Promise.reject(new ServerError('SHUTTING_DOWN', 'the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ work, atomic, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flushAll());
      }
    });
  }

  /** `write` for work that may refuse after writing: a savepoint undoes its changes alone. */
  private writeAtomic<T>(work: () => T): Promise<T> {
    return this.write(work, true);
  }

  private flushAll(): void {
    this.scheduled = false;
    while (this.jobs.length > 0 && !this.db.inTransaction) this.flush();
  }

  /** Runs up to MAX_GROUP_COMMIT_WRITES queued writes in one transaction, then settles them. */
  private flush(): void {
    const jobs = this.jobs.splice(0, MAX_GROUP_COMMIT_WRITES);
    try {
      this.commitGroup(jobs);
    } catch (e) {
      const error = new ServerError('INTERNAL', `storage commit failed: ${(e as Error).message}`);
      for (const j of jobs) j.reject(error);
      return;
    }
    for (const j of jobs) {
      const o = j.outcome!;
      if (o.ok) j.resolve(o.value);
      else j.reject(o.error);
    }
  }

  /** The quota counters of a mailbox; UNKNOWN_ADDRESS if there is no such device. */
  private mailbox(a: Address): { messages: number; bytes: number } {
    const box = this.stmt.mailboxGet.get(a.username, a.deviceId) as { messages: number; bytes: number } | undefined;
    if (box === undefined) throw new ServerError('UNKNOWN_ADDRESS', `no device ${a.username}.${a.deviceId}`);
    return box;
  }

  /**
   * The mailbox quota check of a SEND: expired messages count until dropped, so they are dropped
   * when they matter; throws MAILBOX_FULL_* having written nothing but that drop.
   */
  private checkQuota(r: Address, bytes: number, expiredBefore: number, quota: MailboxQuota): void {
    let box = this.mailbox(r);
    if (box.messages + 1 > quota.maxMessages || box.bytes + bytes > quota.maxBytes) {
      this.dropExpired(r, expiredBefore);
      box = this.mailbox(r);
    }
    if (box.messages + 1 > quota.maxMessages)
      throw new ServerError('MAILBOX_FULL_COUNT', `recipient mailbox holds its limit of ${quota.maxMessages} messages`);
    if (box.bytes + bytes > quota.maxBytes)
      throw new ServerError('MAILBOX_FULL_BYTES', `recipient mailbox would exceed its limit of ${quota.maxBytes} bytes`);
  }

  private expectDevice(a: Address): void {
    if (this.stmt.deviceGet.get(a.username, a.deviceId) === undefined)
      throw new ServerError('UNKNOWN_ADDRESS', `no device ${a.username}.${a.deviceId}`);
  }

  private counts(a: Address): PreKeyCounts {
    const rows = this.stmt.oneTimeCount.all(a.username, a.deviceId) as { role: number; n: number }[];
    const of = (role: number) => rows.find((r) => r.role === role)?.n ?? 0;
    return { oneTime: of(ROLE_ONE_TIME), kemOneTime: of(ROLE_KEM_ONE_TIME) };
  }

  private signed(a: Address, role: number): StoredPreKey | undefined {
    const row = this.stmt.signedGet.get(a.username, a.deviceId, role) as
      | { role: number; key_id: number; encoded: Buffer }
      | undefined;
    return row && { role: row.role, id: row.key_id, encoded: bytesOf(row.encoded) };
  }

  private takeFirst(a: Address, role: number): StoredPreKey | undefined {
    const row = this.stmt.oneTimeFirst.get(a.username, a.deviceId, role) as
      | { role: number; key_id: number; encoded: Buffer }
      | undefined;
    if (row === undefined) return undefined;
    this.stmt.oneTimeDelete.run(a.username, a.deviceId, role, row.key_id);
    return { role: row.role, id: row.key_id, encoded: bytesOf(row.encoded) };
  }

  /** Drops a mailbox's expired messages (guid order is storage order, so check the oldest first). */
  private dropExpired(a: Address, before: number): void {
    const oldest = this.stmt.messageOldest.get(a.username, a.deviceId) as
      | { server_timestamp: number }
      | undefined;
    if (oldest === undefined || oldest.server_timestamp >= before) return;
    const x = this.stmt.mailboxExpired.get(a.username, a.deviceId, before) as { n: number; b: number };
    this.stmt.mailboxExpiredDelete.run(a.username, a.deviceId, before);
    this.stmt.mailboxAdd.run(-x.n, -x.b, a.username, a.deviceId);
  }
}

/** Opens (creating and migrating if needed) the SQLite store at `location`, a database file path. */
export async function openSqliteStore(location: string, synchronous: SqliteSynchronous = 'full'): Promise<SqliteStore> {
  return new SqliteStore(location, synchronous);
}
