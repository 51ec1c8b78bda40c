/**
 * The storage backends the server suites run against (docs/SERVER.md §7). Each entry opens a fresh,
 * empty store at a location it chooses and can reopen the same location (durability tests):
 * an SQLite file, or a fresh PostgreSQL schema (test/server/pg.ts) dropped by `cleanup`.
 */
import { openPgStore } from '../../src/server/pg-store.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { ServerStore } from '../../src/server/store.ts';
import { dropSchemas, freshSchemaUrl, requirePostgres } from './pg.ts';
import { tempDir } from './tmp.ts';

export interface Backend {
  readonly name: string;
  /** A new empty store; returns its location for `reopen`. */
  fresh(): Promise<{ store: ServerStore; location: string }>;
  reopen(location: string): Promise<ServerStore>;
  /** A `--db` argument for a `pqmsg server` process on a new empty store. */
  serverDb(): Promise<string>;
  /** Removes everything `fresh` created. */
  cleanup(): Promise<void> | void;
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
    serverDb: async () => tmp.file(`server-${++n}.sqlite`),
    cleanup: tmp.remove,
  };
}

function postgresBackend(): Backend {
  const schemas: string[] = [];
  const opened: ServerStore[] = [];
  const open = async (url: string) => {
    const store = await openPgStore(url);
    opened.push(store);
    return store;
  };
  let reachable: Promise<void> | undefined;
  return {
    name: 'postgres',
    async fresh() {
      await (reachable ??= requirePostgres());
      const { schema, url } = freshSchemaUrl();
      schemas.push(schema);
      return { store: await open(url), location: url };
    },
    reopen: open,
    async serverDb() {
      await (reachable ??= requirePostgres());
      const { schema, url } = freshSchemaUrl();
      schemas.push(schema);
      return url;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close())); // stores a test left open (close is idempotent)
      await dropSchemas(schemas);
    },
  };
}

export const BACKENDS: readonly (() => Backend)[] = [sqliteBackend, postgresBackend];
