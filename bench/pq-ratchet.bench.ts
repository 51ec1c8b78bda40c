/**
 * Post-quantum ratchet benchmarks (docs/PROTOCOL.md §5.12.9): the triple ratchet's cost per message
 * in a conversation — amortized over whole epochs, key generation, incremental encapsulation,
 * decapsulation and erasure coding included — next to the PQ ratchet alone and the Double Ratchet
 * share (the difference); plus, printed before the timings, the bytes the PQ ratchet adds to every
 * message and the messages per completed epoch under 0 %, 10 % and 30 % loss.
 * Lines: 'pqmsg' (the default suite), 'noble-suite' (the same protocol on @noble/* primitives; the
 * PQ ratchet's ML-KEM is pqmsg's in both).
 */
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { PQ_MESSAGE_BYTES } from '../src/protocol/pq-ratchet/constants.ts';
import { pqInit, pqReceive, pqSend } from '../src/protocol/pq-ratchet/epoch.ts';
import { clonePqState, type PqState } from '../src/protocol/pq-ratchet/state.ts';
import { ENC_HEADER_BYTES } from '../src/protocol/ratchet/constants.ts';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  ratchetInitAlice,
  ratchetInitBob,
  type RatchetState,
} from '../src/protocol/ratchet/double-ratchet.ts';
import type { Suite } from '../src/protocol/suite.ts';
import { defaultRandom, type RandomSource } from '../src/util/random.ts';
import { nobleSuite } from '../test/helpers/noble-suite.ts';
import type { BenchCase } from './harness.ts';

const KIB = 1024;
const message = new Uint8Array(KIB).fill(0x61);
const AD = new Uint8Array(131).fill(7);

function pair(suite: Suite, random: RandomSource): RatchetState[] {
  const sk = random(32);
  const spk = suite.dh.keygen(random(32));
  const hka = random(32);
  const nhkb = random(32);
  return [ratchetInitAlice(suite, sk, spk.publicKey, hka, nhkb, random), ratchetInitBob(suite, sk, spk, hka, nhkb)];
}

/** A small deterministic PRNG for the loss simulation (xorshift32; not for keys). */
function lossRoll(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * Messages per completed epoch: an alternating conversation of `n` messages where each message
 * is lost with probability `loss` (the rest arrive in order); epochs counted on the slower side.
 */
export function messagesPerEpoch(loss: number, n = 3000, seed = 1): number {
  const suite = defaultSuite;
  const st = pair(suite, defaultRandom);
  const roll = lossRoll(seed);
  let from = 0;
  for (let i = 0; i < n; i++) {
    if (st[1].chainKeySend === null) from = 0;
    const r = ratchetEncrypt(suite, st[from], message.subarray(0, 16), AD, defaultRandom);
    st[from] = r.state;
    if (roll() >= loss) st[1 - from] = ratchetDecrypt(suite, st[1 - from], r.message, AD, defaultRandom).state;
    from = 1 - from;
  }
  return n / Math.min(st[0].pq.epoch, st[1].pq.epoch);
}

function setup(suite: Suite) {
  const rnd = defaultRandom;
  // Alternating conversation, states carried: one message per call, the sender alternating.
  let st = pair(suite, rnd);
  let from = 0;
  const conversation = () => {
    if (st[1].chainKeySend === null) from = 0;
    const sent = ratchetEncrypt(suite, st[from], message, AD, rnd);
    st[from] = sent.state;
    const got = ratchetDecrypt(suite, st[1 - from], sent.message, AD, rnd);
    st[1 - from] = got.state;
    from = 1 - from;
    if (st[0].pq.epoch > 1000) st = pair(suite, rnd);
    return got.plaintext;
  };
  // The PQ ratchet alone in the same conversation pattern (what it adds to each message).
  const pq0 = rnd(32);
  let pq: PqState[] = [pqInit(suite, pq0, true), pqInit(suite, pq0, false)];
  let pqFrom = 0;
  const pqOnly = () => {
    const { message: m, messageKey } = pqSend(suite, pq[pqFrom], rnd);
    const copy = clonePqState(pq[1 - pqFrom]); // as the ratchet's transaction does
    const key = pqReceive(suite, copy, m, rnd);
    pq[1 - pqFrom] = copy;
    pqFrom = 1 - pqFrom;
    return [messageKey, key];
  };
  return { conversation, pqOnly };
}

export async function cases(): Promise<BenchCase[]> {
  console.log(
    `pq-ratchet · bytes added per message: ${PQ_MESSAGE_BYTES} on every message (average = maximum; ` +
      `encrypted header ${ENC_HEADER_BYTES} B instead of v1's 81 B)`,
  );
  for (const loss of [0, 0.1, 0.3])
    console.log(
      `pq-ratchet · messages per completed epoch, alternating conversation, ${loss * 100} % loss: ` +
        messagesPerEpoch(loss).toFixed(1),
    );
  console.log();
  const ours = setup(defaultSuite);
  const noble = setup(nobleSuite);
  return [
    {
      area: 'pq-ratchet',
      op: 'triple ratchet: one message of an alternating conversation (encrypt + decrypt, epochs amortized)',
      size: KIB,
      impls: { pqmsg: ours.conversation, 'noble-suite': noble.conversation },
    },
    {
      area: 'pq-ratchet',
      op: 'PQ ratchet alone: send + receive of one message (epochs amortized)',
      impls: { pqmsg: ours.pqOnly, 'noble-suite': noble.pqOnly },
    },
  ];
}
