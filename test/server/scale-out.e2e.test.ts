/**
 * Several `pqmsg server` processes sharing one PostgreSQL schema (docs/SERVER.md §10): a message
 * sent through one process is pushed to a recipient connected to another (LISTEN/NOTIFY), and
 * reaches a process that hears no notification through its fallback poll; one-time prekeys go out
 * exactly once under 100 concurrent fetches spread over three processes; PREKEYS_LOW crosses
 * processes; a newer connection of a device on another process replaces the older; a process
 * killed with kill -9 between a client's sends and their acks loses nothing, and the client's
 * retries through another process are recognised as duplicates. Fails (never skips) without
 * PostgreSQL: test/server/pg.ts says how to start it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { decodeBundle } from '../../src/protocol/index.ts';
import type { Push } from '../../src/wire/pushes.ts';
import { newMessageId, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { newDevice, preKeyBatch, type TestDevice } from './fixtures.ts';
import { dropSchemas, freshSchemaUrl, requirePostgres } from './pg.ts';

const { schema, url } = freshSchemaUrl();
const RATES = ['--send-rate', '1000', '--send-burst', '1000', '--bundle-rate', '1000', '--bundle-burst', '1000'];
/** p1–p3 hear only NOTIFY (their fallback poll is an hour away); p4 hears nothing and polls. */
let p: ServerProcess[] = [];
const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map(newDevice);
const queueEmpty = (x: Push): x is { type: 'queueEmpty' } => x.type === 'queueEmpty';

beforeAll(async () => {
  await requirePostgres();
  const p1 = await spawnServer(url, [...RATES, '--fallback-poll-ms', '3600000']); // migrates first
  const rest = await Promise.all([
    spawnServer(url, [...RATES, '--fallback-poll-ms', '3600000']),
    spawnServer(url, [...RATES, '--fallback-poll-ms', '3600000']),
    spawnServer(url, [...RATES, '--no-notify', '--fallback-poll-ms', '200']),
  ]);
  p = [p1, ...rest];
  await Promise.all([alice, bob, carol, dave].map(async (d, i) => (await device(p[i % 3], d, true)).close()));
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all(p.map((s) => s.stop()));
  expect(codes.filter((c) => c !== 0).length).toBe(1); // p3, killed
  await dropSchemas([schema]);
});

async function device(server: ServerProcess, d: TestDevice, register = false): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  if (register) await c.register(d.identity, d.address.username);
  else await c.authenticate(d.identity, d.address);
  return c;
}

