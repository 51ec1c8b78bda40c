/**
 * Model-based property test of the triple ratchet (Double Ratchet + PQ ratchet, docs/PROTOCOL.md
 * §5.12): random schedules with loss (0 %, 10 %, 30 %), reordering, duplication and corruption.
 * Every genuine message delivered decrypts to what was sent; every duplicate or corrupted copy is
 * refused with a typed error and leaves the receiver's state byte-identical; after the schedule a
 * lossless exchange always completes a further epoch on both sides (epochs never stall).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import { encodeRatchetState } from '../../../src/protocol/ratchet/state-codec.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { ProtocolError } from '../../../src/util/errors.ts';
import { dec, enc, newPair, suite } from '../ratchet/helpers.ts';

/** Most messages in flight toward one party; older ones count as lost (bounded reordering). */
const WINDOW = 8;

const step = fc.record({
  fromBob: fc.boolean(),
  roll: fc.integer({ min: 0, max: 99 }),
  deliveries: fc.integer({ min: 0, max: 2 }),
  pick: fc.nat(),
  dupRoll: fc.integer({ min: 0, max: 99 }),
  corruptRoll: fc.integer({ min: 0, max: 99 }),
  bit: fc.nat(),
});

interface InFlight {
  bytes: Uint8Array;
  text: string;
}

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function run(seed: number, lossPercent: number, steps: Step[]) {
  const p = newPair(`pq-model-${seed}-${lossPercent}`);
  const st: RatchetState[] = [p.alice, p.bob];
  const inflight: InFlight[][] = [[], []]; // toward Alice (0), toward Bob (1)
  const delivered: InFlight[][] = [[], []];
  const stats = { sent: 0, delivered: 0, refused: 0 };
  let counter = 0;
  const send = (from: number): void => {
    const text = `m${counter++} from ${from}`;
    const r = ratchetEncrypt(suite, st[from], enc(text), p.ad, p.random);
    st[from] = r.state;
    stats.sent++;
    const queue = inflight[1 - from];
    queue.push({ bytes: r.message, text });
    if (queue.length > WINDOW) queue.shift(); // fell out of the window: lost
  };
  const refusedUnchanged = (to: number, bytes: Uint8Array, codes: string[]): void => {
    const before = encodeRatchetState(st[to]);
    try {
      ratchetDecrypt(suite, st[to], bytes, p.ad, p.random);
      throw new Error('a duplicate or corrupted message was accepted');
    } catch (e) {
      if (!(e instanceof ProtocolError) || !codes.includes(e.code)) throw e;
    }
    if (!bytesEqual(encodeRatchetState(st[to]), before)) throw new Error('state changed');
    stats.refused++;
  };
  const deliver = (to: number, m: InFlight): void => {
    const r = ratchetDecrypt(suite, st[to], m.bytes, p.ad, p.random);
    expect(dec(r.plaintext)).toBe(m.text);
    st[to] = r.state;
    delivered[to].push(m);
    stats.delivered++;
  };
  send(0); // Bob cannot send before he has received
  for (const s of steps) {
    const from = s.fromBob && st[1].chainKeySend !== null ? 1 : 0;
    send(from);
    if (s.roll < lossPercent) inflight[1 - from].pop(); // lost in transit
    for (let d = 0; d < s.deliveries; d++) {
      const to = (from + d) % 2 === 0 ? 1 : 0;
      const queue = inflight[to];
      if (queue.length === 0) continue;
      const [m] = queue.splice((s.pick + d) % queue.length, 1); // any in-flight message: reordering
      if (s.corruptRoll < 15) {
        const bad = m.bytes.slice();
        const bit = s.bit % (8 * bad.length);
        bad[bit >> 3] ^= 1 << (bit & 7);
        refusedUnchanged(to, bad, ['DECRYPT_FAILED', 'UNKNOWN_VERSION']);
      }
      deliver(to, m);
      if (s.dupRoll < 15) refusedUnchanged(to, m.bytes, ['DUPLICATE_MESSAGE', 'DECRYPT_FAILED']);
    }
  }
  // Liveness: a lossless alternating exchange completes a further epoch on both sides.
  const start = Math.max(st[0].pq.epoch, st[1].pq.epoch);
  let tail = 0;
  for (; tail < 400 && Math.min(st[0].pq.epoch, st[1].pq.epoch) <= start; tail++) {
    for (const to of [0, 1]) while (inflight[to].length > 0) deliver(to, inflight[to].shift()!);
    const from = tail % 2 === 0 ? 0 : 1;
    if (st[from].chainKeySend === null) continue;
    send(from);
    deliver(1 - from, inflight[1 - from].pop()!);
  }
  expect(Math.min(st[0].pq.epoch, st[1].pq.epoch)).toBeGreaterThan(start);
  expect(Math.abs(st[0].pq.epoch - st[1].pq.epoch)).toBeLessThanOrEqual(1);
  return { stats, tail, epochs: [st[0].pq.epoch, st[1].pq.epoch] };
}

describe('triple ratchet under loss, reordering, duplication and corruption (model-based)', () => {
  for (const loss of [0, 10, 30]) {
    test(`${loss} % loss: agreement, refusals without state change, epochs keep advancing`, () => {
      let runs = 0;
      let refused = 0;
      fc.assert(
        fc.property(fc.integer(), fc.array(step, { minLength: 20, maxLength: 90 }), (seed, steps) => {
          const { stats } = run(seed, loss, steps);
          expect(stats.delivered).toBeGreaterThan(0);
          refused += stats.refused;
          runs++;
        }),
        { numRuns: 12 },
      );
      expect(runs).toBe(12);
      expect(refused).toBeGreaterThan(0); // duplicates and corrupted copies were exercised
    });
  }

  test('a long lossy conversation completes several epochs while it is lossy', () => {
    const steps = Array.from({ length: 500 }, (_, i) => ({
      fromBob: i % 2 === 1,
      roll: (i * 37) % 100,
      deliveries: 1,
      pick: i,
      dupRoll: 99,
      corruptRoll: 99,
      bit: 0,
    }));
    const { epochs } = run(7, 30, steps);
    expect(Math.min(...epochs)).toBeGreaterThanOrEqual(3);
  });
});
