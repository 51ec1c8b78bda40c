/**
 * A simulated quantum adversary against the triple ratchet (docs/PROTOCOL.md §5.12.8, §11).
 * It records every message, is given every X25519 secret of both parties (a stand-in for
 * computing discrete logarithms) and a snapshot of Alice's full state at some time t. It then runs
 * the protocol itself from the snapshot: it replays Alice's operations with her real X25519 and
 * header-nonce randomness, and its own bytes wherever Alice drew ML-KEM randomness after t.
 * Claims checked: (1) teeth — every later message whose PQ key comes from an epoch whose secret
 * the snapshot holds is decrypted; (2) healing — no message on a later epoch is decrypted, and
 * neither its PQ message key nor its AEAD key is among anything the adversary holds or computed
 * (every 32-byte window of the snapshot, every X25519 secret, every value its own run derived).
 * The same with the snapshot only (no X25519 secrets): the Double Ratchet heals first, before any
 * new epoch (classical post-compromise security still holds).
 */
import { describe, expect, test } from 'vitest';
import type { Suite } from '../../../src/protocol/suite.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import { decodeRatchetState, encodeRatchetState } from '../../../src/protocol/ratchet/state-codec.ts';
import { copyBytes, toHex } from '../../../src/util/bytes.ts';
import { dec, detRandom, enc, newPair, suite as baseSuite } from '../ratchet/helpers.ts';

interface Op {
  party: 0 | 1; // 0 Alice, 1 Bob
  kind: 'send' | 'recv';
  message: number; // index into `messages`
  draws: { bytes: Uint8Array; dh: boolean }[];
}

interface Msg {
  from: 0 | 1;
  bytes: Uint8Array;
  text: string;
  sendEpoch: number;
  key: string; // the sender's AEAD key (hex)
  pqKey: string; // the sender's PQ message key (hex)
}

/** An alternating conversation, recording every draw, X25519 secret, message and key. */
function conversation(label: string, length: number) {
  const dhSecrets: Uint8Array[] = [];
  const suite: Suite = {
    ...baseSuite,
    dh: {
      ...baseSuite.dh,
      keygen: (seed: Uint8Array) => {
        dhSecrets.push(copyBytes(seed));
        return baseSuite.dh.keygen(seed);
      },
    },
  };
  const p = newPair(label, suite);
  const base = detRandom(`${label}/draws`);
  let log: Op['draws'] = [];
  const random = (n: number) => {
    const b = base(n);
    log.push({ bytes: copyBytes(b), dh: false });
    return b; // the caller may wipe it: the log keeps a copy
  };
  const st: RatchetState[] = [p.alice, p.bob];
  const ops: Op[] = [];
  const messages: Msg[] = [];
  const snapshots: Uint8Array[] = []; // Alice's state after each message index (sent and received)
  const run = (party: 0 | 1, kind: Op['kind'], message: number, step: () => void) => {
    log = [];
    const secretsBefore = dhSecrets.length;
    step();
    const fresh = new Set(dhSecrets.slice(secretsBefore).map(toHex));
    for (const d of log) d.dh = d.bytes.length === 32 && fresh.has(toHex(d.bytes));
    ops.push({ party, kind, message, draws: log });
  };
  for (let i = 0; i < length; i++) {
    const from = (i % 2) as 0 | 1;
    const text = `message ${i}`;
    let keys: Record<string, Uint8Array> = {};
    const sendEpoch = st[from].pq.epoch;
    run(from, 'send', i, () => {
      const r = ratchetEncrypt(suite, st[from], enc(text), p.ad, random, (e: TraceEvent) => {
        if (e.values.pq_mk) keys = e.values;
      });
      st[from] = r.state;
      messages.push({ from, bytes: r.message, text, sendEpoch, key: toHex(keys.key), pqKey: toHex(keys.pq_mk) });
    });
    const to = (1 - from) as 0 | 1;
    run(to, 'recv', i, () => {
      const r = ratchetDecrypt(suite, st[to], messages[i].bytes, p.ad, random);
      expect(dec(r.plaintext)).toBe(text);
      st[to] = r.state;
    });
    snapshots.push(encodeRatchetState(st[0]));
  }
  return { p, ops, messages, snapshots, dhSecrets, final: st };
}

/** The largest epoch whose secret a snapshot of `s` holds (its own, or the next one in progress). */
function compromisedEpoch(s: RatchetState): number {
  const holdsNext = ['keySent', 'awaitVector', 'ctSent'].includes(s.pq.phase.kind);
  return s.pq.epoch + (holdsNext ? 1 : 0);
}

