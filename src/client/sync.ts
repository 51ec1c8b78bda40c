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
import { bytesEqual, fromHex, utf8 } from '../util/bytes.ts';
import { ClientError, ProtocolError, ServerError, type ServerErrorCode } from '../util/errors.ts';
import type { Address as WireAddress } from '../wire/address.ts';
import {
  SIGNATURE_LABEL_AUTH,
  SIGNATURE_LABEL_REGISTER,
  authTranscript,
  registerTranscript,
} from '../wire/auth-transcript.ts';
import { CLIENT_MESSAGE_ID_BYTES, MAX_PREKEYS_PER_UPLOAD } from '../wire/frame-constants.ts';
import { Writer } from '../wire/codec.ts';
import { decodeBundle } from '../protocol/bundle.ts';
import { encodeIdentityPublic } from '../protocol/identity.ts';
import { deviceIdOf } from './device-service.ts';
import type { DeliveredMessage, SealedDeliveredMessage } from '../wire/pushes.ts';
import type { PreKeyCounts } from '../wire/responses.ts';
import { DEVICE_ID, saveAccount } from './account.ts';
import type { CrashHook } from './crash-points.ts';
import { markUploaded, pendingUploads, refreshPreKeys } from './prekey-service.ts';
import type { DeliveryOutcome, SessionService } from './session-service.ts';
import type { Connect, Connection } from './transport.ts';
import type { OutboxEntry } from './records.ts';
import { flushSealedOutbox, openAnonymous } from './sealed-send.ts';
import { SealedService, type SealedBlocker } from './sealed-service.ts';

/** What sync reports to its caller (the CLI prints these). */
export type SyncEvent =
  | { readonly type: 'delivery'; readonly outcome: DeliveryOutcome }
  | { readonly type: 'sent'; readonly entry: OutboxEntry }
  /** The server refused the message for good (e.g. no such recipient): dropped from the outbox. */
  | { readonly type: 'undeliverable'; readonly entry: OutboxEntry; readonly error: ServerError }
  | { readonly type: 'prekeys'; readonly uploaded: number }
  /** A message went authenticated because it could not go sealed yet (docs/CLIENT.md §8). */
  | { readonly type: 'authenticatedFallback'; readonly to: string; readonly reason: SealedBlocker }
  /** A contact's signed device list changed (docs/CLIENT.md §9): shown like an identity change. */
  | { readonly type: 'devicesChanged'; readonly name: string; readonly devices: readonly number[] };

export interface SyncOptions {
  readonly crash?: CrashHook;
  /** One-time prekeys of each kind to keep on the server (default ONE_TIME_TARGET = 100). */
  readonly oneTimeTarget?: number;
  readonly onEvent?: (e: SyncEvent) => void;
  /**
   * Sealed sender (docs/CLIENT.md §8): keep the access verifier, sealed key and certificate
   * current on the server, and send sealed whenever the contact allows it. Receiving sealed
   * messages needs no option.
   */
  readonly sealed?: boolean;
  /** Runs after each delivery is acknowledged (the group service sends what a change requires). */
  readonly afterDelivery?: (outcome: DeliveryOutcome) => Promise<void>;
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
  readonly sealed: SealedService;
  /** The second, never authenticated connection for sealed sends (opened when first needed). */
  private anonymous: Connection | undefined;

