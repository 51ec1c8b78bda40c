/**
 * The post-quantum ratchet's epoch state machine (pqmsg v2): initialization from the PQXDH root,
 * what to send with each message, and what a received PQ message does. Every epoch one party —
 * the keyholder, alternating — samples an ML-KEM-768 key pair and sends ek in chunks (header
 * ρ ‖ H(ek) ‖ MAC first, then the vector); the other, the encapsulator, answers c₁ as soon as the
 * header is complete (incremental ML-KEM) and c₂ ‖ MAC once the vector is. The keyholder
 * decapsulates, checks the MAC and adds the epoch to its chains; its next message (on the new
 * epoch's chain) tells the encapsulator to do the same, and the roles swap.
 * ML-KEM Braid rev. 1 (signal.org/docs/specifications/mlkembraid) and SPQR `src/v1/`
 * (signal.org/blog/spqr, 2025-10); docs/PROTOCOL.md §5.12 is the normative text (phases,
 * schedule, errors).
 * Differs from SPQR: no separate ack messages (the epoch of the sender's chain is the ack); chunks
 * of every payload are rateless Reed–Solomon (erasure.ts), 48 bytes each.
 * Functions mutate the state they are given: the Double Ratchet calls them on its transaction's
 * copy, so any throw leaves the caller's state untouched (Double Ratchet rev. 1 §3.5).
 * Side channels: branches on public data only (epochs, counters, kinds, indices, phase); secrets
 * go through kdf.ts, auth.ts and ML-KEM; MACs compare in constant time.
 */