/**
 * Runs Alice's operations after message `t` on a copy of her snapshot, with her real header
 * nonces, her real X25519 draws iff `quantum`, and the adversary's own bytes for everything else.
 * Returns, per later message, whether the adversary read it, and everything it computed.
 */
function attack(c: ReturnType<typeof conversation>, t: number, quantum: boolean) {
  const snapshot = c.snapshots[t];
  let shadow = decodeRatchetState(snapshot);
  const own = detRandom(`adversary ${t}`);
  const computed: string[] = [];
  const trace = (e: TraceEvent) => {
    for (const v of Object.values(e.values)) computed.push(toHex(v));
  };
  const read = new Map<number, boolean>();
  for (const op of c.ops.filter((o) => o.party === 0 && o.message > t)) {
    const queue = [...op.draws];
    const replay = (n: number) => {
      const i = queue.findIndex((d) => d.bytes.length === n && (n === 24 || (quantum && d.dh)));
      if (i < 0) return own(n); // ML-KEM seeds and m drawn after t; X25519 draws unless quantum
      return copyBytes(queue.splice(i, 1)[0].bytes);
    };
    const m = c.messages[op.message];
    if (op.kind === 'send') {
      let key = '';
      const r = ratchetEncrypt(baseSuite, shadow, enc('?'), c.p.ad, replay, (e) => {
        trace(e);
        if (e.values.pq_mk) key = toHex(e.values.key);
      });
      shadow = r.state;
      read.set(op.message, key === m.key);
    } else {
      try {
        const r = ratchetDecrypt(baseSuite, shadow, m.bytes, c.p.ad, replay, trace);
        expect(dec(r.plaintext)).toBe(m.text);
        shadow = r.state;
        read.set(op.message, true);
      } catch {
        read.set(op.message, false); // a failed decryption: the adversary keeps its state
      }
    }
  }
  const knowledge = new Set<string>(computed);
  for (let i = 0; i + 32 <= snapshot.length; i++) knowledge.add(toHex(snapshot.subarray(i, i + 32)));
  if (quantum) for (const s of c.dhSecrets) knowledge.add(toHex(s));
  return { read, knowledge };
}

describe('simulated quantum adversary: every X25519 secret + a snapshot of Alice (§5.12.8)', () => {
  const c = conversation('quantum adversary', 320);

  test('the conversation completes several epochs on both sides', () => {
    expect(Math.min(c.final[0].pq.epoch, c.final[1].pq.epoch)).toBeGreaterThanOrEqual(4);
  });

  for (const t of [3, 40, 77, 118, 160]) {
    test(`snapshot after message ${t}: reads until the next epoch it did not see, nothing after`, () => {
      const limit = compromisedEpoch(decodeRatchetState(c.snapshots[t]));
      const { read, knowledge } = attack(c, t, true);
      const later = c.messages.filter((_, i) => i > t);
      const before = later.filter((m) => m.sendEpoch <= limit);
      const after = later.filter((m) => m.sendEpoch > limit);
      expect(before.length).toBeGreaterThan(5);
      expect(after.length).toBeGreaterThan(20);
      // Teeth: everything on an epoch the snapshot holds is read (both directions).
      for (const m of before) expect(read.get(c.messages.indexOf(m))).toBe(true);
      // Healing: nothing on a later epoch is read, and no later key is among what it holds.
      for (const m of after) {
        expect(read.get(c.messages.indexOf(m))).toBe(false);
        expect(knowledge.has(m.pqKey)).toBe(false);
        expect(knowledge.has(m.key)).toBe(false);
      }
      // The search is not vacuous: earlier keys are among what it holds.
      expect(before.some((m) => knowledge.has(m.key))).toBe(true);
    });
  }
});

describe('the same adversary without the X25519 secrets: classical PCS heals before any new epoch', () => {
  const c = conversation('classical adversary', 200);

  for (const t of [40, 118]) {
    test(`snapshot after message ${t}: locked out within a few messages, on the same epoch`, () => {
      const limit = compromisedEpoch(decodeRatchetState(c.snapshots[t]));
      const { read, knowledge } = attack(c, t, false);
      const later = c.messages.map((m, i) => ({ m, i })).filter(({ i }) => i > t);
      const firstMiss = later.find(({ i }) => read.get(i) === false)!;
      expect(read.get(t + 1)).toBe(true); // teeth: Bob's next message still opens
      expect(firstMiss.i - t).toBeLessThanOrEqual(6);
      expect(firstMiss.m.sendEpoch).toBeLessThanOrEqual(limit); // healed by the DH ratchet alone
      for (const { m, i } of later.filter(({ i }) => i >= firstMiss.i)) {
        expect(read.get(i)).toBe(false);
        expect(knowledge.has(m.key)).toBe(false);
      }
    });
  }
});
