/**
 * `npx tsx bench/interleaved-aead.ts [--base DIR] [--ms N]`: ChaCha20-Poly1305 seal and open at
 * 64 B and 1 KiB against node:crypto (OpenSSL), measured the way bench/interleaved-mlkem-mldsa.ts
 * measures (bench/cpu-slices.ts): every contender runs in turn for 15 ms slices of this process's
 * CPU time, for N ms per operation (default 3000), so load from other processes hits them alike.
 * Each line also gives the ratio of every 1-second window (min–max), to show the spread. With
 * --base DIR (`git archive <commit> src | tar -x -C DIR`), that tree runs as one more contender.
 * The same inputs as bench/aead.bench.ts (16 bytes of AAD). Not part of `npm test`; results in
 * bench/results/.
 */
import { chacha20poly1305, type Aead } from '../src/aead/index.ts';
import { runSlices } from './cpu-slices.ts';
import { fixedInput } from './harness.ts';
import { nodeOpen, nodeSeal } from './node-aead.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const baseDir = opt('--base');
const totalMs = Number(opt('--ms') ?? 3000);

const base = baseDir
  ? ((await import(`${baseDir}/src/aead/index.ts`)).chacha20poly1305 as Aead)
  : null;

const key = fixedInput(32, 1);
const nonce = fixedInput(12, 2);
const aad = fixedInput(16, 4);
const OPS: Record<string, Record<string, () => unknown>> = {};
for (const size of [64, 1024]) {
  const pt = fixedInput(size, 5);
  const sealed = chacha20poly1305.seal(key, nonce, pt, aad);
  const withBase = (f: (a: Aead) => () => unknown): Record<string, () => unknown> =>
    base ? { pqmsg: f(chacha20poly1305), base: f(base) } : { pqmsg: f(chacha20poly1305) };
  OPS[`seal ${size} B`] = {
    ...withBase((a) => () => a.seal(key, nonce, pt, aad)),
    'node:crypto': () => nodeSeal(key, nonce, pt, aad),
  };
  OPS[`open ${size} B`] = {
    ...withBase((a) => () => a.open(key, nonce, sealed, aad)),
    'node:crypto': () => nodeOpen(key, nonce, sealed, aad),
  };
}

for (const [name, impls] of Object.entries(OPS)) {
  const entries = Object.entries(impls);
  const { rates: r, windows } = runSlices(entries.map(([, f]) => f), totalMs, 2000);
  const node = r[r.length - 1];
  const rates = entries.map(([n], k) => `${n} ${r[k].toFixed(0)}`).join(', ');
  const ratios = entries
    .slice(0, -1)
    .map(([n], k) => `${n} ${(r[k] / node).toFixed(2)}×`)
    .join(', ');
  const w = windows.map((x) => x[0] / x[x.length - 1]); // pqmsg / node:crypto per window
  const spread = w.length
    ? ` [1 s windows ${Math.min(...w).toFixed(2)}–${Math.max(...w).toFixed(2)}]`
    : '';
  console.log(`${name}: ${rates} ops/CPU-s; vs node:crypto ${ratios}${spread}`);
}
