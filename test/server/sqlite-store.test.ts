/**
 * What is specific to the SQLite backend (docs/SERVER.md §7): WAL mode, the synchronous level,
 * the schema version after the numbered migrations, and refusal of a database newer than the code.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/server/sqlite-migrations.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { ServerError } from '../../src/util/errors.ts';
import { tempDir } from './tmp.ts';

const tmp = tempDir('sqlite');
afterAll(() => tmp.remove());

function pragmas(file: string): { journal: string; version: number; tables: string[] } {
  const db = new Database(file, { readonly: true });
  const out = {
    journal: db.pragma('journal_mode', { simple: true }) as string,
    version: db.pragma('user_version', { simple: true }) as number,
    tables: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name),
  };
  db.close();
  return out;
}

describe('SqliteStore — file, mode and schema', () => {
  test('a new file is in WAL mode at the newest schema version with every table of §7', async () => {
    const file = tmp.file('new.sqlite');
    await (await openSqliteStore(file)).close();
    expect(pragmas(file)).toEqual({
      journal: 'wal',
      version: MIGRATIONS.length,
      tables: ['accounts', 'delivery_access', 'device_lists', 'devices', 'group_sent_messages', 'mailboxes', 'messages', 'one_time_prekeys', 'provisioning', 'sealed_keys', 'sealed_sent', 'sent_messages', 'server_identity', 'signed_prekeys', 'sqlite_sequence'],
    });
  });

  test('synchronous is FULL by default and NORMAL on request', async () => {
    const level = async (mode?: 'full' | 'normal') => {
      const store = await openSqliteStore(tmp.file(`sync-${mode}.sqlite`), mode);
      const value = (store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
      await store.close();
      return value;
    };
    expect([await level(), await level('full'), await level('normal')]).toEqual([2, 2, 1]); // FULL = 2, NORMAL = 1
  });

  test('reopening migrates nothing; a database from a newer server is refused', async () => {
    const file = tmp.file('newer.sqlite');
    await (await openSqliteStore(file)).close();
    await (await openSqliteStore(file)).close();
    expect(pragmas(file).version).toBe(MIGRATIONS.length);
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    await expect(openSqliteStore(file)).rejects.toThrow(ServerError);
  });
});
