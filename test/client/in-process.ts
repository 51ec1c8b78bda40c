/**
 * In-process worlds for the client property tests (docs/CLIENT.md §9, §10): the real server
 * handlers on a SQLite server store, and client devices with real sealed SQLite stores, joined by
 * an in-process Connection whose pushes the test queues (so it decides loss and order) and whose
 * acks it may lose (the server keeps the message and delivers it again: a duplicate). Devices are
 * linked over the real link channel (openLink → linkDevice → awaitAccountData) and removed by
 * their primary. Shared by devices.property.test.ts and groups-devices.property.test.ts.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { createAccount } from '../../src/client/account.ts';
import { awaitAccountData, createLinkedAccount, linkDevice, openLink, removeDevice } from '../../src/client/link-service.ts';
import { SessionService } from '../../src/client/session-service.ts';
import { SqliteRowStore } from '../../src/client/sqlite-store.ts';
import type { ClientStore } from '../../src/client/store.ts';
import type { DeliveryOutcome } from '../../src/client/session-service.ts';
import { Sync, type SyncEvent } from '../../src/client/sync.ts';
import type { Connect, Connection } from '../../src/client/transport.ts';
import { createStore } from '../../src/client/unlock.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { generateIdentity } from '../../src/protocol/identity.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { DeliveredMessage, Push } from '../../src/wire/pushes.ts';
import { harness, type Harness } from '../server/fixtures.ts';

/** One client device: its open service and everything it showed. */
export interface Dev {
  readonly user: string;
  readonly deviceId: number;
  /** Re-created after registration (the service reads the account row once). */
  service: SessionService;
  readonly store: ClientStore;
  /** Bodies of the pairwise texts it showed. */
  readonly shown: string[];
  readonly events: SyncEvent[];
  removed: boolean;
}

/** Which of a device's pending messages one delivery round pushes, and whose acks it loses. */
export type DeliveryPlan = (pending: readonly DeliveredMessage[]) => { chosen: DeliveredMessage[]; loseAcks: number[] };

export interface WorldOptions {
  readonly dir: string;
  /** Distinguishes the files of one run. */
  readonly run: number;
  /** Called on every service created for a device (e.g. to attach the group service). */
  readonly attach?: (d: Dev) => void;
  /** Runs after each delivery `d` acknowledged, on its open Sync (e.g. the group follow-ups). */
  readonly afterDelivery?: (d: Dev, sync: Sync, outcome: DeliveryOutcome) => Promise<void>;
  /** Runs at the end of each delivery round, on `d`'s open Sync (as `receive` settles groups). */
  readonly afterPump?: (d: Dev, sync: Sync) => Promise<void>;
}

/**
 * An in-process Connection to the handlers: requests go straight to handleRequest; pushes come
 * from `pushes`, which the test fills; acks whose guid is in `loseAcks` vanish on the way.
 */
export function inProcess(h: Harness, pushes: Push[], loseAcks: Set<number>): Connect {
  return async () => {
    const session = h.session();
    const queue: Push[] = [{ type: 'challenge', serverIdentity: h.ctx.identity.publicKey, challenge: session.challenge }];
    let started = false;
    const conn: Connection = {
      request: async (req) => {
        if (req.op === 'ack' && loseAcks.has(req.guid)) return { op: 'ack' } as never;
        const out = await handleRequest(h.ctx, session, req);
        if (out.authenticated) session.device = out.authenticated;
        return out.response as never;
      },
      nextPush: async () => {
        if (!started && queue.length === 1) return ((started = true), queue.shift()!);
        const p = pushes.shift();
        if (p === undefined) throw new Error('test: no push queued');
        return p;
      },
      close: () => {},
    };
    return conn;
  };
}

export class World {
  readonly devices: Dev[] = [];
  readonly pushes: Push[] = [];
  readonly loseAcks = new Set<number>();
  readonly connect: Connect;
  private stores = 0;

  private constructor(
    readonly h: Harness,
    private readonly opts: WorldOptions,
  ) {
    this.connect = inProcess(h, this.pushes, this.loseAcks);
  }

  /** A fresh server (SQLite) with one registered primary device per user. */
  static async create(users: readonly string[], opts: WorldOptions): Promise<World> {
    const h = await harness(await openSqliteStore(join(opts.dir, `server-${opts.run}.sqlite`)));
    const world = new World(h, opts);
    for (const user of users) {
      const store = await world.newStore(`${user}-1`);
      createAccount(store, defaultSuite, defaultRandom, user, Date.now());
      await world.register(user, 1, store);
    }
    return world;
  }

