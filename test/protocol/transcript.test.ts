import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { nobleSuite } from '../helpers/noble-suite.ts';
import {
  makeTranscript,
  makeTripleRatchetTranscript,
  TRANSCRIPT_FILE,
  TRIPLE_EXTRA_MESSAGES,
  TRIPLE_TRANSCRIPT_FILE,
  type Transcript,
  type TripleTranscript,
} from './helpers/transcript.ts';

const committed = JSON.parse(readFileSync(TRANSCRIPT_FILE, 'utf8')) as Transcript;
const triple = JSON.parse(gunzipSync(readFileSync(TRIPLE_TRANSCRIPT_FILE)).toString('utf8')) as TripleTranscript;

describe('triple-ratchet transcript (test/vectors/triple-ratchet-transcript.json.gz, PROTOCOL.md §9.2)', () => {
  test('the committed file: two epochs completed on both sides, keys agree, no zeroed value', () => {
    expect(triple.messages).toHaveLength(4 + TRIPLE_EXTRA_MESSAGES);
    expect(triple.epochs.alice).toBeGreaterThanOrEqual(2);
    expect(triple.epochs.bob).toBeGreaterThanOrEqual(2);
    const complete = triple.pqSteps.filter((s) => / complete: /.test(s.step));
    for (const e of [1, 2]) {
      const both = complete.filter((s) => s.step.startsWith(`PQ epoch ${e} complete`));
      expect(both.map((s) => s.actor).sort()).toEqual(['alice', 'bob']);
      expect(both[0].values.k_e).toBe(both[1].values.k_e); // both sides derive the same k_e
      expect(both[0].values['root′']).toBe(both[1].values['root′']);
    }
    // Each message's keys, derived by its sender and its receiver: equal in pairs.
    expect(triple.messageKeys).toHaveLength(2 * triple.messages.length);
    const byKey = new Map<string, number>();
    for (const s of triple.messageKeys) byKey.set(s.values.key, (byKey.get(s.values.key) ?? 0) + 1);
    expect([...byKey.values()].every((n) => n === 2)).toBe(true);
    expect(byKey.size).toBe(triple.messages.length);
    expect(new Set(triple.messageKeys.map((s) => s.values.pq_mk)).size).toBe(triple.messages.length);
    for (const s of [...triple.pqSteps, ...triple.messageKeys])
      for (const v of Object.values(s.values)) expect(/^(00)+$/.test(v)).toBe(false);
  });

  test('pqmsg primitives and the noble-backed suite reproduce it byte for byte', () => {
    expect(makeTripleRatchetTranscript(defaultSuite)).toEqual(triple);
    expect(makeTripleRatchetTranscript(nobleSuite)).toEqual(triple);
  });
});

describe('deterministic transcript vectors (test/vectors/pqxdh-transcript.json, PROTOCOL.md §9)', () => {
  test('the committed file is complete: 4 messages, every PQXDH step on both sides, no zeroed value', () => {
    expect(committed.messages).toHaveLength(4);
    expect(committed.messages.map((m) => m.envelope.slice(0, 4))).toEqual(['0101', '0101', '0102', '0102']);
    expect(committed.description).toMatch(/^pqmsg v2/);
    for (const actor of ['alice', 'bob'] as const) {
      const steps = committed.steps.filter((s) => s.actor === actor).map((s) => s.step.split(' ')[0]);
      for (const dh of ['DH1', 'DH2', 'DH3', 'DH4', 'PQXDH', 'AD', 'KDF_RK:', 'KDF_CK:']) expect(steps).toContain(dh);
    }
    let values = 0;
    for (const s of committed.steps)
      for (const v of Object.values(s.values)) {
        expect(v).toMatch(/^([0-9a-f]{2})+$/);
        expect(/^(00)+$/.test(v)).toBe(false); // a wiped array traced by reference would show as zeros
        values++;
      }
    expect(values).toBeGreaterThan(100);
    // Both sides derive the same SK and AD.
    const kdf = committed.steps.filter((s) => s.step.startsWith('PQXDH KDF'));
    expect(kdf).toHaveLength(2);
    expect(kdf[0].values.SK).toBe(kdf[1].values.SK);
  });

  test('pqmsg primitives reproduce the committed transcript byte for byte', () => {
    expect(makeTranscript(defaultSuite)).toEqual(committed);
  });

  test('the noble-backed oracle suite reproduces it byte for byte', () => {
    expect(makeTranscript(nobleSuite)).toEqual(committed);
  });

  test('crosscheck: other RNG labels give identical transcripts on both suites', () => {
    for (const label of ['crosscheck 1', 'crosscheck 2']) {
      const ours = makeTranscript(defaultSuite, label);
      expect(makeTranscript(nobleSuite, label)).toEqual(ours);
      expect(ours.finalSessions.alice).not.toBe(committed.finalSessions.alice);
    }
  });
});
