/**
 * Model-based property test at the session layer (issue #6 item 8): random schedules of sends in
 * both directions, through a network that loses, reorders, duplicates and forges envelopes —
 * including the PREKEY phase, where Alice repeats the handshake header until Bob replies — and
 * extra session starts by either side at any time (simultaneous initiation when Bob starts before
 * Alice's first message reaches him; a restart otherwise), handled by the session record's
 * archived sessions and promotion (PROTOCOL.md §6.2).
 * Checks: every genuine envelope decrypts exactly once, to its plaintext, on first delivery; every
 * duplicate and forgery is rejected with a typed error; and no failure changes any state (Bob's and
 * Alice's serialized session records, one-time prekeys, trust records).
 * Schedules have at most 4 changes of direction, so the ratchet's 5-chain skipped-key bound is never
 * what rejects a late genuine message (the ratchet's own model test covers the bounds), and at most
 * 3 session starts, so no session is evicted from the archive (5).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import type { PreKeyRecord } from '../../src/protocol/prekeys.ts';
import { receiveMessage, sendMessage, startSession } from '../../src/protocol/session-cipher.ts';
import { MemoryPreKeyStore, MemorySessionStore, MemoryTrustStore } from '../../src/storage/memory.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0, type Device } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';

const rnd = detRandom('session model');
const aliceBase = makeDevice(SUITE, 'alice.1', rnd, { oneTime: 2, kemOneTime: 1 });
const bobBase = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 3, kemOneTime: 1 });
const records = (d: Device): PreKeyRecord[] => [d.signedPreKey, d.lastResort, ...d.ctx.prekeys.listPreKeys(PREKEY_ROLE.ONE_TIME), ...d.ctx.prekeys.listPreKeys(PREKEY_ROLE.KEM_ONE_TIME)];
const aliceRecords = records(aliceBase);
const bobRecords = records(bobBase);
/** Bundles handed out in order, one per session start (the first with an OPK and a PQOPK). */
const bundles = { bob: [0, 1, 2].map(() => fetchBundle(bobBase)), alice: [0, 1].map(() => fetchBundle(aliceBase)) };
const MAX_STARTS = 3;

/** Fresh stores for one run (prekey secrets copied: consumption wipes them). */
function fresh(base: Device, records: PreKeyRecord[], label: string): Device {
  const prekeys = new MemoryPreKeyStore();
  for (const r of records) prekeys.storePreKey({ ...r, keyPair: { publicKey: r.publicKey, secretKey: r.keyPair.secretKey.slice() } });
  const ctx = { ...base.ctx, prekeys, sessions: new MemorySessionStore(), trust: new MemoryTrustStore(), random: detRandom(label) };
  return { ...base, ctx };
}

type Op =
  | { kind: 'send'; count: number }
  | { kind: 'turn' }
  | { kind: 'start'; byBob: boolean }
  | { kind: 'deliver'; pick: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'forge'; pick: number; pos: number; bit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('send' as const), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'turn' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('start' as const), byBob: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forge' as const), pick: fc.nat(), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
);

interface InFlight {
  to: 'alice' | 'bob';
  bytes: Uint8Array;
  plaintext: string;
  delivered: boolean;
}

const totals = { runs: 0, genuine: 0, duplicates: 0, forgeries: 0, prekeyEnvelopes: 0, starts: 0, bobFirst: 0, newSessions: 0, promotions: 0 };

function snapshot(d: Device, peer: string): string {
  const s = d.ctx.sessions.loadSession(peer);
  const t = d.ctx.trust.loadTrust(peer);
  const live = [PREKEY_ROLE.ONE_TIME, PREKEY_ROLE.KEM_ONE_TIME].map((r) => d.ctx.prekeys.listPreKeys(r).map((k) => k.id).join(','));
  return `${s ? toHex(s) : '-'}|${t ? toHex(t.identity) + t.verified + (t.pendingChange ? 'pending' : '') : '-'}|${live}`;
}

