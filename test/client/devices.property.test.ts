/**
 * Property (fast-check), Sesame fan-out (docs/CLIENT.md §9): random schedules over 3 users with up
 * to 3 devices each — devices linked (the real link channel) and removed, sends between users
 * from any device, and deliveries that lose pushes, reorder them, and lose acks (so the server
 * delivers again: duplicates). Once every outbox is flushed and every mailbox drained, each
 * message was shown exactly once on every device of its recipient AND every other device of its
 * sender that was current when it was sent and still is; on no other device (a removed device
 * reads nothing sent after its removal, a device linked later nothing sent before); and nothing
 * was rejected. In process: the real server handlers on SQLite and real sealed client stores.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { createAccount } from '../../src/client/account.ts';
import { awaitAccountData, createLinkedAccount, linkDevice, openLink, removeDevice } from '../../src/client/link-service.ts';
import { SessionService } from '../../src/client/session-service.ts';
import { SqliteRowStore } from '../../src/client/sqlite-store.ts';
import { Sync, type SyncEvent } from '../../src/client/sync.ts';
import type { Connect, Connection } from '../../src/client/transport.ts';
import { createStore } from '../../src/client/unlock.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { generateIdentity } from '../../src/protocol/identity.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { DeliveredMessage, Push } from '../../src/wire/pushes.ts';
import { harness, type Harness } from '../server/fixtures.ts';
import { tempDir } from './store-helpers.ts';

const RUNS = process.env.SLOW ? 20 : 3;
const USERS = ['ann', 'ben', 'cat'] as const;
const { dir, cleanup } = tempDir('devices-property');
afterAll(cleanup);

type Op =
  | { kind: 'send'; from: number; device: number; to: number }
  | { kind: 'add'; user: number }
  | { kind: 'remove'; user: number; device: number }
  | { kind: 'deliver'; user: number; device: number; lose: number[]; ackLose: number[]; order: number[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), from: fc.nat(2), device: fc.nat(2), to: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), user: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), user: fc.nat(2), device: fc.integer({ min: 1, max: 2 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      user: fc.nat(2),
      device: fc.nat(2),
      lose: fc.array(fc.nat(7), { maxLength: 3 }),
      ackLose: fc.array(fc.nat(7), { maxLength: 3 }),
      order: fc.array(fc.nat(1000), { minLength: 8, maxLength: 8 }),
    }),
  },
);

/** One client device: its open service and everything it showed. */
interface Dev {
  readonly user: string;
  readonly deviceId: number;
  /** Re-created after registration (the service reads the account row once). */
  service: SessionService;
  readonly shown: string[];
  readonly events: SyncEvent[];
  removed: boolean;
}

/**
 * An in-process Connection to the handlers: requests go straight to handleRequest; pushes come
 * from `pushes`, which the test fills (so it decides loss and order); acks whose guid is in
 * `loseAcks` vanish on the way (the server keeps the message and delivers it again later).
 */
function inProcess(h: Harness, pushes: Push[], loseAcks: Set<number>): Connect {
  return async () => {
    const session = h.session();
    const queue: Push[] = [{ type: 'challenge', serverIdentity: h.ctx.identity.publicKey, challenge: session.challenge }];
    let started = false;
    const conn: Connection = {
      request: async (req) => {
        if (req.op === 'ack' && loseAcks.has(req.guid)) return { op: 'ack' } as never;
        const out = await handleRequest(h.ctx, session, req);
        if (out.authenticated) session.device = out.authenticated;
        return out.response as never;
      },
      nextPush: async () => {
        if (!started && queue.length === 1) return ((started = true), queue.shift()!);
        const p = pushes.shift();
        if (p === undefined) throw new Error('test: no push queued');
        return p;
      },
      close: () => {},
    };
    return conn;
  };
}

