/**
 * The interleaved CPU-time measurement shared by bench/interleaved-aead.ts and
 * bench/interleaved-mlkem-mldsa.ts: every contender runs in turn for 15 ms slices of this
 * process's CPU time (process.cpuUsage), round-robin, for `totalMs` of CPU time, so load from
 * other processes and drift hit all of them alike.
 * The clock is read once per batch of calls, not once per call: one process.cpuUsage() costs about
 * 2 µs (a getrusage system call), which would otherwise be added to every call (a 1 KiB AEAD open
 * takes about 5 µs) and pull every ratio towards 1. The batch is sized in the warm-up so that it
 * takes about 0.2 ms, which leaves the clock under 1% of the measured time.
 * Not part of `npm test`.
 */

/** CPU time of this process (user + system) in milliseconds. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Holds each result, so that no call can be optimised away. */
let sink: unknown;

/** Calls and CPU time of each contender over the whole run, and per window of about 1 s. */
export interface SliceResult {
  /** Calls per CPU-second of each contender, in the order given. */
  rates: number[];
  /** Per window of about 1 s of CPU time: the rate of each contender in that window. */
  windows: number[][];
}

/** Warms `f` up with `warmupCalls` calls and returns how many calls take about 0.2 ms. */
function batchSize(f: () => unknown, warmupCalls: number): number {
  for (let i = 0; i < warmupCalls; i++) sink = f();
  const t = cpuMs();
  let n = 0;
  while (cpuMs() - t < 20) {
    sink = f();
    n++;
  }
  return Math.max(1, Math.round((n * 0.2) / (cpuMs() - t)));
}

/**
 * Runs the contenders round-robin in 15 ms slices of CPU time until `totalMs` of CPU time have
 * passed, and returns their rates, overall and per window of about 1 s.
 */
export function runSlices(
  fns: (() => unknown)[],
  totalMs: number,
  warmupCalls: number,
): SliceResult {
  const batch = fns.map((f) => batchSize(f, warmupCalls));
  const calls = fns.map(() => 0);
  const time = fns.map(() => 0);
  const windows: number[][] = [];
  let wCalls = fns.map(() => 0);
  let wTime = fns.map(() => 0);
  const t0 = cpuMs();
  let tw = t0;
  while (cpuMs() - t0 < totalMs) {
    fns.forEach((f, k) => {
      const b = batch[k];
      const s = cpuMs();
      let c = 0;
      let dt = 0;
      do {
        for (let i = 0; i < b; i++) sink = f();
        c += b;
        dt = cpuMs() - s;
      } while (dt < 15);
      calls[k] += c;
      time[k] += dt;
      wCalls[k] += c;
      wTime[k] += dt;
    });
    if (cpuMs() - tw >= 1000) {
      windows.push(fns.map((_, k) => (wCalls[k] * 1000) / wTime[k]));
      wCalls = fns.map(() => 0);
      wTime = fns.map(() => 0);
      tw = cpuMs();
    }
  }
  return { rates: fns.map((_, k) => (calls[k] * 1000) / time[k]), windows };
}
