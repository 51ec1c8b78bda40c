/**
 * Limits and crash safety of a real `pqmsg server` process (docs/SERVER.md §5–§7): quota and
 * rate-limit refusals are typed and lose nothing from the mailbox; after `kill -9` following
 * acknowledged sends, a restart on the same store (every backend of backends.ts) delivers every acknowledged message exactly once,
 * and retries after the restart are recognised as duplicates. Plus the CLI's exit codes.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ServerError } from '../../src/util/errors.ts';
import { newMessageId, refusal, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { BACKENDS } from './backends.ts';
import { newDevice, type TestDevice } from './fixtures.ts';
import { tempDir } from './tmp.ts';

const tmp = tempDir('limits');
/** One server with small quotas and rates, for the limit tests and the CLI tests (its port is "in use"). */
let server: ServerProcess;

beforeAll(async () => {
  server = await spawnServer(tmp.file('limits.sqlite'), [
    '--mailbox-max-messages', '5', '--mailbox-max-bytes', '4000',
    '--send-rate', '0.01', '--send-burst', '30', '--bundle-rate', '0.01', '--bundle-burst', '2',
  ]);
});

afterAll(async () => {
  // SIGINT stops the server cleanly (exit 0), and the log says so
  server.child.kill('SIGINT');
  expect(await server.exited).toBe(0);
  const events = server.stderr.map((l) => JSON.parse(l).event);
  expect(events[0]).toBe('server.start');
  expect(events.at(-1)).toBe('server.stop');
  tmp.remove();
});

async function device(server: ServerProcess, d: TestDevice, register: boolean): Promise<TestClient> {
  const c = await TestClient.connect(server.wsUrl);
  if (register) await c.register(d.identity, d.address.username);
  else await c.authenticate(d.identity, d.address);
  return c;
}

async function settle(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof ServerError ? e.code : `untyped: ${String(e)}`;
  }
}

describe('quotas and rate limits (real process)', () => {
  test('count and byte quotas, send and bundle rate limits: typed refusals, nothing lost', async () => {
    const [alice, bob, carol] = [newDevice('alice'), newDevice('bob'), newDevice('carol')];
    const a = await device(server, alice, true);
    const b = await device(server, bob, true);
    await b.close();
    const c = await device(server, carol, true);
    await c.close();
    // 40 pipelined sends to bob: 30 pass the send bucket (burst 30, refill 1 per 100 s): 5 stored,
    // 25 over the count quota; the last 10 are rate limited
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => settle(a.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: Uint8Array.of(i) }))),
    );
    const tally = (code: string) => codes.filter((x) => x === code).length;
    expect([tally('ok'), tally('MAILBOX_FULL_COUNT'), tally('RATE_LIMITED_SEND')]).toEqual([5, 25, 10]);
    // bytes: 3000 + 1500 > 4000 for carol (from bob's connection: buckets are per connection)
    const b1 = await device(server, bob, false);
    expect(await settle(b1.request({ op: 'send', to: carol.address, clientMessageId: newMessageId(), envelope: new Uint8Array(3000) }))).toBe('ok');
    expect(await settle(b1.request({ op: 'send', to: carol.address, clientMessageId: newMessageId(), envelope: new Uint8Array(1500) }))).toBe('MAILBOX_FULL_BYTES');
    await b1.close();
    // bundle bucket: burst 2, then refused
    expect(await refusal(a.request({ op: 'fetchBundle', address: bob.address }))).toBe('BUNDLE_UNAVAILABLE');
    expect(await refusal(a.request({ op: 'fetchBundle', address: bob.address }))).toBe('BUNDLE_UNAVAILABLE');
    expect(await refusal(a.request({ op: 'fetchBundle', address: bob.address }))).toBe('RATE_LIMITED_BUNDLE');
    // nothing lost: bob gets exactly the 5 stored, in order; carol her one
    const b2 = await device(server, bob, false);
    const got = await b2.messages(5);
    await b2.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    expect(b2.delivered().length).toBe(5);
    expect(got.map((m) => m.guid)).toEqual([...got.map((m) => m.guid)].sort((x, y) => x - y));
    const c2 = await device(server, carol, false);
    expect((await c2.messages(1))[0].envelope.length).toBe(3000);
    await Promise.all([a.close(), b2.close(), c2.close()]);
  });
});

for (const makeBackend of BACKENDS) {
const backend = makeBackend();
afterAll(() => backend.cleanup());

describe(`crash safety (real process, kill -9) — ${backend.name}`, () => {
  test('every acknowledged send survives kill -9, exactly once; retries after restart are duplicates', async () => {
    const db = await backend.serverDb();
    const [alice, bob] = [newDevice('alice'), newDevice('bob')];
    let crashed = await spawnServer(db, ['--send-burst', '1000', '--send-rate', '1000']);
    const b = await device(crashed, bob, true);
    await b.close();
    const a = await device(crashed, alice, true);
    const ids = Array.from({ length: 100 }, () => newMessageId());
    const acks = await Promise.all(ids.map((id, i) => a.request({ op: 'send', to: bob.address, clientMessageId: id, envelope: Uint8Array.of(i) })));
    await crashed.kill9();
    expect(crashed.child.signalCode).toBe('SIGKILL');
    const restarted = await spawnServer(db, ['--send-burst', '1000', '--send-rate', '1000']);
    const b2 = await device(restarted, bob, false);
    const got = await b2.messages(100);
    await b2.waitPush((p): p is { type: 'queueEmpty' } => p.type === 'queueEmpty');
    expect(b2.delivered().length).toBe(100);
    expect(got.map((m) => m.guid).sort((x, y) => x - y)).toEqual(acks.map((x) => x.guid).sort((x, y) => x - y));
    expect(new Set(got.map((m) => m.envelope[0])).size).toBe(100);
    const a2 = await device(restarted, alice, false);
    const retries = await Promise.all(ids.map((id, i) => a2.request({ op: 'send', to: bob.address, clientMessageId: id, envelope: Uint8Array.of(i) })));
    expect(retries).toEqual(acks.map((x) => ({ ...x, duplicate: true })));
    await Promise.all([a2.close(), b2.close()]);
    expect(await restarted.stop()).toBe(0);
  });
});
}

describe('pqmsg server — command line', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: resolve(__dirname, '../..'), encoding: 'utf8', timeout: 60_000 });

  test('a bad flag value is a usage error (exit 1)', () => {
    const r = run(['server', '--port', 'eighty', '--db', tmp.file('x.sqlite')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--port/);
    expect(r.stdout).toBe('');
  });

  test('a port in use is a network error (exit 2), printed once with its code; --json prints an object', async () => {
    const port = new URL(server.url.replace('ws:', 'http:')).port;
    const r = run(['server', '--port', port, '--db', tmp.file('port2.sqlite'), '--log-level', 'silent']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^pqmsg: EADDRINUSE: /m);
    const j = run(['--json', 'server', '--port', port, '--db', tmp.file('port3.sqlite'), '--log-level', 'silent']);
    expect(j.status).toBe(2);
    expect(JSON.parse(j.stdout.trim())).toMatchObject({ error: { code: 'EADDRINUSE' } });
  });
});