function runSchedule(ops: Op[], seed: number): void {
  const alice = fresh(aliceBase, aliceRecords, `model alice ${seed}`);
  const bob = fresh(bobBase, bobRecords, `model bob ${seed}`);
  const peers = { alice: { me: alice, peer: 'bob.1' }, bob: { me: bob, peer: 'alice.1' } };
  startSession(alice.ctx, 'bob.1', bundles.bob[0], T0);
  const started = { alice: 1, bob: 0 };
  const pool: InFlight[] = [];
  let sender: 'alice' | 'bob' = 'alice';
  let turns = 0;
  let counter = 0;
  const expectRejected = (m: InFlight, bytes: Uint8Array, allowed: string[]) => {
    const { me, peer } = peers[m.to];
    const before = snapshot(me, peer);
    let code = 'accepted';
    try {
      receiveMessage(me.ctx, peer, bytes, T0);
    } catch (e) {
      code = (e as { code?: string }).code ?? 'untyped';
    }
    expect(allowed).toContain(code);
    expect(snapshot(me, peer)).toBe(before);
  };
  for (const op of ops) {
    if (op.kind === 'turn') {
      if (turns < 4) {
        sender = sender === 'alice' ? 'bob' : 'alice';
        turns++;
      }
    } else if (op.kind === 'start') {
      const who = op.byBob ? 'bob' : 'alice';
      if (started.alice + started.bob < MAX_STARTS) {
        const { me, peer } = peers[who];
        if (who === 'bob' && started.bob === 0 && !me.ctx.sessions.loadSession(peer)) totals.bobFirst++;
        startSession(me.ctx, peer, bundles[who === 'alice' ? 'bob' : 'alice'][started[who]++], T0);
        totals.starts++;
      }
    } else if (op.kind === 'send') {
      const { me, peer } = peers[sender];
      if (!me.ctx.sessions.loadSession(peer)) continue; // Bob speaks only after a first message
      for (let i = 0; i < op.count; i++) {
        const text = `${sender} #${counter++}`;
        const bytes = sendMessage(me.ctx, peer, utf8(text));
        if (bytes[1] === 1) totals.prekeyEnvelopes++;
        pool.push({ to: sender === 'alice' ? 'bob' : 'alice', bytes, plaintext: text, delivered: false });
      }
    } else if (pool.length > 0) {
      const m = pool[op.pick % pool.length];
      if (op.kind === 'deliver' && !m.delivered) {
        const { me, peer } = peers[m.to];
        const { plaintext, newSession, promoted } = receiveMessage(me.ctx, peer, m.bytes, T0);
        expect(new TextDecoder().decode(plaintext)).toBe(m.plaintext);
        totals.newSessions += Number(newSession);
        totals.promotions += Number(promoted);
        m.delivered = true;
        totals.genuine++;
      } else if (op.kind === 'duplicate' && m.delivered) {
        expectRejected(m, m.bytes, ['DUPLICATE_MESSAGE', 'DECRYPT_FAILED']);
        totals.duplicates++;
      } else if (op.kind === 'forge') {
        const bad = m.bytes.slice();
        bad[op.pos % bad.length] ^= 1 << op.bit;
        expectRejected(m, bad, ['DECRYPT_FAILED', 'DUPLICATE_MESSAGE', 'BAD_VERSION', 'BAD_TAG', 'BAD_VALUE', 'TRUNCATED', 'UNKNOWN_VERSION', 'PREKEY_NOT_FOUND', 'PREKEY_REUSED', 'LOW_ORDER', 'BAD_STATE', 'NON_CANONICAL']);
        totals.forgeries++;
      }
    }
  }
  // Finally deliver everything still pending, in pool order: each decrypts exactly once.
  for (const m of pool)
    if (!m.delivered) {
      const { me, peer } = peers[m.to];
      expect(new TextDecoder().decode(receiveMessage(me.ctx, peer, m.bytes, T0).plaintext)).toBe(m.plaintext);
      totals.genuine++;
    }
  totals.runs++;
}

describe('session model: loss, reordering, duplication and forgery, PREKEY phase included', () => {
  // 80 schedules keep this file near 10 s; SLOW=1 runs 400.
  const numRuns = process.env.SLOW === '1' ? 400 : 80;
  test(`${numRuns} random schedules`, () => {
    let seed = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 40 }), (ops) => {
        runSchedule(ops, seed++);
      }),
      { numRuns, seed: 60606 },
    );
    expect(totals.runs).toBe(numRuns);
    expect(totals.genuine).toBeGreaterThan(numRuns * 3);
    expect(totals.duplicates).toBeGreaterThan(0);
    expect(totals.forgeries).toBeGreaterThan(0);
    expect(totals.prekeyEnvelopes).toBeGreaterThan(numRuns);
    expect(totals.starts).toBeGreaterThan(numRuns / 4);
    expect(totals.bobFirst).toBeGreaterThan(0); // simultaneous initiation happened
    expect(totals.promotions).toBeGreaterThan(0); // and archived sessions decrypted
    console.log(`session model: ${JSON.stringify(totals)}`);
  });
});
