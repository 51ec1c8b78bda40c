/**
 * Which device is connected where, inside this process: at most one authenticated connection per
 * device address (a newer one replaces the older, as Signal-Server does). Mailbox writes wake the
 * recipient's connection through `wake`; a multi-process deployment would relay the same wake-ups
 * between processes (PostgreSQL LISTEN/NOTIFY, docs/SERVER.md).
 */
import { formatAddress, type Address } from '../wire/address.ts';
import type { Push } from '../wire/pushes.ts';

/** What the hub needs of a connection. */
export interface Deliverer {
  /** Looks for undelivered messages and pushes them. */
  wake(): void;
  push(p: Push): void;
  /** Closes the connection because another one took over its device. */
  replace(): void;
}

export class Hub {
  private readonly byAddress = new Map<string, Deliverer>();

  attach(address: Address, conn: Deliverer): void {
    const key = formatAddress(address);
    const old = this.byAddress.get(key);
    this.byAddress.set(key, conn);
    if (old !== undefined && old !== conn) old.replace();
  }

  detach(address: Address, conn: Deliverer): void {
    const key = formatAddress(address);
    if (this.byAddress.get(key) === conn) this.byAddress.delete(key);
  }

  wake(address: Address): void {
    this.byAddress.get(formatAddress(address))?.wake();
  }

  push(address: Address, p: Push): void {
    this.byAddress.get(formatAddress(address))?.push(p);
  }
}
