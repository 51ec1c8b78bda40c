/**
 * The storage backends the server suites run against (docs/SERVER.md §7). Each entry opens a fresh,
 * empty store at a location it chooses and can reopen the same location (durability tests). A
 * PostgreSQL entry joins this list when its implementation lands; the suites do not change.
 */
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { ServerStore } from '../../src/server/store.ts';
import { tempDir } from './tmp.ts';

export interface Backend {
  readonly name: string;
  /** A new empty store; returns its location for `reopen`. */
  fresh(): Promise<{ store: ServerStore; location: string }>;
  reopen(location: string): Promise<ServerStore>;
  /** Removes everything `fresh` created. */
  cleanup(): void;
}

function sqliteBackend(): Backend {
  const tmp = tempDir('store');
  let n = 0;
  return {
    name: 'sqlite',
    async fresh() {
      const location = tmp.file(`store-${++n}.sqlite`);
      return { store: await openSqliteStore(location), location };
    },
    reopen: (location) => openSqliteStore(location),
    cleanup: tmp.remove,
  };
}

export const BACKENDS: readonly (() => Backend)[] = [sqliteBackend];
