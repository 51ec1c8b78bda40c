/**
 * The sealed-sender methods of the ServerStore contract (docs/SERVER.md §12), against every backend
 * in backends.ts: sealed messages stored with no sender and idempotent per (recipient, client id),
 * interleaved in guid order with ordinary ones, quota-checked and expired like them; sealed-sender
 * keys and delivery access replaced per device / account. SQLite only: migration 2 keeps the guid
 * counter of a database that already delivered messages.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../../src/server/sqlite-migrations.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { ServerStore } from '../../src/server/store.ts';
import { BACKENDS } from './backends.ts';
import { tempDir } from './tmp.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const A = { username: 'alice', deviceId: 1 };
const B = { username: 'bob', deviceId: 1 };
const id = (v: number) => new Uint8Array(16).fill(v);
const QUOTA = { maxMessages: 1000, maxBytes: 1 << 20 };

const sealed = (n: number, recipient = B, envelope = Uint8Array.of(n), ts = 1000) => ({
  recipient,
  clientMessageId: id(n),
  envelope,
  serverTimestamp: ts,
  expiredBefore: 0,
});

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function withDevices(): Promise<ServerStore> {
    const { store } = await backend.fresh();
    await store.registerDevice(A, Uint8Array.of(1), 0);
    await store.registerDevice(B, Uint8Array.of(2), 0);
    return store;
  }

  describe(`ServerStore sealed sender — ${backend.name}`, () => {
    test('storeSealedMessage: no sender, idempotent per (recipient, client id), in guid order with ordinary messages', async () => {
      const store = await withDevices();
      const first = await store.storeSealedMessage(sealed(1), QUOTA);
      const plain = await store.storeMessage({ ...sealed(2), sender: A }, QUOTA);
      const second = await store.storeSealedMessage(sealed(3), QUOTA);
      expect([first.duplicate, plain.duplicate, second.duplicate]).toEqual([false, false, false]);
      // a retry with another body stores nothing and answers the first guid
      expect(await store.storeSealedMessage(sealed(1, B, Uint8Array.of(9), 5000), QUOTA)).toEqual({ ...first, duplicate: true });
      // the same client id to another recipient, and the ordinary id space, are separate
      expect((await store.storeSealedMessage(sealed(1, A), QUOTA)).duplicate).toBe(false);
      expect((await store.storeMessage({ ...sealed(1), sender: A }, QUOTA)).duplicate).toBe(false);
      const pending = await store.pendingMessages(B, 0, 0, 10);
      expect(pending.map((m) => m.guid)).toEqual([first.guid, plain.guid, second.guid, pending[3].guid]);
      expect(pending.map((m) => 'sender' in m)).toEqual([false, true, false, true]);
      expect(pending[0]).toEqual({ guid: first.guid, serverTimestamp: 1000, clientMessageId: id(1), envelope: Uint8Array.of(1) });
      expect(await store.countPending(B, 0)).toBe(4);
      expect(await store.queueStats()).toEqual({ messages: 5, bytes: 5 });
      expect(await store.ackMessage(B, first.guid)).toBe(true);
      expect((await store.storeSealedMessage(sealed(1), QUOTA)).duplicate).toBe(true); // outlives delivery
      expect(await codeOf(store.storeSealedMessage(sealed(7, { username: 'carol', deviceId: 1 }), QUOTA))).toBe('UNKNOWN_ADDRESS');
      await store.close();
    });

    test('storeSealedMessage: quotas refuse and store nothing; expiry drops sealed rows and their idempotency records', async () => {
      const store = await withDevices();
      const quota = { maxMessages: 2, maxBytes: 10 };
      await store.storeSealedMessage(sealed(1, B, new Uint8Array(2), 100), quota);
      await store.storeSealedMessage(sealed(2, B, new Uint8Array(2), 200), quota);
      expect(await codeOf(store.storeSealedMessage(sealed(3, B, new Uint8Array(2), 300), quota))).toBe('MAILBOX_FULL_COUNT');
      expect(await codeOf(store.storeSealedMessage(sealed(4, B, new Uint8Array(9), 300), { maxMessages: 9, maxBytes: 10 }))).toBe('MAILBOX_FULL_BYTES');
      expect(await store.queueStats()).toEqual({ messages: 2, bytes: 4 });
      // the expired first message is dropped when the quota matters
      const stored = await store.storeSealedMessage({ ...sealed(3, B, new Uint8Array(2), 300), expiredBefore: 150 }, quota);
      expect(stored.duplicate).toBe(false);
      expect(await store.deleteExpired(250)).toBe(1);
      expect((await store.pendingMessages(B, 0, 0, 10)).map((m) => m.guid)).toEqual([stored.guid]);
      // message 2's idempotency record expired with it: the id is new again
      expect((await store.storeSealedMessage(sealed(2, B, new Uint8Array(2), 400), QUOTA)).duplicate).toBe(false);
      await store.close();
    });

    test('sealed-sender keys: one per device, replaced by an upload; UNKNOWN_ADDRESS for no device', async () => {
      const store = await withDevices();
      expect(await store.sealedKey(B)).toBeUndefined();
      await store.putSealedKey(B, Uint8Array.of(1, 2));
      await store.putSealedKey(A, Uint8Array.of(7));
      await store.putSealedKey(B, Uint8Array.of(3));
      expect([await store.sealedKey(A), await store.sealedKey(B)]).toEqual([Uint8Array.of(7), Uint8Array.of(3)]);
      expect(await codeOf(store.putSealedKey({ username: 'carol', deviceId: 1 }, Uint8Array.of(1)))).toBe('UNKNOWN_ADDRESS');
      expect(await store.sealedKey({ username: 'carol', deviceId: 1 })).toBeUndefined();
      await store.close();
    });

    test('delivery access: one per account, replaced; UNKNOWN_ADDRESS for no account', async () => {
      const store = await withDevices();
      expect(await store.deliveryAccess('bob')).toBeUndefined();
      await store.setDeliveryAccess('bob', { verifier: new Uint8Array(32).fill(1), mode: 'contacts' });
      await store.setDeliveryAccess('alice', { verifier: new Uint8Array(32).fill(2), mode: 'anyone' });
      expect(await store.deliveryAccess('bob')).toEqual({ verifier: new Uint8Array(32).fill(1), mode: 'contacts' });
      await store.setDeliveryAccess('bob', { verifier: new Uint8Array(32).fill(3), mode: 'anyone' });
      expect(await store.deliveryAccess('bob')).toEqual({ verifier: new Uint8Array(32).fill(3), mode: 'anyone' });
      expect(await store.deliveryAccess('alice')).toEqual({ verifier: new Uint8Array(32).fill(2), mode: 'anyone' });
      expect(await codeOf(store.setDeliveryAccess('carol', { verifier: new Uint8Array(32), mode: 'anyone' }))).toBe('UNKNOWN_ADDRESS');
      await store.close();
    });
  });
}

describe('SQLite migration 2 (sealed sender)', () => {
  const tmp = tempDir('sealed-migration');
  afterAll(() => tmp.remove());

  test('rebuilding messages keeps rows and the AUTOINCREMENT counter: no guid is reused after the upgrade', async () => {
    const file = tmp.file('v1.sqlite');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    db.exec("INSERT INTO accounts VALUES ('bob', 0); INSERT INTO devices VALUES ('bob', 1, x'02', 0); INSERT INTO mailboxes VALUES ('bob', 1, 1, 1)");
    const put = db.prepare("INSERT INTO messages (username, device_id, sender_username, sender_device_id, client_message_id, server_timestamp, envelope) VALUES ('bob', 1, 'alice', 1, ?, 1000, x'05')");
    for (let n = 1; n <= 5; n++) put.run(Buffer.from(id(n)));
    db.exec('DELETE FROM messages WHERE guid > 1'); // guids 2..5 delivered and acked
    db.close();
    const store = await openSqliteStore(file);
    const kept = await store.pendingMessages(B, 0, 0, 10);
    expect(kept).toEqual([{ guid: 1, serverTimestamp: 1000, sender: A, clientMessageId: id(1), envelope: Uint8Array.of(5) }]);
    expect((await store.storeSealedMessage(sealed(9), QUOTA)).guid).toBe(6);
    await store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare('SELECT sender_username, sender_device_id FROM messages WHERE guid = 6').get()).toEqual({ sender_username: null, sender_device_id: null });
    raw.close();
  });
});
