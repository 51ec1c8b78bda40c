/**
 * Versioned-by-embedding binary serialization of the post-quantum ratchet state (it is a field of
 * the ratchet state, whose version byte covers it: ratchet/state-codec.ts), with an exact round
 * trip. Layout: docs/PROTOCOL.md §5.12.7; integers big-endian.
 * The decoder accepts exactly the states the machine can reach: known phase tags, receiving
 * chains of the current and previous epoch only, bounded and ordered skipped keys and chunks.
 * Side channels: secrets are copied, never branched on. The output holds secrets (dk, m, chain
 * keys): store it encrypted at rest.
 */
import { expectLength } from '../../util/bytes.ts';
import { DecodeError } from '../../util/errors.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { ML_KEM_768 } from '../../mlkem/params.ts';
import { type ChunkSet, chunksNeeded } from './chunks.ts';
import {
  CHUNK_KIND,
  MAX_PQ_RECV_CHAINS,
  MAX_PQ_SKIPPED_KEYS,
  PAYLOAD_BYTES,
  PQ_CHUNK_BYTES,
  PQ_KEY_BYTES,
  type ChunkKind,
} from './constants.ts';
import type { PendingEpoch, PqPhase, PqRecvChain, PqState } from './state.ts';

const PHASE_TAG = { keyUnsampled: 1, keySent: 2, awaitHeader: 3, awaitVector: 4, ctSent: 5 } as const;
const CT1_BYTES = PAYLOAD_BYTES[CHUNK_KIND.CT1];
const CT2_BYTES = PAYLOAD_BYTES[CHUNK_KIND.CT2];
const bad = (why: string) => new DecodeError('BAD_VALUE', `PQ ratchet state: ${why}`);

function key(w: Writer, bytes: Uint8Array, length = PQ_KEY_BYTES): void {
  expectLength(bytes, length, 'encodePqState: key');
  w.fixed(bytes);
}

function writeSet(w: Writer, set: ChunkSet): void {
  const indices = [...set.keys()].sort((a, b) => a - b);
  w.u8(indices.length);
  for (const i of indices) {
    w.u16(i);
    key(w, set.get(i)!, PQ_CHUNK_BYTES);
  }
}

function readSet(r: Reader, kind: ChunkKind): ChunkSet {
  const n = r.u8();
  if (n > chunksNeeded(kind)) throw bad('too many chunks');
  const set: ChunkSet = new Map();
  let prev = -1;
  for (let j = 0; j < n; j++) {
    const i = r.u16();
    if (i <= prev) throw bad('chunk indices out of order');
    prev = i;
    set.set(i, r.fixed(PQ_CHUNK_BYTES));
  }
  return set;
}

function writePending(w: Writer, p: PendingEpoch): void {
  key(w, p.secret);
  key(w, p.auth.authRoot);
  key(w, p.auth.macKey);
}

function readPending(r: Reader): PendingEpoch {
  const secret = r.fixed(PQ_KEY_BYTES);
  return { secret, auth: { authRoot: r.fixed(PQ_KEY_BYTES), macKey: r.fixed(PQ_KEY_BYTES) } };
}

/** Serializes a PQ ratchet state (docs/PROTOCOL.md §5.12.7). */
export function writePqState(w: Writer, s: Readonly<PqState>): void {
  w.u8(s.initiator ? 1 : 2).u32(s.epoch);
  key(w, s.root);
  key(w, s.auth.authRoot);
  key(w, s.auth.macKey);
  key(w, s.sendChainKey);
  w.u32(s.sendCounter);
  w.u8(s.recv.length);
  for (const c of s.recv) {
    w.u32(c.epoch);
    key(w, c.chainKey);
    w.u32(c.counter).u16(c.skipped.size);
    for (const [n, k] of [...c.skipped].sort((a, b) => a[0] - b[0])) {
      w.u32(n);
      key(w, k);
    }
  }
  const p = s.phase;
  w.u8(PHASE_TAG[p.kind]);
  switch (p.kind) {
    case 'keyUnsampled':
      return;
    case 'keySent':
      key(w, p.seed, 64);
      key(w, p.ek, ML_KEM_768.ekBytes);
      key(w, p.header, PAYLOAD_BYTES[CHUNK_KIND.EK_HEADER]);
      w.u32(p.sentHeader).u32(p.sentVector).u8(p.acked ? 1 : 0);
      writeSet(w, p.ct1);
      writeSet(w, p.ct2);
      return;
    case 'awaitHeader':
      writeSet(w, p.header);
      writeSet(w, p.vector);
      return;
    case 'awaitVector':
      key(w, p.m);
      key(w, p.ekHeader, 64);
      key(w, p.ct1, CT1_BYTES);
      w.u32(p.sentCt1);
      writeSet(w, p.vector);
      writePending(w, p.pending);
      return;
    case 'ctSent':
      key(w, p.ct1, CT1_BYTES);
      key(w, p.ct2, CT2_BYTES);
      w.u32(p.sentCt1).u32(p.sentCt2);
      writePending(w, p.pending);
      return;
  }
}

