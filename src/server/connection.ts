/**
 * One device's WebSocket (docs/SERVER.md §2): sends the CHALLENGE push on open, decodes each
 * binary frame, hands requests to `handleRequest`, encodes the response or ERROR frame, and runs
 * the delivery loop (queued messages in guid order, then QUEUE_EMPTY once, then live ones).
 * A frame that does not decode gets a fatal ERROR frame and the socket closes; nothing from it
 * reaches the store. At most MAX_UNACKED_DELIVERIES pushed messages await an ACK at a time.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { DecodeError, ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import { decodeFrame, encodeFrame, peekRequestId, type Frame } from '../wire/frame.ts';
import { CHALLENGE_BYTES, MAX_FRAME_BYTES } from '../wire/frame-constants.ts';
import { FATAL_SERVER_ERRORS } from '../wire/frame-errors.ts';
import { deliveryPush, type DeliveredMessage, type Push } from '../wire/pushes.ts';
import type { Request } from '../wire/requests.ts';
import { newSession, type Outcome, type ServerContext, type Session } from './context.ts';
import { isStockLow } from './directory.ts';
import { handleRequest } from './handlers.ts';
import type { Hub } from './hub.ts';
import type { Logger } from './log.ts';
import { deliveryCutoff } from './mailbox.ts';
import type { Metrics } from './metrics.ts';

/** Pushed messages a connection may have unacknowledged before delivery pauses. */
export const MAX_UNACKED_DELIVERIES = 256;

/** WebSocket close codes (RFC 6455 §7.4.1). */
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_REPLACED = 4000; // private-use range: another connection took over this device

export interface ConnectionDeps {
  readonly ctx: ServerContext;
  readonly hub: Hub;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly random: RandomSource;
}

export class Connection {
  private readonly session: Session;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unacked = new Set<number>();
  private lastDelivered = 0;
  private pumping = false;
  private pumpAgain = false;
  private sentQueueEmpty = false;
  private closing = false;
  private draining = false;
  private corked = false;

  constructor(
    private readonly ws: WebSocket,
    readonly id: string,
    private readonly deps: ConnectionDeps,
    remote?: string,
  ) {
    const { ctx, metrics } = deps;
    const challenge = deps.random(CHALLENGE_BYTES);
    this.session = newSession(ctx.limits, challenge, ctx.clock(), remote);
    metrics.openConnections++;
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', (e) => this.log('warn', 'conn.error', { error: e.message }));
    this.log('info', 'conn.open');
    this.push({ type: 'challenge', serverIdentity: ctx.identity.publicKey, challenge });
  }

  /** Stops reading frames (shutdown) and resolves once every request in progress is answered. */
  drain(): Promise<unknown> {
    this.draining = true;
    return Promise.allSettled([...this.inFlight]);
  }

  /** Closes with `code` after sending a fatal ERROR frame (or none when `error` is undefined). */
  close(code: number, reason: string, error?: { id: number; code: ServerErrorCode; message: string }): void {
    if (this.closing) return;
    if (error) this.sendError(error.id, error.code, error.message);
    this.closing = true;
    this.ws.close(code, reason);
  }

  /** Server shutdown: a fatal SHUTTING_DOWN ERROR frame, then close 1001. */
  shutdown(): void {
    this.close(CLOSE_GOING_AWAY, 'server shutting down', { id: 0, code: 'SHUTTING_DOWN', message: 'the server is stopping' });
  }

  wake(): void {
    void this.deliver();
  }

  replace(): void {
    this.close(CLOSE_REPLACED, 'replaced by a newer connection');
  }

  offer(message: DeliveredMessage, previousGuid: number): boolean {
    if (this.session.device === undefined || this.closing || this.pumping || !this.sentQueueEmpty) return false;
    if (this.lastDelivered >= message.guid) return true; // a delivery read already pushed it
    if (this.lastDelivered < previousGuid || this.unacked.size >= MAX_UNACKED_DELIVERIES) return false;
    this.lastDelivered = message.guid;
    this.unacked.add(message.guid);
    this.push({ type: 'message', message });
    this.deps.metrics.deliveries++;
    return true;
  }

  cursor(): number {
    return this.lastDelivered;
  }

