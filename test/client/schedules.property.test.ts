/**
 * Property (fast-check): under any schedule of sends, receives, crashes at every crash point,
 * store reopenings and server restarts among three clients, once every outbox is flushed and every
 * mailbox drained, each committed message has reached its recipient exactly once, in its sender's
 * order, and every message id went out as one envelope only (no message key used twice).
 * In process: the real server (restarted on the same port and database) and the real SQLite stores.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CrashPoint } from '../../src/client/crash-points.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { Device, SimulatedCrash, startTestServer } from './harness.ts';
import { tempDir } from './store-helpers.ts';

/** Schedules per run: modest by default, more with SLOW=1 (STYLE §1.9). */
const RUNS = process.env.SLOW ? 60 : 6;
const NAMES = ['ann', 'ben', 'cat'] as const;
type Name = (typeof NAMES)[number];

type Op =
  | { kind: 'send'; from: number; to: number; crash: CrashPoint | null }
  | { kind: 'receive'; who: number; crash: 'after-receive-commit' | null }
  | { kind: 'restart-server' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      from: fc.nat(2),
      to: fc.integer({ min: 1, max: 2 }), // offset from the sender
      crash: fc.constantFrom(null, null, 'after-send-commit' as const, 'after-transmit' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('receive' as const),
      who: fc.nat(2),
      crash: fc.constantFrom(null, null, 'after-receive-commit' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart-server' as const }) },
);

let dir: string;
let cleanup: () => void;
let server: RunningServer;
let port: number;
const devices = new Map<Name, Device>();

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('schedules'));
  server = await startTestServer(dir);
  port = Number(new URL(server.url).port);
  for (const name of NAMES) {
    const d = await Device.create(name, dir);
    await d.run(server.url, async () => {}, true);
    devices.set(name, d);
  }
}, 120_000);

afterAll(async () => {
  await server.close();
  cleanup();
});

/** Runs fn on a device; a simulated crash is the expected end of that run. */
async function attempt(d: Device, fn: Parameters<Device['run']>[1]): Promise<void> {
  try {
    await d.run(server.url, fn);
  } catch (err) {
    if (!(err instanceof SimulatedCrash)) throw err;
  }
}

describe('client schedules (fast-check)', () => {
  test('exactly once, in per-sender order, one envelope per message id', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        run++;
        let n = 0;
        for (const op of ops) {
          if (op.kind === 'restart-server') {
            await server.close();
            server = await startTestServer(dir, port);
          } else if (op.kind === 'send') {
            const from = devices.get(NAMES[op.from])!;
            const to = NAMES[(op.from + op.to) % 3];
            from.crashAt = op.crash ?? undefined;
            await attempt(from, (sync) => sync.send(to, `r${run}-${from.name}-${n++}`).then(() => {}));
            from.crashAt = undefined;
          } else {
            const who = devices.get(NAMES[op.who])!;
            who.crashAt = op.crash ?? undefined;
            await attempt(who, (sync) => sync.pump('empty'));
            who.crashAt = undefined;
          }
        }
        // Quiesce: flush every outbox, then drain every mailbox.
        for (const d of devices.values()) await d.run(server.url, (sync) => sync.flushOutbox());
        for (const d of devices.values()) await d.run(server.url, (sync) => sync.pump('empty'));
        for (const receiver of NAMES) {
          const got = devices.get(receiver)!.received().filter((m) => m.includes(`:r${run}-`));
          expect(new Set(got).size).toBe(got.length); // nothing twice
          for (const sender of NAMES) {
            if (sender === receiver) continue;
            const svc = await devices.get(sender)!.service();
            const known = svc.listContacts().some((c) => c.name === receiver);
            const committed = (known ? svc.history(receiver) : []).filter(
              (h) => h.direction === 'out' && h.body.startsWith(`r${run}-`),
            );
            expect(committed.every((h) => h.delivered)).toBe(true);
            svc.store.close();
            const fromSender = got.filter((m) => m.startsWith(`${sender}:`));
            expect(fromSender).toEqual(committed.map((h) => `${sender}:${h.body}`));
          }
        }
        for (const d of devices.values()) {
          const kinds = d.events.flatMap((e) => (e.type === 'delivery' ? [e.outcome.kind] : []));
          expect(kinds.filter((k) => k === 'rejected' || k === 'held')).toEqual([]);
          const envelopesById = new Map<string, Set<string>>();
          for (const s of d.sent) envelopesById.set(s.id, (envelopesById.get(s.id) ?? new Set()).add(s.envelope));
          for (const set of envelopesById.values()) expect(set.size).toBe(1);
        }
      }),
      { numRuns: RUNS },
    );
    expect(run).toBe(RUNS);
  }, 600_000);
});
