import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import {
  decodeRatchetState,
  encodeRatchetState,
  wipeRatchetState,
} from '../../../src/protocol/ratchet/state-codec.ts';
import { RATCHET_STATE_VERSION } from '../../../src/protocol/ratchet/constants.ts';
import { concatBytes } from '../../../src/util/bytes.ts';
import { Writer } from '../../../src/wire/codec.ts';
import { writePqState } from '../../../src/protocol/pq-ratchet/state-codec.ts';
import { enc, expectCode, newPair, suite } from './helpers.ts';

/** Length of the PQ ratchet part of a serialized state. */
function pqBytes(s: RatchetState): number {
  const w = new Writer();
  writePqState(w, s.pq);
  return w.finish().length;
}

/** A conversation with skipped keys on two chains, so every optional field is present. */
function busyStates(): { alice: RatchetState; bob: RatchetState; p: ReturnType<typeof newPair> } {
  const p = newPair('codec-busy');
  let { alice, bob } = p;
  const sendA = (t: string) => {
    const r = ratchetEncrypt(suite, alice, enc(t), p.ad, p.random);
    alice = r.state;
    return r.message;
  };
  const sendB = (t: string) => {
    const r = ratchetEncrypt(suite, bob, enc(t), p.ad, p.random);
    bob = r.state;
    return r.message;
  };
  sendA('lost0');
  bob = ratchetDecrypt(suite, bob, sendA('a1'), p.ad, p.random).state;
  alice = ratchetDecrypt(suite, alice, sendB('b0'), p.ad, p.random).state;
  sendA('lost1');
  sendA('lost2');
  bob = ratchetDecrypt(suite, bob, sendA('a3'), p.ad, p.random).state;
  return { alice, bob, p };
}

const conversationSteps = fc.array(fc.tuple(fc.boolean(), fc.boolean()), {
  minLength: 1,
  maxLength: 20,
});

