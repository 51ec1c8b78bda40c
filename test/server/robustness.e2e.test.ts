/**
 * Hostile input against a real `pqmsg server` process (docs/SERVER.md §2): random bytes and
 * mutated valid frames (fast-check) get the typed ERROR frame the strict decoder implies and the
 * connection closes (undecodable) or a typed reply (decodable); text and oversized frames are
 * refused; meanwhile two authenticated devices keep exchanging messages and nothing from the
 * hostile frames is stored. Also GET /healthz and GET /metrics.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { utf8 } from '../../src/util/bytes.ts';
import { DecodeError, type ServerErrorCode } from '../../src/util/errors.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { MAX_FRAME_BYTES } from '../../src/wire/frame-constants.ts';
import { SERVER_ERROR_WIRE } from '../../src/wire/frame-errors.ts';
import { newMessageId, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { newDevice } from './fixtures.ts';
import { tempDir } from './tmp.ts';

const tmp = tempDir('robust');
let server: ServerProcess;
const alice = newDevice('alice');
const bob = newDevice('bob');
let a: TestClient;
let b: TestClient;
const RUNS = 60;

beforeAll(async () => {
  server = await spawnServer(tmp.file('server.sqlite'));
  a = await TestClient.connect(server.wsUrl);
  await a.register(alice.identity, 'alice');
  b = await TestClient.connect(server.wsUrl);
  await b.register(bob.identity, 'bob');
});

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  expect(await server.stop()).toBe(0);
  tmp.remove();
});


async function metrics(): Promise<string> {
  const res = await fetch(`${server.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

function sample(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text);
  if (!m) throw new Error(`no sample ${name}`);
  return Number(m[1]);
}

/** What the server must answer to `bytes` sent on a fresh, unauthenticated connection. */
function expectedFatal(bytes: Uint8Array): ServerErrorCode | 'decodable-request' {
  let f: Frame;
  try {
    f = decodeFrame(bytes);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return e.code === 'BAD_VERSION' ? 'UNSUPPORTED_VERSION' : e.code === 'BAD_TAG' ? 'UNKNOWN_FRAME' : 'MALFORMED_FRAME';
  }
  return f.kind === 'request' ? 'decodable-request' : 'UNKNOWN_FRAME';
}

let roundTrips = 0;
/** alice → bob, delivered and acked: the service works for everyone else. */
async function controlRoundTrip(): Promise<void> {
  const { guid } = await a.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: utf8('control') });
  await b.messages(++roundTrips);
  expect(b.delivered().at(-1)!.guid).toBe(guid);
  await b.request({ op: 'ack', guid });
}

async function probe(bytes: Uint8Array): Promise<void> {
  const expected = expectedFatal(bytes);
  const c = await TestClient.connect(server.wsUrl);
  c.sendRaw(bytes);
  const reply = await c.firstReply();
  if (expected === 'decodable-request') {
    expect(reply).toBeDefined();
    expect(['response', 'error']).toContain(reply!.kind);
    if (reply!.kind === 'error') expect(SERVER_ERROR_WIRE[reply!.code]).toBeTypeOf('number');
    if (reply!.kind === 'error' && reply!.fatal) await c.closed;
    else await c.close();
  } else {
    expect(reply).toMatchObject({ kind: 'error', id: expect.any(Number), code: expected, fatal: true });
    expect((await c.closed).code).toBe(1008);
  }
}

