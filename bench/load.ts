/**
 * Scale-out load test (docs/SERVER.md §10–§11): N `pqmsg server` processes on loopback sharing one
 * fresh PostgreSQL schema, D simulated devices on real WebSockets speaking the frame protocol
 * (src/wire/frame.ts) with real hybrid signatures (signed in worker threads, bench/load-signer.ts),
 * a fixed open-loop offered load of 1 KiB envelopes between random pairs, and `kill -9` of one
 * server mid-run: its devices reconnect to the others, re-authenticate and retry every SEND not yet
 * answered with the same client message id. Prints messages/s, delivery latency (first SEND attempt
 * → push received) p50/p99/max overall and before the kill, and the counts: sent, acknowledged,
 * delivered, delivered twice (transport: the same guid pushed again before its ACK, allowed),
 * delivered twice to the user (one client message id under two guids: must be 0), lost
 * (acknowledged, neither delivered nor still queued in the database at the end: must be 0; a
 * message still queued when the drain time ran out is counted as "queued", not lost).
 * Bounded: --seconds of load, then at most DRAIN_MS to drain; loopback only. Never part of npm test.
 *   npx tsx bench/load.ts [--servers 3] [--devices 1000] [--rate 2000] [--seconds 20] [--kill-at S]
 * PostgreSQL: PQMSG_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import pg from 'pg';
import WebSocket from 'ws';
import { defaultSuite } from '../src/protocol/index.ts';
import { defaultRandom } from '../src/util/random.ts';
import type { Address } from '../src/wire/address.ts';
import { decodeFrame, encodeFrame } from '../src/wire/frame.ts';
import type { Request } from '../src/wire/requests.ts';
import { spawnServer, type ServerProcess } from '../test/helpers/server-process.ts';
import { dropSchemas, freshSchemaUrl, PG_BASE_URL, requirePostgres } from '../test/server/pg.ts';

const { values: flags } = parseArgs({
  options: {
    servers: { type: 'string', default: '3' },
    devices: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    'kill-at': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`usage: npx tsx bench/load.ts [--servers 3] [--devices 1000] [--rate 2000] [--seconds 20] [--kill-at S]
  --servers N   pqmsg server processes on one fresh PostgreSQL schema (PQMSG_TEST_PG_URL)
  --devices D   simulated devices on real WebSockets, spread over the servers
  --rate R      offered SENDs per second (open loop, 1 KiB envelopes, random pairs)
  --seconds T   length of the offered window (then at most 60 s of drain)
  --kill-at S   kill -9 the last server S seconds in (default T/2; past T: no kill)
  PQMSG_CPU_PROF_DIR=DIR  servers write V8 CPU profiles there (runs without a kill)`);
  process.exit(0);
}
const SERVERS = Number(flags.servers);
const DEVICES = Number(flags.devices);
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const KILL_AT_MS = 1000 * (flags['kill-at'] !== undefined ? Number(flags['kill-at']) : SECONDS / 2);
const ENVELOPE_BYTES = 1024;
const DRAIN_MS = 60_000;
const SIGNERS = 2;
const TICK_MS = 5;
const SERVER_ARGS = ['--log-level', 'warn', '--send-rate', '100000', '--send-burst', '100000',
  '--request-rate', '100000', '--request-burst', '100000'];

interface Tracked {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly firstSent: number;
  acked: boolean;
  ackedAt?: number;
  guids: Set<number>;
  deliveredAt?: number;
}

// Client message ids: RUN_TAG (8 random bytes) ‖ 4 zero bytes ‖ the message's index (u32 BE): no
// random draw and no hex per message; `messages[index]` is its record.
const RUN_TAG = defaultRandom(8);
const messages: Tracked[] = [];
function clientMessageIdOf(index: number): Uint8Array {
  const id = new Uint8Array(16);
  id.set(RUN_TAG);
  new DataView(id.buffer).setUint32(12, index);
  return id;
}
function indexOf(clientMessageId: Uint8Array): number | undefined {
  if (clientMessageId.length !== 16 || RUN_TAG.some((b, i) => clientMessageId[i] !== b)) return undefined;
  return new DataView(clientMessageId.buffer, clientMessageId.byteOffset, 16).getUint32(12);
}
let transportDuplicates = 0;
let reconnects = 0;

// ---- signing workers -------------------------------------------------------------------------
// A worker does not inherit tsx's loader: register it there, then import the TypeScript module.
const SIGNER_BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./load-signer.ts', import.meta.url).href)}); });`;
const signers = Array.from({ length: SIGNERS }, () => new Worker(SIGNER_BOOT, { eval: true }));
const waiting = new Map<number, (r: { signature: Uint8Array; identity: Uint8Array }) => void>();
let nextSign = 0;
for (const w of signers) w.on('message', (m) => m.id !== undefined && waiting.get(m.id)?.(m));
const ask = <T>(w: Worker, msg: object) => new Promise<T>((res) => { w.once('message', res); w.postMessage(msg); });

async function loadIdentities(): Promise<void> {
  const cache = join(tmpdir(), `pqmsg-load-identities-${DEVICES}.v8`);
  if (!existsSync(cache)) {
    const t = performance.now();
    const half = Math.ceil(DEVICES / SIGNERS);
    const parts = await Promise.all(signers.map((w, k) => ask<{ identities: Uint8Array }>(w, { generate: [k * half, Math.min(DEVICES, (k + 1) * half)] })));
    writeFileSync(cache, serialize(parts.flatMap((p) => deserialize(p.identities) as unknown[])));
    console.log(`generated ${DEVICES} identities in ${((performance.now() - t) / 1000).toFixed(1)} s (cached: ${cache})`);
  }
  await Promise.all(signers.map((w) => ask(w, { load: cache })));
}

function sign(device: number, register: boolean, serverHash: Uint8Array, challenge: Uint8Array) {
  const id = nextSign++;
  return new Promise<{ signature: Uint8Array; identity: Uint8Array }>((res) => {
    waiting.set(id, (r) => { waiting.delete(id); res(r); });
    signers[id % SIGNERS].postMessage({ sign: { id, device, register, serverHash, challenge, username: username(device) } });
  });
}

const username = (i: number) => `load${i}`;
const address = (i: number): Address => ({ username: username(i), deviceId: 1 });

// ---- one simulated device --------------------------------------------------------------------
class Device {
  ws?: WebSocket;
  ready = false;
  registered = false;
  private nextId = 1;
  private readonly pending = new Map<number, number>(); // request id → message index (SENDs)
  readonly unanswered = new Map<number, Request>(); // SENDs without a RESPONSE yet, by message index
  private corked = false;
  private readonly seenGuids = new Set<number>();

  constructor(readonly index: number, public server: number) {}

  async connect(urls: string[]): Promise<void> {
    const ws = new WebSocket(urls[this.server]);
    this.ws = ws;
    this.ready = false;
    const challenge = await new Promise<{ serverIdentity: Uint8Array; challenge: Uint8Array }>((res, rej) => {
      ws.once('message', (data) => {
        const f = decodeFrame(new Uint8Array(data as Buffer));
        if (f.kind === 'push' && f.push.type === 'challenge') res(f.push);
        else rej(new Error('expected a challenge'));
      });
      ws.once('error', rej);
    });
    const { signature, identity } = await sign(this.index, !this.registered, defaultSuite.sha256(challenge.serverIdentity), challenge.challenge);
    const auth: Request = this.registered
      ? { op: 'authenticate', address: address(this.index), signature }
      : { op: 'register', address: address(this.index), identity, signature };
    const authId = this.nextId++;
    const answered = new Promise<void>((res, rej) => {
      ws.on('message', (data) => {
        const f = decodeFrame(new Uint8Array(data as Buffer));
        if (f.kind === 'response' && f.id === authId) return res();
        if (f.kind === 'error' && f.id === authId) return rej(new Error(`auth refused: ${f.code}`));
        this.onFrame(f);
      });
    });
    ws.send(encodeFrame({ kind: 'request', id: authId, request: auth }));
    await answered;
    this.registered = true;
    this.ready = true;
    for (const req of this.unanswered.values()) this.transmit(req); // retries: same client message id
  }

  send(req: Extract<Request, { op: 'send' }>): void {
    const key = indexOf(req.clientMessageId)!;
    this.unanswered.set(key, req);
    if (this.ready) this.transmit(req);
  }

  private transmit(req: Request): void {
    const id = this.nextId++;
    if (req.op === 'send') this.pending.set(id, indexOf(req.clientMessageId)!);
    this.corkUntilTick();
    this.ws!.send(encodeFrame({ kind: 'request', id, request: req }));
  }

  private onFrame(f: ReturnType<typeof decodeFrame>): void {
    if (f.kind === 'response' && f.response.op === 'send') {
      const key = this.pending.get(f.id)!;
      this.pending.delete(f.id);
      this.unanswered.delete(key);
      const t = messages[key];
      t.acked = true;
      t.ackedAt ??= performance.now();
    } else if (f.kind === 'push' && f.push.type === 'message') {
      const m = f.push.message;
      if (this.seenGuids.has(m.guid)) transportDuplicates++;
      this.seenGuids.add(m.guid);
      const index = indexOf(m.clientMessageId);
      const t = index === undefined ? undefined : messages[index];
      if (t !== undefined) {
        t.guids.add(m.guid);
        t.deliveredAt ??= performance.now();
      }
      this.transmit({ op: 'ack', guid: m.guid });
    }
  }

  /** The frames written in one turn of the event loop (ACKs of one read, SENDs of one tick) leave in one write. */
  private corkUntilTick(): void {
    const socket = (this.ws as unknown as { _socket?: import('node:net').Socket })._socket;
    if (this.corked || socket === undefined) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** After the server died: the next live one, a new connection, the unanswered SENDs again. */
  async failover(urls: string[], alive: boolean[]): Promise<void> {
    this.ready = false;
    this.pending.clear();
    for (let k = 1; k <= urls.length; k++) {
      const s = (this.server + k) % urls.length;
      if (!alive[s]) continue;
      this.server = s;
      reconnects++;
      return this.connect(urls);
    }
  }
}

