/**
 * Node-only RowStore on one SQLite file (better-sqlite3): one table of rows keyed by
 * (tbl, key), written in WAL mode with synchronous=FULL so a committed transaction survives a
 * crash or power loss (SQLite "Atomic Commit", https://www.sqlite.org/atomiccommit.html).
 * Schema migrations are numbered and recorded in PRAGMA user_version.
 * The file is created with mode 0600 (it holds sealed secrets and the clear KDF header).
 * Side channels: n/a (values arrive sealed from sealed-store.ts).
 */
import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Row, RowStore } from './store.ts';

/** Numbered migrations: MIGRATIONS[i] brings user_version from i to i + 1. */
const MIGRATIONS = [
  `CREATE TABLE rows (
     tbl   TEXT NOT NULL,
     key   TEXT NOT NULL,
     value BLOB NOT NULL,
     PRIMARY KEY (tbl, key)
   ) WITHOUT ROWID`,
];

export class SqliteRowStore implements RowStore {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly listStmt: Database.Statement;

  /** Opens (and with `create`, creates) the store file at `path`. */
  constructor(path: string, options: { create: boolean }) {
    const fresh = !existsSync(path);
    this.db = new Database(path, { fileMustExist: !options.create });
    if (fresh) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    migrate(this.db);
    this.getStmt = this.db.prepare('SELECT value FROM rows WHERE tbl = ? AND key = ?');
    this.putStmt = this.db.prepare(
      'INSERT INTO rows (tbl, key, value) VALUES (?, ?, ?) ' +
        'ON CONFLICT (tbl, key) DO UPDATE SET value = excluded.value',
    );
    this.deleteStmt = this.db.prepare('DELETE FROM rows WHERE tbl = ? AND key = ?');
    // key >= prefix AND key < prefix || U+FFFF: a range scan on the primary key.
    this.listStmt = this.db.prepare(
      'SELECT key, value FROM rows WHERE tbl = ? AND key >= ? AND key < ? ORDER BY key',
    );
  }

  get(table: string, key: string): Uint8Array | undefined {
    const row = this.getStmt.get(table, key) as { value: Buffer } | undefined;
    return row === undefined ? undefined : toBytes(row.value);
  }

  put(table: string, key: string, value: Uint8Array): void {
    this.putStmt.run(table, key, value);
  }

  delete(table: string, key: string): void {
    this.deleteStmt.run(table, key);
  }

  list(table: string, prefix = ''): Row[] {
    const end = prefix + '\uffff';
    const rows = this.listStmt.all(table, prefix, end) as { key: string; value: Buffer }[];
    return rows.map((r) => ({ key: r.key, value: toBytes(r.value) }));
  }

  transaction<T>(fn: () => T): T {
    // better-sqlite3 turns a nested transaction into a savepoint of the outer one.
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++)
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
}

/** A Buffer from SQLite as a plain Uint8Array of its own (no pooled Buffer memory shared). */
function toBytes(b: Buffer): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}
