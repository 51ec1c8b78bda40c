/**
 * The client's Connection (transport.ts) over any WebSocket: one binary message per frame
 * (docs/SERVER.md §2), requests matched to responses by request id, pushes queued in arrival
 * order. A request unanswered after REQUEST_TIMEOUT_MS, or any close, fails with ClientError
 * NETWORK. Browser-safe: the socket comes in as a FrameSocket, adapted from the `ws` package in
 * ws-transport.ts (Node) and from the browser's WebSocket in web/live/browser-connection.ts.
 * Side channels: public frames only.
 */
import { ClientError, ServerError } from '../util/errors.ts';
import { decodeFrame, encodeFrame } from '../wire/frame.ts';
import type { Push } from '../wire/pushes.ts';
import type { Request } from '../wire/requests.ts';
import type { Response } from '../wire/responses.ts';
import type { Connection } from './transport.ts';

/** How long a request may wait for its response, in ms. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Where the delivery service accepts device WebSockets (docs/SERVER.md §1). */
export const WEBSOCKET_PATH = '/v1/websocket';

/** What a FrameConnection needs of its socket. */
export interface FrameSocket {
  send(frame: Uint8Array): void;
  /** Orderly close, asked for by the client. */
  close(): void;
  /** Immediate close after the server broke the protocol. */
  abort(): void;
}

/** The server URL as a WebSocket URL: WEBSOCKET_PATH unless it names a path (throws on a bad URL). */
export function webSocketUrl(url: string): URL {
  const target = new URL(url);
  if (target.pathname === '/') target.pathname = WEBSOCKET_PATH;
  return target;
}

interface Pending {
  readonly op: Request['op'];
  readonly resolve: (r: Response) => void;
  readonly reject: (e: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class FrameConnection implements Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pushes: Push[] = [];
  private readonly waiters: { resolve: (p: Push) => void; reject: (e: Error) => void }[] = [];
  private closedWith: Error | undefined;

  constructor(
    private readonly socket: FrameSocket,
    private readonly url: string,
  ) {}

  request<R extends Request>(request: R): Promise<Extract<Response, { op: R['op'] }>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timeout = new ClientError('NETWORK', `${this.url}: ${request.op} timed out`);
      const timer = setTimeout(() => this.settle(id)?.reject(timeout), REQUEST_TIMEOUT_MS);
      const settle = resolve as (r: Response) => void;
      this.pending.set(id, { op: request.op, resolve: settle, reject, timer });
      this.socket.send(encodeFrame({ kind: 'request', id, request }));
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
    this.socket.close();
  }

  /** One message from the socket: the bytes of a binary message, or null for a text message. */
  receive(data: Uint8Array | null): void {
    if (data === null) return this.protocolFailure('a text frame');
    let frame;
    try {
      frame = decodeFrame(data);
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

  /** Rejects every pending request and push waiter; later calls reject at once. */
  fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
    for (const w of this.waiters.splice(0)) w.reject(err);
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
    this.socket.abort();
  }
}
