/**
 * Accounts, device authentication and the prekey directory over a real `pqmsg server` process
 * (docs/SERVER.md §3–§5): register, authenticate, wrong and replayed signatures refused (fatal),
 * an upload with one bad signature refused as a whole, 50 concurrent bundle fetches get 50
 * distinct one-time keys and then the last-resort key, the low-water push, bundles that
 * src/protocol verifies.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { decodeBundle, defaultSuite, verifyBundle } from '../../src/protocol/index.ts';
import type { Push } from '../../src/wire/pushes.ts';
import { refusal, TestClient } from '../helpers/server-client.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { newDevice, preKeyBatch } from './fixtures.ts';
import { tempDir } from './tmp.ts';

const tmp = tempDir('auth');
let server: ServerProcess;
const alice = newDevice('alice');
const bob = newDevice('bob');
const FETCHES = 50;

beforeAll(async () => {
  server = await spawnServer(tmp.file('server.sqlite'), ['--bundle-rate', '1000', '--bundle-burst', '1000', '--prekey-low-water', '10']);
});

afterAll(async () => {
  expect(await server.stop()).toBe(0);
  tmp.remove();
});

describe('accounts and authentication (real process)', () => {
  test('register, then authenticate on a new connection', async () => {
    const c = await TestClient.connect(server.wsUrl);
    expect(c.challenge.length).toBe(32);
    expect(c.serverIdentity.length).toBe(2020);
    await c.register(alice.identity, 'alice');
    await c.close();
    const c2 = await TestClient.connect(server.wsUrl);
    expect(c2.challenge).not.toEqual(c.challenge);
    expect(c2.serverIdentity).toEqual(c.serverIdentity); // persistent server identity
    expect(await c2.authenticate(alice.identity, alice.address)).toBe(0);
    expect(await refusal(c2.request({ op: 'authenticate', address: alice.address, signature: c2.authSignature(alice.identity, alice.address) }))).toBe('ALREADY_AUTHENTICATED');
    expect((await c2.closed).code).toBe(1008);
  });

  test('a username held by another identity is refused', async () => {
    const c = await TestClient.connect(server.wsUrl);
    expect(await refusal(c.register(bob.identity, 'alice'))).toBe('USERNAME_TAKEN');
    await c.close();
  });

  test('a wrong signature is refused with AUTH_FAILED and the connection closes', async () => {
    const c = await TestClient.connect(server.wsUrl);
    expect(await refusal(c.authenticate(bob.identity, alice.address))).toBe('AUTH_FAILED');
    expect(c.errors).toMatchObject([{ code: 'AUTH_FAILED', fatal: true }]);
    expect((await c.closed).code).toBe(1008);
  });

  test('a replayed signature (recorded on another connection) is refused', async () => {
    const c1 = await TestClient.connect(server.wsUrl);
    const recorded = c1.authSignature(alice.identity, alice.address);
    await c1.request({ op: 'authenticate', address: alice.address, signature: recorded });
    await c1.close();
    const c2 = await TestClient.connect(server.wsUrl);
    expect(await refusal(c2.request({ op: 'authenticate', address: alice.address, signature: recorded }))).toBe('AUTH_FAILED');
    await c2.closed;
  });

  test('requests before authentication are refused, without closing', async () => {
    const c = await TestClient.connect(server.wsUrl);
    expect(await refusal(c.request({ op: 'preKeyCount' }))).toBe('NOT_AUTHENTICATED');
    await c.register(bob.identity, 'bob');
    expect(await c.request({ op: 'preKeyCount' })).toEqual({ op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 0 } });
    await c.close();
  });
});

describe('prekey directory (real process)', () => {
  test('an upload with one bad signature is refused as a whole', async () => {
    const c = await TestClient.connect(server.wsUrl);
    await c.authenticate(bob.identity, bob.address);
    const batch = preKeyBatch(bob, 3, Date.now());
    batch[3] = Uint8Array.from(batch[3]);
    batch[3][batch[3].length - 10] ^= 0x40;
    expect(await refusal(c.request({ op: 'uploadPreKeys', preKeys: batch }))).toBe('BAD_PREKEY_SIGNATURE');
    expect(await c.request({ op: 'preKeyCount' })).toEqual({ op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 0 } });
    await c.close();
    const a = await TestClient.connect(server.wsUrl);
    await a.authenticate(alice.identity, alice.address);
    expect(await refusal(a.request({ op: 'fetchBundle', address: bob.address }))).toBe('BUNDLE_UNAVAILABLE');
    await a.close();
  });

  test(`${FETCHES} concurrent bundle fetches get ${FETCHES} distinct one-time keys, then the last-resort key; the owner is told to replenish`, async () => {
    const owner = await TestClient.connect(server.wsUrl);
    await owner.authenticate(bob.identity, bob.address);
    const now = Date.now();
    const up = await owner.request({ op: 'uploadPreKeys', preKeys: preKeyBatch(bob, FETCHES, now) });
    expect(up.counts).toEqual({ oneTime: FETCHES, kemOneTime: FETCHES });
    const pushesBefore = owner.pushes.length;
    // five fetching accounts (one connection per device: a second one would replace the first)
    const fetchers = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) => {
        const c = await TestClient.connect(server.wsUrl);
        await c.register(newDevice(`fetcher${i}`).identity, `fetcher${i}`);
        return c;
      }),
    );
    const bundles = await Promise.all(
      Array.from({ length: FETCHES }, (_, i) => fetchers[i % fetchers.length].request({ op: 'fetchBundle', address: bob.address })),
    );
    const verified = bundles.map((b) => verifyBundle(defaultSuite, decodeBundle(b.bundle), now));
    const opkIds = verified.map((b) => b.oneTimePreKey!.id);
    const kemIds = verified.map((b) => (b.kemPreKey.role === PREKEY_ROLE.KEM_ONE_TIME ? b.kemPreKey.id : -1));
    expect(new Set(opkIds).size).toBe(FETCHES);
    expect(new Set(kemIds).size).toBe(FETCHES);
    expect(kemIds).not.toContain(-1);
    const last = verifyBundle(defaultSuite, decodeBundle((await fetchers[0].request({ op: 'fetchBundle', address: bob.address })).bundle), now);
    expect(last.kemPreKey.role).toBe(PREKEY_ROLE.KEM_LAST_RESORT);
    expect(last.oneTimePreKey).toBeUndefined();
    expect(last.identity).toEqual(bob.identity.publicKey);
    const low = await owner.waitPush((p): p is Extract<Push, { type: 'preKeysLow' }> => p.type === 'preKeysLow', pushesBefore);
    expect(low.counts.oneTime).toBeLessThan(10);
    expect(await owner.request({ op: 'preKeyCount' })).toEqual({ op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 0 } });
    await Promise.all([owner, ...fetchers].map((c) => c.close()));
    const again = await TestClient.connect(server.wsUrl); // below the mark at login: told again
    await again.authenticate(bob.identity, bob.address);
    await again.waitPush((p): p is Extract<Push, { type: 'preKeysLow' }> => p.type === 'preKeysLow');
    await again.close();
  });
});
