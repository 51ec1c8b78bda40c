/**
 * The two storage interfaces of the client (STYLE §1.12 rule 2: store apart from logic).
 * `RowStore` is what a backend provides: named tables of (key → bytes) rows with ordered listing
 * and synchronous transactions — SQLite in Node (sqlite-store.ts), IndexedDB behind a write-back
 * cache in a browser. `ClientStore` is what the client logic uses: the same shape, with every
 * value sealed (sealed-store.ts). Only the table '_header' (KDF parameters, key-check value) is
 * kept in clear, through `header`/`setHeader`.
 * Side channels: n/a (interfaces only).
 */

/** One stored row. Keys are public (ids, addresses, sequence numbers); values may be secret. */
export interface Row {
  readonly key: string;
  readonly value: Uint8Array;
}

/** A backend's rows, grouped in tables; all methods are synchronous. */
export interface RowStore {
  get(table: string, key: string): Uint8Array | undefined;
  put(table: string, key: string, value: Uint8Array): void;
  delete(table: string, key: string): void;
  /** Every row of `table` whose key starts with `prefix`, in ascending key order. */
  list(table: string, prefix?: string): Row[];
  /**
   * Runs `fn` atomically: every write inside it is committed together, or — if it throws — none
   * is. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** The client's view: a RowStore whose values are encrypted at rest, plus the clear header. */
export interface ClientStore extends RowStore {
  /** The clear header row `name` (KDF parameters, key check), if present. */
  header(name: string): Uint8Array | undefined;
  setHeader(name: string, value: Uint8Array): void;
}

/** Table of the clear header rows; every other table is sealed. */
export const HEADER_TABLE = '_header';
