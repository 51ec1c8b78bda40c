/**
 * Constant-time helpers: the only home of mask tricks (docs/ARCHITECTURE.md §5).
 * Side channels: no branch, loop bound or index depends on the bytes compared or selected;
 * only the public lengths may short-circuit. JavaScript engines give no formal constant-time
 * guarantee (JIT tiers, GC); these helpers avoid the obvious leaks and are checked by bench/ct.ts.
 */

/** 1 if a = b, else 0. Reads every byte; only the (public) lengths may short-circuit. */
export function ctEqual(a: Uint8Array, b: Uint8Array): 0 | 1 {
  if (a.length !== b.length) return 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return ((diff - 1) >>> 31) as 0 | 1; // diff ∈ [0, 255]; diff − 1 < 0 iff diff = 0
}

/** 1 if every byte of a is zero, else 0. */
export function ctIsZero(a: Uint8Array): 0 | 1 {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i];
  return ((acc - 1) >>> 31) as 0 | 1;
}

/** 1 if the bytes a and b (integers in [0, 255]) are equal, else 0, without a branch. */
export function ctByteEqual(a: number, b: number): 0 | 1 {
  return (((a ^ b) - 1) >>> 31) as 0 | 1; // a ^ b ∈ [0, 255]; a ^ b − 1 < 0 iff a = b
}

/** 1 if a < b, else 0, for integers a, b in [0, 2³¹), without a branch. */
export function ctLessThan(a: number, b: number): 0 | 1 {
  return ((a - b) >>> 31) as 0 | 1; // a − b ∈ (−2³¹, 2³¹): negative iff a < b
}

/** bit ? a : b, byte by byte through a mask, into a fresh array. a and b have equal length. */
export function ctSelect(bit: 0 | 1, a: Uint8Array, b: Uint8Array): Uint8Array {
  const mask = -bit & 0xff;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = b[i] ^ (mask & (a[i] ^ b[i]));
  return out;
}

/** Swaps the contents of a and b when bit = 1, in place, without a branch. */
export function ctSwap(bit: 0 | 1, a: Uint8Array | Uint16Array | Int32Array | Uint32Array, b: typeof a): void {
  const mask = -bit;
  for (let i = 0; i < a.length; i++) {
    const t = mask & (a[i] ^ b[i]);
    a[i] ^= t;
    b[i] ^= t;
  }
}

/** Overwrites secrets we own with zeros. Best effort: the GC and V8 may keep copies. */
export function wipe(...arrays: (Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array)[]): void {
  for (const a of arrays) a.fill(0);
}
