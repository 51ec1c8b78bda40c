/**
 * A small benchmark harness: every implementation of an operation runs in the same process,
 * with warm-up, and results print as ops/s (MB/s for bulk) plus pqmsg's ratio to each peer.
 * Timing is wall-clock (performance.now); results go into a sink so the JIT cannot drop work.
 */

export interface BenchCase {
  area: string;
  op: string;
  /** Bytes processed per call (for MB/s) — omit for fixed-size operations like keygen. */
  size?: number;
  /** Implementations by name; 'pqmsg' is ours, the others are peers. Each call does one op;
   *  an implementation that returns a Promise is awaited (async peers such as libsignal). */
  impls: Record<string, () => unknown>;
  /** Releases what the case holds (a server, sockets) once it is measured. */
  teardown?: () => unknown;
}

export interface Measurement {
  area: string;
  op: string;
  size: number | null;
  impl: string;
  opsPerSec: number;
  bytesPerSec: number | null;
}

export interface BenchOptions {
  /** Minimum measured time per implementation, ms. */
  timeMs: number;
  /** Minimum warm-up time per implementation, ms (and at least `warmupCalls` calls). */
  warmupMs: number;
  warmupCalls: number;
}

export const DEFAULT_OPTIONS: BenchOptions = { timeMs: 1000, warmupMs: 300, warmupCalls: 300 };

/** Deterministic, fixed input bytes: benchmarks use no RNG, so every run does the same work. */
export function fixedInput(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 17) & 0xff;
  return out;
}

/**
 * Instances from @oqs/liboqs-js (liboqs compiled to WebAssembly, the "how far is native" line),
 * by label → factory name (e.g. { 'ML-KEM-768': 'createMLKEM768' }); null, with a printed
 * reason, when the WebAssembly build does not load here.
 */
export async function loadLiboqs<T>(factories: Record<string, string>): Promise<Record<string, T> | null> {
  try {
    const oqs = (await import('@oqs/liboqs-js')) as unknown as Record<string, () => Promise<T>>;
    const out: Record<string, T> = {};
    for (const [label, factory] of Object.entries(factories)) out[label] = await oqs[factory]();
    return out;
  } catch (e) {
    console.log(`@oqs/liboqs-js: not available (${(e as Error).message.split('\n')[0]})`);
    return null;
  }
}

let sink: unknown;
export const lastSink = (): unknown => sink;

/** Calls fn repeatedly and returns its rate in calls per second. */
export function measure(fn: () => unknown, opts: BenchOptions = DEFAULT_OPTIONS): number {
  const warmEnd = performance.now() + opts.warmupMs;
  for (let i = 0; i < opts.warmupCalls || performance.now() < warmEnd; i++) {
    sink = fn();
    if (performance.now() > warmEnd + 5 * opts.warmupMs) break; // slow ops: bounded warm-up
  }
  let calls = 0;
  let batch = 1;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < opts.timeMs) {
    for (let i = 0; i < batch; i++) sink = fn();
    calls += batch;
    elapsed = performance.now() - t0;
    if (elapsed < opts.timeMs / 10) batch *= 2;
  }
  return (calls * 1000) / elapsed;
}

/** measure() for functions returning a Promise: every call is awaited before the next. */
export async function measureAsync(fn: () => Promise<unknown>, opts: BenchOptions = DEFAULT_OPTIONS): Promise<number> {
  const warmEnd = performance.now() + opts.warmupMs;
  for (let i = 0; i < opts.warmupCalls || performance.now() < warmEnd; i++) {
    sink = await fn();
    if (performance.now() > warmEnd + 5 * opts.warmupMs) break;
  }
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < opts.timeMs) {
    sink = await fn();
    calls++;
    elapsed = performance.now() - t0;
  }
  return (calls * 1000) / elapsed;
}

function fmtRate(m: Measurement): string {
  const ops = m.opsPerSec >= 100 ? Math.round(m.opsPerSec).toLocaleString('en-US') : m.opsPerSec.toFixed(1);
  return m.bytesPerSec === null ? `${ops} ops/s` : `${ops} ops/s  ${(m.bytesPerSec / 1e6).toFixed(1)} MB/s`;
}

export function sizeLabel(size: number | null | undefined): string {
  if (size === null || size === undefined) return '';
  if (size >= 1 << 20) return `${+(size / (1 << 20)).toFixed(1)} MiB`;
  if (size >= 1024) return `${+(size / 1024).toFixed(1)} KiB`;
  return `${size} B`;
}

/**
 * Rounds per case: the implementations take turns (order reversed every other round), each
 * measured for timeMs / ROUNDS per round, so that a drift in machine load or in the garbage
 * collector's state hits them all alike instead of whichever ran last.
 */
const ROUNDS = 5;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs one case (all its implementations, in ROUNDS alternating rounds) and prints a block with
 * each implementation's median rate and pqmsg's ratio to it: the median of the per-round ratios,
 * with their range.
 */
export async function runCase(c: BenchCase, opts: BenchOptions = DEFAULT_OPTIONS): Promise<Measurement[]> {
  const entries = Object.entries(c.impls);
  const isAsync = new Map<string, boolean>();
  for (const [impl, fn] of entries) {
    const first = fn();
    isAsync.set(impl, first instanceof Promise);
    if (first instanceof Promise) await first;
  }
  const rates = new Map<string, number[]>(entries.map(([impl]) => [impl, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const roundOpts = {
      timeMs: opts.timeMs / ROUNDS,
      warmupMs: round === 0 ? opts.warmupMs : 0,
      warmupCalls: round === 0 ? opts.warmupCalls : 0,
    };
    const order = round % 2 === 0 ? entries : [...entries].reverse();
    for (const [impl, fn] of order) {
      const rate = isAsync.get(impl)
        ? await measureAsync(fn as () => Promise<unknown>, roundOpts)
        : measure(fn, roundOpts);
      rates.get(impl)!.push(rate);
    }
  }
  await c.teardown?.();
  const out: Measurement[] = entries.map(([impl]) => {
    const opsPerSec = median(rates.get(impl)!);
    return {
      area: c.area,
      op: c.op,
      size: c.size ?? null,
      impl,
      opsPerSec,
      bytesPerSec: c.size === undefined ? null : opsPerSec * c.size,
    };
  });
  const ours = rates.get('pqmsg');
  console.log(`${c.area} · ${c.op}${c.size !== undefined ? ` · ${sizeLabel(c.size)}` : ''}`);
  for (const m of out) {
    let ratio = '';
    if (ours && m.impl !== 'pqmsg') {
      const theirs = rates.get(m.impl)!;
      const perRound = ours.map((r, k) => r / theirs[k]);
      const lo = Math.min(...perRound).toFixed(2);
      const hi = Math.max(...perRound).toFixed(2);
      ratio = `   pqmsg = ${median(perRound).toFixed(2)}× [${lo}–${hi}]`;
    }
    console.log(`  ${m.impl.padEnd(22)} ${fmtRate(m).padStart(30)}${ratio}`);
  }
  return out;
}
