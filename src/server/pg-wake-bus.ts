/**
 * The WakeBus over PostgreSQL LISTEN/NOTIFY (https://www.postgresql.org/docs/current/sql-notify.html),
 * docs/SERVER.md §10. Each process holds one dedicated connection that LISTENs on the channel
 * `pqmsg_wake_<schema>` (one channel per schema, so deployments sharing a database stay apart)
 * and sends its own NOTIFYs on it. Events published during one turn of the event loop go out in
 * one round trip; mail events are merged, many addresses per notification, each payload under
 * PostgreSQL's 8000-byte limit. Payload: JSON {o: bus origin, t: "mail" | "push" | "connected",
 * a: address(es) "username.deviceId", p: push (hex of the frame body), at, h: hub origin}; a bus
 * ignores its own notifications (PostgreSQL delivers them to the sender too).
 * NOTIFY is not durable: a notification sent while a listener is disconnected is lost. The
 * listener reconnects every RECONNECT_MS and then asks the hub to resync; between, the hub's
 * fallback poll (every `fallbackPollMs`) finds any mail it was not told about.
 * Node-only (pg).
 */
import pg from 'pg';
import { fromHex, toHex } from '../util/bytes.ts';
import type { RandomSource } from '../util/random.ts';
import { formatAddress, type Address } from '../wire/address.ts';
import { Reader, Writer } from '../wire/codec.ts';
import { readPush, writePush } from '../wire/pushes.ts';
import type { Logger } from './log.ts';
import { parsePgLocation } from './pg-config.ts';
import type { BusEvent, BusReceiver, WakeBus } from './wake-bus.ts';

/** Default interval of the hub's fallback poll, ms. */
export const DEFAULT_FALLBACK_POLL_MS = 2_000;
/** Wait before reopening a lost listener connection, ms. */
export const RECONNECT_MS = 1_000;
/** Payload bytes per notification we allow ourselves (PostgreSQL refuses ≥ 8000). */
const MAX_PAYLOAD_BYTES = 7_900;

interface Payload {
  o: string;
  t: BusEvent['type'];
  a: string | string[];
  p?: string;
  at?: number;
  h?: string;
}

export interface PgWakeBusOptions {
  readonly fallbackPollMs?: number;
  /** False: neither LISTEN nor NOTIFY (tests of the fallback poll: every notification is "lost"). */
  readonly notify?: boolean;
  readonly log: Logger;
  readonly random: RandomSource;
}

export class PgWakeBus implements WakeBus {
  readonly fallbackPollMs: number;
  private readonly config: pg.ClientConfig;
  private readonly channel: string;
  private readonly origin: string;
  private client?: pg.Client;
  private receiver?: BusReceiver;
  private mail = new Set<string>();
  private others: Payload[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(
    url: string,
    private readonly opts: PgWakeBusOptions,
  ) {
    const { config, schema } = parsePgLocation(url);
    this.config = config;
    this.channel = `pqmsg_wake_${schema}`;
    this.origin = toHex(opts.random(8));
    this.fallbackPollMs = opts.fallbackPollMs ?? DEFAULT_FALLBACK_POLL_MS;
  }

  async start(receiver: BusReceiver): Promise<void> {
    this.receiver = receiver;
    if (this.opts.notify !== false) await this.listen();
  }

  publish(e: BusEvent): void {
    if (this.closed || this.opts.notify === false) return;
    if (e.type === 'mail') for (const a of e.addresses) this.mail.add(formatAddress(a));
    else if (e.type === 'push')
      this.others.push({ o: this.origin, t: 'push', a: formatAddress(e.address), p: toHex(writePush(new Writer(), e.push).finish()) });
    else this.others.push({ o: this.origin, t: 'connected', a: formatAddress(e.address), at: e.at, h: e.origin });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }

  /** Opens the listener connection; on loss, reopens it after RECONNECT_MS and resyncs. */
  private async listen(): Promise<void> {
    const client = new pg.Client(this.config);
    let lost = false;
    const onLost = (e?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      if (this.closed) return;
      this.opts.log.log('warn', 'bus.lost', { error: e?.message ?? 'connection ended' });
      setTimeout(() => void this.relisten(), RECONNECT_MS).unref();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => this.receive(n.payload));
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
    if (this.closed) return void client.end();
    this.client = client;
  }

  private async relisten(): Promise<void> {
    if (this.closed) return;
    try {
      await this.listen();
      this.opts.log.log('info', 'bus.relisten', {});
      this.receiver?.resync();
    } catch (e) {
      this.opts.log.log('warn', 'bus.lost', { error: (e as Error).message });
      setTimeout(() => void this.relisten(), RECONNECT_MS).unref();
    }
  }

  /** Sends what was published in this turn: mail merged into as few payloads as fit. */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const payloads = this.others.map((p) => JSON.stringify(p));
    this.others = [];
    let batch: string[] = [];
    let size = 0;
    const emit = () => {
      if (batch.length > 0) payloads.push(JSON.stringify({ o: this.origin, t: 'mail', a: batch } satisfies Payload));
      batch = [];
      size = 0;
    };
    for (const a of this.mail) {
      if (size + a.length + 3 > MAX_PAYLOAD_BYTES - 64) emit();
      batch.push(a);
      size += a.length + 3;
    }
    emit();
    this.mail.clear();
    const client = this.client;
    if (client === undefined || payloads.length === 0) return; // lost: the fallback poll recovers
    try {
      await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [this.channel, payloads]);
    } catch (e) {
      this.opts.log.log('warn', 'bus.notify_failed', { error: (e as Error).message });
    }
  }

  private receive(raw: string | undefined): void {
    let p: Payload;
    try {
      p = JSON.parse(raw ?? '') as Payload;
    } catch {
      return this.opts.log.log('warn', 'bus.bad_payload', {});
    }
    if (p.o === this.origin || this.receiver === undefined) return;
    try {
      if (p.t === 'mail') this.receiver.onEvent({ type: 'mail', addresses: [p.a].flat().map(parseAddress) });
      else if (p.t === 'push')
        this.receiver.onEvent({ type: 'push', address: parseAddress(p.a as string), push: readPushBody(p.p ?? '') });
      else if (p.t === 'connected')
        this.receiver.onEvent({ type: 'connected', address: parseAddress(p.a as string), at: Number(p.at), origin: String(p.h) });
    } catch (e) {
      this.opts.log.log('warn', 'bus.bad_payload', { error: (e as Error).message });
    }
  }
}

/** Inverse of formatAddress: the device id follows the last '.'. */
function parseAddress(s: string): Address {
  const dot = s.lastIndexOf('.');
  return { username: s.slice(0, dot), deviceId: Number(s.slice(dot + 1)) };
}

function readPushBody(hex: string) {
  const r = new Reader(fromHex(hex), 'bus push');
  const push = readPush(r);
  r.end();
  return push;
}
