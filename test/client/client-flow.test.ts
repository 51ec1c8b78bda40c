/**
 * The client logic end to end in one process over the real delivery service: register, first
 * contact (TOFU), send/receive in order while offline, crash safety at each crash point
 * (docs/CLIENT.md "Crash safety"), and an identity change that blocks sending until trusted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/server.ts';
import { ServerError } from '../../src/util/errors.ts';
import { Device, SimulatedCrash, relabelling, startTestServer } from './harness.ts';
import { tempDir } from './store-helpers.ts';

let server: RunningServer;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('flow'));
  server = await startTestServer(dir);
});
afterAll(async () => {
  await server.close();
  cleanup();
});

describe('client flow over the real server (in process)', () => {
  test('register, add contact, offline messages arrive in order, history on both sides', async () => {
    const alice = await Device.create('alice', dir);
    const bob = await Device.create('bob', dir);
    await alice.run(server.url, async () => {}, true);
    await bob.run(server.url, async () => {}, true);
    const status = await alice.run(server.url, (sync) => sync.ensureSession('bob'));
    expect(status).toBe('new');
    await alice.run(server.url, async (sync) => {
      for (const t of ['one', 'two', 'three']) await sync.send('bob', t);
    });
    await bob.run(server.url, (sync) => sync.pump('empty'));
    expect(bob.received()).toEqual(['alice:one', 'alice:two', 'alice:three']);
    await bob.run(server.url, (sync) => sync.send('alice', 'back'));
    await alice.run(server.url, (sync) => sync.pump('empty'));
    expect(alice.received()).toEqual(['bob:back']);
    const svc = await alice.service();
    expect(svc.history('bob').map((h) => `${h.direction}:${h.body}:${h.delivered}`)).toEqual([
      'out:one:true',
      'out:two:true',
      'out:three:true',
      'in:back:true',
    ]);
    svc.store.close();
  });
});

describe('crash safety (docs/CLIENT.md): each crash point, then a restart', () => {
  let alice: Device;
  let bob: Device;
  beforeAll(async () => {
    alice = await Device.create('carla', dir);
    bob = await Device.create('dave', dir);
    await alice.run(server.url, async () => {}, true);
    await bob.run(server.url, async () => {}, true);
    await alice.run(server.url, (sync) => sync.ensureSession('dave'));
  });

  /** Ids map one-to-one to envelopes: retries resend the same bytes, no key encrypts twice. */
  function expectOneEnvelopePerId(sent: { id: string; envelope: string }[]) {
    const byId = new Map<string, Set<string>>();
    for (const s of sent) byId.set(s.id, (byId.get(s.id) ?? new Set()).add(s.envelope));
    for (const envelopes of byId.values()) expect(envelopes.size).toBe(1);
    expect(new Set(sent.map((s) => s.envelope)).size).toBe(byId.size);
  }

  test('sender killed after its commit, before transmit: the next run sends it first, once', async () => {
    alice.crashAt = 'after-send-commit';
    await expect(alice.run(server.url, (sync) => sync.send('dave', 'c1'))).rejects.toBeInstanceOf(SimulatedCrash);
    const svc = await alice.service();
    expect(svc.outbox().map((o) => o.entry.peer)).toEqual(['dave']);
    svc.store.close();
    await alice.run(server.url, (sync) => sync.send('dave', 'c2'));
    await bob.run(server.url, (sync) => sync.pump('empty'));
    expect(bob.received()).toEqual(['carla:c1', 'carla:c2']);
    expectOneEnvelopePerId(alice.sent);
  });

  test('sender killed after transmit, before marking delivered: the retry is stored once', async () => {
    alice.crashAt = 'after-transmit';
    await expect(alice.run(server.url, (sync) => sync.send('dave', 'c3'))).rejects.toBeInstanceOf(SimulatedCrash);
    await alice.run(server.url, (sync) => sync.flushOutbox());
    const svc = await alice.service();
    expect(svc.outbox()).toEqual([]);
    expect(svc.history('dave').at(-1)).toMatchObject({ body: 'c3', delivered: true });
    svc.store.close();
    await bob.run(server.url, (sync) => sync.pump('empty'));
    expect(bob.received()).toEqual(['carla:c1', 'carla:c2', 'carla:c3']);
    const ids = alice.sent.map((s) => s.id);
    expect(ids.length).toBe(new Set(ids).size + 1); // only c3 was transmitted twice
    expectOneEnvelopePerId(alice.sent);
  });

  test('receiver killed after its commit, before the ack: the redelivery is acked silently', async () => {
    await alice.run(server.url, (sync) => sync.send('dave', 'c4'));
    bob.crashAt = 'after-receive-commit';
    await expect(bob.run(server.url, (sync) => sync.pump('empty'))).rejects.toBeInstanceOf(SimulatedCrash);
    await bob.run(server.url, (sync) => sync.pump('empty'));
    expect(bob.received()).toEqual(['carla:c1', 'carla:c2', 'carla:c3', 'carla:c4']);
    const kinds = bob.events.flatMap((e) => (e.type === 'delivery' ? [e.outcome.kind] : []));
    expect(kinds.filter((k) => k === 'duplicate')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'rejected')).toHaveLength(0);
    const svc = await bob.service();
    expect(svc.history('carla').map((h) => h.body)).toEqual(['c1', 'c2', 'c3', 'c4']);
    svc.store.close();
  });
});

