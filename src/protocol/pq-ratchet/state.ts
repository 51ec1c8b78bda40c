/**
 * The post-quantum ratchet's state: the epoch counter, the symmetric chains, the authenticator
 * and the phase of the epoch being negotiated; its deep copy and wipe.
 * ML-KEM Braid rev. 1 (signal.org/docs/specifications/mlkembraid) state machines and SPQR
 * `src/v1/` (send_ek: KeysUnsampled → HeaderSent → …; send_ct: NoHeaderReceived → …), folded into
 * five phases (docs/PROTOCOL.md §5.12.2). Plain data: serialize with state-codec.ts.
 * Side channels: copies and wipes touch every byte regardless of value.
 * Public arrays (ek, ek header, c₁, c₂, received chunks) are never mutated after creation, so
 * copies of a state share them; secrets (seed, m, keys) are copied, and wiped when dropped.
 * Wiping is best effort: the GC and V8 may keep copies of secrets (docs/SECURITY.md).
 */
import { copyBytes } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import type { ChunkSet } from './chunks.ts';
import type { AuthKeys } from './kdf.ts';

/** A receiving chain of one epoch, with the keys of messages not yet received. */
export interface PqRecvChain {
  epoch: number;
  chainKey: Uint8Array;
  /** Counter of the next key the chain yields. */
  counter: number;
  /** Keys derived for skipped counters, in increasing counter order. */
  skipped: Map<number, Uint8Array>;
}

/** The epoch secret and authenticator an encapsulator holds before the keyholder confirms. */
export interface PendingEpoch {
  secret: Uint8Array;
  auth: AuthKeys;
}

/**
 * The negotiation of epoch `epoch + 1`. The keyholder (the initiator for odd epochs, the
 * responder for even ones) sends ek; the encapsulator sends the ciphertext.
 */
export type PqPhase =
  /** Keyholder; samples (dk, ek) when it next sends. */
  | { kind: 'keyUnsampled' }
  /** Keyholder; sends ek chunks, collects c₁ and c₂ ‖ MAC chunks; `acked` once a ct chunk came. */
  | {
      kind: 'keySent';
      /** d ‖ z (FIPS 203 Algorithm 16 seed form of dk): secret. */
      seed: Uint8Array;
      /** ek (public). */
      ek: Uint8Array;
      /** ρ ‖ H(ek) ‖ MAC: the ek-header payload, computed once when the key pair is sampled. */
      header: Uint8Array;
      sentHeader: number;
      sentVector: number;
      acked: boolean;
      ct1: ChunkSet;
      ct2: ChunkSet;
    }
  /** Encapsulator; collects ek header and vector chunks, sends no chunk. */
  | { kind: 'awaitHeader'; header: ChunkSet; vector: ChunkSet }
  /** Encapsulator with K (from the header): sends c₁ chunks, collects vector chunks. */
  | {
      kind: 'awaitVector';
      m: Uint8Array;
      ekHeader: Uint8Array;
      ct1: Uint8Array;
      sentCt1: number;
      vector: ChunkSet;
      pending: PendingEpoch;
    }
  /** Encapsulator with c₁ and c₂: sends their chunks until the keyholder uses the new epoch. */
  | {
      kind: 'ctSent';
      ct1: Uint8Array;
      ct2: Uint8Array;
      sentCt1: number;
      sentCt2: number;
      pending: PendingEpoch;
    }
;

/** One party's post-quantum ratchet state. */
export interface PqState {
  /** True for the session's initiator (Alice): keyholder of the odd epochs. */
  initiator: boolean;
  /** The latest epoch this party has completed (0 at the start). */
  epoch: number;
  /** The chain root (SPQR next_root). */
  root: Uint8Array;
  /** The authenticator; its MAC key is that of `epoch`. */
  auth: AuthKeys;
  /** Our sending chain (of `epoch`) and its next counter. */
  sendChainKey: Uint8Array;
  sendCounter: number;
  /** Receiving chains of epochs `epoch − 1` (if any) and `epoch`, oldest first. */
  recv: PqRecvChain[];
  phase: PqPhase;
}

/** True iff this party holds the key pair (sends ek) in the negotiation of `epoch + 1`. */
export function isKeyholder(state: Readonly<PqState>): boolean {
  return state.initiator === ((state.epoch + 1) % 2 === 1);
}

const cloneSet = (s: ChunkSet): ChunkSet => new Map(s); // chunks are public and never mutated
const clonePending = (p: PendingEpoch): PendingEpoch => ({
  secret: copyBytes(p.secret),
  auth: { authRoot: copyBytes(p.auth.authRoot), macKey: copyBytes(p.auth.macKey) },
});

function clonePhase(p: PqPhase): PqPhase {
  switch (p.kind) {
    case 'keyUnsampled':
      return { kind: p.kind };
    case 'keySent':
      return { ...p, seed: copyBytes(p.seed), ct1: cloneSet(p.ct1), ct2: cloneSet(p.ct2) };
    case 'awaitHeader':
      return { kind: p.kind, header: cloneSet(p.header), vector: cloneSet(p.vector) };
    case 'awaitVector':
      return { ...p, m: copyBytes(p.m), vector: cloneSet(p.vector), pending: clonePending(p.pending) };
    case 'ctSent':
      return { ...p, pending: clonePending(p.pending) };
  }
}

/** A deep copy sharing no array with `state`. Double Ratchet rev. 1 §3.5 (transactional). */
export function clonePqState(state: Readonly<PqState>): PqState {
  return {
    initiator: state.initiator,
    epoch: state.epoch,
    root: copyBytes(state.root),
    auth: { authRoot: copyBytes(state.auth.authRoot), macKey: copyBytes(state.auth.macKey) },
    sendChainKey: copyBytes(state.sendChainKey),
    sendCounter: state.sendCounter,
    recv: state.recv.map((c) => ({
      epoch: c.epoch,
      chainKey: copyBytes(c.chainKey),
      counter: c.counter,
      skipped: new Map([...c.skipped].map(([n, k]) => [n, copyBytes(k)])),
    })),
    phase: clonePhase(state.phase),
  };
}

/** Zeroes every secret of a phase (dk, m, pending epoch secrets). */
export function wipePhase(p: PqPhase): void {
  if (p.kind === 'keySent') wipe(p.seed);
  if (p.kind === 'awaitVector') wipe(p.m);
  if (p.kind === 'awaitVector' || p.kind === 'ctSent')
    wipe(p.pending.secret, p.pending.auth.authRoot, p.pending.auth.macKey);
}

/** Zeroes every secret of the state (call on a dropped state). */
export function wipePqState(state: PqState): void {
  wipe(state.root, state.auth.authRoot, state.auth.macKey, state.sendChainKey);
  for (const c of state.recv) {
    wipe(c.chainKey);
    for (const k of c.skipped.values()) wipe(k);
    c.skipped.clear();
  }
  wipePhase(state.phase);
}