  push(p: Push): void {
    this.send({ kind: 'push', push: p });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closing || this.draining) return;
    this.deps.metrics.framesIn++;
    if (!isBinary) return this.fatal(0, 'UNKNOWN_FRAME', 'text frames are not part of the protocol');
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length > MAX_FRAME_BYTES)
      return this.fatal(peekRequestId(bytes), 'FRAME_TOO_LARGE', `frame of ${bytes.length} bytes exceeds ${MAX_FRAME_BYTES}`);
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      const code: ServerErrorCode =
        e.code === 'BAD_VERSION' ? 'UNSUPPORTED_VERSION' : e.code === 'BAD_TAG' ? 'UNKNOWN_FRAME' : 'MALFORMED_FRAME';
      return this.fatal(peekRequestId(bytes), code, e.message);
    }
    if (frame.kind !== 'request') return this.fatal(0, 'UNKNOWN_FRAME', `a device may not send ${frame.kind} frames`);
    if (this.inFlight.size >= this.deps.ctx.limits.maxInFlightRequests)
      return this.refuse(frame.id, 'RATE_LIMITED_REQUEST', `more than ${this.deps.ctx.limits.maxInFlightRequests} requests in flight`);
    const task = this.handle(frame.id, frame.request);
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async handle(id: number, req: Request): Promise<void> {
    const started = this.deps.ctx.clock();
    let outcome: Outcome;
    try {
      outcome = await handleRequest(this.deps.ctx, this.session, req);
    } catch (e) {
      if (e instanceof ServerError) {
        if (FATAL_SERVER_ERRORS.has(e.code)) this.fatal(id, e.code, e.message);
        else this.refuse(id, e.code, e.message);
      } else {
        this.log('error', 'request.internal', { req: id, op: req.op, error: (e as Error).message });
        this.refuse(id, 'INTERNAL', 'internal error; nothing was stored');
      }
      return;
    }
    this.send({ kind: 'response', id, response: outcome.response });
    this.log('debug', 'request.ok', { req: id, op: req.op, ms: this.deps.ctx.clock() - started });
    try {
      await this.apply(req, outcome);
    } catch (e) {
      this.log('error', 'request.followup_failed', { req: id, op: req.op, error: (e as Error).message });
    }
  }

  /** Carries out what a handler asked for: bind the device, wake recipients, notify owners. */
  private async apply(req: Request, outcome: Outcome): Promise<void> {
    const { hub, metrics, ctx } = this.deps;
    if (req.op === 'send') {
      if (outcome.response.op === 'send' && outcome.response.duplicate) metrics.duplicateSends++;
      else metrics.messagesStored++;
    } else if (req.op === 'sendSealed') {
      if (outcome.response.op === 'sendSealed' && outcome.response.duplicate) metrics.duplicateSends++;
      else metrics.sealedMessagesStored++;
    } else if (req.op === 'sendSealedMulti' && outcome.response.op === 'sendSealedMulti') {
      // One sealed envelope per device (docs/SERVER.md §15.1).
      if (outcome.response.duplicate) metrics.duplicateSends++;
      else metrics.sealedMessagesStored += req.messages.length;
    } else if (req.op === 'groupSendSealed' && outcome.response.op === 'groupSendSealed') {
      for (const r of outcome.response.results)
        if (r.status === 'stored') metrics.sealedMessagesStored++;
        else if (r.status === 'duplicate') metrics.duplicateSends++;
    } else if (req.op === 'getSenderCertificate') metrics.certificatesIssued++;
    else if (req.op === 'sendMulti') {
      // One envelope per device (docs/SERVER.md §13.3).
      if (outcome.response.op === 'sendMulti' && outcome.response.duplicate) metrics.duplicateSends++;
      else metrics.messagesStored += req.messages.length;
    } else if (req.op === 'groupSend' && outcome.response.op === 'groupSend') {
      for (const r of outcome.response.results)
        if (r.status === 'stored') metrics.messagesStored++;
        else if (r.status === 'duplicate') metrics.duplicateSends++;
    } else if (req.op === 'ack') {
      metrics.acks++;
      const wasFull = this.unacked.size >= MAX_UNACKED_DELIVERIES;
      this.unacked.delete(req.guid);
      if (wasFull) void this.deliver(); // delivery paused on the window: resume
    } else if (req.op === 'fetchBundle') metrics.bundlesServed++;
    else if (req.op === 'uploadPreKeys') metrics.preKeysUploaded += req.preKeys.length;
    if (outcome.stored) hub.stored(outcome.stored.to, outcome.stored.message, outcome.stored.previousGuid);
    else hub.wake(outcome.deliver ?? []);
    if (outcome.preKeysLow) hub.push(outcome.preKeysLow.owner, { type: 'preKeysLow', counts: outcome.preKeysLow.counts });
    if (outcome.authenticated && !this.closing) {
      this.session.device = outcome.authenticated;
      metrics.connectedDevices++;
      hub.attach(outcome.authenticated, this, ctx.clock());
      this.log('info', 'conn.authenticated', { device: formatAddress(outcome.authenticated), op: req.op });
      const counts = await ctx.store.preKeyCounts(outcome.authenticated);
      if (req.op === 'authenticate' && isStockLow(ctx, counts)) this.push({ type: 'preKeysLow', counts });
      void this.deliver();
    }
  }

  /**
   * The delivery loop: pushes queued messages with guid > lastDelivered in guid order, pausing at
   * MAX_UNACKED_DELIVERIES; one loop at a time per connection (a wake during a loop reruns it).
   */
  private async deliver(): Promise<void> {
    const device = this.session.device;
    if (device === undefined || this.closing) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    const { ctx, metrics } = this.deps;
    try {
      do {
        this.pumpAgain = false;
        for (;;) {
          const room = MAX_UNACKED_DELIVERIES - this.unacked.size;
          if (room <= 0 || this.closing) break;
          const batch = Math.min(room, ctx.limits.deliveryBatch);
          const cutoff = deliveryCutoff(ctx, ctx.clock());
          const messages = await ctx.store.pendingMessages(device, this.lastDelivered, cutoff, batch);
          for (const message of messages) {
            this.lastDelivered = message.guid;
            this.unacked.add(message.guid);
            this.push(deliveryPush(message));
            metrics.deliveries++;
          }
          if (messages.length < batch) {
            if (!this.sentQueueEmpty) {
              this.sentQueueEmpty = true;
              this.push({ type: 'queueEmpty' });
            }
            break;
          }
        }
      } while (this.pumpAgain);
    } catch (e) {
      this.log('error', 'deliver.failed', { error: (e as Error).message });
    } finally {
      this.pumping = false;
    }
  }

  private onClose(): void {
    this.closing = true;
    const { hub, metrics } = this.deps;
    metrics.openConnections--;
    if (this.session.device) {
      metrics.connectedDevices--;
      hub.detach(this.session.device, this);
    }
    this.log('info', 'conn.close', { delivered_unacked: this.unacked.size });
  }

  private refuse(id: number, code: ServerErrorCode, message: string): void {
    this.deps.metrics.reject(code);
    this.log('info', 'request.refused', { req: id, code });
    this.sendError(id, code, message);
  }

  private fatal(id: number, code: ServerErrorCode, message: string): void {
    this.deps.metrics.reject(code);
    this.log('warn', 'conn.fatal', { req: id, code });
    this.close(CLOSE_POLICY_VIOLATION, code, { id, code, message });
  }

  private sendError(id: number, code: ServerErrorCode, message: string): void {
    this.send({ kind: 'error', id, code, fatal: FATAL_SERVER_ERRORS.has(code), message });
  }

  private send(f: Frame): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(f);
    } catch (e) {
      // Only a bug can get here (every field is bounded before it is stored): say so, never crash.
      this.log('error', 'frame.unencodable', { kind: f.kind, error: (e as Error).message });
      return this.close(CLOSE_POLICY_VIOLATION, 'INTERNAL', { id: 0, code: 'INTERNAL', message: 'internal error' });
    }
    this.corkUntilTick();
    this.ws.send(bytes, { binary: true });
  }

  /**
   * Holds this socket's writes until the current burst of promise continuations has run, so the
   * responses and pushes of one group commit leave in one writev instead of one syscall each.
   * Uses ws's underlying net.Socket (`_socket`, not part of its typed API).
   */
  private corkUntilTick(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (socket === undefined) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields: Record<string, string | number> = {}): void {
    const device = this.session?.device;
    this.deps.log.log(level, event, { conn: this.id, ...(device ? { device: formatAddress(device) } : {}), ...fields });
  }
}
