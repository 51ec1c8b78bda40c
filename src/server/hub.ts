/**
 * Which device is connected where (docs/SERVER.md §10): at most one authenticated connection per
 * device address in this process, and — through the WakeBus — across the processes sharing the
 * store. A newer connection replaces the older one, in this process at once, elsewhere when the
 * "connected" event arrives; two connections of one device are ordered by (attach time, hub
 * origin), so exactly the older one closes even when both events cross. Mail wake-ups and pushes
 * act on this process's connection at once and go out on the bus for the others. Until an older
 * connection elsewhere has closed, both may push the same message: delivery is at least once until
 * ACK, and clients deduplicate by guid.
 */
import { formatAddress, type Address } from '../wire/address.ts';
import type { DeliveredMessage, Push } from '../wire/pushes.ts';
import type { MailboxCursor } from './store.ts';
import type { BusEvent, BusReceiver, WakeBus } from './wake-bus.ts';

/** What the hub needs of a connection. */
export interface Deliverer {
  /** Looks for undelivered messages and pushes them. */
  wake(): void;
  /**
   * Pushes a message just stored if that keeps guid order: the connection has pushed its
   * mailbox up to `previousGuid` and is not reading it now. False: it did nothing.
   */
  offer(message: DeliveredMessage, previousGuid: number): boolean;
  push(p: Push): void;
  /** Closes the connection because another one took over its device. */
  replace(): void;
  /** The guid up to which this connection has pushed its device's mailbox. */
  cursor(): number;
}

interface Attached {
  readonly address: Address;
  readonly conn: Deliverer;
  readonly at: number;
}

export class Hub implements BusReceiver {
  private readonly byAddress = new Map<string, Attached>();

  /** `origin` names this hub on the bus (random, unique per process). */
  constructor(
    private readonly bus: WakeBus,
    private readonly origin: string,
  ) {}

  /** Binds `address` to `conn` at time `at` (ms), replacing any older connection of the device. */
  attach(address: Address, conn: Deliverer, at: number): void {
    const key = formatAddress(address);
    const old = this.byAddress.get(key);
    this.byAddress.set(key, { address, conn, at });
    if (old !== undefined && old.conn !== conn) old.conn.replace();
    this.bus.publish({ type: 'connected', address, at, origin: this.origin });
  }

  detach(address: Address, conn: Deliverer): void {
    const key = formatAddress(address);
    if (this.byAddress.get(key)?.conn === conn) this.byAddress.delete(key);
  }

  /** New mail for these mailboxes (committed): wake them here and everywhere. */
  wake(addresses: readonly Address[]): void {
    if (addresses.length === 0) return;
    this.wakeHere(addresses);
    this.bus.publish({ type: 'mail', addresses });
  }

  /**
   * A message this process just stored (committed): pushed at once to the recipient's connection
   * here if it can take it in order (no store read, no bus event: docs/SERVER.md §11), else woken
   * as any new mail.
   */
  stored(to: Address, message: DeliveredMessage, previousGuid: number): void {
    if (this.byAddress.get(formatAddress(to))?.conn.offer(message, previousGuid) === true) return;
    this.wake([to]);
  }

  push(address: Address, p: Push): void {
    this.byAddress.get(formatAddress(address))?.conn.push(p);
    this.bus.publish({ type: 'push', address, push: p });
  }

  onEvent(e: BusEvent): void {
    if (e.type === 'mail') this.wakeHere(e.addresses);
    else if (e.type === 'push') this.byAddress.get(formatAddress(e.address))?.conn.push(e.push);
    else {
      const key = formatAddress(e.address);
      const local = this.byAddress.get(key);
      const olderHere = local !== undefined && (local.at < e.at || (local.at === e.at && this.origin < e.origin));
      if (olderHere) {
        this.byAddress.delete(key);
        local.conn.replace();
      }
    }
  }

  resync(): void {
    for (const { conn } of this.byAddress.values()) conn.wake();
  }

  /** Where each connected device's delivery stands (the fallback poll's question to the store). */
  cursors(): MailboxCursor[] {
    return [...this.byAddress.values()].map(({ address, conn }) => ({ address, afterGuid: conn.cursor() }));
  }

  /** Wakes this process's connections of `addresses`. */
  wakeHere(addresses: readonly Address[]): void {
    for (const a of addresses) this.byAddress.get(formatAddress(a))?.conn.wake();
  }
}
