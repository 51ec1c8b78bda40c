/**
 * PostgreSQL for the server tests: the server under test uses `PQMSG_TEST_PG_URL` (default
 * postgres://postgres@127.0.0.1:5432/test), one fresh schema `pqmsg_test_<random>` per store or
 * server group (selected with `?schema=`, src/server/pg-config.ts), dropped afterwards. When no
 * PostgreSQL answers, the tests FAIL with how to start one; they are never skipped.
 */
import pg from 'pg';
import { toHex } from '../../src/util/bytes.ts';
import { defaultRandom } from '../../src/util/random.ts';

export const PG_BASE_URL = process.env.PQMSG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_START =
  'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` ' +
  '(Debian; or any PostgreSQL ≥ 13 with trust auth) or point PQMSG_TEST_PG_URL at one';

/** A new schema name and the --db URL that selects it. */
export function freshSchemaUrl(): { schema: string; url: string } {
  const schema = `pqmsg_test_${toHex(defaultRandom(6))}`;
  const url = new URL(PG_BASE_URL);
  url.searchParams.set('schema', schema);
  return { schema, url: url.toString() };
}

/** Throws an error that says how to start PostgreSQL when none answers at PG_BASE_URL. */
export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    throw new Error(`PostgreSQL does not answer at ${PG_BASE_URL} (${(e as Error).message}): ${HOW_TO_START}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops the schemas (and everything in them). */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await client.end();
  }
}
