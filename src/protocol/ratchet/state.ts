/**
 * The Double Ratchet state with header encryption, and its deep copy and wipe.
 * Double Ratchet rev. 1 §4.3 (State variables: DHs, DHr, RK, CKs, CKr, Ns, Nr, PN, HKs, HKr,
 * NHKs, NHKr, MKSKIPPED). Names follow docs/ARCHITECTURE.md §6; the spec symbol is in each field's comment.
 * Side channels: copies and wipes touch every byte regardless of value.
 * Wiping is best effort: the GC and V8 may keep copies of secrets (docs/SECURITY.md).
 */
import { wipe } from '../../util/ct.ts';
import type { KeyPair } from '../suite.ts';
import { cloneSkipped, wipeSkipped, type SkippedKeys } from './skipped-keys.ts';
import { copyBytes } from '../../util/bytes.ts';
import { clonePqState, wipePqState, type PqState } from '../pq-ratchet/state.ts';

/** One party's ratchet state. Plain data: serialize with state-codec.ts. */
export interface RatchetState {
  /** DHs: our current ratchet key pair (X25519). */
  dhSend: KeyPair;
  /** DHr: the peer's current ratchet public key; null until the first message (Bob). */
  dhRecv: Uint8Array | null;
  /** RK: root key. */
  rootKey: Uint8Array;
  /** CKs: sending chain key; null until we have a sending chain (Bob before his first receive). */
  chainKeySend: Uint8Array | null;
  /** CKr: receiving chain key; null until the first message arrives. */
  chainKeyRecv: Uint8Array | null;
  /** Ns: number of the next message we send in the current sending chain. */
  nSend: number;
  /** Nr: number of the next message expected in the current receiving chain. */
  nRecv: number;
  /** PN: number of messages in our previous sending chain. */
  prevChainLength: number;
  /** HKs: sending header key; null exactly when CKs is. */
  headerKeySend: Uint8Array | null;
  /** HKr: receiving header key; null exactly when CKr is. */
  headerKeyRecv: Uint8Array | null;
  /** NHKs: our next sending header key. */
  nextHeaderKeySend: Uint8Array;
  /** NHKr: the peer's next sending header key; a header that opens under it starts a DH step. */
  nextHeaderKeyRecv: Uint8Array;
  /** MKSKIPPED: skipped message keys by (header key, N), bounded (skipped-keys.ts). */
  skipped: SkippedKeys;
  /** The post-quantum ratchet beside this one (pqmsg v2; pq-ratchet/state.ts). */
  pq: PqState;
}

const copy = (a: Uint8Array | null): Uint8Array | null => (a === null ? null : copyBytes(a));

/**
 * A deep copy sharing no array with `state`, so the copy can be mutated or wiped alone.
 * Double Ratchet rev. 1 §3.5 ("changes to the state object are discarded" on error).
 */
export function cloneState(state: Readonly<RatchetState>): RatchetState {
  return {
    dhSend: {
      secretKey: copyBytes(state.dhSend.secretKey),
      publicKey: copyBytes(state.dhSend.publicKey),
    },
    dhRecv: copy(state.dhRecv),
    rootKey: copyBytes(state.rootKey),
    chainKeySend: copy(state.chainKeySend),
    chainKeyRecv: copy(state.chainKeyRecv),
    nSend: state.nSend,
    nRecv: state.nRecv,
    prevChainLength: state.prevChainLength,
    headerKeySend: copy(state.headerKeySend),
    headerKeyRecv: copy(state.headerKeyRecv),
    nextHeaderKeySend: copyBytes(state.nextHeaderKeySend),
    nextHeaderKeyRecv: copyBytes(state.nextHeaderKeyRecv),
    skipped: cloneSkipped(state.skipped),
    pq: clonePqState(state.pq),
  };
}

/**
 * Overwrites every key in `state` with zeros and empties MKSKIPPED: call it on a state that is
 * dropped (after the successor has been persisted). Double Ratchet rev. 1 §6.1 (secure deletion).
 */
export function wipeRatchetState(state: RatchetState): void {
  const arrays = [
    state.dhSend.secretKey,
    state.dhSend.publicKey,
    state.dhRecv,
    state.rootKey,
    state.chainKeySend,
    state.chainKeyRecv,
    state.headerKeySend,
    state.headerKeyRecv,
    state.nextHeaderKeySend,
    state.nextHeaderKeyRecv,
  ];
  for (const a of arrays) if (a !== null) wipe(a);
  wipeSkipped(state.skipped);
  wipePqState(state.pq);
  state.nSend = state.nRecv = state.prevChainLength = 0;
}
