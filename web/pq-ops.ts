/**
 * ML-KEM-768 (FIPS 203) and ML-DSA-65 (FIPS 204) operations timed the same way in the page and in
 * Node (bench/browser.ts runs both): fixed seeds and messages as in bench/mlkem.bench.ts and
 * bench/mldsa.bench.ts, a warm-up, then as many calls as fit in the time budget, results fed to
 * a sink. Uses only `performance.now()`, which both runtimes have.
 */
import { mldsa65 } from '../src/mldsa/index.ts';
import { mlkem768 } from '../src/mlkem/index.ts';

export interface OpsResult {
  op: string;
  opsPerSec: number;
}

function fixedInput(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 17) & 0xff;
  return out;
}

let sink = 0;
const DETERMINISTIC = { deterministic: true };

/** Calls `fn` for `warmup` rounds, then for `ms` milliseconds; returns calls per second. */
function measure(fn: () => Uint8Array | boolean | object, warmup: number, ms: number): number {
  for (let i = 0; i < warmup; i++) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    const out = fn();
    sink ^= out instanceof Uint8Array ? out[0] : 1;
    calls++;
    elapsed = performance.now() - start;
  }
  return (calls * 1000) / elapsed;
}

/** ops/s of ML-KEM-768 keygen/encaps/decaps and ML-DSA-65 keygen/sign/verify. */
export function measurePqOps(ms = 1000, warmup = 300): OpsResult[] {
  const kemSeed = fixedInput(64, 1);
  const m = fixedInput(32, 2);
  const kem = mlkem768.keygen(kemSeed);
  const { cipherText } = mlkem768.encapsulate(kem.publicKey, m);
  const dsaSeed = fixedInput(32, 1);
  const dsa = mldsa65.keygen(dsaSeed);
  const messages = Array.from({ length: 32 }, (_, i) => fixedInput(64, 100 + i));
  const sigs = messages.map((msg) => mldsa65.sign(dsa.secretKey, msg, DETERMINISTIC));
  let i = 0;
  let j = 0;
  const ops: [string, () => Uint8Array | boolean | object][] = [
    ['ML-KEM-768 keygen', () => mlkem768.keygen(kemSeed).publicKey],
    ['ML-KEM-768 encaps', () => mlkem768.encapsulate(kem.publicKey, m).sharedSecret],
    ['ML-KEM-768 decaps', () => mlkem768.decapsulate(cipherText, kem.secretKey)],
    ['ML-DSA-65 keygen', () => mldsa65.keygen(dsaSeed).publicKey],
    ['ML-DSA-65 sign', () => mldsa65.sign(dsa.secretKey, messages[i++ & 31], DETERMINISTIC)],
    ['ML-DSA-65 verify', () => mldsa65.verify(dsa.publicKey, messages[j & 31], sigs[j++ & 31])],
  ];
  const results = ops.map(([op, fn]) => ({ op, opsPerSec: measure(fn, warmup, ms) }));
  if (sink === 0x1234_5678) console.log(sink); // keeps the sink observable
  return results;
}
