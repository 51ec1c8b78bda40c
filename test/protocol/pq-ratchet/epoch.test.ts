import { describe, expect, test } from 'vitest';
import { defaultSuite as suite } from '../../../src/protocol/default-suite.ts';
import { CHUNK_KIND } from '../../../src/protocol/pq-ratchet/constants.ts';
import { decodePqMessage, encodePqMessage, type PqMessage } from '../../../src/protocol/pq-ratchet/chunks.ts';
import { CHUNKS_NEEDED, pqInit, pqReceive, pqSend } from '../../../src/protocol/pq-ratchet/epoch.ts';
import { readPqState, writePqState } from '../../../src/protocol/pq-ratchet/state-codec.ts';
import { clonePqState, type PqState } from '../../../src/protocol/pq-ratchet/state.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { Reader, Writer } from '../../../src/wire/codec.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../ratchet/helpers.ts';

const bytesOf = (s: PqState) => {
  const w = new Writer();
  writePqState(w, s);
  return w.finish();
};
const roundTrip = (s: PqState) => {
  const b = bytesOf(s);
  const r = new Reader(b, 'pq');
  const out = readPqState(r);
  r.end();
  if (!bytesEqual(bytesOf(out), b)) throw new Error('PQ state round trip differs');
  return out;
};

function pair(label: string) {
  const random = detRandom(label);
  const pq0 = random(32);
  return { a: pqInit(suite, pq0, true), b: pqInit(suite, pq0, false), random };
}

/** Sends from `from`, receives on `to` (transactionally, on a copy); returns both keys. */
function deliver(from: PqState, to: PqState, random: (n: number) => Uint8Array) {
  const { message, messageKey } = pqSend(suite, from, random);
  const wire = encodePqMessage(message);
  const copy = clonePqState(to);
  const key = pqReceive(suite, copy, decodePqMessage(wire), random);
  return { sent: messageKey, received: key, next: copy, message };
}

