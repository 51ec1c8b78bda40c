/**
 * Sealed sender at the client level (docs/CLIENT.md §8), on the real delivery service in process:
 * the access secret rides with the first authenticated message, replies go sealed over the
 * anonymous connection and are stored without a sender; then every bad sealed message — forged,
 * expired or mismatched certificate, a certificate of another server, truncated, bit-flipped,
 * bad padding — is a typed 'rejected' outcome that leaves sessions, pins, contacts, history and
 * sealed state byte-identical, and the next good message still decrypts.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodeContent, padContent } from '../../src/client/content.ts';
import { awaitAccountData, createLinkedAccount, linkDevice, openLink } from '../../src/client/link-service.ts';
import { DEVICE_TABLE } from '../../src/client/device-service.ts';
import { openAnonymous, sendGroupSealed } from '../../src/client/sealed-send.ts';
import { loadContactSealed, saveContactSealed } from '../../src/client/sealed-state.ts';
import { SealedService } from '../../src/client/sealed-service.ts';
import { SessionService } from '../../src/client/session-service.ts';
import { SqliteRowStore } from '../../src/client/sqlite-store.ts';
import { Sync, type SyncEvent } from '../../src/client/sync.ts';
import type { Connect, Connection } from '../../src/client/transport.ts';
import { createStore } from '../../src/client/unlock.ts';
import { connectWebSocket } from '../../src/client/ws-transport.ts';
import type { Request } from '../../src/wire/requests.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { decodeIdentitySecret, generateIdentity } from '../../src/protocol/identity.ts';
import {
  issueSenderCertificate,
  sendSealed,
  type SenderCertificate,
} from '../../src/protocol/sealed-sender/index.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { defaultRandom } from '../../src/util/random.ts';
import { Device, startTestServer } from './harness.ts';
import { tempDir } from './store-helpers.ts';

let dir: string;
let cleanup: () => void;
let server: RunningServer;
let alice: SessionService;
let bob: SessionService;

/** Opens a sealed-enabled sync for `svc` (as a CLI run would), runs `fn`, closes it. */
async function withSync<T>(svc: SessionService, fn: (s: Sync) => Promise<T>, events: SyncEvent[] = []): Promise<T> {
  const sync = await Sync.open(svc, connectWebSocket, server.url, { sealed: true, onEvent: (e) => events.push(e) });
  try {
    return await fn(sync);
  } finally {
    sync.close();
  }
}

const TABLES = ['sessions', 'trust', 'contacts', 'history', 'sealed', 'prekeys', 'identity'];
function snapshot(svc: SessionService): string {
  return JSON.stringify(TABLES.map((t) => svc.store.list(t).map((r) => [r.key, Buffer.from(r.value).toString('hex')])));
}

function errorCode(e: unknown): string {
  return (e as { code?: string }).code ?? String(e);
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('sealed-client'));
  server = await startTestServer(dir);
  const open = async (name: string) => {
    const d = await Device.create(name, dir);
    const svc = await d.service();
    const sync = await Sync.open(svc, connectWebSocket, server.url, { register: true, sealed: true, oneTimeTarget: 3 });
    sync.close();
    svc.store.close();
    return d.service(); // a new process would reload the account row that `register` updated
  };
  alice = await open('alice');
  bob = await open('bob');
}, 120_000);

afterAll(async () => {
  alice?.store.close();
  bob?.store.close();
  await server?.close();
  cleanup?.();
});

