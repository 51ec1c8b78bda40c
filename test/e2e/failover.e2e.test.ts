/**
 * Client failover over a server list (docs/SERVER.md §10, docs/CLIENT.md §6): three `pqmsg server`
 * processes on one fresh PostgreSQL schema and real `pqmsg` processes configured with several
 * URLs (comma-separated at register, repeated --server for one command).
 * - A server killed with kill -9 between storing a client's SEND and answering it: a loopback
 *   proxy in front of process 1 holds back the SEND's RESPONSE frame, kills the process and cuts
 *   the client off; the client carries its outbox on through process 2, which answers the retry
 *   from the idempotency record (a duplicate): the recipient gets the message exactly once.
 * - The process a `watch` is connected to is killed: the watch fails over to the next URL and
 *   receives the next message, sent by a client whose first URL is dead; nothing is delivered twice.
 * Fails (never skips) without PostgreSQL: test/server/pg.ts says how to start it.
 */
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFrame } from '../../src/wire/frame.ts';
import { tempDir } from '../client/store-helpers.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { dropSchemas, freshSchemaUrl, requirePostgres } from '../server/pg.ts';
import { jsonLines, pqmsg, pqmsgAll, startWatch } from './cli-helpers.ts';

const { schema, url } = freshSchemaUrl();
let servers: ServerProcess[] = [];
let root: string;
let cleanup: () => void;
let proxy: SendResponseTrap;
const alice = () => join(root, 'alice');
const bob = () => join(root, 'bob');

/**
 * A TCP proxy to `target` that forwards everything until the target sends the RESPONSE to a SEND:
 * that frame is withheld, `onTrap` runs (here: kill -9 of the target) and the client is cut off.
 * Server-to-client WebSocket frames are unmasked (RFC 6455 §5.1), so the proxy can read them.
 */
class SendResponseTrap {
  readonly server: Server;
  trapped = 0;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly target: number,
    private readonly onTrap: () => Promise<void>,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const address = this.server.address() as { port: number };
    return `ws://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }

  private relay(client: Socket): void {
    const upstream = tcpConnect(this.target, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    let headersDone = false;
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (!headersDone) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        client.write(pending.subarray(0, end + 4));
        pending = pending.subarray(end + 4);
        headersDone = true;
      }
      for (;;) {
        const frame = wsFrame(pending);
        if (frame === undefined) return;
        if (isSendResponse(frame.payload)) {
          this.trapped++;
          upstream.pause();
          void this.onTrap().then(cut);
          return;
        }
        client.write(pending.subarray(0, frame.size));
        pending = pending.subarray(frame.size);
      }
    });
  }
}

/** One complete unmasked WebSocket frame at the start of `b`, or undefined if incomplete. */
function wsFrame(b: Buffer): { payload: Buffer; opcode: number; size: number } | undefined {
  if (b.length < 2) return undefined;
  let len = b[1] & 0x7f;
  let at = 2;
  if (len === 126) {
    if (b.length < 4) return undefined;
    len = b.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    if (b.length < 10) return undefined;
    len = Number(b.readBigUInt64BE(2));
    at = 10;
  }
  if (b.length < at + len) return undefined;
  return { payload: b.subarray(at, at + len), opcode: b[0] & 0x0f, size: at + len };
}

function isSendResponse(payload: Buffer): boolean {
  try {
    const f = decodeFrame(new Uint8Array(payload));
    // A text goes out as SEND_MULTI (one envelope per device of the recipient, docs/SERVER.md §13).
    return f.kind === 'response' && (f.response.op === 'send' || f.response.op === 'sendMulti');
  } catch {
    return false;
  }
}

async function metric(server: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const messageBodies = (run: ReturnType<typeof pqmsg>) =>
  jsonLines(run).filter((l) => l.type === 'message').map((l) => l.body);

beforeAll(async () => {
  await requirePostgres();
  ({ dir: root, cleanup } = tempDir('failover'));
  servers.push(await spawnServer(url)); // migrates the schema first
  servers.push(...(await Promise.all([spawnServer(url), spawnServer(url)])));
  proxy = new SendResponseTrap(Number(new URL(servers[0].url).port), () => servers[0].kill9());
  const viaProxy = await proxy.listen();
  for (const [dir, name] of [[alice(), 'alice'], [bob(), 'bob']]) expect(pqmsg(dir, ['init', '--name', name, '--no-passphrase']).status).toBe(0);
  const [regA] = await pqmsgAll(alice(), [['--json', '--server', `${viaProxy},${servers[1].url}`, 'register']]);
  expect(regA.status).toBe(0);
  expect(jsonLines(regA)[0]).toMatchObject({ type: 'registered', address: 'alice.1', server: `${viaProxy},${servers[1].url}` });
  const regB = pqmsg(bob(), ['--json', '--server', servers[1].url, '--server', servers[2].url, 'register']);
  expect(regB.status).toBe(0);
  expect(jsonLines(pqmsg(bob(), ['--json', 'whoami']))[0]).toMatchObject({ server: `${servers[1].url},${servers[2].url}` });
  expect((await pqmsgAll(alice(), [['contacts', 'add', 'bob']]))[0].status).toBe(0);
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await Promise.all(servers.map((s) => s.stop()));
  await dropSchemas([schema]);
  cleanup?.();
});

describe('client failover over a server list (real processes, one PostgreSQL schema)', () => {
  test('kill -9 between storing a SEND and answering it: the client retries through the next server, stored once', async () => {
    // Asynchronously: the proxy runs in this process's event loop.
    const [sent] = await pqmsgAll(alice(), [['--json', 'send', 'bob', 'through the crash']]);
    expect(sent.status).toBe(0);
    expect(jsonLines(sent)).toEqual([expect.objectContaining({ type: 'sent', to: 'bob' })]);
    expect(proxy.trapped).toBe(1);
    expect(servers[0].child.signalCode).toBe('SIGKILL');
    expect(await metric(servers[1], 'pqmsg_duplicate_sends_total')).toBe(1); // the retry found process 1's commit
    expect(await metric(servers[1], 'pqmsg_messages_stored_total')).toBe(0);
    expect(messageBodies(pqmsg(bob(), ['--json', 'receive']))).toEqual(['through the crash']);
    expect(messageBodies(pqmsg(bob(), ['--json', 'receive']))).toEqual([]);
  }, 120_000);

  test('the server a watch uses is killed: the watch fails over, the next message arrives once', async () => {
    const watch = startWatch(bob());
    try {
      // Process 2 (index 1) is bob's first URL: the watch is connected there.
      expect((await pqmsgAll(alice(), [['send', 'bob', 'before']]))[0].status).toBe(0);
      expect(await watch.nextLine()).toMatchObject({ type: 'message', body: 'before' });
      await servers[1].kill9();
      const [after] = await pqmsgAll(alice(), [['--json', '--server', servers[1].url, '--server', servers[2].url, 'send', 'bob', 'after']]);
      expect(after.status).toBe(0);
      expect(await watch.nextLine()).toMatchObject({ type: 'message', body: 'after' });
      expect(await metric(servers[2], 'pqmsg_connected_devices')).toBeGreaterThanOrEqual(1);
    } finally {
      expect(await watch.stop()).toBe(0);
    }
    expect(messageBodies(pqmsg(bob(), ['--json', 'receive']))).toEqual([]);
  }, 120_000);
});
