/**
 * Node-only Connect over the `ws` package: a FrameConnection (frame-connection.ts) on a `ws`
 * WebSocket, with the frame-size limit and a handshake timeout.
 * Side channels: public frames only.
 */
import WebSocket from 'ws';
import { ClientError } from '../util/errors.ts';
import { MAX_FRAME_BYTES } from '../wire/frame-constants.ts';
import { FrameConnection, webSocketUrl } from './frame-connection.ts';
import type { Connect } from './transport.ts';

/** How long opening the socket may take, in ms. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Opens a WebSocket to `url` (path WEBSOCKET_PATH unless it names one) as a Connection. */
export const connectWebSocket: Connect = (url) =>
  new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      const options = { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: CONNECT_TIMEOUT_MS };
      ws = new WebSocket(webSocketUrl(url), options);
    } catch (err) {
      return reject(new ClientError('NETWORK', `bad server URL ${url}: ${(err as Error).message}`));
    }
    ws.binaryType = 'nodebuffer';
    const conn = new FrameConnection(
      { send: (f) => ws.send(f), close: () => ws.close(), abort: () => ws.terminate() },
      url,
    );
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      conn.receive(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null),
    );
    ws.on('close', () => conn.fail(new ClientError('NETWORK', `connection to ${url} closed`)));
    ws.on('error', (err) => conn.fail(new ClientError('NETWORK', `${url}: ${err.message}`)));
    ws.once('open', () => resolve(conn));
    ws.once('error', (err) =>
      reject(new ClientError('NETWORK', `cannot reach ${url}: ${err.message}`)),
    );
  });