describe('sealed sender in the client — docs/CLIENT.md §8', () => {
  test('first message authenticated carrying the access secret; the reply goes sealed, stored with no sender', async () => {
    const aliceSealed = new SealedService(alice);
    const bobSealed = new SealedService(bob);
    const fallbacks: SyncEvent[] = [];
    await withSync(alice, (s) => s.send('bob', 'hello bob'), fallbacks);
    expect(fallbacks.flatMap((e) => (e.type === 'authenticatedFallback' ? [e.reason] : []))).toEqual(['no access key from the contact yet']);
    expect(aliceSealed.accessKeyDue('bob')).toBe(false); // queued and sent with the first message
    const bobEvents: SyncEvent[] = [];
    await withSync(bob, (s) => s.pump('empty'), bobEvents);
    const kinds = bobEvents.flatMap((e) => (e.type === 'delivery' ? [e.outcome.kind] : []));
    expect(kinds).toEqual(['message']); // the text, with alice's access secret in the same envelope
    expect(bob.history('alice').map((h) => h.body)).toEqual(['hello bob']);
    expect(bobSealed.reachableSealed('alice')).toBe(true);
    const bobSent: SyncEvent[] = [];
    const reply = await withSync(bob, (s) => s.send('alice', 'hello alice, sealed'), bobSent);
    expect(bobSent.filter((e) => e.type === 'authenticatedFallback')).toEqual([]);
    expect(bobSealed.sealedOutbox()).toEqual([]);
    // the server stored it (with bob's access secret inside) with no sender
    const db = new Database(join(dir, 'server.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT sender_username, sender_device_id FROM messages WHERE username = 'alice'").all();
    db.close();
    expect(rows).toEqual([{ sender_username: null, sender_device_id: null }]);
    const events: SyncEvent[] = [];
    await withSync(alice, (s) => s.pump('empty'), events);
    const delivered = events.flatMap((e) => (e.type === 'delivery' ? [e.outcome] : []));
    expect(delivered.map((o) => o.kind)).toEqual(['message']);
    expect(alice.history('bob').map((h) => [h.direction, h.body, h.id])).toEqual([
      ['out', 'hello bob', expect.any(String)],
      ['in', 'hello alice, sealed', reply.id],
    ]);
    // alice now holds bob's access secret, and fetches bob's sealed key on her next send
    expect(aliceSealed.reachableSealed('bob')).toBe(true);
    await withSync(alice, (s) => s.send('bob', 'sealed too'), fallbacks);
    expect(fallbacks.filter((e) => e.type === 'authenticatedFallback')).toHaveLength(1);
  }, 60_000);

  test('forged, expired, mismatched and foreign certificates, truncated, flipped, bad padding: rejected, nothing changes; the next good one decrypts', async () => {
    const suite = defaultSuite;
    const ctx = alice.ctx;
    const now = Date.now();
    // the server's signing identity, read from its store (the test plays a compromised issuer)
    const db = new Database(join(dir, 'server.sqlite'), { readonly: true });
    const serverSecret = (db.prepare('SELECT secret FROM server_identity').get() as { secret: Buffer }).secret;
    db.close();
    const serverKey = decodeIdentitySecret(suite, new Uint8Array(serverSecret));
    const other = generateIdentity(suite, defaultRandom);
    const aliceIdentity = ctx.identity.getLocalIdentity().publicKey;
    const good = new SealedService(alice).certificate()!;
    const issue = (by: typeof serverKey, identity = aliceIdentity, at = now) =>
      issueSenderCertificate(suite, by, { username: 'alice', deviceId: 1, identity }, at, defaultRandom);
    const forged: SenderCertificate = { ...good, signature: good.signature.slice() };
    forged.signature[100] ^= 1;
    expect(new SealedService(alice).needsSealedKey('bob')).toBe(false); // bob's key is fetched and fresh
    const recipient = {
      identity: bob.ctx.identity.getLocalIdentity().publicKey,
      sealedKey: (new SealedService(alice) as unknown as { recipientKey(n: string): never }).recipientKey('bob'),
    };
    const seal = (cert: SenderCertificate, plaintext = padContent(encodeContent({ id: 'x', timestamp: now, body: 'bad' }))) =>
      sendSealed(ctx, 'bob.1', plaintext, recipient, cert);
    const valid = seal(good);
    const flipped = valid.slice();
    flipped[valid.length - 40] ^= 1;
    const cases: [string, Uint8Array, string][] = [
      ['forged signature', seal(forged), 'BAD_SIGNATURE'],
      ['expired', seal(issue(serverKey, aliceIdentity, now - 25 * 3_600_000)), 'CERTIFICATE_EXPIRED'],
      ['mismatched identity', seal(issue(serverKey, other.publicKey)), 'SENDER_MISMATCH'],
      ['another server', seal(issue(other)), 'WRONG_SERVER'],
      ['truncated', valid.subarray(0, 1000), 'TRUNCATED'],
      ['bit-flipped', flipped, 'DECRYPT_FAILED'],
      ['bad inner padding', seal(good, encodeContent({ id: 'x', timestamp: now, body: 'unpadded' })), 'BAD_PADDING'],
    ];
    let guid = 1_000_000;
    const sealedSvc = new SealedService(bob);
    for (const [what, envelope, code] of cases) {
      const before = snapshot(bob);
      const outcome = sealedSvc.processSealed({ guid: ++guid, serverTimestamp: now, clientMessageId: new Uint8Array(16), envelope });
      expect([what, outcome.kind, outcome.kind === 'rejected' ? errorCode(outcome.error) : '']).toEqual([what, 'rejected', code]);
      expect(snapshot(bob)).toBe(before);
    }
    expect(guid - 1_000_000).toBe(7);
    const fine = seal(good, padContent(encodeContent({ id: 'good', timestamp: now, body: 'still works' })));
    const outcome = sealedSvc.processSealed({ guid: ++guid, serverTimestamp: now, clientMessageId: new Uint8Array(16), envelope: fine });
    expect(outcome.kind === 'message' && [outcome.message.peer, outcome.message.body]).toEqual(['alice', 'still works']);
  });

  test('sizes: 1,000 random text lengths 0..4096 give at most the 20 stored sizes of PROTOCOL.md §13.12', () => {
    const aliceSealed = new SealedService(alice);
    const recipient = {
      identity: bob.ctx.identity.getLocalIdentity().publicKey,
      sealedKey: (aliceSealed as unknown as { recipientKey(n: string): never }).recipientKey('bob'),
    };
    const certificate = aliceSealed.certificate()!;
    let x = 12345; // LCG (Numerical Recipes), deterministic lengths
    const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
    const sizes = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const body = 'a'.repeat(next() % 4097);
      const content = encodeContent({ id: 'f'.repeat(32), timestamp: Date.now(), body });
      sizes.add(sendSealed(alice.ctx, 'bob.1', padContent(content), recipient, certificate).length);
    }
    expect(sizes.size).toBeGreaterThan(10); // the lengths do spread over buckets
    expect(sizes.size).toBeLessThanOrEqual(20);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(4855);
  }, 120_000);

  test('GROUP_SEND_SEALED from the client: the combined key of the accounts admits one opaque envelope, stored with no sender', async () => {
    const aliceSealed = new SealedService(alice);
    const bobSealed = new SealedService(bob);
    expect(aliceSealed.combinedAccessKey(['bob', 'bob'])).toEqual(bobSealed.verifier()); // each account once
    expect(aliceSealed.combinedAccessKey(['bob', 'carol'])).toBeUndefined(); // carol's key is unknown
    const conn = await openAnonymous(aliceSealed, connectWebSocket, server.url);
    const send = {
      recipients: [{ username: 'bob', deviceId: 1 }, { username: 'bob', deviceId: 9 }],
      clientMessageId: new Uint8Array(16).fill(0x5a),
      accessKey: aliceSealed.combinedAccessKey(['bob'])!,
      envelope: Uint8Array.of(1, 2, 3),
    };
    try {
      const first = await sendGroupSealed(conn, send);
      expect(first.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['stored', 'UNKNOWN_ADDRESS']);
      const again = await sendGroupSealed(conn, send);
      expect(again.map((r) => r.status)).toEqual(['duplicate', 'refused']);
      const wrong = await sendGroupSealed(conn, { ...send, accessKey: new Uint8Array(32) }).catch(errorCode);
      expect(wrong).toBe('ACCESS_DENIED');
    } finally {
      conn.close();
    }
    const db = new Database(join(dir, 'server.sqlite'), { readonly: true });
    const rows = db.prepare("SELECT sender_username, sender_device_id, hex(envelope) AS e FROM messages WHERE username = 'bob' AND envelope = x'010203'").all();
    db.close();
    expect(rows).toEqual([{ sender_username: null, sender_device_id: null, e: '010203' }]);
  }, 60_000);

  test('bob links a second device: the stale sealed send of alice gets DEVICE_MISMATCH, is re-fanned and retried; both devices read it', async () => {
    const identity = generateIdentity(defaultSuite, defaultRandom);
    const guest = await connectWebSocket(server.url);
    await guest.nextPush();
    const link = await openLink(guest, defaultSuite, defaultRandom, identity);
    await withSync(bob, (s) => linkDevice(s.conn, bob, link.code));
    const data = await awaitAccountData(guest, defaultSuite, link, identity, { timeoutMs: 0, now: Date.now });
    guest.close();
    const rows = new SqliteRowStore(join(dir, 'bob-2.sqlite'), { create: true });
    const store = await createStore(rows, { kind: 'keyfile', key: defaultRandom(32) }, undefined, defaultRandom);
    createLinkedAccount(store, identity, data, Date.now());
    const laptopService = () => new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
    (await Sync.open(laptopService(), connectWebSocket, server.url, { register: true, sealed: true, oneTimeTarget: 3 })).close();
    const laptop = laptopService(); // registered, its sealed key uploaded
    // alice's view of bob is one device: her first attempt is refused, the second carries both
    const ops: string[] = [];
    const recordOps: Connect = async (url) => {
      const c = await connectWebSocket(url);
      const request = ((r: Request) => {
        ops.push(r.op);
        return c.request(r);
      }) as Connection['request'];
      return { request, nextPush: () => c.nextPush(), close: () => c.close() };
    };
    const events: SyncEvent[] = [];
    const sync = await Sync.open(alice, recordOps, server.url, { sealed: true, onEvent: (e) => events.push(e) });
    let entry;
    try {
      entry = await sync.send('bob', 'to both of your devices');
    } finally {
      sync.close();
    }
    expect(events.filter((e) => e.type === 'authenticatedFallback' || e.type === 'undeliverable')).toEqual([]);
    expect(ops.filter((o) => o.startsWith('sendSealed'))).toEqual(['sendSealedMulti', 'sendSealedMulti']);
    // alice's own list (every connection), then bob's on the mismatch, then the new device's sealed key
    expect(ops.filter((o) => o === 'fetchDeviceList' || o === 'fetchSealedKey')).toEqual(['fetchDeviceList', 'fetchDeviceList', 'fetchSealedKey']);
    const db = new Database(join(dir, 'server.sqlite'), { readonly: true });
    const stored = db
      .prepare('SELECT device_id, sender_username, sender_device_id FROM messages WHERE username = ? AND client_message_id = ? ORDER BY device_id')
      .all('bob', Buffer.from(entry.id, 'hex'));
    db.close();
    expect(stored).toEqual([
      { device_id: 1, sender_username: null, sender_device_id: null },
      { device_id: 2, sender_username: null, sender_device_id: null },
    ]);
    for (const svc of [bob, laptop]) {
      const got: SyncEvent[] = [];
      await withSync(svc, (s) => s.pump('empty'), got);
      const messages = got.flatMap((e) => (e.type === 'delivery' && e.outcome.kind === 'message' ? [e.outcome] : []));
      const last = messages.map((o) => [o.message.peer, o.message.body, o.firstContact]).slice(-1); // bob.1 had one unread
      expect(last).toEqual([['alice', 'to both of your devices', false]]);
    }
    // The laptop writes to alice sealed (it holds her access secret, as bob.1 does), while alice's
    // copy of bob's list predates the link (dropped here): her client refreshes the list on the
    // 'unlisted' certificate and accepts the message instead of rejecting it.
    saveContactSealed(laptop.store, 'alice', loadContactSealed(bob.store, 'alice'));
    const laptopEvents: SyncEvent[] = [];
    await withSync(laptop, (s) => s.send('alice', 'sealed from the laptop'), laptopEvents);
    expect(laptopEvents.filter((e) => e.type === 'authenticatedFallback' || e.type === 'undeliverable')).toEqual([]);
    alice.store.transaction(() => alice.store.delete(DEVICE_TABLE.LISTS, 'bob'));
    expect(alice.devices.devicesOf('bob').map((d) => d.deviceId)).toEqual([1]);
    const aliceEvents: SyncEvent[] = [];
    await withSync(alice, (s) => s.pump('empty'), aliceEvents);
    const fromLaptop = aliceEvents.flatMap((e) => (e.type === 'delivery' ? [e.outcome] : []));
    expect(fromLaptop.map((o) => (o.kind === 'message' ? [o.message.peer, o.message.body] : [o.kind]))).toEqual([['bob', 'sealed from the laptop']]);
    expect(alice.devices.devicesOf('bob').map((d) => d.deviceId)).toEqual([1, 2]);
  }, 120_000);
});
