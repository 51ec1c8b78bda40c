/**
 * How `pqmsg server --db URL` names a PostgreSQL database and schema (docs/SERVER.md §7.2):
 * `postgres://[user@]host[:port]/database?schema=NAME` (also `postgresql://`). The `schema` query
 * parameter is ours: it is removed from the URL and becomes the session's `search_path`
 * (sent as the startup option `-c search_path=NAME`), so every unqualified table, sequence and
 * function of the delivery service lives in that schema; the migrations create it if missing.
 * Without `schema`, the schema is `pqmsg`. Any other `--db` value is an SQLite file path.
 * Node-only (the pg driver's config type).
 */
import type { ClientConfig } from 'pg';
import { ServerError } from '../util/errors.ts';

/** The schema used when the URL names none. */
export const DEFAULT_PG_SCHEMA = 'pqmsg';

/** A plain, unquoted PostgreSQL identifier of ≤ 48 bytes (the channel pqmsg_wake_<schema> stays ≤ 63). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

export interface PgLocation {
  /** Connection settings for pg.Client / pg.Pool, search_path included. */
  readonly config: ClientConfig;
  readonly schema: string;
}

/** True for a `postgres://` or `postgresql://` URL: `--db` then selects the PostgreSQL backend. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** Parses a `--db` PostgreSQL URL into driver settings and the schema it selects. */
export function parsePgLocation(url: string): PgLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServerError('INTERNAL', 'the PostgreSQL URL does not parse');
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
  if (!SCHEMA_NAME.test(schema))
    throw new ServerError('INTERNAL', `schema "${schema}" must match ${SCHEMA_NAME.source}`);
  parsed.searchParams.delete('schema');
  return { schema, config: { connectionString: parsed.toString(), options: `-c search_path=${schema}` } };
}
