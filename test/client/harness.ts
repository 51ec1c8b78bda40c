/**
 * In-process harness for the client logic: the real delivery service (src/server, started on a
 * loopback port) and devices made of the real SQLite store, sealed with a random key, the session
 * service and sync over the real WebSocket transport. A "crash" is simulated by throwing from the
 * crash hook after the committed transaction and reopening the store from its file.
 */
import { join } from 'node:path';
import { createAccount } from '../../src/client/account.ts';
import type { CrashHook, CrashPoint } from '../../src/client/crash-points.ts';
import { SessionService } from '../../src/client/session-service.ts';
import { SqliteRowStore } from '../../src/client/sqlite-store.ts';
import { Sync, type SyncEvent } from '../../src/client/sync.ts';
import { createStore, unlockStore } from '../../src/client/unlock.ts';
import type { Connect } from '../../src/client/transport.ts';
import { connectWebSocket } from '../../src/client/ws-transport.ts';
import { toHex } from '../../src/util/bytes.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { DEFAULT_LIMITS, type ServerLimits } from '../../src/server/limits.ts';
import { jsonLogger } from '../../src/server/log.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { defaultRandom } from '../../src/util/random.ts';

/**
 * The real delivery service on 127.0.0.1 (`port` 0: any free port) with dir/server.sqlite, with
 * the default limits unless given others.
 */
export async function startTestServer(
  dir: string,
  port = 0,
  limits: ServerLimits = DEFAULT_LIMITS,
): Promise<RunningServer> {
  const store = await openSqliteStore(join(dir, 'server.sqlite'));
  return startServer({
    store,
    host: '127.0.0.1',
    port,
    limits,
    clock: Date.now,
    random: defaultRandom,
    suite: defaultSuite,
    log: jsonLogger('silent', Date.now),
  });
}

/** Thrown by the test crash hook: the process "dies" here. */
export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
  }
}

/** One device: a store file + key; `open` builds a fresh service (as a restarted process would). */
export class Device {
  readonly key = defaultRandom(32);
  readonly events: SyncEvent[] = [];
  /** Every SEND this device transmitted: message id and envelope (hex), retries included. */
  readonly sent: { id: string; envelope: string }[] = [];
  crashAt: CrashPoint | undefined;
  connect: Connect = connectWebSocket;
  /** One-time prekeys of each kind on the server: a small stock keeps registration fast. */
  oneTimeTarget = 5;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

  static async create(name: string, dir: string): Promise<Device> {
    const d = new Device(name, dir);
    const rows = new SqliteRowStore(join(dir, `${name}.sqlite`), { create: true });
    const store = await createStore(rows, { kind: 'keyfile', key: d.key }, undefined, defaultRandom);
    createAccount(store, defaultSuite, defaultRandom, name, Date.now());
    store.close();
    return d;
  }

  async service(): Promise<SessionService> {
    const rows = new SqliteRowStore(join(this.dir, `${this.name}.sqlite`), { create: false });
    const store = await unlockStore(rows, { kind: 'keyfile', key: this.key }, defaultRandom);
    return new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
  }

  /** Opens the store, connects (registering if asked), runs `fn`, always closes both. */
  async run<T>(url: string, fn: (sync: Sync, svc: SessionService) => Promise<T>, register = false): Promise<T> {
    const svc = await this.service();
    try {
      const crash: CrashHook = (point) => {
        if (point === this.crashAt) {
          this.crashAt = undefined;
          throw new SimulatedCrash(point);
        }
      };
      const sync = await Sync.open(svc, recording(this.connect, this.sent), url, {
        register,
        crash,
        oneTimeTarget: this.oneTimeTarget,
        onEvent: (e) => this.events.push(e),
      });
      try {
        return await fn(sync, svc);
      } finally {
        sync.close();
      }
    } finally {
      svc.store.close();
    }
  }

  /** Bodies of the messages received so far, as "from:body". */
  received(): string[] {
    return this.events.flatMap((e) =>
      e.type === 'delivery' && e.outcome.kind === 'message'
        ? [`${e.outcome.message.peer}:${e.outcome.message.body}`]
        : [],
    );
  }
}

/** Wraps a Connect so that every SEND (and each envelope of a SEND_MULTI) is recorded (id, envelope) before it is transmitted. */
export function recording(connect: Connect, sent: { id: string; envelope: string }[]): Connect {
  return async (url) => {
    const conn = await connect(url);
    return {
      request: (req) => {
        if (req.op === 'send') sent.push({ id: toHex(req.clientMessageId), envelope: toHex(req.envelope) });
        if (req.op === 'sendMulti')
          for (const m of req.messages) sent.push({ id: toHex(m.clientMessageId), envelope: toHex(m.envelope) });
        return conn.request(req);
      },
      nextPush: () => conn.nextPush(),
      close: () => conn.close(),
    };
  };
}

/**
 * A dishonest server (PROTOCOL.md §11): pushes from account `from` are relabelled as coming from
 * account `as`, so the device sees `as` with another identity.
 */
export function relabelling(connect: Connect, from: string, as: string): Connect {
  return async (url) => {
    const conn = await connect(url);
    return {
      request: (req) => conn.request(req),
      nextPush: async () => {
        const p = await conn.nextPush();
        if (p.type !== 'message' || p.message.sender.username !== from) return p;
        return { ...p, message: { ...p.message, sender: { ...p.message.sender, username: as } } };
      },
      close: () => conn.close(),
    };
  };
}
