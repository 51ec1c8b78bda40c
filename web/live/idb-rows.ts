/**
 * A RowStore (src/client/store.ts) for the browser: every row lives in memory and is written back
 * to one IndexedDB object store after each committed transaction. Wrapped by the client's
 * SealedStore, so what reaches IndexedDB is exactly what the CLI writes to SQLite: values sealed
 * with XChaCha20-Poly1305 under an Argon2id-derived key, row names and the KDF header in clear.
 * Transactions are synchronous (as the interface requires) and roll back in memory on a throw;
 * the write-back that follows is asynchronous, so closing the tab right after a commit can lose
 * that commit (never half of it: one IndexedDB transaction carries the whole change set).
 * Side channels: n/a (sealed bytes and public row names only).
 */
import type { Row, RowStore } from '../../src/client/store.ts';

const OBJECT_STORE = 'rows';
const SEP = '\u0000';

type Change = { id: string; value: Uint8Array | undefined };

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

export class IdbRowStore implements RowStore {
  private readonly rows = new Map<string, Uint8Array>();
  /** Changes of the open transaction (old values, for rollback), else null. */
  private journal: Map<string, Uint8Array | undefined> | null = null;
  private pending: Change[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating if needed) the IndexedDB database `name` and loads every row. */
  static async open(name: string): Promise<IdbRowStore> {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(OBJECT_STORE);
    const db = await request(open);
    const store = new IdbRowStore(db);
    const tx = db.transaction(OBJECT_STORE, 'readonly').objectStore(OBJECT_STORE);
    const [keys, values] = await Promise.all([request(tx.getAllKeys()), request(tx.getAll())]);
    keys.forEach((k, i) => store.rows.set(String(k), new Uint8Array(values[i] as ArrayBuffer)));
    return store;
  }

  get(table: string, key: string): Uint8Array | undefined {
    return this.rows.get(table + SEP + key);
  }

  put(table: string, key: string, value: Uint8Array): void {
    this.transaction(() => this.set(table + SEP + key, value));
  }

  delete(table: string, key: string): void {
    this.transaction(() => this.set(table + SEP + key, undefined));
  }

  list(table: string, prefix = ''): Row[] {
    const start = table + SEP + prefix;
    return [...this.rows.keys()]
      .filter((id) => id.startsWith(start))
      .sort()
      .map((id) => ({ key: id.slice(table.length + 1), value: this.rows.get(id)! }));
  }

  transaction<T>(fn: () => T): T {
    if (this.journal) return fn();
    this.journal = new Map();
    try {
      const out = fn();
      for (const id of this.journal.keys()) this.pending.push({ id, value: this.rows.get(id) });
      this.flushSoon();
      return out;
    } catch (err) {
      for (const [id, old] of this.journal) {
        if (old === undefined) this.rows.delete(id);
        else this.rows.set(id, old);
      }
      throw err;
    } finally {
      this.journal = null;
    }
  }

  /** Resolves once every committed transaction is in IndexedDB. */
  flushed(): Promise<void> {
    return this.writing;
  }

  close(): void {
    void this.writing.finally(() => this.db.close());
  }

  private set(id: string, value: Uint8Array | undefined): void {
    if (!this.journal!.has(id)) this.journal!.set(id, this.rows.get(id));
    if (value === undefined) this.rows.delete(id);
    else this.rows.set(id, value);
  }

  private flushSoon(): void {
    const changes = this.pending.splice(0);
    if (changes.length === 0) return;
    this.writing = this.writing.then(
      () =>
        new Promise<void>((ok, fail) => {
          const tx = this.db.transaction(OBJECT_STORE, 'readwrite');
          const os = tx.objectStore(OBJECT_STORE);
          for (const { id, value } of changes)
            if (value === undefined) os.delete(id);
            else os.put(value.slice().buffer, id); // an ArrayBuffer the caller cannot change
          tx.oncomplete = () => ok();
          tx.onerror = () => fail(tx.error);
        }),
    );
  }
}
