/**
 * The client's view of the delivery service (docs/SERVER.md §2): one connection that sends
 * request frames and resolves their responses by request id, and delivers server pushes in order.
 * ws-transport.ts implements it over the `ws` package in Node; a browser brings its WebSocket.
 * Side channels: n/a (interfaces only; frames carry public data).
 */
import type { Push } from '../wire/pushes.ts';
import type { Request } from '../wire/requests.ts';
import type { Response } from '../wire/responses.ts';

export interface Connection {
  /**
   * Sends `request` and resolves with the response of the same op. Rejects with ServerError for
   * an ERROR frame and with ClientError NETWORK if the connection closes first.
   */
  request<R extends Request>(request: R): Promise<Extract<Response, { op: R['op'] }>>;
  /** The next push, in arrival order; rejects (ClientError NETWORK) once the connection is gone. */
  nextPush(): Promise<Push>;
  close(): void;
}

/** Opens a connection to a delivery-service URL (ws:// or wss://). */
export type Connect = (url: string) => Promise<Connection>;