/** Indexes of this run's messages still in the mailboxes of `schema`. */
async function stillQueued(schema: string): Promise<Set<number>> {
  const client = new pg.Client({ connectionString: PG_BASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT encode(client_message_id, 'hex') AS id FROM ${schema}.messages`);
    return new Set(rows.flatMap((r) => {
      const index = indexOf(Buffer.from(r.id as string, 'hex'));
      return index === undefined ? [] : [index];
    }));
  } finally {
    await client.end();
  }
}

/** CPU seconds (user + system) of process `pid` from /proc (0 once it is gone). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** CPU seconds of every process named postgres (the cluster's backends: other users' included). */
function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(pid));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  await requirePostgres();
  const { schema, url } = freshSchemaUrl();
  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`${SERVERS} servers, ${DEVICES} devices, ${RATE} msg/s offered for ${SECONDS} s, ${ENVELOPE_BYTES} B envelopes, kill -9 at ${KILL_AT_MS / 1000} s; schema ${schema}`);
  const servers: ServerProcess[] = [];
  try {
    servers.push(await spawnServer(url, SERVER_ARGS));
    servers.push(...(await Promise.all(Array.from({ length: SERVERS - 1 }, () => spawnServer(url, SERVER_ARGS)))));
    const urls = servers.map((s) => s.wsUrl);
    const alive = servers.map(() => true);
    await loadIdentities();
    let t = performance.now();
    const devices = Array.from({ length: DEVICES }, (_, i) => new Device(i, i % SERVERS));
    for (let i = 0; i < DEVICES; i += 100) await Promise.all(devices.slice(i, i + 100).map((d) => d.connect(urls)));
    console.log(`registered and connected ${DEVICES} devices in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const victim = SERVERS - 1;
    const onVictimExit = () => {
      alive[victim] = false;
      for (const d of devices)
        if (d.server === victim) d.failover(urls, alive).catch((e: Error) => console.log(`failover of device ${d.index} failed: ${e.message}`));
    };
    servers[victim].child.once('exit', onVictimExit);
    const envelope = new Uint8Array(ENVELOPE_BYTES).fill(0x5a);
    const serverCpu = () => servers.reduce((sum, sv) => sum + cpuSeconds(sv.child.pid!), 0);
    const ownCpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
    let victimCpu = 0; // the victim's CPU seconds when it was killed (gone from /proc afterwards)
    const cpu0 = { servers: serverCpu(), postgres: postgresCpu(), generator: ownCpu() };
    const start = performance.now();
    let offered = 0;
    let killedAt = Infinity;
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now - start >= KILL_AT_MS && killedAt === Infinity) {
          killedAt = now;
          victimCpu = cpuSeconds(servers[victim].child.pid!);
          void servers[victim].kill9();
        }
        const due = Math.min(RATE * SECONDS, Math.floor(((now - start) / 1000) * RATE));
        for (; offered < due; offered++) {
          const from = Math.floor(Math.random() * DEVICES);
          const to = (from + 1 + Math.floor(Math.random() * (DEVICES - 1))) % DEVICES;
          const clientMessageId = clientMessageIdOf(offered);
          messages.push({ id: offered, from, to, firstSent: performance.now(), acked: false, guids: new Set() });
          devices[from].send({ op: 'send', to: address(to), clientMessageId, envelope });
        }
        if (offered >= RATE * SECONDS) {
          clearInterval(timer);
          done();
        }
      }, TICK_MS);
    });
    const offeredMs = performance.now() - start;
    const drainStart = performance.now();
    const all = messages;
    while (performance.now() - drainStart < DRAIN_MS && all.some((m) => !m.acked || m.deliveredAt === undefined))
      await new Promise((r) => setTimeout(r, 100));
    const doneMs = performance.now() - start;
    const cpu = {
      servers: serverCpu() + victimCpu - cpu0.servers,
      postgres: postgresCpu() - cpu0.postgres,
      generator: ownCpu() - cpu0.generator,
    };
    const delivered = all.filter((m) => m.deliveredAt !== undefined);
    const lat = delivered.map((m) => m.deliveredAt! - m.firstSent).sort((a, b) => a - b);
    const before = delivered.filter((m) => m.firstSent < killedAt).map((m) => m.deliveredAt! - m.firstSent).sort((a, b) => a - b);
    const inWindow = delivered.filter((m) => m.deliveredAt! - start <= offeredMs).length;
    const f = (x: number) => x.toFixed(1);
    console.log(`messages/s delivered during the offered window: ${Math.round(inWindow / (offeredMs / 1000))}; all ${delivered.length} delivered after ${f(doneMs / 1000)} s`);
    console.log(`latency first SEND → push, all: p50 ${f(percentile(lat, 50))} ms, p99 ${f(percentile(lat, 99))} ms, max ${f(lat.at(-1) ?? NaN)} ms`);
    const store = all.filter((m) => m.ackedAt !== undefined && m.firstSent < killedAt).map((m) => m.ackedAt! - m.firstSent).sort((a, b) => a - b);
    console.log(`SEND → RESPONSE before the kill: p50 ${f(percentile(store, 50))} ms, p99 ${f(percentile(store, 99))} ms`);
    console.log(`latency before the kill:        p50 ${f(percentile(before, 50))} ms, p99 ${f(percentile(before, 99))} ms, max ${f(before.at(-1) ?? NaN)} ms`);
    const undelivered = all.filter((m) => m.acked && m.deliveredAt === undefined);
    const queued = await stillQueued(schema);
    const lost = undelivered.filter((m) => !queued.has(m.id)).length;
    console.log(`sent ${all.length}, acknowledged ${all.filter((m) => m.acked).length}, delivered ${delivered.length}, ` +
      `delivered twice (transport) ${transportDuplicates}, delivered twice to the user ${all.filter((m) => m.guids.size > 1).length}, ` +
      `still queued at the end ${undelivered.length - lost}, lost ${lost}, never acknowledged ${all.filter((m) => !m.acked).length}; reconnects ${reconnects}`);
    const per = (x: number) => ((x / Math.max(1, delivered.length)) * 1e6).toFixed(0);
    console.log(`CPU from the first SEND to the end of the drain: servers ${cpu.servers.toFixed(1)} s (${per(cpu.servers)} µs/message), ` +
      `PostgreSQL ${cpu.postgres.toFixed(1)} s (${per(cpu.postgres)} µs/message), generator ${cpu.generator.toFixed(1)} s (${per(cpu.generator)} µs/message); ` +
      `server + database: ${Math.round(delivered.length / (cpu.servers + cpu.postgres))} messages per CPU-second`);
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    servers[victim].child.off('exit', onVictimExit);
    for (const d of devices) d.ws?.terminate();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(signers.map((w) => w.terminate()));
    await dropSchemas([schema]);
  }
}

await main();
