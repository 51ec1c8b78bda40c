/**
 * ServerStore on PostgreSQL (node-postgres Pool), for several server processes sharing one
 * database (docs/SERVER.md §7.2). Every method is one transaction, or one statement (an implicit
 * transaction), committed before its promise resolves: with the server's default
 * synchronous_commit = on, the WAL is flushed at commit, so an acknowledged message survives
 * kill -9 of the server process and a crash of PostgreSQL. The guarantees that SQLite gets from
 * running one writer at a time are explicit here:
 * - one-time prekeys: `DELETE … WHERE … = (SELECT … ORDER BY key_id LIMIT 1 FOR UPDATE SKIP
 *   LOCKED) RETURNING`, so two fetches never take the same key, whatever process they run in;
 * - SEND and ACK are the SQL functions `store_message` / `ack_message` (pg-migrations.ts): the
 *   recipient's mailbox row lock is taken before the guid is drawn, so within a mailbox guid
 *   order is commit order and the delivery cursor `guid > last delivered` skips nothing;
 * - group commit (pg-batch.ts, docs/SERVER.md §11): SENDs, ACKs and delivery reads arriving while
 *   earlier ones are at the database go out together as one statement (`store_messages`,
 *   `ack_messages`, one LATERAL read); each caller is answered after its batch committed. A batch
 *   that fails as a whole (e.g. a deadlock between a client's two retries naming different
 *   recipients) is run again one call at a time, so one call's trouble is only its own;
 * - idempotency: the unique key (sender, client message id), `ON CONFLICT DO NOTHING`, read back;
 * - uploads lock the owner's device row, so the stock limit holds against concurrent uploads.
 * Node-only (pg).
 */
