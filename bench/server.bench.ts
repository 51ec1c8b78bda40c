/**
 * Delivery-service benchmark (docs/SERVER.md): one real `pqmsg server` process on SQLite
 * (WAL, synchronous=FULL, group commit) on loopback, N sending and M receiving devices in this
 * process, 1 KiB envelopes. Two runs, each bounded in count and time:
 *   throughput — senders keep a window of SENDs in flight; receivers ACK every push; messages/s
 *                from the first SEND to the last ACK answered (send → stored → pushed → acked);
 *   latency    — an open-loop offered load of 1,000 msg/s; time from SEND to the push arriving at
 *                the recipient, p50/p99/max.
 * `npx tsx bench/server.bench.ts` or `npm run bench -- server`. Never part of `npm test`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../src/util/bytes.ts';
import { defaultRandom } from '../src/util/random.ts';
import type { Address } from '../src/wire/address.ts';
import { newIdentity, TestClient } from '../test/helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.ts';
import type { BenchCase } from './harness.ts';

const SENDERS = 4;
const RECEIVERS = 4;
const ENVELOPE_BYTES = 1024;
const THROUGHPUT_MESSAGES = 30_000;
const WINDOW_PER_SENDER = 128;
const OFFERED_RATE = 1000; // msg/s
const LATENCY_SECONDS = 5;
const MAX_RUN_MS = 120_000;

interface Fleet {
  server: ServerProcess;
  senders: TestClient[];
  receivers: { client: TestClient; address: Address }[];
  stop(): Promise<void>;
}

async function fleet(synchronous: 'full' | 'normal'): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'pqmsg-bench-'));
  const server = await spawnServer(join(dir, 'bench.sqlite'), [
    '--synchronous', synchronous, '--log-level', 'warn', '--send-rate', '100000', '--send-burst', '100000',
    '--request-rate', '100000', '--request-burst', '100000', '--mailbox-max-messages', '1000000',
    '--mailbox-max-bytes', String(4 * 1024 ** 3),
  ]);
  const join_ = async (name: string) => {
    const c = await TestClient.connect(server.wsUrl);
    return { client: c, address: await c.register(newIdentity(), name) };
  };
  const senders = await Promise.all(Array.from({ length: SENDERS }, (_, i) => join_(`sender${i}`)));
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, (_, i) => join_(`receiver${i}`)));
  return {
    server,
    senders: senders.map((s) => s.client),
    receivers,
    async stop() {
      await Promise.all([...senders, ...receivers].map((x) => x.client.close()));
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Receivers ACK every pushed message; `onDelivered(id hex)` sees each at arrival. */
function ackAll(f: Fleet, onDelivered: (idHex: string) => void, onAcked: () => void): void {
  for (const { client } of f.receivers)
    client.onPush = (p) => {
      if (p.type !== 'message') return;
      onDelivered(toHex(p.message.clientMessageId));
      void client.request({ op: 'ack', guid: p.message.guid }).then(onAcked);
    };
}

/** CPU seconds (user + system) the server process has used so far (Linux /proc; 0 elsewhere). */
function serverCpuSeconds(f: Fleet): number {
  try {
    const fields = readFileSync(`/proc/${f.server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** `p`, or a rejection after `ms` (the timer is cleared either way, so it keeps nothing alive). */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} timed out`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function throughput(f: Fleet): Promise<{ messages: number; seconds: number; perSecond: number; cpuPerMessageUs: number }> {
  const envelope = new Uint8Array(ENVELOPE_BYTES).fill(0x5a);
  let acked = 0;
  let done: () => void = () => {};
  const allAcked = new Promise<void>((res) => (done = res));
  ackAll(f, () => {}, () => {
    if (++acked === THROUGHPUT_MESSAGES) done();
  });
  const perSender = THROUGHPUT_MESSAGES / SENDERS;
  const cpu0 = serverCpuSeconds(f);
  const t0 = performance.now();
  await Promise.all(
    f.senders.map(async (s, si) => {
      let next = 0;
      const lane = async () => {
        while (next < perSender) {
          const i = next++;
          const to = f.receivers[(si + i) % RECEIVERS].address;
          await s.request({ op: 'send', to, clientMessageId: defaultRandom(16), envelope });
        }
      };
      await Promise.all(Array.from({ length: WINDOW_PER_SENDER }, lane));
    }),
  );
  await within(allAcked, MAX_RUN_MS, 'throughput run');
  const seconds = (performance.now() - t0) / 1000;
  const cpuPerMessageUs = ((serverCpuSeconds(f) - cpu0) / THROUGHPUT_MESSAGES) * 1e6;
  return { messages: THROUGHPUT_MESSAGES, seconds, perSecond: THROUGHPUT_MESSAGES / seconds, cpuPerMessageUs };
}

async function latency(f: Fleet): Promise<{ messages: number; p50: number; p99: number; max: number }> {
  const envelope = new Uint8Array(ENVELOPE_BYTES).fill(0xa5);
  const sentAt = new Map<string, number>();
  const samples: number[] = [];
  const total = OFFERED_RATE * LATENCY_SECONDS;
  let acked = 0;
  let done: () => void = () => {};
  const allAcked = new Promise<void>((res) => (done = res));
  ackAll(f, (id) => {
    const t = sentAt.get(id);
    if (t === undefined) return;
    samples.push(performance.now() - t);
    sentAt.delete(id);
  }, () => {
    if (++acked === total) done();
  });
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / OFFERED_RATE; // open loop: the schedule does not wait for answers
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const id = defaultRandom(16);
    sentAt.set(toHex(id), performance.now());
    void f.senders[i % SENDERS].request({ op: 'send', to: f.receivers[i % RECEIVERS].address, clientMessageId: id, envelope });
  }
  await within(allAcked, MAX_RUN_MS, 'latency run');
  samples.sort((a, b) => a - b);
  return { messages: samples.length, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples[samples.length - 1] };
}

/** Runs both measurements on one server and prints them. */
export async function runServerBench(): Promise<void> {
  for (const mode of ['full', 'normal'] as const) await runOne(mode);
}

async function runOne(mode: 'full' | 'normal'): Promise<void> {
  console.log(`server: ${SENDERS} senders → ${RECEIVERS} receivers, ${ENVELOPE_BYTES} B envelopes, loopback, SQLite WAL synchronous=${mode.toUpperCase()}, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
  const f = await fleet(mode);
  try {
    await throughput(f); // warm-up pass (JIT, SQLite page cache), not reported
    const t = await throughput(f);
    console.log(`  throughput: ${t.messages} messages in ${t.seconds.toFixed(2)} s = ${Math.round(t.perSecond)} msg/s end to end (send → stored → pushed → acked); server CPU ${t.cpuPerMessageUs.toFixed(0)} µs/msg`);
    const l = await latency(f);
    console.log(`  latency at ${OFFERED_RATE} msg/s offered (${l.messages} messages): p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms (send → push received)`);
  } finally {
    await f.stop();
  }
}

/** bench/run.ts entry: this area measures a service, not ops/s of a function, so it prints its own report. */
export async function cases(): Promise<BenchCase[]> {
  await runServerBench();
  return [];
}

if (import.meta.url === `file://${process.argv[1]}`) await runServerBench();
