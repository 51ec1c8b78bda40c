/**
 * Mailboxes over a real `pqmsg server` process and real WebSockets (docs/SERVER.md §5), on every
 * backend of backends.ts: send to an offline device, connect, receive in order, ack, gone; no ack
 * → delivered again; live push; idempotent retry.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { utf8 } from '../../src/util/bytes.ts';
import { newIdentity, newMessageId, refusal, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { BACKENDS } from './backends.ts';

const alice = newIdentity();
const bob = newIdentity();
const A = { username: 'alice', deviceId: 1 };
const B = { username: 'bob', deviceId: 1 };

for (const makeBackend of BACKENDS) {
const backend = makeBackend();
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer(await backend.serverDb());
  const a = await TestClient.connect(server.wsUrl);
  await a.register(alice, 'alice');
  await a.close();
  const b = await TestClient.connect(server.wsUrl);
  await b.register(bob, 'bob');
  await b.close();
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  await backend.cleanup();
});

async function connectAs(id: typeof alice, address: typeof A): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  await c.authenticate(id, address);
  return c;
}

describe(`mailbox — store and forward — ${backend.name}`, () => {
  test('send to an offline device; on connect it receives in order, acks, and the mailbox is empty', async () => {
    const a = await connectAs(alice, A);
    const sent = [];
    for (let i = 0; i < 5; i++) {
      const res = await a.request({ op: 'send', to: B, clientMessageId: newMessageId(), envelope: utf8(`m${i}`) });
      expect(res.duplicate).toBe(false);
      sent.push(res.guid);
    }
    const b = await TestClient.connect(server.wsUrl);
    expect(await b.authenticate(bob, B)).toBe(5);
    const got = await b.messages(5);
    expect(got.map((m) => new TextDecoder().decode(m.envelope))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(got.map((m) => m.guid)).toEqual(sent);
    expect(got.every((m) => m.sender.username === 'alice' && m.sender.deviceId === 1)).toBe(true);
    await b.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    for (const m of got) await b.request({ op: 'ack', guid: m.guid });
    expect(await refusal(b.request({ op: 'ack', guid: got[0].guid }))).toBe('UNKNOWN_MESSAGE');
    await b.close();
    const b2 = await TestClient.connect(server.wsUrl);
    expect(await b2.authenticate(bob, B)).toBe(0);
    await b2.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    expect(b2.delivered()).toEqual([]);
    await Promise.all([a.close(), b2.close()]);
  });

  test('a message that is not acknowledged is delivered again on the next connection', async () => {
    const a = await connectAs(alice, A);
    const { guid } = await a.request({ op: 'send', to: B, clientMessageId: newMessageId(), envelope: utf8('again') });
    const b = await connectAs(bob, B);
    expect((await b.messages(1))[0].guid).toBe(guid);
    await b.close();
    const b2 = await connectAs(bob, B);
    const [m] = await b2.messages(1);
    expect(m.guid).toBe(guid);
    await b2.request({ op: 'ack', guid });
    await Promise.all([a.close(), b2.close()]);
  });

  test('a live message is pushed to a connected recipient', async () => {
    const b = await connectAs(bob, B);
    await b.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    const a = await connectAs(alice, A);
    const { guid, serverTimestamp } = await a.request({ op: 'send', to: B, clientMessageId: newMessageId(), envelope: utf8('live') });
    const [m] = await b.messages(1);
    expect(m).toMatchObject({ guid, serverTimestamp, sender: A });
    await b.request({ op: 'ack', guid });
    await Promise.all([a.close(), b.close()]);
  });

  test('a retried send with the same client message id is stored once and gets the same ack', async () => {
    const a = await connectAs(alice, A);
    const id = newMessageId();
    const first = await a.request({ op: 'send', to: B, clientMessageId: id, envelope: utf8('once') });
    const retry = await a.request({ op: 'send', to: B, clientMessageId: id, envelope: utf8('once') });
    expect(retry).toEqual({ ...first, duplicate: true });
    await a.close();
    const a2 = await connectAs(alice, A); // a retry on a new connection too
    expect(await a2.request({ op: 'send', to: B, clientMessageId: id, envelope: utf8('once') })).toEqual({ ...first, duplicate: true });
    const b = await connectAs(bob, B);
    await b.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    expect(b.delivered().map((m) => m.guid)).toEqual([first.guid]);
    await b.request({ op: 'ack', guid: first.guid });
    await Promise.all([a2.close(), b.close()]);
  });

  test('sending to an unknown address is refused', async () => {
    const a = await connectAs(alice, A);
    const to = { username: 'nobody', deviceId: 1 };
    expect(await refusal(a.request({ op: 'send', to, clientMessageId: newMessageId(), envelope: utf8('x') }))).toBe('UNKNOWN_ADDRESS');
    await a.close();
  });
});
}
