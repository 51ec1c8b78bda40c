/**
 * Model-based property test of the Double Ratchet (issue #6 item 8): random schedules of sends in
 * both directions with loss, reordering, duplication and injected forgeries (bit flips, random
 * bytes, truncation, messages reflected to their sender). An abstract model — chain numbers and
 * counters only, no cryptography — predicts the outcome of every delivery: the plaintext, or the
 * exact error code (DUPLICATE_MESSAGE, TOO_MANY_SKIPPED, DECRYPT_FAILED, UNKNOWN_VERSION), with
 * keys evicted by the skipped-key bounds. Every failure must leave the serialized state unchanged.
 * Runs are counted and printed; SLOW=1 runs ten times more.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ratchetDecryptWithLimits,
  ratchetEncrypt,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import {
  DEFAULT_LIMITS,
  ENC_HEADER_BYTES,
  MIN_MESSAGE_BYTES,
  RATCHET_MESSAGE_VERSION,
  type RatchetLimits,
} from '../../../src/protocol/ratchet/constants.ts';
import { ProtocolError } from '../../../src/util/errors.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { dec, enc, newPair, snapshot, suite } from './helpers.ts';

const SLOW = process.env.SLOW === '1';

// ---- The abstract model -------------------------------------------------------------------

interface ModelParty {
  sendChain: number; // index of our current sending chain; −1 before we have one
  Ns: number;
  PN: number;
  recvChain: number; // index of the peer's chain we receive on; −1 before the first message
  Nr: number;
  skipped: { chain: number; ns: number[] }[]; // oldest chain first, each in increasing n
}

interface Sent {
  id: number;
  from: 0 | 1;
  chain: number;
  n: number;
  pn: number;
  text: string;
  bytes: Uint8Array;
}

type Outcome = { ok: true; model: ModelParty } | { ok: false; code: string };

const cloneModel = (m: ModelParty): ModelParty => ({
  ...m,
  skipped: m.skipped.map((c) => ({ chain: c.chain, ns: [...c.ns] })),
});
const OK = (model: ModelParty): Outcome => ({ ok: true, model });
const ERR = (code: string): Outcome => ({ ok: false, code });

function addSkipped(m: ModelParty, n: number, limits: RatchetLimits): void {
  const last = m.skipped[m.skipped.length - 1];
  if (last === undefined || last.chain !== m.recvChain) {
    if (m.skipped.length >= limits.maxSkippedChains) m.skipped.shift();
    m.skipped.push({ chain: m.recvChain, ns: [] });
  }
  while (m.skipped.reduce((t, c) => t + c.ns.length, 0) >= limits.maxSkippedKeys) {
    m.skipped[0].ns.shift();
    if (m.skipped[0].ns.length === 0) m.skipped.shift();
  }
  m.skipped[m.skipped.length - 1].ns.push(n);
}

function skipTo(m: ModelParty, until: number, limits: RatchetLimits): boolean {
  if (m.Nr + limits.maxSkip < until) return false;
  if (m.recvChain < 0) return true;
  while (m.Nr < until) addSkipped(m, m.Nr++, limits);
  return true;
}

function takeSkipped(m: ModelParty, chain: number, n: number): boolean {
  const i = m.skipped.findIndex((c) => c.chain === chain);
  if (i < 0) return false;
  const j = m.skipped[i].ns.indexOf(n);
  if (j < 0) return false;
  m.skipped[i].ns.splice(j, 1);
  if (m.skipped[i].ns.length === 0) m.skipped.splice(i, 1);
  return true;
}

/** What receiving a genuine message should do (Double Ratchet rev. 1 §4.6 with pqmsg's bounds). */
function predict(receiver: ModelParty, msg: Sent, limits: RatchetLimits): Outcome {
  const m = cloneModel(receiver);
  const known = m.skipped.some((c) => c.chain === msg.chain);
  if (msg.chain === m.recvChain && m.recvChain >= 0) {
    if (msg.n < m.Nr) return takeSkipped(m, msg.chain, msg.n) ? OK(m) : ERR('DUPLICATE_MESSAGE');
    if (!skipTo(m, msg.n, limits)) return ERR('TOO_MANY_SKIPPED');
    m.Nr++;
    return OK(m);
  }
  if (known) return takeSkipped(m, msg.chain, msg.n) ? OK(m) : ERR('DUPLICATE_MESSAGE');
  if (msg.chain === m.recvChain + 1) {
    if (!skipTo(m, msg.pn, limits)) return ERR('TOO_MANY_SKIPPED');
    m.PN = m.Ns;
    m.Ns = 0;
    m.Nr = 0;
    m.recvChain = msg.chain;
    m.sendChain++;
    if (!skipTo(m, msg.n, limits)) return ERR('TOO_MANY_SKIPPED');
    m.Nr++;
    return OK(m);
  }
  return ERR('DECRYPT_FAILED');
}

