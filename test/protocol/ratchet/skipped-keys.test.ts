import { describe, expect, test } from 'vitest';
import {
  cloneSkipped,
  countSkipped,
  findCurrentChain,
  storeSkippedKey,
  takeSkippedKey,
  type SkippedKeys,
} from '../../../src/protocol/ratchet/skipped-keys.ts';

const hk = (b: number) => new Uint8Array(32).fill(b);
const mk = (b: number) => new Uint8Array(32).fill(b);
const isZero = (a: Uint8Array) => a.every((x) => x === 0);
const shape = (s: SkippedKeys) => s.map((c) => [c.headerKey[0], [...c.keys.keys()]]);
const limits = { maxSkip: 10, maxSkippedKeys: 4, maxSkippedChains: 2 };

describe('MKSKIPPED (Double Ratchet rev. 1 §4.6, §6.4): bounds, oldest-first eviction, wiping', () => {
  test('keys go to the newest chain; a new header key starts a new chain', () => {
    const s: SkippedKeys = [];
    storeSkippedKey(s, hk(1), 0, mk(10), limits);
    storeSkippedKey(s, hk(1), 2, mk(12), limits);
    storeSkippedKey(s, hk(2), 5, mk(25), limits);
    expect(shape(s)).toEqual([
      [1, [0, 2]],
      [2, [5]],
    ]);
    expect(countSkipped(s)).toBe(3);
    expect(findCurrentChain(s, hk(2))).toBe(1);
    expect(findCurrentChain(s, hk(1))).toBe(-1); // only the newest chain can be current
  });

  test('the total bound evicts the oldest key first and wipes it', () => {
    const s: SkippedKeys = [];
    const oldest = mk(10);
    storeSkippedKey(s, hk(1), 0, oldest, limits);
    storeSkippedKey(s, hk(1), 1, mk(11), limits);
    storeSkippedKey(s, hk(2), 0, mk(20), limits);
    storeSkippedKey(s, hk(2), 1, mk(21), limits);
    storeSkippedKey(s, hk(2), 2, mk(22), limits);
    expect(shape(s)).toEqual([
      [1, [1]],
      [2, [0, 1, 2]],
    ]);
    expect(isZero(oldest)).toBe(true);
    const chainOneHk = s[0].headerKey;
    storeSkippedKey(s, hk(2), 3, mk(23), limits); // evicts chain 1's last key: the chain goes too
    expect(shape(s)).toEqual([[2, [0, 1, 2, 3]]]);
    expect(isZero(chainOneHk)).toBe(true);
  });

  test('the chain bound evicts the oldest chain with all its keys, wiped', () => {
    const s: SkippedKeys = [];
    const k1 = mk(10);
    storeSkippedKey(s, hk(1), 0, k1, limits);
    storeSkippedKey(s, hk(2), 0, mk(20), limits);
    const hk1 = s[0].headerKey;
    storeSkippedKey(s, hk(3), 0, mk(30), limits);
    expect(shape(s)).toEqual([
      [2, [0]],
      [3, [0]],
    ]);
    expect(isZero(k1) && isZero(hk1)).toBe(true);
  });

  test('taking a key removes it; the last key removes its chain; missing keys give null', () => {
    const s: SkippedKeys = [];
    storeSkippedKey(s, hk(1), 4, mk(14), limits);
    storeSkippedKey(s, hk(2), 7, mk(27), limits);
    expect(takeSkippedKey(s, 0, 5)).toBeNull();
    expect(takeSkippedKey(s, -1, 4)).toBeNull();
    expect(takeSkippedKey(s, 0, 4)).toEqual(mk(14));
    expect(shape(s)).toEqual([[2, [7]]]);
    expect(takeSkippedKey(s, 0, 7)).toEqual(mk(27));
    expect(s).toHaveLength(0);
  });

  test('the store never holds the caller’s header-key array, and clones share nothing', () => {
    const s: SkippedKeys = [];
    const header = hk(9);
    storeSkippedKey(s, header, 0, mk(1), limits);
    header.fill(0);
    expect(s[0].headerKey).toEqual(hk(9));
    const c = cloneSkipped(s);
    c[0].keys.get(0)!.fill(0);
    c[0].headerKey.fill(0);
    expect(s[0].keys.get(0)).toEqual(mk(1));
    expect(s[0].headerKey).toEqual(hk(9));
  });
});