describe('scale-out on PostgreSQL: several processes, one database', () => {
  test('all processes share one server identity', async () => {
    const clients = await Promise.all(p.map((s) => TestClient.connect(s.wsUrl)));
    for (const c of clients) expect(c.serverIdentity).toEqual(clients[0].serverIdentity);
    await Promise.all(clients.map((c) => c.close()));
  });

  test('a message sent through process 1 is pushed (NOTIFY) to the recipient on process 2, and acked there', async () => {
    const b = await device(p[1], bob);
    await b.waitPush(queueEmpty);
    const a = await device(p[0], alice);
    const sent = await Promise.all([0, 1, 2].map((i) => a.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: Uint8Array.of(i) })));
    const got = await b.messages(3);
    expect(got.map((m) => m.guid)).toEqual(sent.map((s) => s.guid).sort((x, y) => x - y));
    for (const m of got) await b.request({ op: 'ack', guid: m.guid });
    await Promise.all([a.close(), b.close()]);
    const again = await device(p[2], bob); // acks made on process 2 hold for process 3
    await again.waitPush(queueEmpty);
    expect(again.delivered()).toEqual([]);
    await again.close();
  });

  test('a process that hears no notification delivers through its fallback poll', async () => {
    const c = await device(p[3], carol);
    await c.waitPush(queueEmpty);
    const a = await device(p[0], alice);
    const { guid } = await a.request({ op: 'send', to: carol.address, clientMessageId: newMessageId(), envelope: Uint8Array.of(7) });
    expect((await c.messages(1))[0].guid).toBe(guid);
    await c.request({ op: 'ack', guid });
    await Promise.all([a.close(), c.close()]);
  });

  test('a newer connection of a device on another process replaces the older one (4000)', async () => {
    const old = await device(p[0], dave);
    await old.waitPush(queueEmpty);
    const newer = await device(p[1], dave);
    expect((await old.closed).code).toBe(4000);
    const a = await device(p[2], alice);
    const { guid } = await a.request({ op: 'send', to: dave.address, clientMessageId: newMessageId(), envelope: Uint8Array.of(1) });
    expect((await newer.messages(1))[0].guid).toBe(guid);
    await newer.request({ op: 'ack', guid });
    await Promise.all([a.close(), newer.close()]);
  });

  test('100 concurrent bundle fetches over 3 processes take 100 distinct one-time keys of each kind; PREKEYS_LOW reaches the owner on another process', async () => {
    const b = await device(p[1], bob);
    for (const start of [1, 51]) await b.request({ op: 'uploadPreKeys', preKeys: preKeyBatch(bob, 50, Date.now(), start) });
    const fetchers = await Promise.all([alice, carol, dave].map((d, i) => device(p[i === 1 ? 3 : i], d)));
    const bundles = await Promise.all(
      Array.from({ length: 100 }, (_, i) => fetchers[i % 3].request({ op: 'fetchBundle', address: bob.address })),
    );
    const decoded = bundles.map((r) => decodeBundle(r.bundle));
    const opk = new Set(decoded.map((x) => x.oneTimePreKey?.id));
    const kem = new Set(decoded.filter((x) => x.kemPreKey.role === PREKEY_ROLE.KEM_ONE_TIME).map((x) => x.kemPreKey.id));
    expect(opk.size).toBe(100);
    expect(opk.has(undefined)).toBe(false);
    expect(kem.size).toBe(100);
    const last = decodeBundle((await fetchers[0].request({ op: 'fetchBundle', address: bob.address })).bundle);
    expect(last.oneTimePreKey).toBeUndefined();
    expect(last.kemPreKey.role).toBe(PREKEY_ROLE.KEM_LAST_RESORT);
    expect(await b.request({ op: 'preKeyCount' })).toEqual({ op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 0 } });
    // bob on process 2 was told when the stock crossed the low-water mark (10), by whichever process it was
    const low = await b.waitPush((x): x is Extract<Push, { type: 'preKeysLow' }> => x.type === 'preKeysLow');
    expect(low.counts.oneTime).toBeLessThan(10);
    // and a fetch that runs on process 1 only reaches bob through the bus
    await b.request({ op: 'uploadPreKeys', preKeys: preKeyBatch(bob, 10, Date.now(), 101) });
    const from = b.pushes.length;
    await fetchers[0].request({ op: 'fetchBundle', address: bob.address });
    expect((await b.waitPush((x): x is Extract<Push, { type: 'preKeysLow' }> => x.type === 'preKeysLow', from)).counts).toEqual({ oneTime: 9, kemOneTime: 9 });
    await Promise.all([b.close(), ...fetchers.map((f) => f.close())]);
  }, 120_000);

  test('kill -9 of a process between sends and their acks: retries through another process store each message once', async () => {
    const a = await device(p[2], alice);
    const ids = Array.from({ length: 50 }, () => newMessageId());
    const first = ids.map((id, i) => a.request({ op: 'send', to: carol.address, clientMessageId: id, envelope: Uint8Array.of(i) }).catch(() => undefined));
    await p[2].kill9(); // some of the 50 are committed and answered, some committed unanswered, some never arrived
    const answered = await Promise.all(first);
    const a2 = await device(p[0], alice);
    const retries = await Promise.all(ids.map((id, i) => a2.request({ op: 'send', to: carol.address, clientMessageId: id, envelope: Uint8Array.of(i) })));
    answered.forEach((ack, i) => {
      if (ack !== undefined) expect(retries[i]).toEqual({ ...ack, duplicate: true });
    });
    const c = await device(p[1], carol);
    const got = await c.messages(50);
    await c.waitPush(queueEmpty);
    expect(c.delivered().length).toBe(50);
    expect(new Set(got.map((m) => m.envelope[0])).size).toBe(50);
    expect(got.map((m) => m.guid).sort((x, y) => x - y)).toEqual(retries.map((r) => r.guid).sort((x, y) => x - y));
    await Promise.all([a2.close(), c.close()]);
  });
});