describe('Sesame fan-out over devices (fast-check)', () => {
  test('exactly once on every current device of the recipient and the sender; nothing elsewhere', async () => {
    let run = 0;
    let checked = 0;
    const done = { add: 0, remove: 0, send: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
        run++;
        const h = await harness(await openSqliteStore(join(dir, `server-${run}.sqlite`)));
        const pushes: Push[] = [];
        const loseAcks = new Set<number>();
        const connect = inProcess(h, pushes, loseAcks);
        const devices: Dev[] = [];
        const open = async (d: Dev, register = false) =>
          Sync.open(d.service, connect, 'inproc://', { register, oneTimeTarget: 2, onEvent: (e) => record(d, e) });
        const record = (d: Dev, e: SyncEvent) => {
          d.events.push(e);
          if (e.type === 'delivery' && e.outcome.kind === 'message') d.shown.push(e.outcome.message.body);
        };
        let stores = 0;
        const newStore = async (label: string) =>
          createStore(new SqliteRowStore(join(dir, `${run}-${label}-${++stores}.sqlite`), { create: true }), { kind: 'keyfile', key: defaultRandom(32) }, undefined, defaultRandom);
        for (const user of USERS) {
          const store = await newStore(`${user}-1`);
          createAccount(store, defaultSuite, defaultRandom, user, Date.now());
          const d: Dev = { user, deviceId: 1, service: new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now }), shown: [], events: [], removed: false };
          (await open(d, true)).close();
          d.service = new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
          devices.push(d);
        }
        const current = (user: string) => devices.filter((d) => d.user === user && !d.removed);
        const primary = (user: string) => current(user).find((d) => d.deviceId === 1)!;
        for (const a of USERS)
          for (const b of USERS) if (a !== b) await (async () => { const s = await open(primary(a)); await s.ensureSession(b); s.close(); })();
        /** body → its sending device and the devices that must show it exactly once. */
        const expected = new Map<string, { sender: Dev; targets: Dev[] }>();
        let n = 0;
        for (const op of ops) {
          if (op.kind === 'send') {
            const from = USERS[op.from];
            const to = USERS[(op.from + op.to) % 3];
            const senders = current(from);
            const sender = senders[op.device % senders.length];
            const body = `r${run}-${n++}-${sender.user}.${sender.deviceId}`;
            const s = await open(sender);
            await s.send(to, body);
            s.close();
            expected.set(body, { sender, targets: [...current(to), ...current(from).filter((d) => d !== sender)] });
            done.send++;
          } else if (op.kind === 'add') {
            const user = USERS[op.user];
            if (current(user).length >= 3) continue;
            const identity = generateIdentity(defaultSuite, defaultRandom);
            const guest = await connect('inproc://');
            await guest.nextPush();
            const link = await openLink(guest, defaultSuite, defaultRandom, identity);
            const p = await open(primary(user));
            const { deviceId } = await linkDevice(p.conn, p.service, link.code);
            p.close();
            const data = await awaitAccountData(guest, defaultSuite, link, identity, { timeoutMs: 0, now: Date.now });
            const store = await newStore(`${user}-${deviceId}`);
            createLinkedAccount(store, identity, data, Date.now());
            const d: Dev = { user, deviceId, service: new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now }), shown: [], events: [], removed: false };
            (await open(d, true)).close();
            d.service = new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
            devices.push(d);
            done.add++;
          } else if (op.kind === 'remove') {
            const user = USERS[op.user];
            const others = current(user).filter((d) => d.deviceId !== 1);
            if (others.length === 0) continue;
            const victim = others[op.device % others.length];
            const p = await open(primary(user));
            await removeDevice(p.conn, p.service, victim.deviceId);
            p.close();
            victim.removed = true;
            done.remove++;
          } else {
            const list = current(USERS[op.user]);
            const d = list[op.device % list.length];
            await deliver(h, d, open, pushes, loseAcks, op);
          }
        }
        // Quiesce: every outbox flushed, then every mailbox drained, acks no longer lost.
        for (const d of devices.filter((x) => !x.removed)) {
          const s = await open(d);
          await s.flushOutbox();
          s.close();
        }
        loseAcks.clear();
        for (let round = 0; round < 3; round++)
          for (const d of devices.filter((x) => !x.removed)) await deliver(h, d, open, pushes, loseAcks, undefined);
        for (const d of devices.filter((x) => !x.removed))
          expect(await h.ctx.store.countPending({ username: d.user, deviceId: d.deviceId }, 0)).toBe(0);
        for (const [body, { sender, targets }] of expected) {
          for (const d of devices) {
            const times = d.shown.filter((b) => b === body).length;
            const at = `${d.user}.${d.deviceId}`;
            if (!targets.includes(d) || d.removed) expect([body, at, times]).toEqual([body, at, 0]);
            // A device speaks for its account only while listed (PROTOCOL.md §14.1): what a later
            // removed device sent is shown at most once, and refused once it is off the list.
            else if (sender.removed) expect([body, at, times <= 1]).toEqual([body, at, true]);
            else expect([body, at, times]).toEqual([body, at, 1]);
            checked++;
          }
        }
        const removed = devices.filter((d) => d.removed).map((d) => `${d.user}.${d.deviceId} is not on the device list`);
        for (const d of devices) {
          const bad = d.events.flatMap((e) => (e.type === 'delivery' && (e.outcome.kind === 'rejected' || e.outcome.kind === 'held') ? [e.outcome.error.message] : []));
          expect(bad.filter((m) => !removed.some((r) => m.includes(r)))).toEqual([]);
          d.service.store.close();
        }
        await h.ctx.store.close();
      }),
      {
        numRuns: RUNS,
        // A fixed schedule first: link two devices, lossy and reordered deliveries, a removal.
        examples: [
          [
            [
              { kind: 'add', user: 0 },
              { kind: 'add', user: 1 },
              { kind: 'send', from: 0, device: 0, to: 1 },
              // ann.2 and ben.1 start sessions with each other at once (simultaneous initiation, per pair)
              { kind: 'send', from: 0, device: 1, to: 1 },
              { kind: 'send', from: 1, device: 0, to: 2 },
              { kind: 'send', from: 1, device: 0, to: 2 },
              { kind: 'send', from: 1, device: 1, to: 2 },
              { kind: 'deliver', user: 1, device: 1, lose: [1], ackLose: [0], order: [5, 1, 4, 2, 3, 0, 7, 6] },
              { kind: 'remove', user: 0, device: 1 },
              { kind: 'send', from: 2, device: 0, to: 1 },
              { kind: 'send', from: 0, device: 0, to: 2 },
              { kind: 'send', from: 1, device: 0, to: 2 },
              // ann.2 again: the freed id, a new identity (ben.1 holds a session with the old one)
              { kind: 'add', user: 0 },
              { kind: 'send', from: 1, device: 0, to: 2 },
              { kind: 'send', from: 0, device: 1, to: 1 },
            ],
          ],
        ],
      },
    );
    expect(run).toBe(RUNS); // the fixed example counts as one of the runs
    expect(done.add).toBeGreaterThanOrEqual(2);
    expect(done.remove).toBeGreaterThanOrEqual(1);
    expect(done.send).toBeGreaterThanOrEqual(4);
    expect(checked).toBeGreaterThan(0);
  }, process.env.SLOW ? 900_000 : 120_000);
});

