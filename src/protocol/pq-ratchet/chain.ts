/**
 * The post-quantum ratchet's symmetric chains: one sending chain (of the latest completed epoch)
 * and up to two receiving chains (that epoch and the one before), each yielding one PQ message key
 * per counter; keys of skipped counters are kept, bounded, for late messages.
 * SPQR chain.rs (send_key / recv_key, max_jump, max_ooo_keys); Double Ratchet rev. 1 §3.5
 * (SkipMessageKeys) for the skipping discipline.
 * Side channels: counters and epochs are public (they travel in the header); keys are copied only.
 */
import { wipe } from '../../util/ct.ts';
import { ProtocolError } from '../../util/errors.ts';
import type { Suite } from '../suite.ts';
import { MAX_PQ_COUNTER, MAX_PQ_SKIP, MAX_PQ_SKIPPED_KEYS } from './constants.ts';
import { chainNext } from './kdf.ts';
import type { PqRecvChain, PqState } from './state.ts';

/**
 * The next sending key: (ck′, pq_mk) ← chainNext(ck, n), n ← n + 1. Returns n and pq_mk.
 * SPQR chain.rs (send_key).
 */
export function nextSendKey(suite: Suite, state: PqState): { counter: number; messageKey: Uint8Array } {
  const counter = state.sendCounter;
  if (counter > MAX_PQ_COUNTER)
    throw new ProtocolError('BAD_STATE', 'PQ ratchet: sending chain exhausted (u32 counter)');
  const { chainKey, messageKey } = chainNext(suite, state.sendChainKey, counter);
  wipe(state.sendChainKey);
  state.sendChainKey = chainKey;
  state.sendCounter = counter + 1;
  return { counter, messageKey };
}

function skippedTotal(state: PqState): number {
  return state.recv.reduce((t, c) => t + c.skipped.size, 0);
}

/** Deletes the oldest skipped key (oldest chain, smallest counter). */
function evictOldest(state: PqState): void {
  for (const c of state.recv) {
    const first = c.skipped.keys().next();
    if (!first.done) {
      wipe(c.skipped.get(first.value)!);
      c.skipped.delete(first.value);
      return;
    }
  }
}

/**
 * The key of message `counter` on the receiving chain `chain`: a stored skipped key, or the
 * chain stepped to `counter` (keys in between stored, ≤ MAX_PQ_SKIP per message, oldest evicted
 * beyond MAX_PQ_SKIPPED_KEYS). DUPLICATE_MESSAGE if the key was used or evicted,
 * TOO_MANY_SKIPPED for a larger jump. SPQR chain.rs (recv_key).
 */
export function takeRecvKey(
  suite: Suite,
  state: PqState,
  chain: PqRecvChain,
  counter: number,
): Uint8Array {
  if (counter < chain.counter) {
    const key = chain.skipped.get(counter);
    if (key === undefined)
      throw new ProtocolError('DUPLICATE_MESSAGE', 'PQ ratchet: message key already used or evicted');
    chain.skipped.delete(counter);
    return key;
  }
  if (counter > MAX_PQ_COUNTER)
    throw new ProtocolError('DECRYPT_FAILED', 'PQ ratchet: counter out of range');
  if (counter - chain.counter > MAX_PQ_SKIP)
    throw new ProtocolError(
      'TOO_MANY_SKIPPED',
      `PQ ratchet: message skips more than ${MAX_PQ_SKIP} keys`,
    );
  for (;;) {
    const { chainKey, messageKey } = chainNext(suite, chain.chainKey, chain.counter);
    wipe(chain.chainKey);
    chain.chainKey = chainKey;
    const n = chain.counter;
    chain.counter = n + 1;
    if (n === counter) return messageKey;
    while (skippedTotal(state) >= MAX_PQ_SKIPPED_KEYS) evictOldest(state);
    chain.skipped.set(n, messageKey);
  }
}
