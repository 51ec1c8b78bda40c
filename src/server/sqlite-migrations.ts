/**
 * The SQLite schema of the delivery service as numbered migrations (docs/SERVER.md §7). Migration
 * n moves PRAGMA user_version from n − 1 to n inside one transaction; a database whose version is
 * newer than this code knows is refused rather than guessed at. Never edit a shipped migration:
 * append a new one.
 */
import type { Database } from 'better-sqlite3';
import { ServerError } from '../util/errors.ts';

// prettier-ignore
export const MIGRATIONS: readonly string[] = [
  // 1: server identity, accounts and devices, prekey directory, mailboxes, idempotency records.
  `CREATE TABLE server_identity (
     id         INTEGER PRIMARY KEY CHECK (id = 1),
     secret     BLOB NOT NULL                        -- PROTOCOL.md §2.2 identity secret encoding
   ) STRICT;
   CREATE TABLE accounts (
     username   TEXT PRIMARY KEY,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE devices (
     username   TEXT NOT NULL REFERENCES accounts(username),
     device_id  INTEGER NOT NULL,
     identity   BLOB NOT NULL,                       -- PROTOCOL.md §2.2 public identity (2020 B)
     created_at INTEGER NOT NULL,
     PRIMARY KEY (username, device_id)
   ) STRICT;
   CREATE TABLE signed_prekeys (                     -- current SPK (role 1) and PQSPK (role 2)
     username   TEXT NOT NULL,
     device_id  INTEGER NOT NULL,
     role       INTEGER NOT NULL,
     key_id     INTEGER NOT NULL,
     encoded    BLOB NOT NULL,                       -- PROTOCOL.md §3.1 PreKey
     PRIMARY KEY (username, device_id, role),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   ) STRICT;
   CREATE TABLE one_time_prekeys (                   -- PQOPK (role 3) and OPK (role 4)
     username   TEXT NOT NULL,
     device_id  INTEGER NOT NULL,
     role       INTEGER NOT NULL,
     key_id     INTEGER NOT NULL,
     encoded    BLOB NOT NULL,
     PRIMARY KEY (username, device_id, role, key_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   ) STRICT;
   CREATE TABLE mailboxes (                          -- running totals for the quota check
     username   TEXT NOT NULL,
     device_id  INTEGER NOT NULL,
     messages   INTEGER NOT NULL,
     bytes      INTEGER NOT NULL,
     PRIMARY KEY (username, device_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id)
   ) STRICT;
   CREATE TABLE messages (
     guid              INTEGER PRIMARY KEY AUTOINCREMENT,
     username          TEXT NOT NULL,              -- recipient
     device_id         INTEGER NOT NULL,
     sender_username   TEXT NOT NULL,
     sender_device_id  INTEGER NOT NULL,
     client_message_id BLOB NOT NULL,
     server_timestamp  INTEGER NOT NULL,
     envelope          BLOB NOT NULL
   ) STRICT;
   CREATE INDEX messages_by_mailbox ON messages (username, device_id, guid);
   CREATE INDEX messages_by_time ON messages (server_timestamp);
   CREATE TABLE sent_messages (                      -- idempotency: (sender, client id) → first ack
     sender_username   TEXT NOT NULL,
     sender_device_id  INTEGER NOT NULL,
     client_message_id BLOB NOT NULL,
     guid              INTEGER NOT NULL,
     server_timestamp  INTEGER NOT NULL,
     PRIMARY KEY (sender_username, sender_device_id, client_message_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX sent_messages_by_time ON sent_messages (server_timestamp);`,

  // 2: sealed sender (docs/SERVER.md §12). Messages get nullable sender columns (a sealed message
  // has no sender: SQLite cannot drop NOT NULL, so the table is rebuilt, keeping its AUTOINCREMENT
  // counter so no guid is ever reused); sealed idempotency records by (recipient, client id); the
  // devices' sealed-sender keys; the accounts' delivery access verifiers and modes (both deleted
  // with their device or account).
  `CREATE TABLE messages_v2 (
     guid              INTEGER PRIMARY KEY AUTOINCREMENT,
     username          TEXT NOT NULL,              -- recipient
     device_id         INTEGER NOT NULL,
     sender_username   TEXT,                       -- NULL: sealed (PROTOCOL.md §13)
     sender_device_id  INTEGER,
     client_message_id BLOB NOT NULL,
     server_timestamp  INTEGER NOT NULL,
     envelope          BLOB NOT NULL
   ) STRICT;
   INSERT INTO messages_v2 SELECT * FROM messages;
   INSERT INTO sqlite_sequence (name, seq)
     SELECT 'messages_v2', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages_v2');
   UPDATE sqlite_sequence
     SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0))
     WHERE name = 'messages_v2';
   DROP TABLE messages;
   ALTER TABLE messages_v2 RENAME TO messages;
   CREATE INDEX messages_by_mailbox ON messages (username, device_id, guid);
   CREATE INDEX messages_by_time ON messages (server_timestamp);
   CREATE TABLE sealed_sent (                        -- idempotency of sealed sends: (recipient, client id)
     username          TEXT NOT NULL,
     device_id         INTEGER NOT NULL,
     client_message_id BLOB NOT NULL,
     guid              INTEGER NOT NULL,
     server_timestamp  INTEGER NOT NULL,
     PRIMARY KEY (username, device_id, client_message_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX sealed_sent_by_time ON sealed_sent (server_timestamp);
   CREATE TABLE sealed_keys (                        -- PROTOCOL.md §13.3, one current key per device
     username   TEXT NOT NULL,
     device_id  INTEGER NOT NULL,
     encoded    BLOB NOT NULL,
     PRIMARY KEY (username, device_id),
     FOREIGN KEY (username, device_id) REFERENCES devices(username, device_id) ON DELETE CASCADE
   ) STRICT;
   CREATE TABLE delivery_access (                    -- docs/SERVER.md §12
     username   TEXT PRIMARY KEY REFERENCES accounts(username) ON DELETE CASCADE,
     verifier   BLOB NOT NULL,                       -- SHA-256("pqmsg v1 access key" ‖ key)
     mode       TEXT NOT NULL CHECK (mode IN ('contacts', 'anyone'))
   ) STRICT;`,
  // 3: multiple devices (docs/SERVER.md §13): signed device lists and the provisioning relay.
  `CREATE TABLE device_lists (
     username   TEXT PRIMARY KEY REFERENCES accounts(username) ON DELETE CASCADE,
     version    INTEGER NOT NULL,
     encoded    BLOB NOT NULL                        -- PROTOCOL.md §14.1 SignedDeviceList
   ) STRICT;
   CREATE TABLE provisioning (
     rendezvous_id BLOB PRIMARY KEY,                 -- 16 random bytes (PROTOCOL.md §14.2)
     request       BLOB,                             -- LinkRequest until the primary takes it
     taken         INTEGER NOT NULL,                 -- 1 once taken
     response      BLOB,                             -- LinkResponse once answered
     expires_at    INTEGER NOT NULL
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX provisioning_by_expiry ON provisioning (expires_at);`,
  // 4: groups (docs/SERVER.md §14): per-recipient idempotency records of GROUP_SEND.
  `CREATE TABLE group_sent_messages (                -- (sender, client id, recipient) → first ack
     sender_username     TEXT NOT NULL,
     sender_device_id    INTEGER NOT NULL,
     client_message_id   BLOB NOT NULL,
     recipient_username  TEXT NOT NULL,
     recipient_device_id INTEGER NOT NULL,
     guid                INTEGER NOT NULL,
     server_timestamp    INTEGER NOT NULL,
     PRIMARY KEY (sender_username, sender_device_id, client_message_id, recipient_username, recipient_device_id)
   ) STRICT, WITHOUT ROWID;
   CREATE INDEX group_sent_messages_by_time ON group_sent_messages (server_timestamp);`,
];

/** Brings `db` to the newest schema, one migration per transaction. */
export function migrate(db: Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new ServerError(
      'INTERNAL',
      `database schema version ${current} is newer than this server (${MIGRATIONS.length})`,
    );
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
