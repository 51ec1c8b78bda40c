/**
 * MKSKIPPED: message keys of messages not yet received, indexed by (header key, N), bounded per
 * jump (MAX_SKIP, checked by the caller), in total and in the number of distinct header keys,
 * with oldest-first eviction. Double Ratchet rev. 1 §3.5 (MAX_SKIP), §4.6 (MKSKIPPED[HKr, Nr]),
 * §6.4 (deletion of skipped message keys); bounds in constants.ts and docs/PROTOCOL.md.
 * Side channels: header keys are compared with ctEqual; the branch on the result reveals only
 * whether two chains are the same. N is public (it travels in the header).
 *
 * Order: keys are only ever added to the newest chain (the current receiving chain) in increasing
 * N, so "chains oldest first, each in increasing N" is exactly insertion order.
 */
import { ctEqual, wipe } from '../../util/ct.ts';
import type { RatchetLimits } from './constants.ts';
import { copyBytes } from '../../util/bytes.ts';

/** The skipped keys of one receiving chain, identified by its header key. */
export interface SkippedChain {
  /** HKr of the chain when the keys were skipped. */
  headerKey: Uint8Array;
  /** N → message key, in increasing N (Map keeps insertion order). */
  keys: Map<number, Uint8Array>;
}

/** MKSKIPPED: chains oldest first; every chain holds at least one key. */
export type SkippedKeys = SkippedChain[];

/** Total number of stored message keys. Double Ratchet rev. 1 §6.4 (the total bound). */
export function countSkipped(store: SkippedKeys): number {
  let total = 0;
  for (const chain of store) total += chain.keys.size;
  return total;
}

/**
 * A deep copy: no array is shared with the original, so either may be wiped alone.
 * Double Ratchet rev. 1 §3.5 (state changes are made on a copy and discarded on error).
 */
export function cloneSkipped(store: SkippedKeys): SkippedKeys {
  return store.map((chain) => ({
    headerKey: copyBytes(chain.headerKey),
    keys: new Map([...chain.keys].map(([n, mk]) => [n, copyBytes(mk)])),
  }));
}

/** Wipes every key in the store and empties it. Double Ratchet rev. 1 §6.1 (secure deletion). */
export function wipeSkipped(store: SkippedKeys): void {
  for (const chain of store) {
    wipe(chain.headerKey);
    for (const mk of chain.keys.values()) wipe(mk);
    chain.keys.clear();
  }
  store.length = 0;
}

/**
 * Index of the chain stored under `headerKey` (the current HKr), or −1; only the newest chain
 * can be the current one. Double Ratchet rev. 1 §4.6 (MKSKIPPED[HKr, Nr]).
 */
export function findCurrentChain(store: SkippedKeys, headerKey: Uint8Array): number {
  const last = store.length - 1;
  return last >= 0 && ctEqual(store[last].headerKey, headerKey) === 1 ? last : -1;
}

/**
 * Stores MKSKIPPED[hk, n] = mk in the newest chain (a new one if hk differs), first evicting the
 * oldest chain when the chain bound is reached and the oldest key when the key bound is reached.
 * Double Ratchet rev. 1 §4.6 (SkipMessageKeysHE), §6.4. Takes ownership of `mk`.
 */
export function storeSkippedKey(
  store: SkippedKeys,
  headerKey: Uint8Array,
  n: number,
  mk: Uint8Array,
  limits: RatchetLimits,
): void {
  if (findCurrentChain(store, headerKey) < 0) {
    if (store.length >= limits.maxSkippedChains) evictOldestChain(store);
    store.push({ headerKey: copyBytes(headerKey), keys: new Map() });
  }
  while (countSkipped(store) >= limits.maxSkippedKeys) evictOldestKey(store);
  store[store.length - 1].keys.set(n, mk);
}

/**
 * Removes and returns MKSKIPPED[chain, n], or null if that key is not stored (used or evicted).
 * Double Ratchet rev. 1 §4.6 (TrySkippedMessageKeysHE: del MKSKIPPED[hk, n]).
 */
export function takeSkippedKey(
  store: SkippedKeys,
  chainIndex: number,
  n: number,
): Uint8Array | null {
  if (chainIndex < 0) return null;
  const chain = store[chainIndex];
  const mk = chain.keys.get(n);
  if (mk === undefined) return null;
  chain.keys.delete(n);
  if (chain.keys.size === 0) {
    wipe(chain.headerKey);
    store.splice(chainIndex, 1);
  }
  return mk;
}

function evictOldestChain(store: SkippedKeys): void {
  const [oldest] = store.splice(0, 1);
  wipe(oldest.headerKey);
  for (const mk of oldest.keys.values()) wipe(mk);
}

function evictOldestKey(store: SkippedKeys): void {
  const oldest = store[0];
  const [n, mk] = oldest.keys.entries().next().value as [number, Uint8Array];
  wipe(mk);
  oldest.keys.delete(n);
  if (oldest.keys.size === 0) {
    wipe(oldest.headerKey);
    store.splice(0, 1);
  }
}
