/**
 * Benchmarks for the client (docs/CLIENT.md): unlocking a passphrase store with the default
 * Argon2id cost (RFC 9106 §4 second option; ms per unlock = 1000 / ops/s; the raw KDF against its
 * peers is in kdf.bench.ts); the cold start of `pqmsg whoami` on a --no-passphrase store, as built
 * JavaScript (src/ compiled by tsc into a temporary directory) and as run by the tests (tsx), next
 * to `node -e ""` (the floor every process pays); and the end-to-end latency of one message through
 * a local server: encrypt, commit, SEND, server commit, push, decrypt, commit, ACK.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAccount } from '../src/client/account.ts';
import { SqliteRowStore } from '../src/client/sqlite-store.ts';
import { createStore, unlockStore } from '../src/client/unlock.ts';
import { Sync } from '../src/client/sync.ts';
import { connectWebSocket } from '../src/client/ws-transport.ts';
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { DEFAULT_LIMITS } from '../src/server/limits.ts';
import { defaultRandom } from '../src/util/random.ts';
import { Device, startTestServer } from '../test/client/harness.ts';
import type { BenchCase } from './harness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PASSPHRASE = 'correct horse battery staple';

/** A passphrase store with the default Argon2id cost; each call opens and unlocks it. */
async function unlockCase(dir: string): Promise<BenchCase> {
  const path = join(dir, 'unlock.sqlite');
  const secret = { kind: 'passphrase' as const, passphrase: PASSPHRASE };
  (await createStore(new SqliteRowStore(path, { create: true }), secret, undefined, defaultRandom)).close();
  return {
    area: 'client',
    op: 'unlock (Argon2id m=64 MiB, t=3, p=4)',
    impls: {
      pqmsg: async () => (await unlockStore(new SqliteRowStore(path, { create: false }), secret, defaultRandom)).close(),
    },
  };
}

/** src/ compiled to JavaScript (tsc, imports rewritten to .js) in `out`, runnable by node. */
function buildJs(out: string): string {
  mkdirSync(out);
  const tsconfig = join(out, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        outDir: join(out, 'dist'),
        rootDir: join(ROOT, 'src'),
        rewriteRelativeImportExtensions: true,
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      include: [join(ROOT, 'src')],
    }),
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig, '--noCheck'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tsc build failed: ${r.stdout}${r.stderr}`);
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  return join(out, 'dist/cli/main.js');
}

async function coldStartCase(dir: string): Promise<BenchCase> {
  const account = join(dir, 'whoami');
  mkdirSync(account);
  const key = defaultRandom(32);
  writeFileSync(join(account, 'store.key'), key, { mode: 0o600 });
  const store = await createStore(
    new SqliteRowStore(join(account, 'store.sqlite'), { create: true }),
    { kind: 'keyfile', key },
    undefined,
    defaultRandom,
  );
  createAccount(store, defaultSuite, defaultRandom, 'bench', Date.now());
  store.close();
  const mainJs = buildJs(join(dir, 'build'));
  const run = (args: string[]) => () => {
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold start failed: ${r.stderr}`);
    return r.stdout.length;
  };
  return {
    area: 'client',
    op: 'cold start: pqmsg whoami (--no-passphrase store)',
    impls: {
      pqmsg: run([mainJs, '--dir', account, 'whoami']),
      'pqmsg under tsx': run(['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--dir', account, 'whoami']),
      'node -e "" (floor)': run(['-e', '']),
    },
  };
}

/**
 * One message from Alice to Bob through a local server; Bob stays connected (as `watch`). The
 * server's per-connection send and request limits (100 and 500/s) are lifted: back-to-back round
 * trips exceed them, and this case measures latency, not the limiters.
 */
async function latencyCase(dir: string): Promise<BenchCase> {
  const unlimited = { perSecond: 1e6, burst: 1e6 };
  const limits = { ...DEFAULT_LIMITS, sendRate: unlimited, requestRate: unlimited };
  const server = await startTestServer(dir, 0, limits);
  const alice = await Device.create('alice', dir);
  const bob = await Device.create('bob', dir);
  for (const d of [alice, bob]) await d.run(server.url, async () => {}, true);
  const aliceService = await alice.service();
  const bobService = await bob.service();
  let arrived: (() => void) | undefined;
  const bobSync = await Sync.open(bobService, connectWebSocket, server.url, {
    onEvent: (e) => {
      if (e.type === 'delivery' && e.outcome.kind === 'message') arrived?.();
    },
  });
  void bobSync.pump('closed').catch(() => {});
  const aliceSync = await Sync.open(aliceService, connectWebSocket, server.url);
  let n = 0;
  return {
    area: 'client',
    op: 'send → receive through a local server (1 message)',
    impls: {
      pqmsg: async () => {
        const received = new Promise<void>((r) => (arrived = r));
        await aliceSync.send('bob', `message ${n++}`);
        await received;
      },
    },
    teardown: async () => {
      aliceSync.close();
      bobSync.close();
      aliceService.store.close();
      bobService.store.close();
      await server.close();
    },
  };
}

export async function cases(): Promise<BenchCase[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pqmsg-bench-client-'));
  return [await unlockCase(dir), await coldStartCase(dir), await latencyCase(dir)];
}