describe('ratchet state serialization (docs/PROTOCOL.md §5.11)', () => {
  test('fresh states round-trip exactly (Alice: no receiving chain; Bob: no chains at all)', () => {
    const p = newPair('codec-fresh');
    for (const s of [p.alice, p.bob]) {
      const bytes = encodeRatchetState(s);
      expect(bytes[0]).toBe(RATCHET_STATE_VERSION);
      const back = decodeRatchetState(bytes);
      expect(back).toEqual(s);
      expect(encodeRatchetState(back)).toEqual(bytes);
    }
    // PQ state (§5.12.7): role 1, epoch 4, root 32, authenticator 64, sending chain 32 + 4, one
    // receiving chain 1 + (4 + 32 + 4 + 2), phase tag 1 (+ two empty chunk sets for Bob).
    const pqAlice = 1 + 4 + 32 + 64 + 36 + 1 + 42 + 1;
    expect(pqBytes(p.alice)).toBe(pqAlice);
    expect(pqBytes(p.bob)).toBe(pqAlice + 2);
    expect(encodeRatchetState(p.bob).length).toBe(1 + 1 + 64 + 32 + 12 + 64 + 1 + pqAlice + 2);
    expect(encodeRatchetState(p.alice).length).toBe(
      1 + 1 + 64 + 32 + 32 + 32 + 12 + 32 + 64 + 1 + pqAlice,
    );
  });

  test('a state with skipped keys on two chains round-trips and keeps working', () => {
    const { bob, alice, p } = busyStates();
    expect(bob.skipped.map((c) => [...c.keys.keys()])).toEqual([[0], [0, 1]]);
    const back = decodeRatchetState(encodeRatchetState(bob));
    expect(back).toEqual(bob);
    const m = ratchetEncrypt(suite, alice, enc('after restore'), p.ad, p.random).message;
    const r1 = ratchetDecrypt(suite, bob, m, p.ad, p.random);
    const r2 = ratchetDecrypt(suite, back, m, p.ad, p.random);
    expect(r2.plaintext).toEqual(r1.plaintext);
    expect(encodeRatchetState(r2.state)).toEqual(encodeRatchetState(r1.state));
  });

  test('round trip at random points of random conversations (property)', () => {
    fc.assert(
      fc.property(conversationSteps, fc.integer(), (steps, seed) => {
        const p = newPair(`codec-prop-${seed}`);
        const st = [p.alice, p.bob];
        const inflight: Uint8Array[][] = [[], []]; // messages toward Alice (0) and Bob (1)
        for (const [fromBob, deliver] of steps) {
          const from = fromBob ? 1 : 0;
          if (st[from].chainKeySend !== null) {
            const r = ratchetEncrypt(suite, st[from], enc('m'), p.ad, p.random);
            st[from] = r.state;
            inflight[1 - from].push(r.message);
          }
          const to = 1 - from;
          if (deliver && inflight[to].length > 0) {
            const m = inflight[to].pop()!; // newest first: reorders and skips
            st[to] = ratchetDecrypt(suite, st[to], m, p.ad, p.random).state;
          }
          for (const s of st) {
            const bytes = encodeRatchetState(s);
            const back = decodeRatchetState(bytes);
            expect(back).toEqual(s);
            expect(encodeRatchetState(back)).toEqual(bytes);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  test('unknown version is DecodeError BAD_VERSION', () => {
    const bytes = encodeRatchetState(newPair('codec-v').alice);
    for (const v of [0, 1 /* pqmsg v1: no PQ ratchet, refused */, 3, 255]) {
      const b = bytes.slice();
      b[0] = v;
      expectCode(() => decodeRatchetState(b), 'BAD_VERSION');
    }
  });

  test('every truncation is TRUNCATED and a trailing byte is TRAILING_BYTES', () => {
    const bytes = encodeRatchetState(busyStates().bob);
    for (let len = 0; len < bytes.length; len++)
      expectCode(() => decodeRatchetState(bytes.slice(0, len)), 'TRUNCATED');
    expectCode(() => decodeRatchetState(concatBytes(bytes, Uint8Array.of(0))), 'TRAILING_BYTES');
    expectCode(() => decodeRatchetState('x' as unknown as Uint8Array), 'BAD_TYPE');
  });

  test('unknown or inconsistent flags are BAD_VALUE', () => {
    const alice = encodeRatchetState(newPair('codec-flags').alice); // flags = DHr | sending
    expect(alice[1]).toBe(0x03);
    for (const flags of [0x08, 0x80, 0x02 /* chain without DHr */]) {
      const b = alice.slice();
      b[1] = flags;
      expectCode(() => decodeRatchetState(b), 'BAD_VALUE');
    }
  });

  test('skipped keys out of order, empty chains or too many chains are BAD_VALUE', () => {
    const bytes = encodeRatchetState(busyStates().bob);
    // Tail: u8 chains=2 ‖ (HK ‖ u16 1 ‖ n ‖ mk) ‖ (HK ‖ u16 2 ‖ n0 ‖ mk0 ‖ n1 ‖ mk1).
    const tail = 1 + (32 + 2 + 36) + (32 + 2 + 72);
    const start = bytes.length - pqBytes(busyStates().bob) - tail; // the PQ state follows
    expect(bytes[start]).toBe(2);
    const swapped = bytes.slice();
    const n0 = start + 1 + 70 + 34;
    swapped.set(bytes.subarray(n0 + 36, n0 + 40), n0); // n0 := n1, so n1 is no longer greater
    expectCode(() => decodeRatchetState(swapped), 'BAD_VALUE');
    const empty = bytes.slice();
    empty[start + 1 + 32 + 1] = 0; // first chain claims 0 keys
    expectCode(() => decodeRatchetState(empty), 'BAD_VALUE');
    const many = bytes.slice();
    many[start] = 6;
    expectCode(() => decodeRatchetState(many), 'BAD_VALUE');
  });

  test('encode rejects states the ratchet cannot produce', () => {
    const { alice } = newPair('codec-bad');
    expectCode(() => encodeRatchetState({ ...alice, rootKey: new Uint8Array(31) }), 'BAD_LENGTH');
    expectCode(() => encodeRatchetState({ ...alice, headerKeySend: null }), 'BAD_VALUE');
    expectCode(() => encodeRatchetState({ ...alice, nSend: 2 ** 32 }), 'BAD_VALUE');
  });

  test('wipeRatchetState zeroes every key and empties MKSKIPPED', () => {
    const { bob } = busyStates();
    const keys = [
      bob.rootKey,
      bob.chainKeyRecv!,
      bob.skipped[1].keys.get(1)!,
      bob.skipped[0].headerKey,
      bob.dhSend.secretKey,
    ];
    wipeRatchetState(bob);
    for (const k of keys) expect(k.every((x) => x === 0)).toBe(true);
    expect(bob.skipped).toHaveLength(0);
    expect(bob.nRecv).toBe(0);
  });
});