  private constructor(
    readonly service: SessionService,
    private connection: Connection,
    private readonly options: SyncOptions,
    private readonly connect: Connect,
    private readonly urls: readonly string[],
    private current: number,
    private readonly serverHash: Uint8Array,
  ) {
    this.sealed = new SealedService(service);
  }

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
        const { conn, serverHash, serverIdentity } = await Sync.handshake(service, connect, urls, i, options.register === true);
        const sync = new Sync(service, conn, options, connect, urls, i, serverHash);
        await sync.failover(async () => {
          await sync.uploadPreKeys((await sync.conn.request({ op: 'preKeyCount' })).counts);
          await sync.refreshList(account.name);
          if (options.sealed) await sync.refreshSealed(serverIdentity);
        });
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
  ): Promise<{ conn: Connection; serverHash: Uint8Array; serverIdentity: Uint8Array }> {
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
      const address: WireAddress = { username: account.name, deviceId: deviceIdOf(account) };
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
      return { conn, serverHash, serverIdentity: push.serverIdentity };
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  close(): void {
    this.anonymous?.close();
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

  /**
   * Sealed-sender upkeep on the authenticated connection (docs/CLIENT.md §8): remember the server
   * identity, register the access verifier and mode when they changed, upload a new sealed key
   * when one was generated (weekly), renew the certificate when less than 12 h of it are left.
   */
  async refreshSealed(serverIdentity: Uint8Array): Promise<void> {
    const { sealed, conn } = this;
    sealed.saveServerIdentity(serverIdentity);
    const access = sealed.access();
    // One verifier per account: the primary's (docs/SERVER.md §12); a linked device keeps its hands off.
    if (!access.registered && deviceIdOf(this.service.account) === DEVICE_ID) {
      await conn.request({ op: 'setDeliveryAccess', verifier: sealed.verifier(), mode: access.mode });
      sealed.markAccessRegistered(access.epoch, access.mode);
    }
    const key = sealed.sealedKeyToUpload();
    if (key !== undefined) {
      await conn.request({ op: 'uploadSealedKey', key: key.encoded });
      sealed.markKeyUploaded(key.id);
    }
    if (sealed.needsCertificate()) {
      const { certificate } = await conn.request({ op: 'getSenderCertificate' });
      sealed.saveCertificate(certificate);
    }
  }

  /** Fetches the sealed key of `name.deviceId` when `name`'s access key is known and the stored key is missing or stale. */
  private async ensureSealedKey(name: string, deviceId = DEVICE_ID): Promise<void> {
    if (this.sealed.accessKeyFor(name) === undefined || !this.sealed.needsSealedKey(name, deviceId)) return;
    const address = { username: name, deviceId };
    try {
      const { key } = await this.conn.request({ op: 'fetchSealedKey', address });
      this.sealed.saveSealedKey(name, key, deviceId);
    } catch (err) {
      if (!(err instanceof ServerError && err.code === 'NO_SEALED_KEY')) throw err;
    }
  }

  /** `name`'s current devices (reachableDevices), each with a fresh sealed key when one is published. */
  private async sealableDevices(name: string): Promise<number[]> {
    const devices = await this.reachableDevices(name);
    for (const d of devices) await this.ensureSealedKey(name, d);
    return devices;
  }

  /** True when this sync sends sealed where it can (docs/CLIENT.md §8). */
  get sealing(): boolean {
    return this.options.sealed === true;
  }

  /** The second, never authenticated connection (opened and its server checked on first use). */
  async anonymousConnection(): Promise<Connection> {
    this.anonymous ??= await openAnonymous(this.sealed, this.connect, this.urls[this.current]);
    return this.anonymous;
  }

  /**
   * Transmits the sealed outbox over the anonymous connection (opened on first use). A row the
   * server refuses with DEVICE_MISMATCH is re-fanned to the recipient's refreshed device list
   * (sessions and sealed keys of new devices fetched on this authenticated connection) and sent
   * again (docs/CLIENT.md §9).
   */
  async flushSealed(): Promise<void> {
    if (this.sealed.sealedOutbox().length === 0) return;
    const refan = async (key: string, entry: OutboxEntry): Promise<OutboxEntry> => {
      await this.refreshList(entry.peer);
      return this.sealed.refanSealed(key, entry, await this.sealableDevices(entry.peer));
    };
    await flushSealedOutbox(this.sealed, await this.anonymousConnection(), (e) => this.options.onEvent?.(e), this.options.crash, refan);
  }

  /**
   * A sealed text to every current device of `name` if it can go sealed now (else undefined): the
   * access secret first when due, committed before anything is sent, then the sealed outbox is
   * flushed; the sent transcript to our own other devices goes authenticated (docs/CLIENT.md §9).
   */
  private async sendSealedText(
    name: string,
    body: string,
    peerDevices: readonly number[],
    ownDevices: readonly number[],
  ): Promise<OutboxEntry | undefined> {
    for (const d of peerDevices) await this.ensureSealedKey(name, d);
    const reason = this.sealed.blocker(name, peerDevices);
    if (reason !== undefined) {
      this.options.onEvent?.({ type: 'authenticatedFallback', to: name, reason });
      return undefined;
    }
    const entry = this.sealed.queueSealedText(name, body, peerDevices, ownDevices);
    this.options.crash?.('after-send-commit');
    await this.flushSealed();
    await this.flushOutbox();
    return entry;
  }

  /**
   * Sends our current access secret to `name` (after a rotation, `contacts remove`): sealed when
   * possible, else authenticated; a no-op when it was sent already.
   */
  async sendAccessKey(name: string): Promise<void> {
    if (!this.sealed.accessKeyDue(name)) return;
    await this.ensureSession(name);
    const devices = await this.sealableDevices(name);
    if (this.sealed.blocker(name, devices) === undefined) {
      this.sealed.queueAccessKeySealedIfDue(name, devices);
      await this.flushSealed();
    } else {
      this.sealed.queueAccessKeyAuthenticatedIfDue(name, devices);
      await this.flushOutbox();
    }
  }

  /**
   * A cover-traffic dummy (docs/CLIENT.md §8) to `name`: sealed, padded, with `filler` as its
   * only payload, to every current device; false when `name` cannot be sealed to now.
   */
  async sendCover(name: string, content: Uint8Array): Promise<boolean> {
    const devices = await this.sealableDevices(name);
    if (this.sealed.blocker(name, devices) !== undefined) return false;
    this.sealed.queueSealed(name, content, undefined, devices);
    await this.flushSealed();
    return true;
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

  /** Fetches `name.deviceId`'s bundle and starts a session unless one exists (PQXDH rev. 3 §3.3). */
  async ensureSession(name: string, deviceId = DEVICE_ID): Promise<'new' | 'unverified' | 'verified' | 'existing'> {
    if (this.service.hasSession(name, deviceId)) return 'existing';
    const address = { username: name, deviceId };
    const { bundle } = await this.failover(() => this.conn.request({ op: 'fetchBundle', address }));
    return this.service.startSessionWith(name, bundle, deviceId);
  }

  /**
   * Fetches `name`'s signed device list and accepts it if it verifies under the pinned primary
   * identity (pinning the primary first, TOFU, on first contact) and does not roll back.
   * PROTOCOL.md §14.1; docs/CLIENT.md §9.
   */
  async refreshList(name: string): Promise<void> {
    const { devices } = this.service;
    if (devices.primaryIdentity(name) === undefined) await this.ensureSession(name);
    const { deviceList } = await this.conn.request({ op: 'fetchDeviceList', username: name });
    const update = devices.acceptList(name, deviceList);
    if (update === 'updated' && name !== this.service.account.name)
      this.options.onEvent?.({ type: 'devicesChanged', name, devices: devices.devicesOf(name).map((d) => d.deviceId) });
  }

  /**
   * The devices of `name` this device sends to (Sesame, docs/CLIENT.md §9): every device its known
   * list names, except this device, that has registered (a listed device without a bundle is still
   * being linked), each with a session whose identity is the listed one.
   */
  async reachableDevices(name: string): Promise<number[]> {
    const { devices, account } = this.service;
    const self = deviceIdOf(account);
    const out: number[] = [];
    for (const d of devices.devicesOf(name)) {
      if (name === account.name && d.deviceId === self) continue;
      this.service.forgetReplacedDevice(name, d.deviceId, d.identityHash);
      if (!this.service.hasSession(name, d.deviceId)) {
        let bundle: Uint8Array;
        try {
          ({ bundle } = await this.conn.request({ op: 'fetchBundle', address: { username: name, deviceId: d.deviceId } }));
        } catch (err) {
          if (err instanceof ServerError && err.code === 'UNKNOWN_ADDRESS') continue;
          throw err;
        }
        const identity = encodeIdentityPublic(decodeBundle(bundle).identity);
        if (d.identityHash.length > 0 && !bytesEqual(this.service.ctx.suite.sha256(identity), d.identityHash))
          throw new ProtocolError('BAD_SIGNATURE', `${name}.${d.deviceId}: bundle identity is not the one its device list names`);
        this.service.startSessionWith(name, bundle, d.deviceId);
      }
      out.push(d.deviceId);
    }
    return out;
  }

  /**
   * Sends `body` to every current device of `name` and a sent transcript to this account's other
   * devices (Sesame fan-out, docs/CLIENT.md §9): the one "send to a user" function. Queued (and
   * committed) before anything is sent; the outbox is flushed before and after.
   */
  async send(name: string, body: string): Promise<OutboxEntry> {
    await this.flushOutbox();
    await this.ensureSession(name);
    const peerDevices = await this.reachableDevices(name);
    const ownDevices = await this.reachableDevices(this.service.account.name);
    if (this.options.sealed) {
      await this.flushSealed();
      const sealedEntry = await this.sendSealedText(name, body, peerDevices, ownDevices);
      if (sealedEntry !== undefined) return sealedEntry;
    }
    // The first message(s) go authenticated, carrying our access secret (docs/CLIENT.md §8).
    const accessKey = this.options.sealed ? this.sealed.dueAccessKey(name) : undefined;
    const entry = this.service.stepAndQueue(name, body, peerDevices, ownDevices, accessKey);
    this.options.crash?.('after-send-commit');
    await this.flushOutbox();
    return entry;
  }

  /**
   * Transmits every outbox row in order (SEND_MULTI, per-device ids derived from the message id);
   * marks each delivered on the response. On DEVICE_MISMATCH the peer's list is refreshed and the
   * row re-fanned to its current devices, up to MAX_FANOUT_ATTEMPTS times. A permanent refusal
   * (UNDELIVERABLE) drops that row (its history row stays undelivered); any other error stops the
   * flush, keeping the row for the next attempt; a lost connection carries the flush on through
   * the next server of the list.
   */
  flushOutbox(): Promise<void> {
    return this.failover(() => this.flushOnce());
  }

  private async flushOnce(): Promise<void> {
    for (const row of this.service.outbox()) {
      const { key } = row;
      let entry = row.entry;
      try {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.transmit(entry);
            break;
          } catch (err) {
            if (!(err instanceof ServerError && err.code === 'DEVICE_MISMATCH') || attempt === MAX_FANOUT_ATTEMPTS) throw err;
            await this.refreshList(entry.peer);
            entry = this.service.refanOutbox(key, entry, await this.reachableDevices(entry.peer));
          }
        }
      } catch (err) {
        if (!(err instanceof ServerError && UNDELIVERABLE.has(err.code))) throw err;
        this.service.dropFromOutbox(key);
        this.options.onEvent?.({ type: 'undeliverable', entry, error: err });
        continue;
      }
      this.options.crash?.('after-transmit');
      this.service.markDelivered(key, entry);
      if (entry.historyKey !== '') this.options.onEvent?.({ type: 'sent', entry });
    }
  }

  /** One outbox row on the wire: SEND_MULTI, or SEND for a row queued before multi-device. */
  private async transmit(entry: OutboxEntry): Promise<void> {
    const legacy = entry.content.length === 0;
    if (legacy) {
      const to = { username: entry.peer, deviceId: DEVICE_ID };
      await this.conn.request({ op: 'send', to, clientMessageId: fromHex(entry.id), envelope: entry.envelopes[0].envelope });
      return;
    }
    if (entry.envelopes.length === 0) return; // no other device to tell (own devices all removed)
    const messages = entry.envelopes.map((e) => ({
      deviceId: e.deviceId,
      identityHash: e.identityHash,
      clientMessageId: deviceMessageId(entry.id, entry.peer, e.deviceId),
      envelope: e.envelope,
    }));
    await this.conn.request({ op: 'sendMulti', to: entry.peer, messages });
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
      else if (push.type === 'sealedMessage') await this.deliverSealed(push.message);
      else if (push.type === 'preKeysLow') await this.uploadPreKeys(push.counts);
      else if (push.type === 'queueEmpty' && until === 'empty') return;
    }
  }

  /**
   * storeThenAck: process (one transaction), then acknowledge — unless held for trust. A message
   * from a linked device (or from this account's other devices) is accepted only if the sender's
   * verified list names that device; the list is refreshed once when it does not.
   */
  private async deliver(m: DeliveredMessage): Promise<void> {
    const peer = m.sender.username;
    let outcome: DeliveryOutcome;
    if (this.held.has(peer)) outcome = { kind: 'held', peer, error: heldAfter(peer) };
    else {
      const listed = await this.listedHash(m);
      outcome =
        listed === null
          ? this.service.rejectDelivery(m, new ProtocolError('BAD_SIGNATURE', `${peer}.${m.sender.deviceId} is not on the device list of ${peer}`))
          : this.service.processDelivery(m, listed);
      if (outcome.kind === 'held' && listed !== null && listed !== undefined) {
        // A listed device whose identity is not the pinned one: the account's fresh list decides
        // (PROTOCOL.md §14.1), not the user — a new identity on a reused id is accepted, anything
        // else (an old device's late message) refused.
        await this.refreshList(peer);
        const fresh = this.service.devices.devicesOf(peer).find((d) => d.deviceId === m.sender.deviceId)?.identityHash;
        if (fresh !== undefined && this.service.forgetReplacedDevice(peer, m.sender.deviceId, fresh))
          outcome = this.service.processDelivery(m, fresh);
        if (outcome.kind === 'held')
          outcome = this.service.rejectDelivery(m, new ProtocolError('BAD_SIGNATURE', `${peer}.${m.sender.deviceId} is not on the device list of ${peer} with this identity`));
      }
    }
    // Shown once it is stored, before the ack: a crash in between makes the redelivery a silent
    // duplicate, so the message is neither lost nor shown twice.
    this.options.onEvent?.({ type: 'delivery', outcome });
    if (outcome.kind === 'held') this.held.add(peer);
    else {
      if (outcome.kind === 'message') this.options.crash?.('after-receive-commit');
      await this.conn.request({ op: 'ack', guid: m.guid });
      await this.options.afterDelivery?.(outcome);
    }
  }

  /** storeThenAck for a sealed message (docs/CLIENT.md §8): held ones stay queued, others are acked. */
  private async deliverSealed(m: SealedDeliveredMessage): Promise<void> {
    // A linked device our copy of its account's list does not name yet: refresh the list first
    // (docs/CLIENT.md §9), so its message is judged by the current list, not lost.
    const first = this.sealed.processSealed(m, false);
    let outcome: DeliveryOutcome;
    if (first.kind === 'unlisted') {
      await this.refreshList(first.peer);
      outcome = this.sealed.processSealed(m);
    } else outcome = first;
    this.options.onEvent?.({ type: 'delivery', outcome });
    if (outcome.kind === 'held') return;
    if (outcome.kind === 'message') this.options.crash?.('after-receive-commit');
    await this.conn.request({ op: 'ack', guid: m.guid });
    await this.options.afterDelivery?.(outcome);
  }

  /**
   * The identity hash the sender's list gives its device: undefined for a contact's primary (its
   * pin is the trust anchor), null when the list does not name the device even after a refresh.
   */
  private async listedHash(m: DeliveredMessage): Promise<Uint8Array | undefined | null> {
    const { username, deviceId } = m.sender;
    const own = username === this.service.account.name;
    if (!own && deviceId === DEVICE_ID) return undefined;
    const { devices } = this.service;
    if (!devices.lists(username, deviceId)) await this.refreshList(username);
    const listed = devices.devicesOf(username).find((d) => d.deviceId === deviceId)?.identityHash;
    if (listed === undefined) return null;
    this.service.forgetReplacedDevice(username, deviceId, listed);
    return listed;
  }
}

/** Tries of one outbox row against DEVICE_MISMATCH before the flush gives up (kept for later). */
const MAX_FANOUT_ATTEMPTS = 3;

/** Per-device client message id: SHA-256(id ‖ bytes(peer) ‖ u32 deviceId)[0..16] (docs/CLIENT.md §9). */
export function deviceMessageId(id: string, peer: string, deviceId: number): Uint8Array {
  const w = new Writer().fixed(fromHex(id)).bytes(utf8(peer)).u32(deviceId);
  return sha256(w.finish()).subarray(0, CLIENT_MESSAGE_ID_BYTES);
}

/** Later messages of a sender whose earlier one was held stay queued too (per-sender order). */
function heldAfter(peer: string): ProtocolError {
  return new ProtocolError('IDENTITY_CHANGED', `held after an earlier message from ${peer}`);
}