/** Parses writePqState output; DecodeError BAD_TAG / BAD_VALUE / TRUNCATED on anything else. */
export function readPqState(r: Reader): PqState {
  const role = r.u8();
  if (role !== 1 && role !== 2) throw new DecodeError('BAD_TAG', `PQ ratchet state: role ${role}`);
  const epoch = r.u32();
  const root = r.fixed(PQ_KEY_BYTES);
  const auth = { authRoot: r.fixed(PQ_KEY_BYTES), macKey: r.fixed(PQ_KEY_BYTES) };
  const sendChainKey = r.fixed(PQ_KEY_BYTES);
  const sendCounter = r.u32();
  const chains = r.u8();
  if (chains < 1 || chains > MAX_PQ_RECV_CHAINS) throw bad(`${chains} receiving chains`);
  const recv: PqRecvChain[] = [];
  let total = 0;
  for (let c = 0; c < chains; c++) {
    const chainEpoch = r.u32();
    const chainKey = r.fixed(PQ_KEY_BYTES);
    const counter = r.u32();
    const n = r.u16();
    total += n;
    if (total > MAX_PQ_SKIPPED_KEYS) throw bad('too many skipped keys');
    const skipped = new Map<number, Uint8Array>();
    let prev = -1;
    for (let j = 0; j < n; j++) {
      const ctr = r.u32();
      if (ctr <= prev || ctr >= counter) throw bad('skipped counters out of order or range');
      prev = ctr;
      skipped.set(ctr, r.fixed(PQ_KEY_BYTES));
    }
    recv.push({ epoch: chainEpoch, chainKey, counter, skipped });
  }
  // The chains are those of epochs epoch − 1 (if epoch ≥ 1) and epoch, oldest first.
  const expected = epoch === 0 ? [0] : chains === 1 ? [epoch] : [epoch - 1, epoch];
  if (recv.length !== expected.length || recv.some((c, i) => c.epoch !== expected[i]))
    throw bad('receiving chains are not of the current and previous epoch');
  const tag = r.u8();
  let phase: PqPhase;
  switch (tag) {
    case PHASE_TAG.keyUnsampled:
      phase = { kind: 'keyUnsampled' };
      break;
    case PHASE_TAG.keySent: {
      const seed = r.fixed(64);
      const ek = r.fixed(ML_KEM_768.ekBytes);
      const header = r.fixed(PAYLOAD_BYTES[CHUNK_KIND.EK_HEADER]);
      const sentHeader = r.u32();
      const sentVector = r.u32();
      const acked = r.u8();
      if (acked > 1) throw bad('acked flag');
      phase = {
        kind: 'keySent', seed, ek, header, sentHeader, sentVector, acked: acked === 1,
        ct1: readSet(r, CHUNK_KIND.CT1), ct2: readSet(r, CHUNK_KIND.CT2),
      };
      break;
    }
    case PHASE_TAG.awaitHeader:
      phase = {
        kind: 'awaitHeader',
        header: readSet(r, CHUNK_KIND.EK_HEADER),
        vector: readSet(r, CHUNK_KIND.EK_VECTOR),
      };
      break;
    case PHASE_TAG.awaitVector: {
      const m = r.fixed(PQ_KEY_BYTES);
      const ekHeader = r.fixed(64);
      const ct1 = r.fixed(CT1_BYTES);
      const sentCt1 = r.u32();
      const vector = readSet(r, CHUNK_KIND.EK_VECTOR);
      phase = { kind: 'awaitVector', m, ekHeader, ct1, sentCt1, vector, pending: readPending(r) };
      break;
    }
    case PHASE_TAG.ctSent: {
      const ct1 = r.fixed(CT1_BYTES);
      const ct2 = r.fixed(CT2_BYTES);
      const sentCt1 = r.u32();
      const sentCt2 = r.u32();
      phase = { kind: 'ctSent', ct1, ct2, sentCt1, sentCt2, pending: readPending(r) };
      break;
    }
    default:
      throw new DecodeError('BAD_TAG', `PQ ratchet state: phase ${tag}`);
  }
  const initiator = role === 1;
  const state: PqState = { initiator, epoch, root, auth, sendChainKey, sendCounter, recv, phase };
  const keyholderPhase = phase.kind === 'keyUnsampled' || phase.kind === 'keySent';
  if (keyholderPhase !== (state.initiator === ((epoch + 1) % 2 === 1)))
    throw bad('phase of the wrong role for this epoch');
  return state;
}
