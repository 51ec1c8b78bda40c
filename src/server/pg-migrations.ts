/**
 * The PostgreSQL schema of the delivery service as numbered migrations (docs/SERVER.md §7.2),
 * the twin of sqlite-migrations.ts. The version lives in `schema_version` (one row). Migrations
 * run under a transaction-scoped advisory lock keyed by the schema name, so several server
 * processes starting at once on one database apply each migration exactly once; migration n moves
 * the version from n − 1 to n in one transaction (PostgreSQL DDL is transactional). A database
 * newer than this code is refused. Never edit a shipped migration: append a new one.
 * Node-only (pg).
 */
import type { Pool } from 'pg';
import { ServerError } from '../util/errors.ts';

// prettier-ignore
export const PG_MIGRATIONS: readonly string[] = [
  // 1: the tables of sqlite-migrations.ts 1, plus the mailbox functions that keep per-mailbox
  // guid order equal to commit order (the mailbox row lock is taken before nextval).
  `CREATE TABLE server_identity (
     id         integer PRIMARY KEY CHECK (id = 1),
     secret     bytea NOT NULL                       -- PROTOCOL.md §2.2 identity secret encoding
   );
   CREATE TABLE accounts (
     username   text PRIMARY KEY,
     created_at bigint NOT NULL
   );
   CREATE TABLE devices (
     username   text NOT NULL REFERENCES accounts(username),
     device_id  integer NOT NULL,
     identity   bytea NOT NULL,                      -- PROTOCOL.md §2.2 public identity (2020 B)
     created_at bigint NOT NULL,
     PRIMARY KEY (username, device_id)
   );
   CREATE TABLE signed_prekeys (                     -- current SPK (role 1) and PQSPK (role 2)
     username   text NOT NULL,
     device_id  integer NOT NULL,
     role       integer NOT NULL,
     key_id     bigint NOT NULL,
     encoded    bytea NOT NULL,                      -- PROTOCOL.md §3.1 PreKey
     PRIMARY KEY (username, device_id, role),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   );
   CREATE TABLE one_time_prekeys (                   -- PQOPK (role 3) and OPK (role 4)
     username   text NOT NULL,
     device_id  integer NOT NULL,
     role       integer NOT NULL,
     key_id     bigint NOT NULL,
     encoded    bytea NOT NULL,
     PRIMARY KEY (username, device_id, role, key_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   );
   CREATE TABLE mailboxes (                          -- running totals; its row lock orders the mailbox
     username   text NOT NULL,
     device_id  integer NOT NULL,
     messages   bigint NOT NULL,
     bytes      bigint NOT NULL,
     PRIMARY KEY (username, device_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   );
   CREATE TABLE messages (
     guid              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     username          text NOT NULL,              -- recipient
     device_id         integer NOT NULL,
     sender_username   text NOT NULL,
     sender_device_id  integer NOT NULL,
     client_message_id bytea NOT NULL,
     server_timestamp  bigint NOT NULL,
     envelope          bytea NOT NULL
   );
   ALTER TABLE messages ALTER COLUMN envelope SET STORAGE EXTERNAL; -- opaque ciphertext: no compression
   CREATE INDEX messages_by_mailbox ON messages (username, device_id, guid);
   CREATE INDEX messages_by_time ON messages (server_timestamp);
   CREATE TABLE sent_messages (                      -- idempotency: (sender, client id) → first ack
     sender_username   text NOT NULL,
     sender_device_id  integer NOT NULL,
     client_message_id bytea NOT NULL,
     guid              bigint NOT NULL,
     server_timestamp  bigint NOT NULL,
     PRIMARY KEY (sender_username, sender_device_id, client_message_id)
   );
   CREATE INDEX sent_messages_by_time ON sent_messages (server_timestamp);

   -- Drops a mailbox's messages stored before \`before\` and their quota share, mailbox row lock
   -- first (the lock order of every write: mailbox row, then its message rows).
   CREATE FUNCTION drop_expired(u text, d integer, before bigint) RETURNS bigint
   LANGUAGE plpgsql AS $$
   DECLARE n bigint; b bigint;
   BEGIN
     PERFORM 1 FROM mailboxes WHERE username = u AND device_id = d FOR UPDATE;
     WITH gone AS (DELETE FROM messages WHERE username = u AND device_id = d AND server_timestamp < before
                   RETURNING octet_length(envelope) AS len)
     SELECT count(*), coalesce(sum(len), 0) INTO n, b FROM gone;
     IF n > 0 THEN
       UPDATE mailboxes SET messages = messages - n, bytes = bytes - b WHERE username = u AND device_id = d;
     END IF;
     RETURN n;
   END $$;

   -- docs/SERVER.md §5 SEND, one transaction: the idempotency record first (a retry resolves the
   -- first guid, before any quota), then under the recipient's mailbox row lock the quota, the
   -- guid (so guids of one mailbox commit in guid order) and the message. A concurrent retry of
   -- the same (sender, client id) waits on the unique key and then reads the winner's record.
   CREATE FUNCTION store_message(
     r_user text, r_dev integer, s_user text, s_dev integer, cmid bytea, ts bigint, env bytea,
     expired_before bigint, max_messages bigint, max_bytes bigint,
     OUT status text, OUT out_guid bigint, OUT out_ts bigint)
   LANGUAGE plpgsql AS $$
   DECLARE box mailboxes%ROWTYPE; g bigint;
   BEGIN
     SELECT guid, server_timestamp INTO out_guid, out_ts FROM sent_messages
       WHERE sender_username = s_user AND sender_device_id = s_dev AND client_message_id = cmid;
     IF FOUND THEN status := 'duplicate'; RETURN; END IF;
     SELECT * INTO box FROM mailboxes WHERE username = r_user AND device_id = r_dev FOR UPDATE;
     IF NOT FOUND THEN status := 'unknown_address'; RETURN; END IF;
     IF box.messages + 1 > max_messages OR box.bytes + octet_length(env) > max_bytes THEN
       PERFORM drop_expired(r_user, r_dev, expired_before); -- expired messages count until dropped
       SELECT * INTO box FROM mailboxes WHERE username = r_user AND device_id = r_dev;
     END IF;
     IF box.messages + 1 > max_messages THEN status := 'mailbox_full_count'; RETURN; END IF;
     IF box.bytes + octet_length(env) > max_bytes THEN status := 'mailbox_full_bytes'; RETURN; END IF;
     g := nextval('messages_guid_seq');              -- the identity column's sequence
     INSERT INTO sent_messages VALUES (s_user, s_dev, cmid, g, ts) ON CONFLICT DO NOTHING;
     IF NOT FOUND THEN                                 -- a concurrent retry committed first
       SELECT guid, server_timestamp INTO out_guid, out_ts FROM sent_messages
         WHERE sender_username = s_user AND sender_device_id = s_dev AND client_message_id = cmid;
       status := 'duplicate'; RETURN;
     END IF;
     INSERT INTO messages OVERRIDING SYSTEM VALUE
       VALUES (g, r_user, r_dev, s_user, s_dev, cmid, ts, env);
     UPDATE mailboxes SET messages = messages + 1, bytes = bytes + octet_length(env)
       WHERE username = r_user AND device_id = r_dev;
     status := 'stored'; out_guid := g; out_ts := ts;
   END $$;

   -- docs/SERVER.md §5 ACK: deletes one message of the caller's mailbox, mailbox row lock first.
   -- Committed without waiting for the WAL flush: a database crash may undo the last acks, which
   -- only redelivers those messages (at least once until ACK; clients deduplicate by guid).
   CREATE FUNCTION ack_message(u text, d integer, g bigint) RETURNS boolean
   LANGUAGE plpgsql AS $$
   DECLARE len bigint;
   BEGIN
     PERFORM set_config('synchronous_commit', 'off', true);
     PERFORM 1 FROM mailboxes WHERE username = u AND device_id = d FOR UPDATE;
     DELETE FROM messages WHERE guid = g AND username = u AND device_id = d
       RETURNING octet_length(envelope) INTO len;
     IF NOT FOUND THEN RETURN false; END IF;
     UPDATE mailboxes SET messages = messages - 1, bytes = bytes - len WHERE username = u AND device_id = d;
     RETURN true;
   END $$;`,

  // 2: sealed sender (docs/SERVER.md §12), the twin of sqlite-migrations.ts 2: nullable sender
  // columns, sealed idempotency records by (recipient, client id), sealed-sender keys, delivery
  // access; and store_sealed_message, store_message's twin without a sender.
  `ALTER TABLE messages ALTER COLUMN sender_username DROP NOT NULL;
   ALTER TABLE messages ALTER COLUMN sender_device_id DROP NOT NULL;
   CREATE TABLE sealed_sent (                        -- idempotency of sealed sends: (recipient, client id)
     username          text NOT NULL,
     device_id         integer NOT NULL,
     client_message_id bytea NOT NULL,
     guid              bigint NOT NULL,
     server_timestamp  bigint NOT NULL,
     PRIMARY KEY (username, device_id, client_message_id)
   );
   CREATE INDEX sealed_sent_by_time ON sealed_sent (server_timestamp);
   CREATE TABLE sealed_keys (                        -- PROTOCOL.md §13.3, one current key per device
     username   text NOT NULL,
     device_id  integer NOT NULL,
     encoded    bytea NOT NULL,
     PRIMARY KEY (username, device_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id) ON DELETE CASCADE
   );
   CREATE TABLE delivery_access (
     username   text PRIMARY KEY REFERENCES accounts(username) ON DELETE CASCADE,
     verifier   bytea NOT NULL,                      -- SHA-256("pqmsg v1 access key" ‖ key)
     mode       text NOT NULL CHECK (mode IN ('contacts', 'anyone'))
   );

   -- store_message for a sealed message: no sender; idempotency by (recipient, client id).
   CREATE FUNCTION store_sealed_message(
     r_user text, r_dev integer, cmid bytea, ts bigint, env bytea,
     expired_before bigint, max_messages bigint, max_bytes bigint,
     OUT status text, OUT out_guid bigint, OUT out_ts bigint)
   LANGUAGE plpgsql AS $$
   DECLARE box mailboxes%ROWTYPE; g bigint;
   BEGIN
     SELECT guid, server_timestamp INTO out_guid, out_ts FROM sealed_sent
       WHERE username = r_user AND device_id = r_dev AND client_message_id = cmid;
     IF FOUND THEN status := 'duplicate'; RETURN; END IF;
     SELECT * INTO box FROM mailboxes WHERE username = r_user AND device_id = r_dev FOR UPDATE;
     IF NOT FOUND THEN status := 'unknown_address'; RETURN; END IF;
     IF box.messages + 1 > max_messages OR box.bytes + octet_length(env) > max_bytes THEN
       PERFORM drop_expired(r_user, r_dev, expired_before);
       SELECT * INTO box FROM mailboxes WHERE username = r_user AND device_id = r_dev;
     END IF;
     IF box.messages + 1 > max_messages THEN status := 'mailbox_full_count'; RETURN; END IF;
     IF box.bytes + octet_length(env) > max_bytes THEN status := 'mailbox_full_bytes'; RETURN; END IF;
     g := nextval('messages_guid_seq');
     INSERT INTO sealed_sent VALUES (r_user, r_dev, cmid, g, ts) ON CONFLICT DO NOTHING;
     IF NOT FOUND THEN                                 -- a concurrent retry committed first
       SELECT guid, server_timestamp INTO out_guid, out_ts FROM sealed_sent
         WHERE username = r_user AND device_id = r_dev AND client_message_id = cmid;
       status := 'duplicate'; RETURN;
     END IF;
     INSERT INTO messages OVERRIDING SYSTEM VALUE
       VALUES (g, r_user, r_dev, NULL, NULL, cmid, ts, env);
     UPDATE mailboxes SET messages = messages + 1, bytes = bytes + octet_length(env)
       WHERE username = r_user AND device_id = r_dev;
     status := 'stored'; out_guid := g; out_ts := ts;
   END $$;`,
  // 3: multiple devices (docs/SERVER.md §13): signed device lists and the provisioning relay.
  `CREATE TABLE device_lists (
     username   text PRIMARY KEY REFERENCES accounts(username) ON DELETE CASCADE,
     version    bigint NOT NULL,
     encoded    bytea NOT NULL                       -- PROTOCOL.md §14.1 SignedDeviceList
   );
   CREATE TABLE provisioning (
     rendezvous_id bytea PRIMARY KEY,                -- 16 random bytes (PROTOCOL.md §14.2)
     request       bytea,                            -- LinkRequest until the primary takes it
     taken         boolean NOT NULL,
     response      bytea,                            -- LinkResponse once answered
     expires_at    bigint NOT NULL
   );
   CREATE INDEX provisioning_by_expiry ON provisioning (expires_at);`,
  // 4: groups (docs/SERVER.md §14): per-recipient idempotency records of GROUP_SEND, and the
  // fan-out function: mailboxes are locked in (username, device) order so that two concurrent
  // group sends never wait on each other in a cycle; each mailbox keeps store_message's rule
  // (row lock before nextval, so guid order is commit order within the mailbox).
  `CREATE TABLE group_sent_messages (
     sender_username     text NOT NULL,
     sender_device_id    integer NOT NULL,
     client_message_id   bytea NOT NULL,
     recipient_username  text NOT NULL,
     recipient_device_id integer NOT NULL,
     guid                bigint NOT NULL,
     server_timestamp    bigint NOT NULL,
     PRIMARY KEY (sender_username, sender_device_id, client_message_id, recipient_username, recipient_device_id)
   );
   CREATE INDEX group_sent_messages_by_time ON group_sent_messages (server_timestamp);
   CREATE FUNCTION store_group_message(
     r_users text[], r_devs integer[], s_user text, s_dev integer, cmid bytea, ts bigint, env bytea,
     expired_before bigint, max_messages bigint, max_bytes bigint)
   RETURNS TABLE (idx integer, status text, out_guid bigint, out_ts bigint)
   LANGUAGE plpgsql AS $$
   DECLARE rcpt record; box mailboxes%ROWTYPE; g bigint;
   BEGIN
     FOR rcpt IN SELECT t.i::integer AS i, t.u, t.d
                   FROM unnest(r_users, r_devs) WITH ORDINALITY AS t(u, d, i) ORDER BY t.u, t.d LOOP
       idx := rcpt.i; out_guid := 0; out_ts := ts;
       SELECT gs.guid, gs.server_timestamp INTO out_guid, out_ts FROM group_sent_messages gs
         WHERE gs.sender_username = s_user AND gs.sender_device_id = s_dev AND gs.client_message_id = cmid
           AND gs.recipient_username = rcpt.u AND gs.recipient_device_id = rcpt.d;
       IF FOUND THEN status := 'duplicate'; RETURN NEXT; CONTINUE; END IF;
       SELECT * INTO box FROM mailboxes WHERE username = rcpt.u AND device_id = rcpt.d FOR UPDATE;
       IF NOT FOUND THEN status := 'unknown_address'; RETURN NEXT; CONTINUE; END IF;
       IF box.messages + 1 > max_messages OR box.bytes + octet_length(env) > max_bytes THEN
         PERFORM drop_expired(rcpt.u, rcpt.d, expired_before);
         SELECT * INTO box FROM mailboxes WHERE username = rcpt.u AND device_id = rcpt.d;
       END IF;
       IF box.messages + 1 > max_messages THEN status := 'mailbox_full_count'; RETURN NEXT; CONTINUE; END IF;
       IF box.bytes + octet_length(env) > max_bytes THEN status := 'mailbox_full_bytes'; RETURN NEXT; CONTINUE; END IF;
       g := nextval('messages_guid_seq');
       INSERT INTO group_sent_messages VALUES (s_user, s_dev, cmid, rcpt.u, rcpt.d, g, ts) ON CONFLICT DO NOTHING;
       IF NOT FOUND THEN                               -- a concurrent retry committed first
         SELECT gs.guid, gs.server_timestamp INTO out_guid, out_ts FROM group_sent_messages gs
           WHERE gs.sender_username = s_user AND gs.sender_device_id = s_dev AND gs.client_message_id = cmid
             AND gs.recipient_username = rcpt.u AND gs.recipient_device_id = rcpt.d;
         status := 'duplicate'; RETURN NEXT; CONTINUE;
       END IF;
       INSERT INTO messages OVERRIDING SYSTEM VALUE VALUES (g, rcpt.u, rcpt.d, s_user, s_dev, cmid, ts, env);
       UPDATE mailboxes SET messages = messages + 1, bytes = bytes + octet_length(env)
         WHERE username = rcpt.u AND device_id = rcpt.d;
       status := 'stored'; out_guid := g; out_ts := ts; RETURN NEXT;
     END LOOP;
   END $$;`,
];

/** Brings the schema selected by the pool's search_path to the newest version. */
export async function migratePg(pool: Pool, schema: string): Promise<number> {
  const client = await pool.connect();
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        // One lock per schema (hashtext is a stable 32-bit hash), released at COMMIT/ROLLBACK.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pqmsg migrations ${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
        const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
        const current = rows.length === 0 ? 0 : rows[0].version;
        if (current > PG_MIGRATIONS.length)
          throw new ServerError('INTERNAL', `database schema version ${current} is newer than this server (${PG_MIGRATIONS.length})`);
        if (current === PG_MIGRATIONS.length) {
          await client.query('COMMIT');
          return current;
        }
        await client.query(PG_MIGRATIONS[current]);
        if (rows.length === 0) await client.query('INSERT INTO schema_version VALUES (1)');
        else await client.query('UPDATE schema_version SET version = $1', [current + 1]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
  } finally {
    client.release();
  }
}
