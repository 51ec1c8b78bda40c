/**
 * The ServerStore contract (src/server/store.ts), run against every backend in backends.ts:
 * first-come registration, all-or-nothing prekey uploads, one-time keys taken exactly once under
 * concurrency, idempotent and quota-checked message storage, acks, expiry, and durability across
 * a reopen.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { ServerError } from '../../src/util/errors.ts';
import type { ServerStore, StoredPreKey } from '../../src/server/store.ts';
import { BACKENDS } from './backends.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const A = { username: 'alice', deviceId: 1 };
const B = { username: 'bob', deviceId: 1 };
const id = (v: number) => new Uint8Array(16).fill(v);
const QUOTA = { maxMessages: 1000, maxBytes: 1 << 20 };
const key = (role: number, kid: number): StoredPreKey => ({ role, id: kid, encoded: Uint8Array.of(role, kid) });

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function withDevices(): Promise<ServerStore> {
    const { store } = await backend.fresh();
    expect(await store.registerDevice(A, Uint8Array.of(1), 0)).toBe('created');
    expect(await store.registerDevice(B, Uint8Array.of(2), 0)).toBe('created');
    return store;
  }

  const msg = (n: number, envelope = Uint8Array.of(n), ts = 1000) => ({
    sender: A,
    recipient: B,
    clientMessageId: id(n),
    envelope,
    serverTimestamp: ts,
    expiredBefore: 0,
  });

  describe(`ServerStore contract — ${backend.name}`, () => {
    test('server identity: the first candidate wins', async () => {
      const { store } = await backend.fresh();
      expect(await store.initServerIdentity(Uint8Array.of(1))).toEqual(Uint8Array.of(1));
      expect(await store.initServerIdentity(Uint8Array.of(2))).toEqual(Uint8Array.of(1));
      await store.close();
    });

    test('registration: first come first served; the same identity again is "existing"', async () => {
      const store = await withDevices();
      expect(await store.registerDevice(A, Uint8Array.of(1), 5)).toBe('existing');
      expect(await codeOf(store.registerDevice(A, Uint8Array.of(9), 5))).toBe('USERNAME_TAKEN');
      expect(await codeOf(store.registerDevice({ username: 'alice', deviceId: 2 }, Uint8Array.of(9), 5))).toBe('USERNAME_TAKEN');
      expect(await store.deviceIdentity(A)).toEqual(Uint8Array.of(1));
      expect(await store.deviceIdentity({ username: 'carol', deviceId: 1 })).toBeUndefined();
      await store.close();
    });

    test('prekeys: all or nothing under the stock limit; take hands each one-time key out once, then the last resort', async () => {
      const store = await withDevices();
      expect(await codeOf(store.takeOneTimePreKeys(B))).toBe('BUNDLE_UNAVAILABLE');
      expect(await store.takeOneTimePreKeys({ username: 'nobody', deviceId: 1 })).toBeUndefined();
      const batch = [key(1, 1), key(2, 1), ...[1, 2, 3].map((k) => key(4, k)), ...[1, 2].map((k) => key(3, k))];
      expect(await store.putPreKeys(B, batch, 3)).toEqual({ oneTime: 3, kemOneTime: 2 });
      expect(await codeOf(store.putPreKeys(B, [key(1, 2), key(4, 9)], 3))).toBe('PREKEY_STOCK_FULL');
      expect(await store.preKeyCounts(B)).toEqual({ oneTime: 3, kemOneTime: 2 });
      expect((await store.takeOneTimePreKeys(B))!.signedPreKey.id).toBe(1); // the refused upload's SPK 2 was not stored
      const rest = await Promise.all([1, 2, 3].map(() => store.takeOneTimePreKeys(B)));
      // concurrent takes: the two OPKs left go to two of them, the third gets none
      expect(rest.map((t) => t!.oneTimePreKey?.id).sort()).toEqual([2, 3, undefined]);
      expect(await store.preKeyCounts(B)).toEqual({ oneTime: 0, kemOneTime: 0 });
      const t = await store.takeOneTimePreKeys(B);
      expect(t!.oneTimePreKey).toBeUndefined();
      expect(t!.kemPreKey).toEqual(key(2, 1));
      expect(t!.identity).toEqual(Uint8Array.of(2));
      await store.close();
    });

    test('50 concurrent takes get 50 distinct one-time keys of each kind, then none', async () => {
      const store = await withDevices();
      const batch = [key(1, 1), key(2, 1)];
      for (let k = 1; k <= 50; k++) batch.push(key(4, k), key(3, k));
      await store.putPreKeys(B, batch, 100);
      const taken = await Promise.all(Array.from({ length: 51 }, () => store.takeOneTimePreKeys(B)));
      const opk = taken.flatMap((t) => (t!.oneTimePreKey ? [t!.oneTimePreKey.id] : []));
      const kem = taken.map((t) => t!.kemPreKey);
      expect(new Set(opk).size).toBe(50);
      expect(kem.filter((k) => k.role === 3).map((k) => k.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(kem.filter((k) => k.role === 2).length).toBe(1);
      await store.close();
    });

    test('storeMessage: idempotent per (sender, client id); pending in guid order; ack deletes', async () => {
      const store = await withDevices();
      const acks = await Promise.all([1, 2, 3].map((n) => store.storeMessage(msg(n), QUOTA)));
      expect(acks.every((a) => !a.duplicate)).toBe(true);
      expect(new Set(acks.map((a) => a.guid)).size).toBe(3);
      const again = await store.storeMessage(msg(2, Uint8Array.of(99), 5000), QUOTA);
      expect(again).toEqual({ guid: acks[1].guid, serverTimestamp: acks[1].serverTimestamp, duplicate: true });
      const pending = await store.pendingMessages(B, 0, 0, 10);
      // guid order is commit order; concurrent stores (PostgreSQL) may commit in any order
      const byGuid = acks.map((a, i) => ({ guid: a.guid, n: i + 1 })).sort((x, y) => x.guid - y.guid);
      expect(pending.map((m) => m.envelope[0])).toEqual(byGuid.map((x) => x.n));
      expect(pending.map((m) => m.guid)).toEqual(byGuid.map((x) => x.guid));
      // previousGuid: the mailbox's highest guid when each one was added (0: empty)
      expect(byGuid.map((x) => acks[x.n - 1].previousGuid)).toEqual([0, byGuid[0].guid, byGuid[1].guid]);
      expect(pending[0]).toMatchObject({ sender: A, clientMessageId: id(byGuid[0].n), serverTimestamp: 1000 });
      expect((await store.pendingMessages(B, pending[0].guid, 0, 1)).map((m) => m.guid)).toEqual([pending[1].guid]);
      expect(await store.ackMessage(A, pending[0].guid)).toBe(false); // not A's mailbox
      expect(await store.ackMessage(B, pending[0].guid)).toBe(true);
      expect(await store.ackMessage(B, pending[0].guid)).toBe(false);
      expect(await store.countPending(B, 0)).toBe(2);
      expect(await store.queueStats()).toEqual({ messages: 2, bytes: 2 });
      // acknowledged and deleted, a retry is still a duplicate (the idempotency record outlives delivery)
      expect((await store.storeMessage(msg(1), QUOTA)).duplicate).toBe(true);
      expect(await codeOf(store.storeMessage({ ...msg(7), recipient: { username: 'x', deviceId: 1 } }, QUOTA))).toBe('UNKNOWN_ADDRESS');
      await store.close();
    });

    test('200 concurrent SENDs and ACKs (batched on PostgreSQL): each call gets its own answer', async () => {
      const store = await withDevices();
      const to = (n: number) => (n % 2 === 0 ? A : B);
      const calls = Array.from({ length: 200 }, (_, n) => ({ ...msg(n % 190), recipient: to(n % 190), envelope: Uint8Array.of(n % 190, 7) }));
      calls.push({ ...msg(250), recipient: { username: 'nobody', deviceId: 1 } });
      const results = await Promise.all(calls.map((m) => store.storeMessage(m, QUOTA).catch((e: ServerError) => e.code)));
      const acks = results.filter((r) => typeof r !== 'string');
      expect(results.filter((r) => r === 'UNKNOWN_ADDRESS').length).toBe(1);
      expect(acks.filter((a) => !a.duplicate).length).toBe(190);
      expect(acks.filter((a) => a.duplicate).length).toBe(10);
      for (let n = 190; n < 200; n++) expect(results[n]).toMatchObject({ guid: (results[n - 190] as { guid: number }).guid });
      const pendingA = await store.pendingMessages(A, 0, 0, 500);
      const pendingB = await store.pendingMessages(B, 0, 0, 500);
      expect([pendingA.length, pendingB.length]).toEqual([95, 95]);
      const oks = await Promise.all([...pendingA.map((m) => store.ackMessage(A, m.guid)), ...pendingB.map((m) => store.ackMessage(A, m.guid))]);
      expect([oks.filter(Boolean).length, oks.length]).toEqual([95, 190]); // B's messages are not A's to ack
      expect(await store.queueStats()).toEqual({ messages: 95, bytes: 190 });
      await store.close();
    });

    test('a SEND the database cannot even run (a NUL in a name) fails alone; the rest of its batch is stored', async () => {
      const store = await withDevices();
      const calls = [msg(1), { ...msg(2), recipient: { username: 'bad\u0000name', deviceId: 1 } }, msg(3)];
      const results = await Promise.allSettled(calls.map((m) => store.storeMessage(m, QUOTA)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store.pendingMessages(B, 0, 0, 10)).map((m) => m.envelope[0]).sort()).toEqual([1, 3]);
      await store.close();
    });

    test('mailboxesWithPending: the cursors with an unexpired message past them', async () => {
      const store = await withDevices();
      expect(await store.mailboxesWithPending([], 0)).toEqual([]);
      const { guid } = await store.storeMessage(msg(1, Uint8Array.of(1), 100), QUOTA);
      const cursors = [{ address: A, afterGuid: 0 }, { address: B, afterGuid: 0 }];
      expect(await store.mailboxesWithPending(cursors, 0)).toEqual([B]);
      expect(await store.mailboxesWithPending([{ address: B, afterGuid: guid }], 0)).toEqual([]);
      expect(await store.mailboxesWithPending(cursors, 101)).toEqual([]); // expired
      await store.close();
    });

    test('quotas: a refused message stores nothing, one refusal in a group commit does not affect the others', async () => {
      const store = await withDevices();
      const quota = { maxMessages: 3, maxBytes: 10 };
      const results = await Promise.allSettled([1, 2, 3, 4].map((n) => store.storeMessage(msg(n, new Uint8Array(2)), quota)));
      // SQLite commits them in call order; PostgreSQL in whatever order the pool runs them: one is refused
      expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
      const refused = 1 + results.findIndex((r) => r.status === 'rejected');
      expect(await codeOf(store.storeMessage(msg(5, new Uint8Array(2)), quota))).toBe('MAILBOX_FULL_COUNT');
      expect(await codeOf(store.storeMessage(msg(6, new Uint8Array(5)), { maxMessages: 9, maxBytes: 10 }))).toBe('MAILBOX_FULL_BYTES');
      expect((await store.pendingMessages(B, 0, 0, 10)).length).toBe(3);
      expect(await store.queueStats()).toEqual({ messages: 3, bytes: 6 });
      // the refused id was not recorded: a retry once there is room is stored
      await store.ackMessage(B, (await store.pendingMessages(B, 0, 0, 1))[0].guid);
      expect((await store.storeMessage(msg(refused, new Uint8Array(2)), quota)).duplicate).toBe(false);
      await store.close();
    });

    test('group commit: a refused upload in the same commit as a send is undone alone', async () => {
      const store = await withDevices();
      await store.putPreKeys(B, [key(1, 1), key(2, 1), key(4, 1)], 2);
      const [upload, sent] = await Promise.allSettled([
        store.putPreKeys(B, [key(1, 7), key(4, 2), key(4, 3)], 2),
        store.storeMessage(msg(1), QUOTA),
      ]);
      expect(upload.status).toBe('rejected');
      expect(sent.status).toBe('fulfilled');
      expect(await store.preKeyCounts(B)).toEqual({ oneTime: 1, kemOneTime: 0 });
      expect((await store.takeOneTimePreKeys(B))!.signedPreKey.id).toBe(1);
      expect((await store.pendingMessages(B, 0, 0, 10)).length).toBe(1);
      await store.close();
    });

    test('expiry: old messages are not pending, are dropped before the quota check and by deleteExpired', async () => {
      const store = await withDevices();
      await store.storeMessage(msg(1, Uint8Array.of(1), 100), QUOTA);
      await store.storeMessage(msg(2, Uint8Array.of(2), 200), QUOTA);
      expect((await store.pendingMessages(B, 0, 150, 10)).map((m) => m.envelope[0])).toEqual([2]);
      expect(await store.countPending(B, 150)).toBe(1);
      const full = { maxMessages: 2, maxBytes: 100 };
      expect((await store.storeMessage({ ...msg(3, Uint8Array.of(3), 300), expiredBefore: 150 }, full)).duplicate).toBe(false);
      expect(await store.queueStats()).toEqual({ messages: 2, bytes: 2 });
      expect(await store.deleteExpired(250)).toBe(1);
      expect((await store.pendingMessages(B, 0, 0, 10)).map((m) => m.envelope[0])).toEqual([3]);
      expect(await store.queueStats()).toEqual({ messages: 1, bytes: 1 });
      await store.close();
    });

    test('durability: what resolved is there after close and reopen; writes queued before close complete', async () => {
      const { store, location } = await backend.fresh();
      await store.registerDevice(A, Uint8Array.of(1), 0);
      await store.registerDevice(B, Uint8Array.of(2), 0);
      const pending = store.storeMessage(msg(1), QUOTA);
      await store.close();
      const { guid } = await pending;
      const reopened = await backend.reopen(location);
      expect((await reopened.pendingMessages(B, 0, 0, 10)).map((m) => m.guid)).toEqual([guid]);
      expect(await codeOf(store.storeMessage(msg(2), QUOTA))).toBe('SHUTTING_DOWN');
      await reopened.close();
    });
  });
}