// ---- Schedules ----------------------------------------------------------------------------

type Action =
  | { t: 'send'; from: 0 | 1; burst: number }
  | { t: 'deliver'; pick: number }
  | { t: 'replay'; pick: number }
  | { t: 'drop'; pick: number }
  | { t: 'flip'; pick: number; pos: number; bit: number }
  | { t: 'truncate'; pick: number; len: number }
  | { t: 'random'; to: 0 | 1; bytes: Uint8Array; versioned: boolean }
  | { t: 'reflect'; pick: number };

const side = fc.constantFrom<0 | 1>(0, 1);
const pick = fc.nat();
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('send' as const),
      from: side,
      burst: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('deliver' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('drop' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('flip' as const),
      pick,
      pos: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('truncate' as const), pick, len: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('random' as const),
      to: side,
      bytes: fc.uint8Array({ maxLength: 160 }),
      versioned: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reflect' as const), pick }) },
);

const schedule = fc.array(action, { minLength: 20, maxLength: 80 });

const newStats = () => ({
  runs: 0,
  steps: 0,
  delivered: 0,
  duplicates: 0,
  tooMany: 0,
  unknownChain: 0,
  forgeries: 0,
  evicted: 0,
});
let stats = newStats();

/** Runs one schedule against the real ratchet and the model, asserting they agree at every step. */
function runSchedule(actions: Action[], seed: number, limits: RatchetLimits): void {
  const p = newPair(`model-${seed}`);
  const real: RatchetState[] = [p.alice, p.bob];
  const model: ModelParty[] = [
    { sendChain: 0, Ns: 0, PN: 0, recvChain: -1, Nr: 0, skipped: [] },
    { sendChain: -1, Ns: 0, PN: 0, recvChain: -1, Nr: 0, skipped: [] },
  ];
  const sent: Sent[] = [];
  let inFlight: Sent[] = [];
  const decrypted = new Set<number>();
  stats.runs++;

  /** Delivers bytes to `to`; `expected` is the predicted outcome. */
  type Expected = { text: string; model: ModelParty } | { code: string };
  const deliverBytes = (to: 0 | 1, bytes: Uint8Array, expected: Expected) => {
    stats.steps++;
    const before = snapshot(real[to]);
    let result: { state: RatchetState; plaintext: Uint8Array } | undefined;
    let error: unknown;
    try {
      result = ratchetDecryptWithLimits(suite, real[to], bytes, p.ad, p.random, limits);
    } catch (e) {
      error = e;
    }
    if ('code' in expected) {
      expect(result, `expected ${expected.code}`).toBeUndefined();
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(expected.code);
      expect(bytesEqual(snapshot(real[to]), before)).toBe(true); // no failure changes state
      return;
    }
    if (error !== undefined) throw error;
    expect(dec(result!.plaintext)).toBe(expected.text);
    real[to] = result!.state;
    model[to] = expected.model;
    // The model and the real state agree on counters and on the shape of MKSKIPPED.
    expect(real[to].nRecv).toBe(model[to].Nr);
    expect(real[to].nSend).toBe(model[to].Ns);
    expect(real[to].prevChainLength).toBe(model[to].PN);
    const realShape = real[to].skipped.map((c) => [...c.keys.keys()]);
    expect(realShape).toEqual(model[to].skipped.map((c) => c.ns));
  };

  const deliverGenuine = (msg: Sent) => {
    const to = (1 - msg.from) as 0 | 1;
    const out = predict(model[to], msg, limits);
    if (out.ok) {
      expect(decrypted.has(msg.id)).toBe(false); // exactly once
      decrypted.add(msg.id);
      stats.delivered++;
      deliverBytes(to, msg.bytes, { text: msg.text, model: out.model });
    } else {
      if (out.code === 'DUPLICATE_MESSAGE') stats.duplicates++;
      if (out.code === 'TOO_MANY_SKIPPED') stats.tooMany++;
      if (out.code === 'DECRYPT_FAILED') stats.unknownChain++;
      if (!decrypted.has(msg.id) && out.code !== 'TOO_MANY_SKIPPED') stats.evicted++;
      deliverBytes(to, msg.bytes, { code: out.code });
    }
  };

  /** A tampered copy of a genuine message whose header is intact but body is not. */
  const bodyForgeryCode = (msg: Sent): string => {
    const out = predict(model[1 - msg.from], msg, limits);
    return out.ok ? 'DECRYPT_FAILED' : out.code;
  };

  for (const a of actions) {
    if (a.t === 'send') {
      for (let i = 0; i < a.burst; i++) {
        const m = model[a.from];
        const text = `#${sent.length} from ${a.from === 0 ? 'Alice' : 'Bob'}`;
        if (m.sendChain < 0) {
          const attempt = () => ratchetEncrypt(suite, real[a.from], enc(text), p.ad, p.random);
          expect(attempt).toThrow(/no sending chain/);
          break;
        }
        const r = ratchetEncrypt(suite, real[a.from], enc(text), p.ad, p.random);
        real[a.from] = r.state;
        const msg: Sent = {
          id: sent.length,
          from: a.from,
          chain: m.sendChain,
          n: m.Ns,
          pn: m.PN,
          text,
          bytes: r.message,
        };
        m.Ns++;
        sent.push(msg);
        inFlight.push(msg);
      }
      continue;
    }
    if (a.t === 'random') {
      stats.forgeries++;
      const bytes = a.bytes.slice();
      if (a.versioned && bytes.length > 0) bytes[0] = RATCHET_MESSAGE_VERSION;
      const versionOk = bytes.length === 0 || bytes[0] === RATCHET_MESSAGE_VERSION;
      const code = versionOk ? 'DECRYPT_FAILED' : 'UNKNOWN_VERSION';
      deliverBytes(a.to, bytes, { code });
      continue;
    }
    if (a.t === 'deliver' || a.t === 'drop') {
      if (inFlight.length === 0) continue;
      const msg = inFlight[a.pick % inFlight.length];
      inFlight = inFlight.filter((m) => m !== msg);
      if (a.t === 'deliver') deliverGenuine(msg);
      continue;
    }
    if (sent.length === 0) continue;
    const msg = sent[a.pick % sent.length];
    if (a.t === 'replay') {
      deliverGenuine(msg); // a message delivered before, or one still in flight (then it is early)
    } else if (a.t === 'flip') {
      stats.forgeries++;
      const pos = a.pos % msg.bytes.length;
      const bytes = msg.bytes.slice();
      bytes[pos] ^= 1 << a.bit;
      const inHeader = pos < ENC_HEADER_BYTES;
      const code = pos === 0 ? 'UNKNOWN_VERSION' : inHeader ? 'DECRYPT_FAILED' : bodyForgeryCode(msg);
      deliverBytes((1 - msg.from) as 0 | 1, bytes, { code });
    } else if (a.t === 'truncate') {
      stats.forgeries++;
      const len = a.len % msg.bytes.length;
      const code = len < MIN_MESSAGE_BYTES ? 'DECRYPT_FAILED' : bodyForgeryCode(msg);
      deliverBytes((1 - msg.from) as 0 | 1, msg.bytes.slice(0, len), { code });
    } else {
      stats.forgeries++;
      deliverBytes(msg.from, msg.bytes, { code: 'DECRYPT_FAILED' }); // reflected to its sender
    }
  }
  // Finally deliver everything still in flight, in order: the model predicts each outcome.
  for (const msg of inFlight) deliverGenuine(msg);
}

const SMALL: RatchetLimits = { maxSkip: 6, maxSkippedKeys: 8, maxSkippedChains: 2 };

describe('Double Ratchet model-based test (loss, reordering, duplication, forgeries)', () => {
  // Runs are counted (≈ 28 deliveries each) and printed for the record; SLOW=1 runs 10× more.
  test('small bounds (MAX_SKIP 6, 8 keys, 2 chains): bounds and eviction are reached often', () => {
    stats = newStats();
    fc.assert(
      fc.property(schedule, fc.integer(), (actions, seed) => {
        runSchedule(actions, seed, SMALL);
      }),
      { numRuns: SLOW ? 1500 : 150 },
    );
    console.log(`ratchet model test, small bounds: ${JSON.stringify(stats)}`);
    expect(stats.runs).toBe(SLOW ? 1500 : 150);
    // The schedules do reach every outcome the model distinguishes.
    expect(stats.delivered).toBeGreaterThan(SLOW ? 10000 : 1000);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.tooMany).toBeGreaterThan(0);
    expect(stats.evicted).toBeGreaterThan(0);
    expect(stats.unknownChain).toBeGreaterThan(0);
    expect(stats.forgeries).toBeGreaterThan(0);
  });

  test('the v1 bounds (MAX_SKIP 1000, 2000 keys, 5 chains)', () => {
    stats = newStats();
    fc.assert(
      fc.property(schedule, fc.integer(), (actions, seed) => {
        runSchedule(actions, seed, DEFAULT_LIMITS);
      }),
      { numRuns: SLOW ? 500 : 50 },
    );
    console.log(`ratchet model test, v1 bounds: ${JSON.stringify(stats)}`);
    expect(stats.runs).toBe(SLOW ? 500 : 50);
    expect(stats.delivered).toBeGreaterThan(SLOW ? 3000 : 300);
    expect(stats.duplicates).toBeGreaterThan(0);
  });
});
