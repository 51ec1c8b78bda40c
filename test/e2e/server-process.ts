/**
 * A delivery-service process for the e2e tests: `node --import tsx test/e2e/server-process.ts DB [PORT]`
 * starts src/server on 127.0.0.1 with the SQLite file DB and prints {"url": …} on its first line.
 * SIGTERM closes it cleanly.
 */
import { join, resolve } from 'node:path';
import { startTestServer } from '../client/harness.ts';

const db = resolve(process.argv[2]);
const port = Number(process.argv[3] ?? 0);
const server = await startTestServer(join(db, '..'), port);
process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