/**
 * Delivers `d`'s pending messages: with `op`, minus the lost ones, in a shuffled order, with some
 * acks lost (they come again later); without, all of them in guid order.
 */
async function deliver(
  h: Harness,
  d: Dev,
  open: (d: Dev) => Promise<Sync>,
  pushes: Push[],
  loseAcks: Set<number>,
  op: Extract<Op, { kind: 'deliver' }> | undefined,
): Promise<void> {
  // This model sends authenticated only (no sealed option): every queued message has a sender.
  const queued = await h.ctx.store.pendingMessages({ username: d.user, deviceId: d.deviceId }, 0, 0, 100);
  const pending = queued.filter((m): m is DeliveredMessage => 'sender' in m);
  expect(pending.length).toBe(queued.length);
  let chosen = pending;
  if (op !== undefined) {
    chosen = pending.filter((_, i) => !op.lose.includes(i));
    chosen = chosen.map((m, i) => ({ m, k: op.order[i % op.order.length] * 100 + i })).sort((a, b) => a.k - b.k).map((x) => x.m);
    for (const i of op.ackLose) if (chosen[i]) loseAcks.add(chosen[i].guid);
  }
  const s = await open(d);
  pushes.length = 0;
  pushes.push(...chosen.map((message) => ({ type: 'message' as const, message })), { type: 'queueEmpty' });
  try {
    await s.pump('empty');
  } finally {
    s.close();
    for (const m of chosen) loseAcks.delete(m.guid);
  }
}
