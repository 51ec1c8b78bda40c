/** Temporary SQLite row stores for the client tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRowStore } from '../../src/client/sqlite-store.ts';
import { ClientError } from '../../src/util/errors.ts';

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pqmsg-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openRows(dir: string, create = true): SqliteRowStore {
  return new SqliteRowStore(join(dir, 'store.sqlite'), { create });
}

/** The ClientError code fn throws (async), 'no error' if it resolves. */
export async function clientCodeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ClientError) return e.code;
    return `other: ${String(e)}`;
  }
  return 'no error';
}
