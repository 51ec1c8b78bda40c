/**
 * A dudect-style timing-leak check (Reparaz, Balasch, Verbauwhede, "Dude, is my code constant
 * time?", DATE 2017): for each target, inputs from two classes are drawn in random order, each
 * call is timed with process.hrtime, and Welch's t-test compares the two timing distributions
 * (raw, and cropped at the pooled 50th/90th percentiles). |t| > 4.5 suggests a leak.
 * Informative only: never part of `npm test` (machines are noisy; JIT tiers move). Positive
 * controls, which must leak, show the tool can see one. `npm run ct [-- name-filter…]`;
 * CT_SAMPLES overrides the per-target sample count.
 * Other areas add targets in bench/ct-<area>.ts exporting `targets: CtTarget[]` (ct-mlkem.ts is
 * loaded when present).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scalarMult } from '../src/curve25519/x25519.ts';
import { baseMul } from '../src/curve25519/scalar-mult.ts';
import { fieldPow } from '../src/curve25519/reference.ts';
import { bytesEqual, toHex } from '../src/util/bytes.ts';
import { ctEqual } from '../src/util/ct.ts';

/** A timing target: two input classes (class 0, class 1) and the operation under test. */
export interface CtTarget<I = any> {
  name: string;
  classes: [() => I, () => I];
  run(input: I): unknown;
  /** A positive control: expected to leak. */
  control?: boolean;
  /** Timed calls per target (default 4,000; CT_SAMPLES overrides). */
  samples?: number;
}

export interface CtResult {
  name: string;
  control: boolean;
  samples: number;
  /** max |t| over the raw and cropped tests. */
  t: number;
}

/** Welch's t statistic of two samples. */
export function welchT(a: number[], b: number[]): number {
  const stats = (x: number[]): [number, number] => {
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    return [m, s / (x.length - 1)];
  };
  const [ma, va] = stats(a);
  const [mb, vb] = stats(b);
  const se = Math.sqrt(va / a.length + vb / b.length);
  return se === 0 ? 0 : (ma - mb) / se;
}

let sink: unknown;

/** Times one target and returns its largest |t| (raw and cropped at percentiles 50, 90). */
export function measureTarget(target: CtTarget): CtResult {
  const n = Number(process.env.CT_SAMPLES ?? target.samples ?? 4000);
  const cls = Array.from({ length: n }, () => (Math.random() < 0.5 ? 0 : 1));
  const inputs = cls.map((c) => target.classes[c]());
  for (let i = 0; i < Math.min(n, 500); i++) sink = target.run(inputs[i]); // warm up the JIT
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    sink = target.run(inputs[i]);
    times[i] = Number(process.hrtime.bigint() - t0);
  }
  const sorted = Float64Array.from(times).sort();
  let worst = 0;
  for (const pct of [1, 0.9, 0.5]) {
    const cap = sorted[Math.min(n - 1, Math.floor(pct * n))];
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) if (times[i] <= cap) (cls[i] === 0 ? a : b).push(times[i]);
    if (a.length > 10 && b.length > 10) worst = Math.max(worst, Math.abs(welchT(a, b)));
  }
  return { name: target.name, control: target.control === true, samples: n, t: worst };
}

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const FIXED_U = random(32);
const BIG_A = random(4096);

/** The curve25519 targets (and the ct.ts helper they rely on), plus two positive controls. */
export const targets: CtTarget[] = [
  {
    name: 'X25519 ladder: scalar 0 (clamps to 2^254) vs random scalar',
    classes: [() => new Uint8Array(32), () => random(32)],
    run: (k: Uint8Array) => scalarMult(k, FIXED_U),
  },
  {
    name: 'Ed25519 fixed-base [a]B: a = 0 (all digits 0) vs random a < 2^255',
    classes: [() => new Uint8Array(32), () => { const a = random(32); a[31] &= 127; return a; }],
    run: (a: Uint8Array) => baseMul(a),
  },
  {
    name: 'ctEqual 4 KiB: equal vs differing in byte 0',
    classes: [() => BIG_A.slice(), () => { const b = BIG_A.slice(); b[0] ^= 1; return b; }],
    run: (b: Uint8Array) => ctEqual(BIG_A, b),
    samples: 20000,
  },
  {
    name: 'CONTROL bytesEqual 4 KiB (early exit): equal vs differing in byte 0',
    classes: [() => BIG_A.slice(), () => { const b = BIG_A.slice(); b[0] ^= 1; return b; }],
    run: (b: Uint8Array) => bytesEqual(BIG_A, b),
    control: true,
    samples: 20000,
  },
  {
    name: 'CONTROL bigint reference fieldPow (square-and-multiply): exponent 2^254 vs random',
    classes: [() => 2n ** 254n, () => BigInt('0x' + toHex(random(32))) | (1n << 254n)],
    run: (e: bigint) => fieldPow(9n, e),
    control: true,
    samples: 2000,
  },
];

/** Runs the targets (optionally filtered by name substrings) and prints |t| per target. */
export async function main(filters: string[]): Promise<CtResult[]> {
  const all = [...targets];
  const mlkem = fileURLToPath(new URL('./ct-mlkem.ts', import.meta.url));
  if (existsSync(mlkem)) {
    const extra: { targets: CtTarget[] } = await import(pathToFileURL(mlkem).href);
    all.push(...extra.targets);
  }
  const chosen = all.filter((t) => filters.length === 0 || filters.some((f) => t.name.includes(f)));
  console.log('dudect-style timing check — Welch |t| (> 4.5: leak likely); informative only\n');
  const results: CtResult[] = [];
  for (const target of chosen) {
    const r = measureTarget(target);
    results.push(r);
    const leak = r.t > 4.5;
    const verdict = leak ? 'LEAK?' : 'no leak seen';
    let note = '';
    if (r.control) note = leak ? ' (control: leak seen, as expected)' : ' (control: NOT seen)';
    const t = r.t.toFixed(2).padStart(8);
    console.log(`${t}  ${verdict.padEnd(12)} ${r.name} [n=${r.samples}]${note}`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
  void sink;
}
