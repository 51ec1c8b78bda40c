/**
 * Differential test: the same conversation, driven by the same deterministic RandomSource, on
 * pqmsg's own primitives and on the noble-backed oracle suite must give byte-identical messages
 * and byte-identical serialized states at every step.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ratchetDecrypt, ratchetEncrypt } from '../../../src/protocol/ratchet/double-ratchet.ts';
import { encodeRatchetState } from '../../../src/protocol/ratchet/state-codec.ts';
import type { Suite } from '../../../src/protocol/suite.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { enc, newPair, oracleSuite, suite } from './helpers.ts';

/** Runs a schedule (Alice or Bob sends; newest-first delivery) and records every byte. */
function transcript(on: Suite, schedule: [boolean, boolean][], seed: number): string[] {
  const p = newPair(`crosscheck-${seed}`, on);
  const st = [p.alice, p.bob];
  const inbox: Uint8Array[][] = [[], []];
  const out: string[] = [toHex(encodeRatchetState(st[0])), toHex(encodeRatchetState(st[1]))];
  for (const [aliceSends, deliver] of schedule) {
    const from = aliceSends ? 0 : 1;
    if (st[from].chainKeySend !== null) {
      const r = ratchetEncrypt(on, st[from], enc(`m${out.length}`), p.ad, p.random);
      st[from] = r.state;
      inbox[1 - from].push(r.message);
      out.push(toHex(r.message));
    }
    const to = 1 - from;
    if (deliver && inbox[to].length > 0) {
      const r = ratchetDecrypt(on, st[to], inbox[to].pop()!, p.ad, p.random);
      st[to] = r.state;
      out.push(toHex(r.plaintext), toHex(encodeRatchetState(st[to])));
    }
  }
  return out;
}

const schedule = fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 5, maxLength: 30 });

describe('ratchet crosscheck: pqmsg primitives vs @noble (identical transcripts)', () => {
  test('the suites differ (the test compares two implementations)', () => {
    expect(suite.name).not.toBe(oracleSuite.name);
  });

  test('random conversations give byte-identical messages and states', () => {
    let recorded = 0;
    fc.assert(
      fc.property(schedule, fc.integer(), (steps, seed) => {
        const ours = transcript(suite, steps, seed);
        const theirs = transcript(oracleSuite, steps, seed);
        expect(ours).toEqual(theirs);
        recorded += ours.length;
      }),
      { numRuns: 20 },
    );
    expect(recorded).toBeGreaterThan(200);
  });
});
