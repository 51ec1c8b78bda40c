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
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { DeliveredMessage } from '../../src/wire/pushes.ts';
import { World, type Dev, type DeliveryPlan } from './in-process.ts';
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

describe('Sesame fan-out over devices (fast-check)', () => {
  test('exactly once on every current device of the recipient and the sender; nothing elsewhere', async () => {
    let run = 0;
    let checked = 0;
    const done = { add: 0, remove: 0, send: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
        run++;
        const world = await World.create(USERS, { dir, run });
        const { devices } = world;
        const current = (user: string) => world.current(user);
        const open = (d: Dev) => world.open(d);
        for (const a of USERS)
          for (const b of USERS) if (a !== b) await (async () => { const s = await open(world.primary(a)); await s.ensureSession(b); s.close(); })();
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
            await world.link(user);
            done.add++;
          } else if (op.kind === 'remove') {
            const user = USERS[op.user];
            const others = current(user).filter((d) => d.deviceId !== 1);
            if (others.length === 0) continue;
            await world.remove(others[op.device % others.length]);
            done.remove++;
          } else {
            const list = current(USERS[op.user]);
            await world.deliver(list[op.device % list.length], shuffled(op));
          }
        }
        // Quiesce: every outbox flushed, then every mailbox drained, acks no longer lost.
        for (const d of devices.filter((x) => !x.removed)) {
          const s = await open(d);
          await s.flushOutbox();
          s.close();
        }
        world.loseAcks.clear();
        for (let round = 0; round < 3; round++)
          for (const d of devices.filter((x) => !x.removed)) await world.deliver(d);
        for (const d of devices.filter((x) => !x.removed)) expect(await world.pending(d)).toBe(0);
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
        }
        await world.close();
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

/** The delivery plan of a deliver op: minus the lost ones, in a shuffled order, some acks lost. */
function shuffled(op: Extract<Op, { kind: 'deliver' }>): DeliveryPlan {
  return (pending) => {
    let chosen: DeliveredMessage[] = pending.filter((_, i) => !op.lose.includes(i));
    chosen = chosen.map((m, i) => ({ m, k: op.order[i % op.order.length] * 100 + i })).sort((a, b) => a.k - b.k).map((x) => x.m);
    return { chosen, loseAcks: op.ackLose.flatMap((i) => (chosen[i] ? [chosen[i].guid] : [])) };
  };
}
