/**
 * Direct push (docs/SERVER.md §10–§11) on two real processes sharing one PostgreSQL schema: a
 * message stored for a recipient connected to the same process is pushed without reading the
 * mailbox only when the connection has pushed everything up to the mailbox's previous guid.
 * Process X neither listens nor notifies and polls once an hour, so it never learns of a message
 * stored through process Y; a later message stored through X must then not be pushed ahead of it
 * (that would move the delivery cursor past the earlier one): X reads the mailbox and pushes both,
 * in guid order. Fails (never skips) without PostgreSQL: test/server/pg.ts says how to start it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Push } from '../../src/wire/pushes.ts';
import { newMessageId, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { newDevice, type TestDevice } from './fixtures.ts';
import { dropSchemas, freshSchemaUrl, requirePostgres } from './pg.ts';

const { schema, url } = freshSchemaUrl();
const RATES = ['--send-rate', '1000', '--send-burst', '1000'];
let x: ServerProcess;
let y: ServerProcess;
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(newDevice);
const queueEmpty = (p: Push): p is { type: 'queueEmpty' } => p.type === 'queueEmpty';

async function device(server: ServerProcess, d: TestDevice, register = false): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  if (register) await c.register(d.identity, d.address.username);
  else await c.authenticate(d.identity, d.address);
  return c;
}

beforeAll(async () => {
  await requirePostgres();
  x = await spawnServer(url, [...RATES, '--no-notify', '--fallback-poll-ms', '3600000']);
  y = await spawnServer(url, RATES);
  for (const d of [alice, bob, carol]) await (await device(y, d, true)).close();
}, 120_000);

afterAll(async () => {
  expect(await Promise.all([x.stop(), y.stop()])).toEqual([0, 0]);
  await dropSchemas([schema]);
});

describe('direct push keeps guid order across processes', () => {
  test('a message stored here after one stored elsewhere (unheard) is not pushed ahead of it', async () => {
    const b = await device(x, bob);
    await b.waitPush(queueEmpty);
    const a = await device(y, alice);
    const c = await device(x, carol);
    const send = (from: TestClient, n: number) =>
      from.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: Uint8Array.of(n) });
    const first = await send(a, 1); // through Y: X hears nothing of it
    const second = await send(c, 2); // through X: its previous guid is `first`, which bob's connection has not pushed
    expect(second.guid).toBeGreaterThan(first.guid);
    const got = await b.messages(2);
    expect(got.map((m) => [m.guid, m.envelope[0]])).toEqual([[first.guid, 1], [second.guid, 2]]);
    // Caught up now: the next local message goes straight out after them.
    const third = await send(c, 3);
    expect((await b.messages(3)).map((m) => m.guid)).toEqual([first.guid, second.guid, third.guid]);
    for (const m of b.delivered()) await b.request({ op: 'ack', guid: m.guid });
    expect(b.delivered().length).toBe(3);
    await Promise.all([a.close(), b.close(), c.close()]);
  }, 60_000);
});