describe('hostile frames (real process)', () => {
  const valid = () => [
    encodeFrame({ kind: 'request', id: 1, request: { op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: utf8('x') } }),
    encodeFrame({ kind: 'request', id: 2, request: { op: 'fetchBundle', address: bob.address } }),
    encodeFrame({ kind: 'request', id: 3, request: { op: 'ack', guid: 1 } }),
    encodeFrame({ kind: 'request', id: 4, request: { op: 'authenticate', address: alice.address, signature: new Uint8Array(3373) } }),
    encodeFrame({ kind: 'request', id: 5, request: { op: 'uploadPreKeys', preKeys: [new Uint8Array(40)] } }),
  ];

  test(`random bytes (${RUNS} runs) get typed ERROR frames; others unaffected; nothing stored`, async () => {
    await controlRoundTrip();
    const stored = sample(await metrics(), 'pqmsg_messages_stored_total');
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 80 }), probe), { numRuns: RUNS });
    await controlRoundTrip();
    expect(sample(await metrics(), 'pqmsg_messages_stored_total')).toBe(stored + 1);
  });

  test(`mutated valid frames (${RUNS} runs): flips, truncations, extensions`, async () => {
    const frames = valid();
    const mutation = fc.oneof(
      fc.tuple(fc.nat(frames.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, pos, x]) => {
        const f = Uint8Array.from(frames[i]);
        f[pos % Math.min(f.length, 64)] ^= x; // the header and first fields, where structure lives
        return f;
      }),
      fc.tuple(fc.nat(frames.length - 1), fc.nat()).map(([i, n]) => frames[i].subarray(0, n % frames[i].length)),
      fc.tuple(fc.nat(frames.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([i, tail]) => Uint8Array.of(...frames[i], ...tail)),
    );
    const stored = sample(await metrics(), 'pqmsg_messages_stored_total');
    await fc.assert(fc.asyncProperty(mutation, probe), { numRuns: RUNS });
    await controlRoundTrip();
    expect(sample(await metrics(), 'pqmsg_messages_stored_total')).toBe(stored + 1);
  });

  test('an authenticated device sending a malformed frame is cut off; its earlier messages stay', async () => {
    const carol = newDevice('carol');
    const c = await TestClient.connect(server.wsUrl);
    await c.register(carol.identity, 'carol');
    const { guid } = await c.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: utf8('before') });
    const good = encodeFrame({ kind: 'request', id: 99, request: { op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: utf8('never') } });
    c.sendRaw(good.subarray(0, good.length - 1));
    expect((await c.closed).code).toBe(1008);
    expect(c.errors).toMatchObject([{ id: 99, code: 'MALFORMED_FRAME', fatal: true }]);
    roundTrips++;
    const got = await b.messages(roundTrips);
    expect(got.at(-1)!.guid).toBe(guid);
    await b.request({ op: 'ack', guid });
    await controlRoundTrip();
    expect(b.delivered().some((m) => new TextDecoder().decode(m.envelope) === 'never')).toBe(false);
  });

  test('a text frame and an oversized frame are refused with their codes', async () => {
    const t = await TestClient.connect(server.wsUrl);
    t.ws.send('hello');
    expect(await t.firstReply()).toMatchObject({ kind: 'error', code: 'UNKNOWN_FRAME', fatal: true });
    await t.closed;
    const o = await TestClient.connect(server.wsUrl);
    o.sendRaw(new Uint8Array(MAX_FRAME_BYTES + 1).fill(1));
    expect(await o.firstReply()).toMatchObject({ kind: 'error', code: 'FRAME_TOO_LARGE', fatal: true });
    await o.closed;
    await controlRoundTrip();
  });
});

describe('HTTP on the same port', () => {
  test('GET /healthz, GET /metrics (Prometheus text), 404 elsewhere', async () => {
    const h = await fetch(`${server.httpUrl}/healthz`);
    expect([h.status, await h.text()]).toEqual([200, 'ok\n']);
    const m = await fetch(`${server.httpUrl}/metrics`);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await m.text();
    expect(sample(text, 'pqmsg_connected_devices')).toBe(2); // alice and bob
    expect(sample(text, 'pqmsg_queued_messages')).toBe(0);
    expect(sample(text, 'pqmsg_queued_bytes')).toBe(0);
    expect(sample(text, 'pqmsg_deliveries_total')).toBeGreaterThanOrEqual(roundTrips);
    expect(sample(text, 'pqmsg_acks_total')).toBe(roundTrips);
    expect(sample(text, 'pqmsg_rejections_total{code="UNKNOWN_FRAME"}')).toBeGreaterThan(0);
    expect(sample(text, 'pqmsg_rejections_total{code="FRAME_TOO_LARGE"}')).toBe(1);
    expect(text).toMatch(/^# TYPE pqmsg_rejections_total counter$/m);
    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
    await a.request({ op: 'send', to: bob.address, clientMessageId: newMessageId(), envelope: new Uint8Array(1000) });
    await b.messages(roundTrips + 1);
    const after = await metrics();
    expect([sample(after, 'pqmsg_queued_messages'), sample(after, 'pqmsg_queued_bytes')]).toEqual([1, 1000]);
    await b.request({ op: 'ack', guid: b.delivered().at(-1)!.guid });
    roundTrips++;
  });
});

describe('logs', () => {
  test('one JSON object per line, each with time, level and event; connection events carry the connection id; no key material', () => {
    const lines = server.stderr.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(2 * RUNS); // every hostile connection opened, failed and closed
    for (const l of lines) {
      expect(l).toMatchObject({ t: expect.any(String), level: expect.any(String), event: expect.any(String) });
      if (String(l.event).startsWith('conn.')) expect(l.conn).toMatch(/^[0-9a-f]{6}-\d+$/);
    }
    expect(lines.filter((l) => l.event === 'conn.fatal').every((l) => typeof l.code === 'string')).toBe(true);
    expect(server.stderr.join('\n')).not.toMatch(/[0-9a-f]{40,}|[A-Za-z0-9+/]{60,}/); // no long hex or base64 runs
  });
});
