/**
 * Sync: the client's conversation with the delivery service over one Connection (docs/SERVER.md
 * §2–§3), sequencing network steps around the session service's transactions (docs/CLIENT.md
 * "Crash safety"):
 *   send:    stepAndQueue (commit) → SEND with the message id → markDelivered on the response;
 *   receive: storeThenAck (commit) → ACK by guid; a guid seen before is acked silently.
 * The outbox is flushed, in order, before anything new is sent, with the same ids (the server
 * stores one message per (sender, id)). Registration signs the server's challenge; connections
 * authenticate the same way; the server's identity is pinned at register and checked after.
 * Failover (docs/SERVER.md §10): the server may be a list of URLs of one deployment (processes
 * sharing one database and identity). `open` takes the first that answers; when the connection
 * drops during an operation, the operation is carried on through the next URLs (each once, never
 * the dropped one again) — safe because every step is idempotent: SENDs carry their message id,
 * redeliveries are acked silently, prekey uploads are re-sent until accepted.
 * Side channels: the identity signs public transcripts only.
 */
import { sha256 } from '../hash/sha256.ts';
import { hybridSign } from '../protocol/hybrid-signature.ts';
import { bytesEqual, fromHex } from '../util/bytes.ts';
import { ClientError, ProtocolError, ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { Address as WireAddress } from '../wire/address.ts';
import {
  SIGNATURE_LABEL_AUTH,
  SIGNATURE_LABEL_REGISTER,
  authTranscript,
  registerTranscript,
} from '../wire/auth-transcript.ts';
import { MAX_PREKEYS_PER_UPLOAD } from '../wire/frame-constants.ts';
import type { DeliveredMessage } from '../wire/pushes.ts';
import type { PreKeyCounts } from '../wire/responses.ts';
import { DEVICE_ID, saveAccount } from './account.ts';
import type { CrashHook } from './crash-points.ts';
import { markUploaded, pendingUploads, refreshPreKeys } from './prekey-service.ts';
import type { DeliveryOutcome, SessionService } from './session-service.ts';
import type { Connect, Connection } from './transport.ts';
import type { OutboxEntry } from './records.ts';

/** What sync reports to its caller (the CLI prints these). */
export type SyncEvent =
  | { readonly type: 'delivery'; readonly outcome: DeliveryOutcome }
  | { readonly type: 'sent'; readonly entry: OutboxEntry }
  /** The server refused the message for good (e.g. no such recipient): dropped from the outbox. */
  | { readonly type: 'undeliverable'; readonly entry: OutboxEntry; readonly error: ServerError }
  | { readonly type: 'prekeys'; readonly uploaded: number };

export interface SyncOptions {
  readonly crash?: CrashHook;
  /** One-time prekeys of each kind to keep on the server (default ONE_TIME_TARGET = 100). */
  readonly oneTimeTarget?: number;
  readonly onEvent?: (e: SyncEvent) => void;
}

/** SEND refusals that no retry can cure (docs/SERVER.md §6). */
const UNDELIVERABLE: ReadonlySet<ServerErrorCode> = new Set<ServerErrorCode>([
  'UNKNOWN_ADDRESS',
  'BAD_USERNAME',
  'UNSUPPORTED_DEVICE',
  'ENVELOPE_TOO_LARGE',
]);

/** The URLs of a server list: comma-separated, blanks dropped ("ws://a:1, ws://b:2"). */
export function serverUrls(servers: string): string[] {
  return servers.split(',').map((u) => u.trim()).filter((u) => u !== '');
}

/** A failure another server of the list may not have: the connection, not the request. */
function isConnectionLoss(err: unknown): boolean {
  return (
    (err instanceof ClientError && err.code === 'NETWORK') ||
    (err instanceof ServerError && err.code === 'SHUTTING_DOWN')
  );
}

export class Sync {
  private readonly held = new Set<string>();

  private constructor(
    readonly service: SessionService,
    private connection: Connection,
    private readonly options: SyncOptions,
    private readonly connect: Connect,
    private readonly urls: readonly string[],
    private current: number,
    private readonly serverHash: Uint8Array,
  ) {}

  /** The connection in use (replaced on failover). */
  get conn(): Connection {
    return this.connection;
  }

  /**
   * Connects and authenticates (AUTHENTICATE, or REGISTER when `register` is set) with a hybrid
   * signature over the server's challenge (docs/SERVER.md §3), then uploads any pending prekeys
   * and rotates the signed ones when due.
   */
  static async open(
    service: SessionService,
    connect: Connect,
    servers: string,
    options: SyncOptions & { register?: boolean } = {},
  ): Promise<Sync> {
    const account = service.account;
    if (!options.register && account.server === '')
      throw new ClientError(
        'NOT_REGISTERED',
        'this device is not registered: run `pqmsg register --server URL`',
      );
    const urls = serverUrls(servers);
    if (urls.length === 0) throw new ClientError('NETWORK', 'no server URL given');
    let lastError: unknown;
    for (let i = 0; i < urls.length; i++) {
      try {
        const { conn, serverHash } = await Sync.handshake(service, connect, urls, i, options.register === true);
        const sync = new Sync(service, conn, options, connect, urls, i, serverHash);
        await sync.failover(async () => sync.uploadPreKeys((await sync.conn.request({ op: 'preKeyCount' })).counts));
        return sync;
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  /** Connects to `urls[i]` and registers or authenticates (docs/SERVER.md §3). */
  private static async handshake(
    service: SessionService,
    connect: Connect,
    urls: readonly string[],
    i: number,
    register: boolean,
    pinned: Uint8Array = service.account.serverIdentityHash,
  ): Promise<{ conn: Connection; serverHash: Uint8Array }> {
    const account = service.account;
    const url = urls[i];
    const conn = await connect(url);
    try {
      const push = await conn.nextPush();
      if (push.type !== 'challenge')
        throw new ClientError('NETWORK', `server sent ${push.type} before its challenge`);
      const serverHash = sha256(push.serverIdentity);
      if (!register && !bytesEqual(serverHash, pinned))
        throw new ClientError(
          'SERVER_IDENTITY_CHANGED',
          `the server at ${url} presented another identity than the one pinned at register`,
        );
      const { ctx } = service;
      const identity = ctx.identity.getLocalIdentity();
      const address: WireAddress = { username: account.name, deviceId: DEVICE_ID };
      if (register) {
        const { challenge } = push;
        const transcript = registerTranscript(serverHash, challenge, address, account.identity);
        const label = SIGNATURE_LABEL_REGISTER;
        const signature = hybridSign(ctx.suite, identity, label, transcript, ctx.random);
        await conn.request({ op: 'register', address, identity: account.identity, signature });
        // The whole list is kept: later commands fail over through it too.
        service.store.transaction(() =>
          saveAccount(service.store, { ...account, server: urls.join(','), serverIdentityHash: serverHash }),
        );
      } else {
        const transcript = authTranscript(serverHash, push.challenge, address);
        const label = SIGNATURE_LABEL_AUTH;
        const signature = hybridSign(ctx.suite, identity, label, transcript, ctx.random);
        await conn.request({ op: 'authenticate', address, signature });
      }
      return { conn, serverHash };
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  close(): void {
    this.conn.close();
  }

  /**
   * Runs `op`; if the connection is lost meanwhile, authenticates with the next server of the
   * list (each other one at most once) and runs `op` again there. `op` must be safe to repeat.
   */
  private async failover<T>(op: () => Promise<T>): Promise<T> {
    const tried = new Set([this.current]);
    for (;;) {
      try {
        return await op();
      } catch (err) {
        if (!isConnectionLoss(err) || tried.size >= this.urls.length) throw err;
        this.connection.close();
        let reconnected = false;
        while (!reconnected && tried.size < this.urls.length) {
          const next = (this.current + 1) % this.urls.length;
          this.current = next;
          tried.add(next);
          try {
            const { conn } = await Sync.handshake(this.service, this.connect, this.urls, next, false, this.serverHash);
            this.connection = conn;
            reconnected = true;
          } catch (again) {
            if (!isConnectionLoss(again)) throw again;
          }
        }
        if (!reconnected) throw err;
      }
    }
  }

  /** Rotates / tops up prekeys for the server's `counts` and uploads everything pending. */
  refreshPreKeys(counts: PreKeyCounts): Promise<void> {
    return this.failover(() => this.uploadPreKeys(counts));
  }

  private async uploadPreKeys(counts: PreKeyCounts): Promise<void> {
    const { service } = this;
    refreshPreKeys(service.store, service.ctx, counts, service.clock(), this.options.oneTimeTarget);
    const pending = pendingUploads(service.store, service.ctx);
    const uploaded = pending.length;
    while (pending.length > 0) {
      const batch = pending.splice(0, MAX_PREKEYS_PER_UPLOAD);
      await this.conn.request({ op: 'uploadPreKeys', preKeys: batch.map((p) => p.blob) });
      markUploaded(service.store, batch.map((p) => p.key));
    }
    if (uploaded > 0) this.options.onEvent?.({ type: 'prekeys', uploaded });
  }

  /** Fetches `name`'s bundle and starts a session unless one exists (PQXDH rev. 3 §3.3). */
  async ensureSession(name: string): Promise<'new' | 'unverified' | 'verified' | 'existing'> {
    if (this.service.hasSession(name)) return 'existing';
    const address = { username: name, deviceId: DEVICE_ID };
    const { bundle } = await this.failover(() => this.conn.request({ op: 'fetchBundle', address }));
    return this.service.startSessionWith(name, bundle);
  }

  /**
   * Queues `body` for `name` (committed before anything is sent), then flushes the outbox.
   * Starts the session (and so the contact) first if there is none.
   */
  async send(name: string, body: string): Promise<OutboxEntry> {
    await this.flushOutbox();
    await this.ensureSession(name);
    const entry = this.service.stepAndQueue(name, body);
    this.options.crash?.('after-send-commit');
    await this.flushOutbox();
    return entry;
  }

  /**
   * Transmits every outbox row in order with its own id; marks each delivered on the response.
   * A permanent refusal (UNDELIVERABLE) drops that row (its history row stays undelivered); any
   * other error stops the flush, keeping the row for the next attempt; a lost connection carries
   * the flush on through the next server of the list.
   */
  flushOutbox(): Promise<void> {
    return this.failover(() => this.flushOnce());
  }

  private async flushOnce(): Promise<void> {
    for (const { key, entry } of this.service.outbox()) {
      try {
        await this.conn.request({
          op: 'send',
          to: { username: entry.peer, deviceId: DEVICE_ID },
          clientMessageId: fromHex(entry.id),
          envelope: entry.envelope,
        });
      } catch (err) {
        if (!(err instanceof ServerError && UNDELIVERABLE.has(err.code))) throw err;
        this.service.dropFromOutbox(key);
        this.options.onEvent?.({ type: 'undeliverable', entry, error: err });
        continue;
      }
      this.options.crash?.('after-transmit');
      this.service.markDelivered(key, entry);
      this.options.onEvent?.({ type: 'sent', entry });
    }
  }

  /**
   * Handles pushes until the queue-empty marker (`until: 'empty'`, for `receive`) or until the
   * connection ends (`until: 'closed'`, for `watch`, which then rejects with NETWORK) and no
   * other server of the list answers.
   */
  pump(until: 'empty' | 'closed'): Promise<void> {
    return this.failover(() => this.pumpOnce(until));
  }

  private async pumpOnce(until: 'empty' | 'closed'): Promise<void> {
    for (;;) {
      const push = await this.conn.nextPush();
      if (push.type === 'message') await this.deliver(push.message);
      else if (push.type === 'preKeysLow') await this.uploadPreKeys(push.counts);
      else if (push.type === 'queueEmpty' && until === 'empty') return;
    }
  }

  /** storeThenAck: process (one transaction), then acknowledge — unless held for trust. */
  private async deliver(m: DeliveredMessage): Promise<void> {
    const peer = m.sender.username;
    const outcome: DeliveryOutcome = this.held.has(peer)
      ? { kind: 'held', peer, error: heldAfter(peer) }
      : this.service.processDelivery(m);
    // Shown once it is stored, before the ack: a crash in between makes the redelivery a silent
    // duplicate, so the message is neither lost nor shown twice.
    this.options.onEvent?.({ type: 'delivery', outcome });
    if (outcome.kind === 'held') this.held.add(peer);
    else {
      if (outcome.kind === 'message') this.options.crash?.('after-receive-commit');
      await this.conn.request({ op: 'ack', guid: m.guid });
    }
  }
}

/** Later messages of a sender whose earlier one was held stay queued too (per-sender order). */
function heldAfter(peer: string): ProtocolError {
  return new ProtocolError('IDENTITY_CHANGED', `held after an earlier message from ${peer}`);
}