  /** Opens (and authenticates) a Sync for `d`, recording its events. */
  async open(d: Dev, register = false): Promise<Sync> {
    const after = this.opts.afterDelivery;
    let sync: Sync | undefined;
    sync = await Sync.open(d.service, this.connect, 'inproc://', {
      register,
      oneTimeTarget: 2,
      onEvent: (e) => {
        d.events.push(e);
        if (e.type === 'delivery' && e.outcome.kind === 'message') d.shown.push(e.outcome.message.body);
      },
      afterDelivery: after === undefined ? undefined : (o) => after(d, sync!, o),
    });
    return sync;
  }

  current(user: string): Dev[] {
    return this.devices.filter((d) => d.user === user && !d.removed);
  }

  primary(user: string): Dev {
    return this.current(user).find((d) => d.deviceId === 1)!;
  }

  /** Links a new device to `user` over the real link channel (its primary signs the new list). */
  async link(user: string): Promise<Dev> {
    const identity = generateIdentity(defaultSuite, defaultRandom);
    const guest = await this.connect('inproc://');
    await guest.nextPush();
    const link = await openLink(guest, defaultSuite, defaultRandom, identity);
    const p = await this.open(this.primary(user));
    const { deviceId } = await linkDevice(p.conn, p.service, link.code);
    p.close();
    const data = await awaitAccountData(guest, defaultSuite, link, identity, { timeoutMs: 0, now: Date.now });
    const store = await this.newStore(`${user}-${deviceId}`);
    createLinkedAccount(store, identity, data, Date.now());
    return this.register(user, deviceId, store);
  }

  /** `user`'s primary removes `victim` from the account's list (the server deletes it). */
  async remove(victim: Dev): Promise<void> {
    const p = await this.open(this.primary(victim.user));
    await removeDevice(p.conn, p.service, victim.deviceId);
    p.close();
    victim.removed = true;
  }

  /**
   * Delivers `d`'s pending messages: with `plan`, the ones it chooses in its order, some acks
   * lost (they come again later); without, all of them in the server's order.
   */
  async deliver(d: Dev, plan?: DeliveryPlan): Promise<void> {
    // These worlds send authenticated only (no sealed option): every queued message has a sender.
    const queued = await this.h.ctx.store.pendingMessages({ username: d.user, deviceId: d.deviceId }, 0, 0, 100);
    const pending = queued.filter((m): m is DeliveredMessage => 'sender' in m);
    expect(pending.length).toBe(queued.length);
    const { chosen, loseAcks } = plan === undefined ? { chosen: pending, loseAcks: [] } : plan(pending);
    for (const g of loseAcks) this.loseAcks.add(g);
    const s = await this.open(d);
    this.pushes.length = 0;
    this.pushes.push(...chosen.map((message) => ({ type: 'message' as const, message })), { type: 'queueEmpty' });
    try {
      await s.pump('empty');
      await this.opts.afterPump?.(d, s);
    } finally {
      s.close();
      for (const m of chosen) this.loseAcks.delete(m.guid);
    }
  }

  /** Messages still queued for `d` on the server. */
  pending(d: Dev): Promise<number> {
    return this.h.ctx.store.countPending({ username: d.user, deviceId: d.deviceId }, 0);
  }

  async close(): Promise<void> {
    for (const d of this.devices) d.store.close();
    await this.h.ctx.store.close();
  }

  private newStore(label: string): Promise<ClientStore> {
    const path = join(this.opts.dir, `${this.opts.run}-${label}-${++this.stores}.sqlite`);
    return createStore(new SqliteRowStore(path, { create: true }), { kind: 'keyfile', key: defaultRandom(32) }, undefined, defaultRandom);
  }

  private service(store: ClientStore): SessionService {
    return new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
  }

  /** Registers the device, then re-creates its service (the account row now names the server). */
  private async register(user: string, deviceId: number, store: ClientStore): Promise<Dev> {
    const d: Dev = { user, deviceId, store, service: this.service(store), shown: [], events: [], removed: false };
    this.opts.attach?.(d);
    (await this.open(d, true)).close();
    d.service = this.service(store);
    this.opts.attach?.(d);
    this.devices.push(d);
    return d;
  }
}
