/**
 * The client's Connect over the browser's WebSocket: a FrameConnection
 * (src/client/frame-connection.ts, shared with the Node transport) on a binary WebSocket.
 * Side channels: public frames only.
 */
import { FrameConnection, webSocketUrl } from '../../src/client/frame-connection.ts';
import type { Connect } from '../../src/client/transport.ts';
import { ClientError } from '../../src/util/errors.ts';

/** Opens a browser WebSocket to `url` (path WEBSOCKET_PATH unless it names one). */
export const connectBrowserWebSocket: Connect = (url) =>
  new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(webSocketUrl(url));
    } catch (err) {
      return reject(new ClientError('NETWORK', `bad server URL ${url}: ${(err as Error).message}`));
    }
    ws.binaryType = 'arraybuffer';
    const close = () => ws.close();
    const conn = new FrameConnection({ send: (f) => ws.send(f), close, abort: close }, url);
    ws.addEventListener('message', (e) =>
      conn.receive(e.data instanceof ArrayBuffer ? new Uint8Array(e.data) : null),
    );
    ws.addEventListener('close', () =>
      conn.fail(new ClientError('NETWORK', `connection to ${url} closed`)),
    );
    ws.addEventListener('open', () => resolve(conn), { once: true });
    ws.addEventListener('error', () => reject(new ClientError('NETWORK', `cannot reach ${url}`)), {
      once: true,
    });
  });