import { concatBytes, copyBytes } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { CryptoError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { ML_KEM_768 } from '../../mlkem/params.ts';
import { decaps, keyGenInternal } from '../../mlkem/mlkem.ts';
import {
  ct1Bytes,
  EK_HEADER_BYTES,
  encaps1Internal,
  encaps2Internal,
  splitEncapsulationKey,
} from '../../mlkem/incremental.ts';
import type { Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import { macCiphertext, macEkHeader, macMatches } from './auth.ts';
import { nextSendKey, takeRecvKey } from './chain.ts';
import {
  addChunk,
  chunkOf,
  chunksNeeded,
  noChunk,
  payloadOf,
  type PqMessage,
} from './chunks.ts';
import { CHUNK_KIND, MAC_BYTES, MAX_PQ_RECV_CHAINS, type ChunkKind } from './constants.ts';
import {
  addEpoch,
  authStart,
  authUpdate,
  chainStart,
  epochSecret,
  type EpochChains,
} from './kdf.ts';
import { isKeyholder, wipePhase, type PendingEpoch, type PqPhase, type PqState } from './state.ts';

const P = ML_KEM_768;
const SECTION = 'pqmsg v2 PQ ratchet (docs/PROTOCOL.md §5.12)';
const K = {
  header: chunksNeeded(CHUNK_KIND.EK_HEADER),
  vector: chunksNeeded(CHUNK_KIND.EK_VECTOR),
  ct1: chunksNeeded(CHUNK_KIND.CT1),
  ct2: chunksNeeded(CHUNK_KIND.CT2),
};
/** Until acknowledged, one extra ek-header chunk per this many vector chunks (loss margin). */
const HEADER_REPEAT_EVERY = 8;

const refused = (why: string) => new ProtocolError('DECRYPT_FAILED', `PQ ratchet: ${why}`);

/**
 * The initial state of one party from its PQ key PQ₀ (kdf.ts splitRootKey): epoch 0's chains
 * and authenticator; the initiator is the keyholder of epoch 1. docs/PROTOCOL.md §5.12.2.
 */
export function pqInit(suite: Suite, pqKey: Uint8Array, initiator: boolean): PqState {
  const chains = chainStart(suite, pqKey);
  const { send, recv } = directions(chains, initiator);
  return {
    initiator,
    epoch: 0,
    root: chains.root,
    auth: authStart(suite, pqKey),
    sendChainKey: send,
    sendCounter: 0,
    recv: [{ epoch: 0, chainKey: recv, counter: 0, skipped: new Map() }],
    phase: initiator
      ? { kind: 'keyUnsampled' }
      : { kind: 'awaitHeader', header: new Map(), vector: new Map() },
  };
}

function directions(
  chains: EpochChains,
  initiator: boolean,
): { send: Uint8Array; recv: Uint8Array } {
  return initiator
    ? { send: chains.initiatorToResponder, recv: chains.responderToInitiator }
    : { send: chains.responderToInitiator, recv: chains.initiatorToResponder };
}

/**
 * The PQ part of one outgoing message: the next key of our sending chain and the next chunk the
 * phase schedules. Draws 64 bytes (d ‖ z, FIPS 203 Algorithm 19) when a keyholder samples its key
 * pair (lazily, at its first send of the epoch). docs/PROTOCOL.md §5.12.5.
 */
export function pqSend(
  suite: Suite,
  state: PqState,
  random: RandomSource,
  trace?: Trace,
): { message: PqMessage; messageKey: Uint8Array } {
  if (state.phase.kind === 'keyUnsampled') {
    const seed = random(64); // d ‖ z
    const { publicKey: ek, secretKey } = keyGenInternal(P, seed.subarray(0, 32), seed.subarray(32));
    wipe(secretKey); // kept as its seed (FIPS 203 §7.1 allows either); re-expanded to decapsulate
    const header = ekHeaderPayload(suite, state, ek);
    state.phase = {
      kind: 'keySent', seed, ek, header, sentHeader: 0, sentVector: 0, acked: false,
      ct1: new Map(), ct2: new Map(),
    };
    const step = `PQ epoch ${state.epoch + 1}: keyholder samples (dk, ek)`;
    trace?.({ step, section: SECTION, values: {} });
  }
  const { counter, messageKey } = nextSendKey(suite, state);
  const chunk = scheduleChunk(suite, state);
  const message: PqMessage = chunk
    ? { epoch: state.epoch, counter, ...chunk }
    : noChunk(state.epoch, counter);
  return { message, messageKey };
}

/** The chunk this phase sends next, advancing its counters (docs/PROTOCOL.md §5.12.5). */
function scheduleChunk(
  suite: Suite,
  state: PqState,
): { kind: ChunkKind; index: number; chunk: Uint8Array } | null {
  const p = state.phase;
  switch (p.kind) {
    case 'keyUnsampled':
    case 'awaitHeader':
      return null;
    case 'keySent': {
      const repeats = Math.ceil(p.sentVector / HEADER_REPEAT_EVERY);
      if (!p.acked && p.sentHeader < K.header + repeats) {
        const kind = CHUNK_KIND.EK_HEADER;
        return { kind, ...chunkOf(kind, p.header, p.sentHeader++) };
      }
      const kind = CHUNK_KIND.EK_VECTOR;
      return { kind, ...chunkOf(kind, ekVector(p.ek), p.sentVector++) };
    }
    case 'awaitVector':
      return { kind: CHUNK_KIND.CT1, ...chunkOf(CHUNK_KIND.CT1, p.ct1, p.sentCt1++) };
    case 'ctSent': {
      // c₂ ‖ MAC in proportion to c₁ (4 : 20), c₂ first: the keyholder lacks it entirely.
      if (p.sentCt2 * K.ct1 <= p.sentCt1 * K.ct2)
        return { kind: CHUNK_KIND.CT2, ...chunkOf(CHUNK_KIND.CT2, p.ct2, p.sentCt2++) };
      return { kind: CHUNK_KIND.CT1, ...chunkOf(CHUNK_KIND.CT1, p.ct1, p.sentCt1++) };
    }
  }
}

/** ByteEncode₁₂(t̂) = ek[0 : 384k] (FIPS 203 Algorithm 13: ek = ByteEncode₁₂(t̂) ‖ ρ). */
const ekVector = (ek: Uint8Array): Uint8Array => ek.subarray(0, 384 * P.k);

/** ρ ‖ H(ek) ‖ HMAC(macKey_e−1, …): the keyholder's header payload for epoch e = epoch + 1. */
function ekHeaderPayload(suite: Suite, state: PqState, ek: Uint8Array): Uint8Array {
  const { header } = splitEncapsulationKey(P, ek);
  return concatBytes(header, macEkHeader(suite, state.auth.macKey, state.epoch + 1, header));
}

/**
 * Processes the PQ part of a received message whose Double Ratchet header authenticated, and
 * returns its PQ message key. Throws (the caller discards the state) on a chain epoch we do not
 * hold, a chunk this phase cannot receive, a duplicate or a jump beyond MAX_PQ_SKIP. A payload
 * whose MAC or H(ek) check fails is not used: its held chunks are dropped (see `discarded`).
 * May draw 32 bytes (m, FIPS 203 Algorithm 20) when an ek header completes.
 * docs/PROTOCOL.md §5.12.6.
 */
export function pqReceive(
  suite: Suite,
  state: PqState,
  message: PqMessage,
  random: RandomSource,
  trace?: Trace,
): Uint8Array {
  if (message.epoch === state.epoch + 1) {
    // The keyholder completed the epoch we encapsulated for: add it too (our "ack").
    if (state.phase.kind !== 'ctSent') throw refused('message on an epoch not yet negotiated');
    completeEpoch(suite, state, state.phase.pending, trace);
    state.phase = { kind: 'keyUnsampled' };
  }
  const chain = state.recv.find((c) => c.epoch === message.epoch);
  if (!chain) throw refused(`no receiving chain for epoch ${message.epoch}`);
  const messageKey = takeRecvKey(suite, state, chain, message.counter);
  try {
    // Chunks travel on the chain of the sender's latest epoch and belong to the next one; a
    // chunk on an older chain is for an epoch we have completed: ignored.
    if (message.epoch === state.epoch) receiveChunk(suite, state, message, random, trace);
  } catch (e) {
    wipe(messageKey);
    throw e;
  }
  return messageKey;
}

function receiveChunk(
  suite: Suite,
  state: PqState,
  m: PqMessage,
  random: RandomSource,
  trace?: Trace,
): void {
  const p = state.phase;
  const ek = m.kind === CHUNK_KIND.EK_HEADER || m.kind === CHUNK_KIND.EK_VECTOR;
  const ct = m.kind === CHUNK_KIND.CT1 || m.kind === CHUNK_KIND.CT2;
  if (isKeyholder(state) ? ek : ct) throw refused('chunk of the wrong role for this epoch');
  switch (p.kind) {
    case 'keyUnsampled':
      return; // the encapsulator has no header yet: it sends NONE
    case 'keySent':
      if (!ct) return;
      p.acked = true;
      addChunk(m.kind === CHUNK_KIND.CT1 ? p.ct1 : p.ct2, m.kind, m.index, m.chunk);
      decapsulateIfComplete(suite, state, p, trace);
      return;
    case 'awaitHeader':
      if (!ek) return;
      addChunk(m.kind === CHUNK_KIND.EK_HEADER ? p.header : p.vector, m.kind, m.index, m.chunk);
      encapsulateHeaderIfComplete(suite, state, p, random, trace);
      return;
    case 'awaitVector':
      if (m.kind !== CHUNK_KIND.EK_VECTOR) return; // late header chunks: already decoded
      addChunk(p.vector, m.kind, m.index, m.chunk);
      encapsulateVectorIfComplete(suite, state, p, trace);
      return;
    case 'ctSent':
      return; // ek chunks still in flight: we have what we need
  }
}

/**
 * Keyholder: with k chunks of c₁ and of c₂ ‖ MAC, decapsulate, derive k_e, update the
 * authenticator, check the ciphertext MAC, and add epoch e. FIPS 203 Algorithm 21 (Decaps).
 */
function decapsulateIfComplete(
  suite: Suite,
  state: PqState,
  p: Extract<PqPhase, { kind: 'keySent' }>,
  trace?: Trace,
): void {
  const ct1 = payloadOf(p.ct1, CHUNK_KIND.CT1);
  const ct2Mac = payloadOf(p.ct2, CHUNK_KIND.CT2);
  if (!ct1 || !ct2Mac) return;
  const e = state.epoch + 1;
  const ct2 = ct2Mac.subarray(0, ct2Mac.length - MAC_BYTES);
  const { secretKey: dk } = keyGenInternal(P, p.seed.subarray(0, 32), p.seed.subarray(32));
  const ss = decaps(P, dk, concatBytes(ct1, ct2)); // implicit rejection: a bad c gives K̄
  wipe(dk);
  const secret = epochSecret(suite, ss, e);
  wipe(ss);
  const auth = authUpdate(suite, state.auth, secret, e);
  if (!macMatches(macCiphertext(suite, auth.macKey, e, ct1, ct2), ct2Mac.subarray(ct2.length))) {
    // Some held chunk is not the encapsulator's: drop both sets; fresh chunks keep coming.
    wipe(secret, auth.authRoot, auth.macKey);
    p.ct1 = new Map();
    p.ct2 = new Map();
    discarded(trace, e, 'ciphertext MAC fails: c₁ and c₂ chunks discarded');
    return;
  }
  completeEpoch(suite, state, { secret, auth }, trace);
  wipePhase(p);
  state.phase = { kind: 'awaitHeader', header: new Map(), vector: new Map() };
}

/**
 * Encapsulator: with k header chunks, check the header MAC (macKey of the previous epoch), draw
 * m and compute K and c₁ from the header alone (incremental ML-KEM); derive k_e and the next
 * authenticator. FIPS 203 Algorithm 20 (Encaps), split as in src/mlkem/incremental.ts.
 */
function encapsulateHeaderIfComplete(
  suite: Suite,
  state: PqState,
  p: Extract<PqPhase, { kind: 'awaitHeader' }>,
  random: RandomSource,
  trace?: Trace,
): void {
  const payload = payloadOf(p.header, CHUNK_KIND.EK_HEADER);
  if (!payload) return;
  const e = state.epoch + 1;
  const ekHeader = copyBytes(payload, 0, EK_HEADER_BYTES);
  const tag = macEkHeader(suite, state.auth.macKey, e, ekHeader);
  if (!macMatches(tag, payload.subarray(EK_HEADER_BYTES))) {
    p.header = new Map(); // some held chunk is forged: drop the set; fresh chunks keep coming
    discarded(trace, e, 'ek header MAC fails: header chunks discarded');
    return;
  }
  const m = random(32);
  const { ct1, sharedSecret } = encaps1Internal(P, ekHeader, m);
  const secret = epochSecret(suite, sharedSecret, e);
  wipe(sharedSecret);
  const pending: PendingEpoch = { secret, auth: authUpdate(suite, state.auth, secret, e) };
  trace?.({
    step: `PQ epoch ${e}: ek header complete, c₁ computed (encapsulator)`,
    section: SECTION,
    values: { k_e: copyBytes(secret) },
  });
  const next: Extract<PqPhase, { kind: 'awaitVector' }> = {
    kind: 'awaitVector', m, ekHeader, ct1, sentCt1: 0, vector: p.vector, pending,
  };
  state.phase = next;
  encapsulateVectorIfComplete(suite, state, next, trace);
}

/** Encapsulator: with k vector chunks, compute c₂ (checking H(ek)) and its MAC. */
function encapsulateVectorIfComplete(
  suite: Suite,
  state: PqState,
  p: Extract<PqPhase, { kind: 'awaitVector' }>,
  trace?: Trace,
): void {
  const vector = payloadOf(p.vector, CHUNK_KIND.EK_VECTOR);
  if (!vector) return;
  const e = state.epoch + 1;
  let ct2: Uint8Array;
  try {
    ct2 = encaps2Internal(P, p.ekHeader, vector, p.m); // checks H(vector ‖ ρ) = H(ek)
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    p.vector = new Map(); // a held vector chunk is forged: drop the set
    discarded(trace, e, 'ek vector does not match H(ek): vector chunks discarded');
    return;
  }
  const tag = macCiphertext(suite, p.pending.auth.macKey, e, p.ct1, ct2);
  wipe(p.m);
  const step = `PQ epoch ${e}: ek vector complete, c₂ computed (encapsulator)`;
  trace?.({ step, section: SECTION, values: {} });
  state.phase = {
    kind: 'ctSent',
    ct1: p.ct1,
    ct2: concatBytes(ct2, tag),
    sentCt1: p.sentCt1,
    sentCt2: 0,
    pending: p.pending,
  };
}

/**
 * Reports a payload whose check failed. Only a holder of both ratchets' current keys can put a
 * chunk into an authenticated message, so this is a forgery by someone who could impersonate
 * the peer anyway; dropping the held chunks (instead of refusing every later message that
 * completes the poisoned set) delays the epoch and never stalls it: the codes are rateless.
 */
function discarded(trace: Trace | undefined, epoch: number, why: string): void {
  trace?.({ step: `PQ epoch ${epoch}: ${why}`, section: SECTION, values: {} });
}

/**
 * Adds epoch e = epoch + 1: new root and chains (kdf.ts addEpoch), the authenticator of e, our
 * sending chain of e from counter 0, its receiving chain kept next to the previous epoch's only.
 * SPQR chain.rs (add_epoch; one epoch kept before the current one).
 */
function completeEpoch(suite: Suite, state: PqState, pending: PendingEpoch, trace?: Trace): void {
  const e = state.epoch + 1;
  const chains = addEpoch(suite, state.root, pending.secret, e);
  trace?.({
    step: `PQ epoch ${e} complete: root′ ‖ chains ← HKDF(root, k_e)`,
    section: SECTION,
    values: { k_e: copyBytes(pending.secret), 'root′': copyBytes(chains.root) },
  });
  const { send, recv } = directions(chains, state.initiator);
  wipe(state.root, state.sendChainKey, state.auth.authRoot, state.auth.macKey, pending.secret);
  state.epoch = e;
  state.root = chains.root;
  const { authRoot, macKey } = pending.auth;
  state.auth = { authRoot: copyBytes(authRoot), macKey: copyBytes(macKey) };
  wipe(pending.auth.authRoot, pending.auth.macKey);
  state.sendChainKey = send;
  state.sendCounter = 0;
  state.recv.push({ epoch: e, chainKey: recv, counter: 0, skipped: new Map() });
  while (state.recv.length > MAX_PQ_RECV_CHAINS) {
    const old = state.recv.shift()!;
    wipe(old.chainKey, ...old.skipped.values());
  }
}

/** The number of chunks a phase needs of each payload (for tests and the bench). */
export const CHUNKS_NEEDED = Object.freeze(K);
