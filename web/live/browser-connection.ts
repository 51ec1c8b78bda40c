/**
 * The client's Connection (src/client/transport.ts) over the browser's WebSocket: one binary
 * message per frame (docs/SERVER.md §2), requests matched to responses by id, pushes queued in
 * arrival order; any close fails every pending request with ClientError NETWORK. The browser
 * twin of src/client/ws-transport.ts (which is Node-only: it uses the `ws` package).
 * Side channels: public frames only.
 */
import type { Connect, Connection } from '../../src/client/transport.ts';
import { ClientError, ServerError } from '../../src/util/errors.ts';
import { decodeFrame, encodeFrame } from '../../src/wire/frame.ts';
import type { Push } from '../../src/wire/pushes.ts';
import type { Request } from '../../src/wire/requests.ts';
import type { Response } from '../../src/wire/responses.ts';

/** As src/client/ws-transport.ts (not imported: it loads the Node-only `ws` package). */
const REQUEST_TIMEOUT_MS = 30_000;
/** Where the delivery service accepts device WebSockets (docs/SERVER.md §1). */
const WEBSOCKET_PATH = '/v1/websocket';

interface Pending {
  readonly op: Request['op'];
  readonly resolve: (r: Response) => void;
  readonly reject: (e: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

class BrowserConnection implements Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pushes: Push[] = [];
  private readonly waiters: { resolve: (p: Push) => void; reject: (e: Error) => void }[] = [];
  private closedWith: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly url: string,
  ) {
    ws.addEventListener('message', (e) => this.onMessage(e.data));
    const closed = () => new ClientError('NETWORK', `connection to ${url} closed`);
    ws.addEventListener('close', () => this.fail(closed()));
  }

  request<R extends Request>(request: R): Promise<Extract<Response, { op: R['op'] }>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timeout = new ClientError('NETWORK', `${this.url}: ${request.op} timed out`);
      const timer = setTimeout(() => this.settle(id)?.reject(timeout), REQUEST_TIMEOUT_MS);
      const settle = resolve as (r: Response) => void;
      this.pending.set(id, { op: request.op, resolve: settle, reject, timer });
      this.ws.send(encodeFrame({ kind: 'request', id, request }));
    });
  }

  nextPush(): Promise<Push> {
    const push = this.pushes.shift();
    if (push) return Promise.resolve(push);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): void {
    this.fail(new ClientError('NETWORK', `connection to ${this.url} closed by the client`));
    this.ws.close();
  }

  private onMessage(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return this.protocolFailure('a text frame');
    let frame;
    try {
      frame = decodeFrame(new Uint8Array(data));
    } catch (err) {
      return this.protocolFailure((err as Error).message);
    }
    switch (frame.kind) {
      case 'response': {
        const p = this.settle(frame.id);
        if (!p || p.op !== frame.response.op) return this.protocolFailure('an unexpected response');
        return p.resolve(frame.response);
      }
      case 'error': {
        const err = new ServerError(frame.code, `server: ${frame.message}`);
        if (frame.id !== 0) this.settle(frame.id)?.reject(err);
        if (frame.fatal || frame.id === 0) this.fail(err);
        return;
      }
      case 'push': {
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(frame.push);
        else this.pushes.push(frame.push);
        return;
      }
      case 'request':
        return this.protocolFailure('a request frame');
    }
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(id);
    }
    return p;
  }

  private protocolFailure(what: string): void {
    this.fail(new ClientError('NETWORK', `${this.url} sent ${what}`));
    this.ws.close();
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

/** Opens a browser WebSocket to `url` (path WEBSOCKET_PATH unless it names one). */
export const connectBrowserWebSocket: Connect = (url) =>
  new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      const target = new URL(url);
      if (target.pathname === '/') target.pathname = WEBSOCKET_PATH;
      ws = new WebSocket(target);
    } catch (err) {
      return reject(new ClientError('NETWORK', `bad server URL ${url}: ${(err as Error).message}`));
    }
    ws.binaryType = 'arraybuffer';
    const conn = new BrowserConnection(ws, url);
    ws.addEventListener('open', () => resolve(conn), { once: true });
    ws.addEventListener('error', () => reject(new ClientError('NETWORK', `cannot reach ${url}`)), {
      once: true,
    });
  });
