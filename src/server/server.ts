/**
 * The delivery service on one port (docs/SERVER.md §1): HTTP GET /healthz and GET /metrics, and
 * WebSocket upgrades on WEBSOCKET_PATH, one connection per device. `startServer` wires the store,
 * clock, limits and logger into connections; `close` stops accepting, tells every device, waits
 * for in-flight requests (their commits included) and closes the store.
 * Node-only (node:http, ws).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { toHex } from '../util/bytes.ts';
import type { RandomSource } from '../util/random.ts';
import type { Suite } from '../protocol/suite.ts';
import { MAX_FRAME_BYTES } from '../wire/frame-constants.ts';
import { Connection } from './connection.ts';
import type { Clock, ServerContext } from './context.ts';
import { Hub } from './hub.ts';
import { EXPIRY_SWEEP_INTERVAL_MS, type ServerLimits } from './limits.ts';
import type { Logger } from './log.ts';
import { deliveryCutoff } from './mailbox.ts';
import { Metrics } from './metrics.ts';
import { loadServerIdentity } from './server-identity.ts';
import type { ServerStore } from './store.ts';
import { InProcessBus, type WakeBus } from './wake-bus.ts';

/** Where devices open their WebSocket. */
export const WEBSOCKET_PATH = '/v1/websocket';

/**
 * Frames above MAX_FRAME_BYTES and up to this size still get a FRAME_TOO_LARGE ERROR frame;
 * beyond it, ws itself closes the socket with 1009 (Message Too Big) without reading the frame.
 */
export const WS_MAX_PAYLOAD_BYTES = 4 * MAX_FRAME_BYTES;

export interface ServerOptions {
  readonly store: ServerStore;
  readonly host: string;
  readonly port: number;
  readonly limits: ServerLimits;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly suite: Suite;
  readonly log: Logger;
  /** Wake-ups to and from the other processes sharing the store (default: none, one process). */
  readonly bus?: WakeBus;
}

export interface RunningServer {
  /** ws://host:port (the WebSocket lives at `url + WEBSOCKET_PATH`). */
  readonly url: string;
  readonly port: number;
  readonly fingerprint: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { store, log, clock, random } = opts;
  const identity = await loadServerIdentity(store, opts.suite, random);
  const ctx: ServerContext = { store, clock, limits: opts.limits, suite: opts.suite, identity, random };
  const bus = opts.bus ?? new InProcessBus();
  const hub = new Hub(bus, toHex(random(8)));
  await bus.start(hub);
  const metrics = new Metrics();
  const connections = new Set<Connection>();
  let nextConn = 0;
  const connPrefix = toHex(random(3));

  const http = createServer((req, res) => void serveHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const deps = { ctx, hub, metrics, log, random };
      const conn = new Connection(ws, `${connPrefix}-${++nextConn}`, deps, req.socket.remoteAddress);
      connections.add(conn);
      ws.on('close', () => connections.delete(conn));
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    } else if (req.method === 'GET' && path === '/metrics') {
      const text = metrics.render(await store.queueStats());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  }

  const sweep = setInterval(() => {
    store
      .deleteExpired(clock() - opts.limits.messageTtlMs)
      .then((n) => n > 0 && log.log('info', 'mailbox.expired', { messages: n }))
      .catch((e: Error) => log.log('error', 'mailbox.expiry_failed', { error: e.message }));
  }, EXPIRY_SWEEP_INTERVAL_MS);
  sweep.unref();

  // The fallback for lost cross-process wake-ups: one store probe for every connected device.
  const poll =
    bus.fallbackPollMs === undefined
      ? undefined
      : setInterval(() => {
          store
            .mailboxesWithPending(hub.cursors(), deliveryCutoff(ctx, clock()))
            .then((found) => hub.wakeHere(found))
            .catch((e: Error) => log.log('warn', 'hub.poll_failed', { error: e.message }));
        }, bus.fallbackPollMs);
  poll?.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    clearInterval(sweep);
    clearInterval(poll);
    await bus.close();
    throw e;
  }
  const port = (http.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  log.log('info', 'server.start', { host: opts.host, port, server_fingerprint: identity.fingerprint });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${host}:${port}`,
    port,
    fingerprint: identity.fingerprint,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        clearInterval(poll);
        http.close();
        await Promise.all([...connections].map((c) => c.drain()));
        for (const c of connections) c.shutdown();
        wss.close();
        http.closeAllConnections();
        await bus.close();
        await store.close();
        identity.close();
        log.log('info', 'server.stop', {});
      })();
      return closing;
    },
  };
}