describe('trust: an identity change blocks sending until accepted', () => {
  test('held while changed, send refused (nothing queued), accepted by trust, then processed', async () => {
    const erin = await Device.create('erin', dir);
    const frank = await Device.create('frank', dir);
    const mallory = await Device.create('mallory', dir);
    for (const d of [erin, frank, mallory]) await d.run(server.url, async () => {}, true);
    await erin.run(server.url, (sync) => sync.ensureSession('frank'));
    await mallory.run(server.url, async (sync) => {
      await sync.ensureSession('erin');
      await sync.send('erin', 'i am frank now');
    });
    erin.connect = relabelling(erin.connect, 'mallory', 'frank');
    await erin.run(server.url, (sync) => sync.pump('empty'));
    const outcomes = erin.events.flatMap((e) => (e.type === 'delivery' ? [e.outcome] : []));
    expect(outcomes.map((o) => o.kind)).toEqual(['held']);
    const svc = await erin.service();
    expect(svc.listContacts().find((c) => c.name === 'frank')?.identityChanged).toBe(true);
    expect(() => svc.stepAndQueue('frank', 'blocked')).toThrow(/CHANGED/);
    expect(svc.outbox()).toEqual([]);
    const before = svc.safetyNumber('frank');
    expect(before.changed).toBe(true); // the number of the NEW identity, to compare first
    expect(() => svc.markVerified('frank')).toThrow(/CHANGED/);
    svc.trust('frank');
    const after = svc.safetyNumber('frank');
    expect(after).toEqual({ safetyNumber: before.safetyNumber, changed: false });
    expect(svc.listContacts().find((c) => c.name === 'frank')?.identityChanged).toBe(false);
    svc.store.close();
    await erin.run(server.url, (sync) => sync.pump('empty'));
    expect(erin.received()).toEqual(['frank:i am frank now']);
  });
});

describe('prekeys through the server', () => {
  test('register uploads SPK, PQSPK and the one-time stock; used keys are replaced on the next connection', async () => {
    const gina = await Device.create('gina', dir);
    const hal = await Device.create('hal', dir);
    await gina.run(server.url, async () => {}, true);
    await hal.run(server.url, async () => {}, true);
    const uploads = () => gina.events.flatMap((e) => (e.type === 'prekeys' ? [e.uploaded] : []));
    expect(uploads()).toEqual([2 + 2 * gina.oneTimeTarget]);
    await hal.run(server.url, (sync) => sync.ensureSession('gina')); // takes one OPK and one PQOPK
    const counts = await gina.run(server.url, (sync) => sync.conn.request({ op: 'preKeyCount' }));
    expect(uploads()).toEqual([2 + 2 * gina.oneTimeTarget, 2]);
    expect(counts.counts).toEqual({ oneTime: gina.oneTimeTarget, kemOneTime: gina.oneTimeTarget });
  });
});

describe('outbox: a permanent refusal', () => {
  test('drops the row (history stays undelivered) and later messages go out', async () => {
    const jill = await Device.create('jill', dir);
    const kim = await Device.create('kim', dir);
    for (const d of [jill, kim]) await d.run(server.url, async () => {}, true);
    await jill.run(server.url, (sync) => sync.ensureSession('kim'));
    const honest = jill.connect;
    jill.connect = async (url) => {
      const conn = await honest(url);
      return {
        ...conn,
        request: (req) =>
          req.op === 'send' || req.op === 'sendMulti'
            ? Promise.reject(new ServerError('UNKNOWN_ADDRESS', 'server: no such device'))
            : conn.request(req),
        nextPush: () => conn.nextPush(),
        close: () => conn.close(),
      };
    };
    await jill.run(server.url, (sync) => sync.send('kim', 'lost'));
    expect(jill.events.filter((e) => e.type === 'undeliverable')).toHaveLength(1);
    jill.connect = honest;
    await jill.run(server.url, (sync) => sync.send('kim', 'found'));
    const svc = await jill.service();
    expect(svc.outbox()).toEqual([]);
    expect(svc.history('kim').map((h) => [h.body, h.delivered])).toEqual([
      ['lost', false],
      ['found', true],
    ]);
    svc.store.close();
    await kim.run(server.url, (sync) => sync.pump('empty'));
    expect(kim.received()).toEqual(['jill:found']);
  });
});