describe('PQ ratchet epoch machine (docs/PROTOCOL.md §5.12)', () => {
  test('an alternating conversation agrees on every key and completes epochs', () => {
    let { a, b, random } = pair('epoch-alternating');
    const completions: number[] = [];
    for (let i = 0; i < 400; i++) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      const out = deliver(from, to, random);
      if (!bytesEqual(out.received, out.sent)) throw new Error(`keys differ at message ${i}`);
      if (i % 2 === 0) b = out.next;
      else a = out.next;
      if (Math.min(a.epoch, b.epoch) > completions.length) completions.push(i + 1);
      a = roundTrip(a);
      b = roundTrip(b);
    }
    expect(completions.length).toBeGreaterThanOrEqual(5);
    const gaps = completions.map((c, i) => c - (completions[i - 1] ?? 0));
    for (const g of gaps) expect(g).toBeLessThanOrEqual(80);
    expect(CHUNKS_NEEDED).toEqual({ header: 2, vector: 24, ct1: 20, ct2: 4 });
  });

  test('a one-sided burst still negotiates once the peer answers', () => {
    let { a, b, random } = pair('epoch-burst');
    for (let i = 0; i < 30; i++) b = deliver(a, b, random).next; // header + vector chunks
    for (let i = 0; i < 30; i++) a = deliver(b, a, random).next; // c₁ and c₂ chunks
    expect(a.epoch).toBe(1);
    b = deliver(a, b, random).next; // Alice's first message on epoch 1's chain
    expect(b.epoch).toBe(1);
  });

  test('a forged ek-header chunk never yields an epoch secret; its set is dropped and the epoch still completes', () => {
    let { a, b, random } = pair('epoch-forged-header');
    const first = pqSend(suite, a, random).message;
    const second = pqSend(suite, a, random).message;
    expect([first.kind, second.kind]).toEqual([CHUNK_KIND.EK_HEADER, CHUNK_KIND.EK_HEADER]);
    // The forgery arrives first and is held; the genuine chunk then completes a poisoned set.
    const forged: PqMessage = { ...first, chunk: first.chunk.slice() };
    forged.chunk[5] ^= 1;
    pqReceive(suite, b, forged, random);
    const events: string[] = [];
    pqReceive(suite, b, second, random, (e) => events.push(e.step));
    expect(events).toEqual(['PQ epoch 1: ek header MAC fails: header chunks discarded']);
    expect(b.phase.kind).toBe('awaitHeader'); // no m drawn, no c₁, no k_e
    if (b.phase.kind === 'awaitHeader') expect(b.phase.header.size).toBe(0);
    // Genuine chunks keep coming (rateless): the epoch completes and both sides agree.
    for (let i = 0; i < 40; i++) b = deliver(a, b, random).next;
    for (let i = 0; i < 40 && a.epoch === 0; i++) a = deliver(b, a, random).next;
    const ack = deliver(a, b, random);
    expect(ack.received).toEqual(ack.sent);
    expect([a.epoch, ack.next.epoch]).toEqual([1, 1]);
  });

  test('a forged c₂ chunk fails the ciphertext MAC: both sets dropped, no epoch added, then recovery', () => {
    let { a, b, random } = pair('epoch-forged-ct');
    for (let i = 0; i < 30; i++) b = deliver(a, b, random).next;
    expect(b.phase.kind).toBe('ctSent');
    const events: string[] = [];
    let forged = 0;
    for (let i = 0; i < 80 && a.epoch === 0; i++) {
      const { message } = pqSend(suite, b, random);
      if (message.kind === CHUNK_KIND.CT2 && forged === 0) {
        forged++;
        message.chunk[0] ^= 0x80;
      }
      pqReceive(suite, a, message, random, (e) => events.push(e.step));
    }
    expect(forged).toBe(1);
    expect(events).toContain('PQ epoch 1: ciphertext MAC fails: c₁ and c₂ chunks discarded');
    expect(a.epoch).toBe(1); // completed from genuine chunks sent after the discard
    const ack = deliver(a, b, random);
    expect(ack.received).toEqual(ack.sent);
    expect(ack.next.epoch).toBe(1);
  });

  test('a malformed PQ message is refused (DECRYPT_FAILED) and the state is unchanged', () => {
    const { a, b, random } = pair('epoch-malformed');
    const wire = encodePqMessage(pqSend(suite, a, random).message);
    const before = bytesOf(b);
    for (const [offset, value] of [[8, 9], [8, 0xff]] as const) {
      const bad = wire.slice();
      bad[offset] = value;
      expect(codeOf(() => pqReceive(suite, b, decodePqMessage(bad), random))).toBe('DECRYPT_FAILED');
    }
    expect(codeOf(() => decodePqMessage(wire.subarray(1)))).toBe('DECRYPT_FAILED');
    expect(bytesOf(b)).toEqual(before);
  });

  test('chunks of the wrong role and messages of unknown epochs are refused', () => {
    const { a, b, random } = pair('epoch-roles');
    const m = pqSend(suite, b, random).message; // Bob (encapsulator of epoch 1) sends NONE
    expect(m.kind).toBe(CHUNK_KIND.NONE);
    const ekToKeyholder: PqMessage = { ...m, kind: CHUNK_KIND.EK_VECTOR, index: 3, chunk: new Uint8Array(48).fill(1) };
    expect(codeOf(() => pqReceive(suite, clonePqState(a), ekToKeyholder, random))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => pqReceive(suite, clonePqState(a), { ...m, epoch: 1 }, random))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => pqReceive(suite, clonePqState(a), { ...m, epoch: 7 }, random))).toBe('DECRYPT_FAILED');
    const bad = encodePqMessage(m);
    bad[8] = 9;
    expect(codeOf(() => decodePqMessage(bad))).toBe('DECRYPT_FAILED');
    const noneWithData = encodePqMessage(m);
    noneWithData[20] = 1;
    expect(codeOf(() => decodePqMessage(noneWithData))).toBe('DECRYPT_FAILED');
  });

  test('duplicates and large jumps of the PQ counter are typed errors', () => {
    const { a, b, random } = pair('epoch-counters');
    const m = pqSend(suite, a, random).message;
    const bob = clonePqState(b);
    pqReceive(suite, bob, m, random);
    expect(codeOf(() => pqReceive(suite, clonePqState(bob), m, random))).toBe('DUPLICATE_MESSAGE');
    expect(codeOf(() => pqReceive(suite, clonePqState(bob), { ...m, counter: 5000 }, random))).toBe('TOO_MANY_SKIPPED');
  });
});
