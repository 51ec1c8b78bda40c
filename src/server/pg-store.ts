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
  NewSealedMessage,
  QueueStats,
  ServerStore,
  StoredMessageAck,
  StoredPreKey,
  TakenPreKeys,
} from './store.ts';

/** store_group_message statuses that refuse one recipient, as ServerError codes. */
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

/** Binds a Uint8Array as bytea without copying it. */
const blob = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

type Row = Record<string, unknown>;

export class PgStore implements ServerStore {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

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
    const { sender: s, recipient: r } = m;
    const rows = await this.query(
      'SELECT status, out_guid, out_ts FROM store_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [r.username, r.deviceId, s.username, s.deviceId, blob(m.clientMessageId), m.serverTimestamp, blob(m.envelope),
        m.expiredBefore, quota.maxMessages, quota.maxBytes],
    );
    return storeOutcome(rows[0], r, quota);
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
    const rows = await this.query(
      `SELECT guid, server_timestamp, sender_username, sender_device_id, client_message_id, envelope FROM messages
        WHERE username = $1 AND device_id = $2 AND guid > $3 AND server_timestamp >= $4 ORDER BY guid LIMIT $5`,
      [a.username, a.deviceId, afterGuid, notBefore, limit],
    );
    return rows.map((row) => {
      const m = {
        guid: row.guid as number,
        serverTimestamp: row.server_timestamp as number,
        clientMessageId: copyBytes(row.client_message_id as Buffer),
        envelope: copyBytes(row.envelope as Buffer),
      };
      // A sealed message has no sender (docs/SERVER.md §12).
      if (row.sender_username === null || row.sender_device_id === null) return m;
      return { ...m, sender: { username: row.sender_username as string, deviceId: row.sender_device_id as number } };
    });
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
    const rows = await this.query('SELECT ack_message($1, $2, $3) AS ok', [a.username, a.deviceId, guid]);
    return rows[0].ok as boolean;
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
      const ordered = [...messages].sort((x, y) =>
        x.recipient.username === y.recipient.username ? x.recipient.deviceId - y.recipient.deviceId : x.recipient.username < y.recipient.username ? -1 : 1,
      );
      let duplicate = true;
      for (const m of ordered) {
        const rows = await q(
          'SELECT status FROM store_message($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [m.recipient.username, m.recipient.deviceId, m.sender.username, m.sender.deviceId, blob(m.clientMessageId),
            m.serverTimestamp, blob(m.envelope), m.expiredBefore, quota.maxMessages, quota.maxBytes],
        );
        const status = rows[0].status as string;
        if (status === 'stored') duplicate = false;
        else if (status !== 'duplicate') throw batchRefusal(status, m, quota);
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

  private async sql(text: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(text, params)).rows as Row[];
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

/** The (status, guid, timestamp) row of store_message / store_sealed_message as an ack or a refusal. */
function storeOutcome(row: Row, r: Address, quota: MailboxQuota): StoredMessageAck {
  const { status, out_guid: guid, out_ts: serverTimestamp } = row as { status: string; out_guid: number; out_ts: number };
  switch (status) {
    case 'stored':
    case 'duplicate':
      return { guid, serverTimestamp, duplicate: status === 'duplicate' };
    case 'unknown_address':
      throw new ServerError('UNKNOWN_ADDRESS', `no device ${r.username}.${r.deviceId}`);
    case 'mailbox_full_count':
      throw new ServerError('MAILBOX_FULL_COUNT', `recipient mailbox holds its limit of ${quota.maxMessages} messages`);
    default:
      throw new ServerError('MAILBOX_FULL_BYTES', `recipient mailbox would exceed its limit of ${quota.maxBytes} bytes`);
  }
}

/** The ServerError for a store_message status other than stored/duplicate. */
function batchRefusal(status: string, m: NewMessage, quota: MailboxQuota): ServerError {
  const r = m.recipient;
  if (status === 'unknown_address') return new ServerError('UNKNOWN_ADDRESS', `no device ${r.username}.${r.deviceId}`);
  if (status === 'mailbox_full_count')
    return new ServerError('MAILBOX_FULL_COUNT', `recipient mailbox holds its limit of ${quota.maxMessages} messages`);
  return new ServerError('MAILBOX_FULL_BYTES', `recipient mailbox would exceed its limit of ${quota.maxBytes} bytes`);
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
