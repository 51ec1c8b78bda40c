/**
 * Wake-ups between the server processes that share one store (docs/SERVER.md §10). The hub (hub.ts) acts on its own connections at once and publishes the
 * same event for the other processes: new mail for some mailboxes (their delivery loops query the
 * store), a push for a device (PREKEYS_LOW), or "this device connected here at time t" (the older
 * connection elsewhere closes, as Signal-Server's displacement). A bus may lose events (a dropped
 * listener connection): then `fallbackPollMs` says how often the hub re-checks the store, and the
 * bus calls `resync` whenever it knows it may have missed some. Losing an event only delays:
 * delivery state lives in the store, never on the bus.
 * Implementations: InProcessBus here (servers inside one process, e.g. on one SQLite file) and
 * PgWakeBus (pg-wake-bus.ts, PostgreSQL LISTEN/NOTIFY).
 */
import type { Address } from '../wire/address.ts';
import type { Push } from '../wire/pushes.ts';

export type BusEvent =
  | { readonly type: 'mail'; readonly addresses: readonly Address[] }
  | { readonly type: 'push'; readonly address: Address; readonly push: Push }
  /** `origin` identifies the hub; (at, origin) orders two connections of one device. */
  | { readonly type: 'connected'; readonly address: Address; readonly at: number; readonly origin: string };

export interface BusReceiver {
  onEvent(e: BusEvent): void;
  /** Events may have been lost: look at the store for every connected device. */
  resync(): void;
}

export interface WakeBus {
  /** How often the hub polls the store for mail it was not told about; undefined: never lost. */
  readonly fallbackPollMs: number | undefined;
  start(receiver: BusReceiver): Promise<void>;
  /** Hands `e` to every other process on the bus (never back to this one). Never throws. */
  publish(e: BusEvent): void;
  close(): Promise<void>;
}

/**
 * A bus between the servers of one process: events reach every other member of `group` on a
 * later microtask. With one member (a lone SQLite server) it carries nothing, and loses nothing.
 */
export class InProcessBus implements WakeBus {
  readonly fallbackPollMs = undefined;
  private receiver?: BusReceiver;

  constructor(private readonly group: Set<InProcessBus> = new Set()) {
    group.add(this);
  }

  async start(receiver: BusReceiver): Promise<void> {
    this.receiver = receiver;
  }

  publish(e: BusEvent): void {
    for (const member of this.group) if (member !== this) queueMicrotask(() => member.receiver?.onEvent(e));
  }

  async close(): Promise<void> {
    this.group.delete(this);
  }
}