import pg from 'pg';
import { bytesEqual, copyBytes } from '../util/bytes.ts';
import { ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { QueuedMessage } from '../wire/pushes.ts';
import type { GroupSendResult, PreKeyCounts } from '../wire/responses.ts';
import { parsePgLocation } from './pg-config.ts';
import { TickBatcher } from './pg-batch.ts';
import { migratePg } from './pg-migrations.ts';
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

/** The statuses of the store_*message functions that refuse a recipient, as ServerError codes. */
const PG_REFUSAL: Readonly<Record<string, ServerErrorCode>> = Object.freeze({
  unknown_address: 'UNKNOWN_ADDRESS',
  mailbox_full_count: 'MAILBOX_FULL_COUNT',
  mailbox_full_bytes: 'MAILBOX_FULL_BYTES',
});

/** Connections per server process (each request holds one only for its statement or transaction). */
export const PG_POOL_SIZE = 10;

// Prekey roles (PROTOCOL.md §3.1); the store only sorts rows by them.
const ROLE_SIGNED = 1;
const ROLE_KEM_LAST_RESORT = 2;
const ROLE_KEM_ONE_TIME = 3;
const ROLE_ONE_TIME = 4;

/** int8 (OID 20) and numeric (1700, from sum()) as JS numbers: guids, times and totals stay < 2⁵³. */
const NUMBER_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/**
 * Batches of each kind at the database at once, and calls per batch (docs/SERVER.md §11). One
 * SEND and one ACK batch per process: a batch holds its mailbox row locks until its commit, so a
 * second concurrent batch of the same process would mostly wait on them (measured with
 * pg_stat_activity: Lock:transactionid dominated with 4); while one commits, the next one forms.
 */
const SEND_BATCHES = 1;
const ACK_BATCHES = 1;
const READ_BATCHES = 3;
const MAX_BATCH = 500;

type StoreOutcome = { status: string; out_guid: number; out_ts: number; prev_guid: number | null };
type StoreCall = { readonly m: NewMessage; readonly quota: MailboxQuota };
type ReadCall = { readonly a: Address; readonly afterGuid: number; readonly notBefore: number; readonly limit: number };

/** Binds a Uint8Array as bytea without copying it. */
const blob = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

type Row = Record<string, unknown>;

export class PgStore implements ServerStore {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sends = new TickBatcher((calls: readonly StoreCall[]) => this.retryAlone(calls, (c) => this.storeBatch(c)), SEND_BATCHES, MAX_BATCH);
  private readonly acks = new TickBatcher((calls: readonly { a: Address; guid: number }[]) => this.retryAlone(calls, (c) => this.ackBatch(c)), ACK_BATCHES, MAX_BATCH);
  private readonly reads = new TickBatcher((calls: readonly ReadCall[]) => this.retryAlone(calls, (c) => this.readBatch(c)), READ_BATCHES, MAX_BATCH);

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, migrates the schema named by `url` (pg-config.ts) and returns the store. */
  static async open(url: string, onPoolError: (e: Error) => void = () => {}): Promise<PgStore> {
    const { config, schema } = parsePgLocation(url);
    const pool = new pg.Pool({ ...config, max: PG_POOL_SIZE, types: NUMBER_TYPES });
    // An idle connection that fails is dropped by the pool; the next request opens a new one.
    pool.on('error', onPoolError);
    try {
      await migratePg(pool, schema);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PgStore(pool);
  }

  async initServerIdentity(candidate: Uint8Array): Promise<Uint8Array> {
    return this.run(async () => {
      await this.sql('INSERT INTO server_identity VALUES (1, $1) ON CONFLICT DO NOTHING', [blob(candidate)]);
      const rows = await this.sql('SELECT secret FROM server_identity WHERE id = 1');
      return copyBytes(rows[0].secret as Buffer);
    });
  }

  async registerDevice(a: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'> {
    return this.transaction(async (q) => {
      const existing = async () => {
        const rows = await q('SELECT identity FROM devices WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
        if (rows.length === 0) throw new ServerError('USERNAME_TAKEN', `username "${a.username}" is taken`);
        if (bytesEqual(copyBytes(rows[0].identity as Buffer), identity)) return 'existing' as const;
        throw new ServerError('USERNAME_TAKEN', `username "${a.username}" is registered to another identity`);
      };
      // A concurrent registration of the same name waits here on the key, then reads the winner.
      const claimed = await q('INSERT INTO accounts VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [a.username, now]);
      if (claimed.length === 0) return existing();
      await q('INSERT INTO devices VALUES ($1, $2, $3, $4)', [a.username, a.deviceId, blob(identity), now]);
      await q('INSERT INTO mailboxes VALUES ($1, $2, 0, 0)', [a.username, a.deviceId]);
      return 'created' as const;
    });
  }

  async deviceIdentity(a: Address): Promise<Uint8Array | undefined> {
    const rows = await this.query('SELECT identity FROM devices WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
    return rows.length === 0 ? undefined : copyBytes(rows[0].identity as Buffer);
  }

  async putPreKeys(a: Address, preKeys: readonly StoredPreKey[], maxOneTimePerKind: number): Promise<PreKeyCounts> {
    // Same role and id twice in one batch: the later one wins, as with SQLite's INSERT OR REPLACE.
    const byKey = new Map<string, StoredPreKey>();
    for (const k of preKeys) byKey.set(`${k.role}:${isOneTime(k.role) ? k.id : ''}`, k);
    const keys = [...byKey.values()];
    const column = (list: StoredPreKey[]) => [list.map((k) => k.role), list.map((k) => k.id), list.map((k) => blob(k.encoded))];
    return this.transaction(async (q) => {
      const device = await q('SELECT 1 FROM devices WHERE username = $1 AND device_id = $2 FOR NO KEY UPDATE', [a.username, a.deviceId]);
      if (device.length === 0) throw new ServerError('UNKNOWN_ADDRESS', `no device ${a.username}.${a.deviceId}`);
      const upsert = (table: string, conflict: string) =>
        `INSERT INTO ${table} SELECT $1, $2, r, k, e FROM unnest($3::integer[], $4::bigint[], $5::bytea[]) AS t(r, k, e)
         ON CONFLICT (${conflict}) DO UPDATE SET key_id = excluded.key_id, encoded = excluded.encoded`;
      const signed = keys.filter((k) => !isOneTime(k.role));
      const oneTime = keys.filter((k) => isOneTime(k.role));
      if (signed.length > 0) await q(upsert('signed_prekeys', 'username, device_id, role'), [a.username, a.deviceId, ...column(signed)]);
      if (oneTime.length > 0) await q(upsert('one_time_prekeys', 'username, device_id, role, key_id'), [a.username, a.deviceId, ...column(oneTime)]);
      const counts = await this.counts(q, a);
      if (counts.oneTime > maxOneTimePerKind || counts.kemOneTime > maxOneTimePerKind)
        throw new ServerError(
          'PREKEY_STOCK_FULL',
          `one-time prekey stock would be ${counts.oneTime} X25519 / ${counts.kemOneTime} ML-KEM, limit ${maxOneTimePerKind} each`,
        );
      return counts;
    });
  }

  async preKeyCounts(a: Address): Promise<PreKeyCounts> {
    return this.run(() => this.counts((text, params) => this.sql(text, params), a));
  }

  async takeOneTimePreKeys(a: Address): Promise<TakenPreKeys | undefined> {
    return this.transaction(async (q) => {
      const device = await q('SELECT identity FROM devices WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
      if (device.length === 0) return undefined;
      const signed = await q('SELECT role, key_id, encoded FROM signed_prekeys WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
      const signedPreKey = signed.map(toPreKey).find((k) => k.role === ROLE_SIGNED);
      const lastResort = signed.map(toPreKey).find((k) => k.role === ROLE_KEM_LAST_RESORT);
      if (signedPreKey === undefined || lastResort === undefined)
        throw new ServerError('BUNDLE_UNAVAILABLE', 'the device has not published its signed prekeys');
      const take = async (role: number) => {
        const rows = await q(
          `DELETE FROM one_time_prekeys WHERE (username, device_id, role, key_id) =
             (SELECT username, device_id, role, key_id FROM one_time_prekeys
               WHERE username = $1 AND device_id = $2 AND role = $3
               ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING role, key_id, encoded`,
          [a.username, a.deviceId, role],
        );
        return rows.length === 0 ? undefined : toPreKey(rows[0]);
      };
      const oneTimePreKey = await take(ROLE_ONE_TIME);
      const kemOneTime = await take(ROLE_KEM_ONE_TIME);
      const taken = {
        identity: copyBytes(device[0].identity as Buffer),
        signedPreKey,
        kemPreKey: kemOneTime ?? lastResort,
        remaining: await this.counts(q, a),
      };
      return oneTimePreKey ? { ...taken, oneTimePreKey } : taken;
    });
  }

  async storeMessage(m: NewMessage, quota: MailboxQuota): Promise<StoredMessageAck> {
    const r = m.recipient;
    const { status, out_guid: guid, out_ts: serverTimestamp, prev_guid: previousGuid } = await this.run(() => this.sends.call({ m, quota }));
    if (status === 'stored') return { guid, serverTimestamp, duplicate: false, previousGuid: previousGuid ?? 0 };
    if (status === 'duplicate') return { guid, serverTimestamp, duplicate: true };
    throw storeRefusal(status, r, quota);
  }

  async storeSealedMessage(m: NewSealedMessage, quota: MailboxQuota): Promise<StoredMessageAck> {
    const r = m.recipient;
    const rows = await this.query(
      'SELECT status, out_guid, out_ts FROM store_sealed_message($1, $2, $3, $4, $5, $6, $7, $8)',
      [r.username, r.deviceId, blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope),
        m.expiredBefore, quota.maxMessages, quota.maxBytes],
    );
    return storeOutcome(rows[0], r, quota);
  }

  async storeSealedMessageBatch(messages: readonly NewSealedMessage[], quota: MailboxQuota): Promise<{ serverTimestamp: number; duplicate: boolean }> {
    return this.transaction(async (q) => {
      let duplicate = true;
      for (const m of [...messages].sort((x, y) => lockOrder(x.recipient, y.recipient))) {
        const status = (await this.sealedRow(q, m, quota)).status as string;
        if (status === 'stored') duplicate = false;
        else if (status !== 'duplicate') throw storeRefusal(status, m.recipient, quota);
      }
      return { serverTimestamp: messages[0].serverTimestamp, duplicate };
    });
  }

  async storeSealedGroupMessage(m: NewSealedGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]> {
    return this.transaction(async (q) => {
      const results: GroupSendResult[] = new Array(m.recipients.length);
      // Mailbox row locks in (username, device) order, as store_group_message takes them.
      const order = m.recipients.map((_, i) => i).sort((i, j) => lockOrder(m.recipients[i], m.recipients[j]));
      for (const i of order) {
        const row = (await this.sealedRow(q, { ...m, recipient: m.recipients[i] }, quota)) as { status: string; out_guid: number; out_ts: number };
        if (row.status === 'stored' || row.status === 'duplicate')
          results[i] = { status: row.status, guid: row.out_guid, serverTimestamp: row.out_ts };
        else results[i] = { status: 'refused', code: PG_REFUSAL[row.status] ?? 'INTERNAL' };
      }
      return results;
    });
  }

  /** One `store_sealed_message` call inside a transaction: its (status, out_guid, out_ts) row. */
  private async sealedRow(q: (sql: string, params?: unknown[]) => Promise<Row[]>, m: NewSealedMessage, quota: MailboxQuota): Promise<Row> {
    const r = m.recipient;
    const rows = await q(
      'SELECT status, out_guid, out_ts FROM store_sealed_message($1, $2, $3, $4, $5, $6, $7, $8)',
      [r.username, r.deviceId, blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope),
        m.expiredBefore, quota.maxMessages, quota.maxBytes],
    );
    return rows[0];
  }

  async putSealedKey(a: Address, encoded: Uint8Array): Promise<void> {
    const rows = await this.query(
      `INSERT INTO sealed_keys SELECT username, device_id, $3 FROM devices WHERE username = $1 AND device_id = $2
       ON CONFLICT (username, device_id) DO UPDATE SET encoded = excluded.encoded RETURNING 1`,
      [a.username, a.deviceId, blob(encoded)],
    );
    if (rows.length === 0) throw new ServerError('UNKNOWN_ADDRESS', `no device ${a.username}.${a.deviceId}`);
  }

  async sealedKey(a: Address): Promise<Uint8Array | undefined> {
    const rows = await this.query('SELECT encoded FROM sealed_keys WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
    return rows.length === 0 ? undefined : copyBytes(rows[0].encoded as Buffer);
  }

  async setDeliveryAccess(username: string, access: DeliveryAccess): Promise<void> {
    const rows = await this.query(
      `INSERT INTO delivery_access SELECT username, $2, $3 FROM accounts WHERE username = $1
       ON CONFLICT (username) DO UPDATE SET verifier = excluded.verifier, mode = excluded.mode RETURNING 1`,
      [username, blob(access.verifier), access.mode],
    );
    if (rows.length === 0) throw new ServerError('UNKNOWN_ADDRESS', `no account ${username}`);
  }

  async deliveryAccess(username: string): Promise<DeliveryAccess | undefined> {
    const rows = await this.query('SELECT verifier, mode FROM delivery_access WHERE username = $1', [username]);
    if (rows.length === 0) return undefined;
    return { verifier: copyBytes(rows[0].verifier as Buffer), mode: rows[0].mode as 'contacts' | 'anyone' };
  }

  async storeGroupMessage(m: NewGroupMessage, quota: MailboxQuota): Promise<GroupSendResult[]> {
    const { sender: s } = m;
    const rows = await this.query(
      'SELECT idx, status, out_guid, out_ts FROM store_group_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [m.recipients.map((r) => r.username), m.recipients.map((r) => r.deviceId), s.username, s.deviceId,
        blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope), m.expiredBefore, quota.maxMessages, quota.maxBytes],
    );
    const results: GroupSendResult[] = new Array(m.recipients.length);
    for (const row of rows as { idx: number; status: string; out_guid: number; out_ts: number }[]) {
      const i = row.idx - 1; // WITH ORDINALITY counts from 1
      if (row.status === 'stored' || row.status === 'duplicate')
        results[i] = { status: row.status, guid: row.out_guid, serverTimestamp: row.out_ts };
      else results[i] = { status: 'refused', code: PG_REFUSAL[row.status] ?? 'INTERNAL' };
    }
    return results;
  }

  async pendingMessages(a: Address, afterGuid: number, notBefore: number, limit: number): Promise<QueuedMessage[]> {
    return this.run(() => this.reads.call({ a, afterGuid, notBefore, limit }));
  }

  async mailboxesWithPending(cursors: readonly MailboxCursor[], notBefore: number): Promise<Address[]> {
    if (cursors.length === 0) return [];
    const rows = await this.query(
      `SELECT c.u, c.d FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS c(u, d, g)
        WHERE EXISTS (SELECT 1 FROM messages m WHERE m.username = c.u AND m.device_id = c.d
                        AND m.guid > c.g AND m.server_timestamp >= $4)`,
      [cursors.map((c) => c.address.username), cursors.map((c) => c.address.deviceId), cursors.map((c) => c.afterGuid), notBefore],
    );
    return rows.map((row) => ({ username: row.u as string, deviceId: row.d as number }));
  }

  async countPending(a: Address, notBefore: number): Promise<number> {
    const rows = await this.query(
      'SELECT count(*) AS n FROM messages WHERE username = $1 AND device_id = $2 AND server_timestamp >= $3',
      [a.username, a.deviceId, notBefore],
    );
    return rows[0].n as number;
  }

  async ackMessage(a: Address, guid: number): Promise<boolean> {
    return this.run(() => this.acks.call({ a, guid }));
  }

  async deleteExpired(before: number): Promise<number> {
    return this.run(async () => {
      // One mailbox per statement (mailbox row lock, then its messages: the order SEND and ACK use).
      const boxes = await this.sql('SELECT DISTINCT username, device_id FROM messages WHERE server_timestamp < $1', [before]);
      let n = 0;
      for (const b of boxes) n += (await this.sql('SELECT drop_expired($1, $2, $3) AS n', [b.username, b.device_id, before]))[0].n as number;
      await this.sql('DELETE FROM sent_messages WHERE server_timestamp < $1', [before]);
      await this.sql('DELETE FROM sealed_sent WHERE server_timestamp < $1', [before]);
      await this.sql('DELETE FROM provisioning WHERE expires_at < $1', [before]);
      await this.sql('DELETE FROM group_sent_messages WHERE server_timestamp < $1', [before]);
      return n;
    });
  }

  async deviceList(username: string): Promise<StoredDeviceList | undefined> {
    const rows = await this.query('SELECT version, encoded FROM device_lists WHERE username = $1', [username]);
    return rows.length === 0 ? undefined : { version: rows[0].version as number, encoded: copyBytes(rows[0].encoded as Buffer) };
  }

  async putDeviceList(username: string, list: StoredDeviceList, removed: readonly number[]): Promise<void> {
    return this.transaction(async (q) => {
      // The account row lock orders concurrent uploads of one account.
      await q('SELECT 1 FROM accounts WHERE username = $1 FOR UPDATE', [username]);
      const current = await q('SELECT version FROM device_lists WHERE username = $1', [username]);
      if (current.length > 0 && list.version <= (current[0].version as number))
        throw new ServerError('BAD_DEVICE_LIST', `device list version ${list.version} does not supersede stored version ${current[0].version as number}`);
      await q(
        `INSERT INTO device_lists VALUES ($1, $2, $3)
         ON CONFLICT (username) DO UPDATE SET version = excluded.version, encoded = excluded.encoded`,
        [username, list.version, blob(list.encoded)],
      );
      for (const d of removed) {
        // Mailbox row lock first, as SEND and ACK take it.
        await q('SELECT 1 FROM mailboxes WHERE username = $1 AND device_id = $2 FOR UPDATE', [username, d]);
        for (const table of ['one_time_prekeys', 'signed_prekeys', 'messages', 'mailboxes', 'devices'])
          await q(`DELETE FROM ${table} WHERE username = $1 AND device_id = $2`, [username, d]);
      }
    });
  }

  async registerLinkedDevice(a: Address, identity: Uint8Array, now: number): Promise<'created' | 'existing'> {
    return this.transaction(async (q) => {
      const account = await q('SELECT 1 FROM accounts WHERE username = $1 FOR UPDATE', [a.username]);
      if (account.length === 0) throw new ServerError('UNKNOWN_ADDRESS', `no account ${a.username}`);
      const rows = await q('SELECT identity FROM devices WHERE username = $1 AND device_id = $2', [a.username, a.deviceId]);
      if (rows.length > 0) {
        if (bytesEqual(copyBytes(rows[0].identity as Buffer), identity)) return 'existing' as const;
        throw new ServerError('USERNAME_TAKEN', `${a.username}.${a.deviceId} is registered to another identity`);
      }
      await q('INSERT INTO devices VALUES ($1, $2, $3, $4)', [a.username, a.deviceId, blob(identity), now]);
      await q('INSERT INTO mailboxes VALUES ($1, $2, 0, 0)', [a.username, a.deviceId]);
      return 'created' as const;
    });
  }

  async registeredDevices(username: string): Promise<RegisteredDevice[]> {
    const rows = await this.query('SELECT device_id, identity FROM devices WHERE username = $1 ORDER BY device_id', [username]);
    return rows.map((r) => ({ deviceId: r.device_id as number, identity: copyBytes(r.identity as Buffer) }));
  }

  async storeMessageBatch(messages: readonly NewMessage[], quota: MailboxQuota): Promise<{ serverTimestamp: number; duplicate: boolean }> {
    return this.transaction(async (q) => {
      // Mailbox row locks in one global order (username, device), so two batches cannot deadlock.
      const ordered = [...messages].sort((x, y) => lockOrder(x.recipient, y.recipient));
      let duplicate = true;
      for (const m of ordered) {
        const rows = await q(
          'SELECT status FROM store_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [m.recipient.username, m.recipient.deviceId, m.sender.username, m.sender.deviceId, blob(m.clientMessageId),
            m.serverTimestamp, blob(m.envelope), m.expiredBefore, quota.maxMessages, quota.maxBytes],
        );
        const status = rows[0].status as string;
        if (status === 'stored') duplicate = false;
        else if (status !== 'duplicate') throw storeRefusal(status, m.recipient, quota);
      }
      return { serverTimestamp: messages[0].serverTimestamp, duplicate };
    });
  }

  async provisionOpen(id: Uint8Array, request: Uint8Array, now: number, expiresAt: number, maxPending: number): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO provisioning SELECT $1, $2, false, NULL, $3
        WHERE (SELECT count(*) FROM provisioning WHERE expires_at > $4) < $5 RETURNING 1`,
      [blob(id), blob(request), expiresAt, now, maxPending],
    );
    return rows.length === 1;
  }

  async provisionTake(id: Uint8Array, now: number): Promise<Uint8Array | undefined> {
    const rows = await this.query(
      `UPDATE provisioning p SET request = NULL, taken = true FROM
         (SELECT rendezvous_id, request FROM provisioning WHERE rendezvous_id = $1 AND expires_at > $2 AND NOT taken FOR UPDATE) old
        WHERE p.rendezvous_id = old.rendezvous_id RETURNING old.request`,
      [blob(id), now],
    );
    return rows.length === 0 ? undefined : copyBytes(rows[0].request as Buffer);
  }

  async provisionAnswer(id: Uint8Array, response: Uint8Array, now: number): Promise<boolean> {
    const rows = await this.query(
      `UPDATE provisioning SET response = $2 WHERE rendezvous_id = $1 AND expires_at > $3 AND taken AND response IS NULL RETURNING 1`,
      [blob(id), blob(response), now],
    );
    return rows.length === 1;
  }

  async provisionPoll(id: Uint8Array, now: number): Promise<ProvisionPoll | undefined> {
    return this.transaction(async (q) => {
      const rows = await q('SELECT response FROM provisioning WHERE rendezvous_id = $1 AND expires_at > $2 FOR UPDATE', [blob(id), now]);
      if (rows.length === 0) return undefined;
      if (rows[0].response === null) return { state: 'pending' as const };
      await q('DELETE FROM provisioning WHERE rendezvous_id = $1', [blob(id)]);
      return { state: 'answered' as const, linkResponse: copyBytes(rows[0].response as Buffer) };
    });
  }

  async queueStats(): Promise<QueueStats> {
    const rows = await this.query('SELECT coalesce(sum(messages), 0) AS n, coalesce(sum(bytes), 0) AS b FROM mailboxes');
    return { messages: rows[0].n as number, bytes: rows[0].b as number };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }

  /** One `store_messages` call for a batch of SENDs: per call its status, guid, time and prev_guid. */
  private async storeBatch(calls: readonly StoreCall[]): Promise<StoreOutcome[]> {
    const cmids = concat(calls.map((c) => c.m.clientMessageId));
    const envs = concat(calls.map((c) => c.m.envelope));
    const rows = await this.sql(
      'SELECT i, status, out_guid, out_ts, prev_guid FROM store_messages($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
      [calls.map((c) => c.m.recipient.username), calls.map((c) => c.m.recipient.deviceId),
        calls.map((c) => c.m.sender.username), calls.map((c) => c.m.sender.deviceId),
        cmids.bytes, cmids.at, cmids.len, calls.map((c) => c.m.serverTimestamp),
        envs.bytes, envs.at, envs.len,
        calls.map((c) => c.m.expiredBefore), calls.map((c) => c.quota.maxMessages), calls.map((c) => c.quota.maxBytes)],
      'pqmsg_store_messages',
    );
    return inOrder(rows, calls.length) as StoreOutcome[];
  }

  /** One `ack_messages` call (committed without waiting for the WAL flush, as ack_message). */
  private async ackBatch(calls: readonly { a: Address; guid: number }[]): Promise<boolean[]> {
    const rows = await this.sql(
      'SELECT i, ok FROM ack_messages($1, $2, $3)',
      [calls.map((c) => c.a.username), calls.map((c) => c.a.deviceId), calls.map((c) => c.guid)],
      'pqmsg_ack_messages',
    );
    return inOrder(rows, calls.length).map((r) => r.ok as boolean);
  }

  /** The delivery reads of a batch in one statement: each mailbox's next `limit` messages past its cursor. */
  private async readBatch(calls: readonly ReadCall[]): Promise<QueuedMessage[][]> {
    const rows = await this.sql(
      `SELECT c.o AS i, m.guid, m.server_timestamp, m.sender_username, m.sender_device_id, m.client_message_id, m.envelope
         FROM unnest($1::text[], $2::integer[], $3::bigint[], $4::bigint[], $5::integer[]) WITH ORDINALITY AS c(u, d, g, nb, lim, o)
         CROSS JOIN LATERAL (SELECT * FROM messages
                              WHERE username = c.u AND device_id = c.d AND guid > c.g AND server_timestamp >= c.nb
                              ORDER BY guid LIMIT c.lim) AS m
        ORDER BY c.o, m.guid`,
      [calls.map((c) => c.a.username), calls.map((c) => c.a.deviceId), calls.map((c) => c.afterGuid),
        calls.map((c) => c.notBefore), calls.map((c) => c.limit)],
      'pqmsg_pending_messages',
    );
    const out: QueuedMessage[][] = calls.map(() => []);
    for (const row of rows) {
      const m = {
        guid: row.guid as number,
        serverTimestamp: row.server_timestamp as number,
        clientMessageId: copyBytes(row.client_message_id as Buffer),
        envelope: copyBytes(row.envelope as Buffer),
      };
      // A sealed message has no sender (docs/SERVER.md §12).
      const sender = row.sender_username === null || row.sender_device_id === null ? undefined
        : { username: row.sender_username as string, deviceId: row.sender_device_id as number };
      out[(row.i as number) - 1].push(sender === undefined ? m : { ...m, sender });
    }
    return out;
  }

  /** Runs `batch`; if it fails as a whole, runs each call alone, so a failure is only its own. */
  private async retryAlone<I, O>(calls: readonly I[], batch: (calls: readonly I[]) => Promise<O[]>): Promise<PromiseSettledResult<O>[]> {
    try {
      return (await batch(calls)).map((value) => ({ status: 'fulfilled', value }));
    } catch (e) {
      if (calls.length === 1) return [{ status: 'rejected', reason: e }];
      return Promise.allSettled(calls.map(async (c) => (await batch([c]))[0]));
    }
  }

  /** Runs `work` as one tracked operation: close() waits for it; after close it is refused. */
  private run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ServerError('SHUTTING_DOWN', 'the store is closed'));
    const p = work();
    this.inFlight.add(p);
    void p.then(
      () => this.inFlight.delete(p),
      () => this.inFlight.delete(p),
    );
    return p;
  }

  /** One tracked statement on any pooled connection (an implicit transaction). */
  private query(text: string, params: unknown[] = []): Promise<Row[]> {
    return this.run(() => this.sql(text, params));
  }

  /** `name`: a prepared statement (parsed and planned once per pooled connection). */
  private async sql(text: string, params: unknown[] = [], name?: string): Promise<Row[]> {
    return (await this.pool.query({ text, values: params, name })).rows as Row[];
  }

  /** `work` inside BEGIN … COMMIT on one connection; any throw (a refusal included) rolls back. */
  private transaction<T>(work: (q: (sql: string, params?: unknown[]) => Promise<Row[]>) => Promise<T>): Promise<T> {
    return this.run(async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(async (sql, params = []) => (await client.query(sql, params)).rows as Row[]);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((r: Error) => (broken = r));
        throw e;
      } finally {
        client.release(broken);
      }
    });
  }

  private async counts(q: (sql: string, params?: unknown[]) => Promise<Row[]>, a: Address): Promise<PreKeyCounts> {
    const rows = await q('SELECT role, count(*) AS n FROM one_time_prekeys WHERE username = $1 AND device_id = $2 GROUP BY role', [a.username, a.deviceId]);
    const of = (role: number) => (rows.find((r) => r.role === role)?.n as number | undefined) ?? 0;
    return { oneTime: of(ROLE_ONE_TIME), kemOneTime: of(ROLE_KEM_ONE_TIME) };
  }
}

/** The global order of mailbox row locks: (username, device id). */
function lockOrder(x: Address, y: Address): number {
  return x.username === y.username ? x.deviceId - y.deviceId : x.username < y.username ? -1 : 1;
}

/** The (status, guid, timestamp) row of store_message / store_sealed_message as an ack or a refusal. */
function storeOutcome(row: Row, r: Address, quota: MailboxQuota): StoredMessageAck {
  const { status, out_guid: guid, out_ts: serverTimestamp } = row as { status: string; out_guid: number; out_ts: number };
  if (status !== 'stored' && status !== 'duplicate') throw storeRefusal(status, r, quota);
  return { guid, serverTimestamp, duplicate: status === 'duplicate' };
}

/** The ServerError for a status of PG_REFUSAL (any other status is INTERNAL). */
function storeRefusal(status: string, r: Address, quota: MailboxQuota): ServerError {
  const code = PG_REFUSAL[status] ?? 'INTERNAL';
  if (code === 'UNKNOWN_ADDRESS') return new ServerError(code, `no device ${r.username}.${r.deviceId}`);
  if (code === 'MAILBOX_FULL_COUNT')
    return new ServerError(code, `recipient mailbox holds its limit of ${quota.maxMessages} messages`);
  if (code === 'MAILBOX_FULL_BYTES')
    return new ServerError(code, `recipient mailbox would exceed its limit of ${quota.maxBytes} bytes`);
  return new ServerError(code, `store: unexpected status ${status}`);
}

function isOneTime(role: number): boolean {
  return role === ROLE_ONE_TIME || role === ROLE_KEM_ONE_TIME;
}

function toPreKey(row: Row): StoredPreKey {
  return { role: row.role as number, id: row.key_id as number, encoded: copyBytes(row.encoded as Buffer) };
}

/** The PostgreSQL StoreFactory: `location` is a postgres:// URL (pg-config.ts). */
export function openPgStore(location: string, onPoolError?: (e: Error) => void): Promise<PgStore> {
  return PgStore.open(location, onPoolError);
}

/** Byte strings as one binary bytea with the 1-based offset and length of each (pg-migrations.ts 2). */
function concat(parts: readonly Uint8Array[]): { bytes: Buffer; at: number[]; len: number[] } {
  const bytes = Buffer.concat(parts);
  const at: number[] = [];
  let offset = 1;
  for (const p of parts) {
    at.push(offset);
    offset += p.length;
  }
  return { bytes, at, len: parts.map((p) => p.length) };
}

/** Rows carrying a 1-based position `i`, as an array indexed by position (one row per call). */
function inOrder(rows: readonly Row[], n: number): Row[] {
  const out = new Array<Row>(n);
  for (const row of rows) out[(row.i as number) - 1] = row;
  return out;
}
