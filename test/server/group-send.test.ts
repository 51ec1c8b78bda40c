/**
 * GROUP_SEND (docs/SERVER.md §14) on every backend of backends.ts: the store contract (one call
 * → one row per recipient mailbox, idempotent per recipient, refusals per recipient, expiry of the
 * idempotency records), then over a real `pqmsg server` process and real WebSockets: one upload
 * reaches N mailboxes, a retry stores nothing, and the recipient list is checked.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServerStore } from '../../src/server/store.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { MAX_GROUP_RECIPIENTS } from '../../src/wire/frame-constants.ts';
import { newIdentity, newMessageId, refusal, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { BACKENDS } from './backends.ts';

const QUOTA = { maxMessages: 1000, maxBytes: 1 << 20 };
const addr = (username: string, deviceId = 1) => ({ username, deviceId });
const USERS = ['bob', 'carol', 'dave', 'erin'];

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function withDevices(): Promise<ServerStore> {
    const { store } = await backend.fresh();
    for (const [i, u] of ['alice', ...USERS].entries()) await store.registerDevice(addr(u), Uint8Array.of(i), 0);
    return store;
  }
  const group = (recipients: { username: string; deviceId: number }[], id: Uint8Array, ts = 1000) => ({
    sender: addr('alice'),
    recipients,
    clientMessageId: id,
    envelope: utf8('one group ciphertext'),
    serverTimestamp: ts,
    expiredBefore: 0,
  });

  describe(`GROUP_SEND store contract — ${backend.name}`, () => {
    test('one call stores one row in each of N mailboxes; a retry is a duplicate per recipient', async () => {
      const store = await withDevices();
      const id = newMessageId();
      const first = await store.storeGroupMessage(group(USERS.map((u) => addr(u)), id), QUOTA);
      expect(first.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      const guids = first.map((r) => (r.status === 'stored' ? r.guid : -1));
      expect(new Set(guids).size).toBe(4);
      for (const u of USERS) expect(await store.countPending(addr(u), 0)).toBe(1);
      expect((await store.queueStats()).messages).toBe(4);
      // retry with one more recipient: the four are duplicates with their first guids, erin.1 not
      const again = await store.storeGroupMessage(group([...USERS.map((u) => addr(u))], id, 2000), QUOTA);
      expect(again).toEqual(first.map((r) => ({ ...r, status: 'duplicate' })));
      expect((await store.queueStats()).messages).toBe(4);
      for (const u of USERS) {
        const [m] = await store.pendingMessages(addr(u), 0, 0, 10);
        expect(['sender' in m ? m.sender : undefined, new TextDecoder().decode(m.envelope)]).toEqual([addr('alice'), 'one group ciphertext']);
      }
      await store.close();
    });

    test('an unknown or full recipient is refused alone; the others are stored; a retry fills the gap', async () => {
      const store = await withDevices();
      const id = newMessageId();
      for (let i = 0; i < 2; i++)
        await store.storeMessage({ sender: addr('alice'), recipient: addr('carol'), clientMessageId: newMessageId(), envelope: utf8('x'), serverTimestamp: 1, expiredBefore: 0 }, QUOTA);
      const res = await store.storeGroupMessage(group([addr('bob'), addr('nobody'), addr('carol')], id), { ...QUOTA, maxMessages: 2 });
      expect(res.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['stored', 'UNKNOWN_ADDRESS', 'MAILBOX_FULL_COUNT']);
      expect(await store.countPending(addr('carol'), 0)).toBe(2);
      const retry = await store.storeGroupMessage(group([addr('bob'), addr('carol')], id), QUOTA);
      expect(retry.map((r) => r.status)).toEqual(['duplicate', 'stored']);
      expect(await store.countPending(addr('bob'), 0)).toBe(1);
      expect(await store.countPending(addr('carol'), 0)).toBe(3);
      await store.close();
    });

    test('expiry deletes the fanned-out rows and their idempotency records', async () => {
      const store = await withDevices();
      const id = newMessageId();
      await store.storeGroupMessage(group([addr('bob'), addr('carol')], id, 100), QUOTA);
      expect(await store.deleteExpired(200)).toBe(2);
      const after = await store.storeGroupMessage(group([addr('bob')], id, 300), QUOTA);
      expect(after[0].status).toBe('stored');
      await store.close();
    });
  });

  describe(`GROUP_SEND over a real server — ${backend.name}`, () => {
    let server: ServerProcess;
    const ids = new Map(['alice', ...USERS].map((u) => [u, newIdentity()]));

    beforeAll(async () => {
      server = await spawnServer(await backend.serverDb());
      for (const u of ids.keys()) {
        const c = await TestClient.connect(server.wsUrl);
        await c.register(ids.get(u)!, u);
        await c.close();
      }
    });
    afterAll(async () => {
      expect(await server.stop()).toBe(0);
    });
    const connectAs = async (u: string) => {
      const c = await TestClient.connect(server.wsUrl);
      await c.authenticate(ids.get(u)!, addr(u));
      return c;
    };

    test('one upload reaches every recipient mailbox, live and offline; a retry stores nothing', async () => {
      const a = await connectAs('alice');
      const online = await connectAs('bob');
      const req = { op: 'groupSend' as const, recipients: USERS.map((u) => addr(u)), clientMessageId: newMessageId(), envelope: utf8('hello group') };
      const res = await a.request(req);
      expect(res.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);
      const retry = await a.request(req);
      expect(retry.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
      const [live] = await online.messages(1);
      expect(new TextDecoder().decode(live.envelope)).toBe('hello group');
      await online.request({ op: 'ack', guid: live.guid });
      let received = 1;
      for (const u of USERS.slice(1)) {
        const c = await connectAs(u);
        const got = await c.messages(1);
        expect(got.map((m) => [m.sender.username, new TextDecoder().decode(m.envelope)])).toEqual([['alice', 'hello group']]);
        await c.request({ op: 'ack', guid: got[0].guid });
        received++;
        await c.close();
      }
      expect(received).toBe(USERS.length);
      await Promise.all([a.close(), online.close()]);
    });

    test('recipient list checks: empty, repeated, the sender itself, too many', async () => {
      const a = await connectAs('alice');
      const send = (recipients: { username: string; deviceId: number }[]) =>
        a.request({ op: 'groupSend', recipients, clientMessageId: newMessageId(), envelope: utf8('x') });
      expect(await refusal(send([]))).toBe('BAD_RECIPIENT_LIST');
      expect(await refusal(send([addr('bob'), addr('bob')]))).toBe('BAD_RECIPIENT_LIST');
      expect(await refusal(send([addr('bob'), addr('alice')]))).toBe('BAD_RECIPIENT_LIST');
      const many = Array.from({ length: MAX_GROUP_RECIPIENTS + 1 }, (_, i) => addr(`u${i}`));
      expect(await refusal(send(many))).toBe('TOO_MANY_RECIPIENTS');
      await a.close();
    });
  });
}
