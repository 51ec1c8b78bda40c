/**
 * `npm run bench [-- area…] [--json FILE] [--quick]`: every area's benchmark cases, ours against
 * the peers in the same process, taking turns over five rounds (harness.ts runCase). Never part of
 * `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_OPTIONS, runCase, type BenchCase, type Measurement } from './harness.ts';

const AREAS: Record<string, () => Promise<BenchCase[]>> = {
  hash: async () => (await import('./hash.bench.ts')).cases(),
  kdf: async () => (await import('./kdf.bench.ts')).cases(),
  aead: async () => (await import('./aead.bench.ts')).cases(),
  curve25519: async () => (await import('./curve25519.bench.ts')).cases(),
  mlkem: async () => (await import('./mlkem.bench.ts')).cases(),
  mldsa: async () => (await import('./mldsa.bench.ts')).cases(),
  protocol: async () => (await import('./protocol.bench.ts')).cases(),
  'pq-ratchet': async () => (await import('./pq-ratchet.bench.ts')).cases(),
  server: async () => (await import('./server.bench.ts')).cases(),
  'sealed-sender': async () => (await import('./sealed-sender.bench.ts')).cases(),
  'cover-traffic': async () => (await import('./cover-traffic.bench.ts')).cases(),
  client: async () => (await import('./client.bench.ts')).cases(),
  devices: async () => (await import('./devices.bench.ts')).cases(),
  groups: async () => (await import('./groups.bench.ts')).cases(),
};

const args = process.argv.slice(2);
let jsonFile: string | null = null;
const wanted: string[] = [];
let quick = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') jsonFile = args[++i];
  else if (args[i] === '--quick') quick = true;
  else wanted.push(args[i]);
}
const opts = quick ? { timeMs: 300, warmupMs: 100, warmupCalls: 50 } : DEFAULT_OPTIONS;

console.log(`pqmsg benchmarks — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
  `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}\n`);
const all: Measurement[] = [];
for (const [area, load] of Object.entries(AREAS)) {
  if (wanted.length > 0 && !wanted.includes(area)) continue;
  let cases: BenchCase[];
  try {
    cases = await load();
  } catch (e) {
    console.log(`${area}: not available (${(e as Error).message.split('\n')[0]})\n`);
    continue;
  }
  for (const c of cases) {
    all.push(...(await runCase(c, opts)));
    console.log();
  }
}
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify(all, null, 1) + '\n');
  console.log(`wrote ${all.length} measurements to ${jsonFile}`);
}
