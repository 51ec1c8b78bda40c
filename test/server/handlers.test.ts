/**
 * The server's request handlers without sockets (docs/ARCHITECTURE.md §9 rule 1): handleRequest on a store from
 * every backend, with a clock the test moves. Registration and authentication by hybrid signature,
 * replay and wrong-key refusals, all-or-nothing prekey uploads, bundles that src/protocol verifies,
 * low-water notices, mailboxes with quotas, expiry and rate limits.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { decodeBundle, defaultSuite, verifyBundle } from '../../src/protocol/index.ts';
import type { Session } from '../../src/server/context.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import type { Request } from '../../src/wire/requests.ts';
import { BACKENDS } from './backends.ts';
import { authSignature, harness, newDevice, preKeyBatch, registerSignature, T0, type Harness, type TestDevice } from './fixtures.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const alice = newDevice('alice');
const bob = newDevice('bob');
const DAY = 86_400_000;

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function setup(limits = {}): Promise<Harness> {
    return harness((await backend.fresh()).store, limits);
  }

  async function registered(h: Harness, d: TestDevice): Promise<Session> {
    const s = h.session();
    const out = await handleRequest(h.ctx, s, { op: 'register', address: d.address, identity: d.encodedIdentity, signature: registerSignature(h, s, d) });
    expect(out.authenticated).toEqual(d.address);
    s.device = out.authenticated;
    return s;
  }

  const send = (n: number, to = bob.address, envelope = Uint8Array.of(n)): Request => ({
    op: 'send',
    to,
    clientMessageId: new Uint8Array(16).fill(n),
    envelope,
  });

  describe(`server handlers — ${backend.name}`, () => {
    test('register binds a username to an identity; the challenge is answered once', async () => {
      const h = await setup();
      const s = await registered(h, alice);
      expect(await codeOf(handleRequest(h.ctx, s, { op: 'authenticate', address: alice.address, signature: authSignature(h, s, alice) }))).toBe('ALREADY_AUTHENTICATED');
      const s2 = h.session(); // bob tries alice's name
      expect(await codeOf(handleRequest(h.ctx, s2, { op: 'register', address: alice.address, identity: bob.encodedIdentity, signature: registerSignature(h, s2, bob, alice.address) }))).toBe('USERNAME_TAKEN');
      const s3 = h.session();
      const bad = { username: 'Alice!', deviceId: 1 };
      expect(await codeOf(handleRequest(h.ctx, s3, { op: 'register', address: bad, identity: bob.encodedIdentity, signature: registerSignature(h, s3, bob, bad) }))).toBe('BAD_USERNAME');
      const s4 = h.session();
      const dev2 = { username: 'bob', deviceId: 2 }; // no signed device list names it (docs/SERVER.md §13.1)
      expect(await codeOf(handleRequest(h.ctx, s4, { op: 'register', address: dev2, identity: bob.encodedIdentity, signature: registerSignature(h, s4, bob, dev2) }))).toBe('DEVICE_NOT_LISTED');
      const s4b = h.session();
      const dev0 = { username: 'bob', deviceId: 0 };
      expect(await codeOf(handleRequest(h.ctx, s4b, { op: 'register', address: dev0, identity: bob.encodedIdentity, signature: registerSignature(h, s4b, bob, dev0) }))).toBe('UNSUPPORTED_DEVICE');
      const s5 = h.session();
      expect(await codeOf(handleRequest(h.ctx, s5, { op: 'register', address: bob.address, identity: bob.encodedIdentity.subarray(1), signature: registerSignature(h, s5, bob) }))).toBe('BAD_IDENTITY');
      const s6 = h.session(); // signed by alice's keys, claiming bob's identity
      expect(await codeOf(handleRequest(h.ctx, s6, { op: 'register', address: bob.address, identity: bob.encodedIdentity, signature: registerSignature(h, s6, { ...alice, address: bob.address, encodedIdentity: bob.encodedIdentity }) }))).toBe('AUTH_FAILED');
      expect(await h.ctx.store.deviceIdentity(bob.address)).toBeUndefined();
    });

    test('authenticate: the right key passes; a wrong key, a replayed signature, an unknown device fail', async () => {
      const h = await setup();
      await registered(h, alice);
      const s = h.session();
      const good = authSignature(h, s, alice);
      const out = await handleRequest(h.ctx, s, { op: 'authenticate', address: alice.address, signature: good });
      expect(out).toMatchObject({ response: { op: 'authenticate', queued: 0 }, authenticated: alice.address });
      const replay = h.session();
      expect(await codeOf(handleRequest(h.ctx, replay, { op: 'authenticate', address: alice.address, signature: good }))).toBe('AUTH_FAILED');
      const wrong = h.session();
      expect(await codeOf(handleRequest(h.ctx, wrong, { op: 'authenticate', address: alice.address, signature: authSignature(h, wrong, bob) }))).toBe('AUTH_FAILED');
      const flipped = h.session();
      const sig = authSignature(h, flipped, alice);
      sig[100] ^= 1; // ML-DSA half broken, Ed25519 half intact
      expect(await codeOf(handleRequest(h.ctx, flipped, { op: 'authenticate', address: alice.address, signature: sig }))).toBe('AUTH_FAILED');
      const unknown = h.session();
      expect(await codeOf(handleRequest(h.ctx, unknown, { op: 'authenticate', address: bob.address, signature: authSignature(h, unknown, bob) }))).toBe('AUTH_FAILED');
      expect(await codeOf(handleRequest(h.ctx, h.session(), { op: 'preKeyCount' }))).toBe('NOT_AUTHENTICATED');
      expect(await codeOf(handleRequest(h.ctx, h.session(), send(1)))).toBe('NOT_AUTHENTICATED');
    });

    test('prekeys: one bad signature refuses the upload as a whole; a good one is served as a bundle src/protocol verifies', async () => {
      const h = await setup({ preKeyLowWater: 2 });
      const sb = await registered(h, bob);
      const sa = await registered(h, alice);
      const batch = preKeyBatch(bob, 3, T0);
      const tampered = batch.map((b) => Uint8Array.from(b));
      tampered[5][tampered[5].length - 1] ^= 1; // the last ML-DSA signature byte of the first PQOPK
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: tampered }))).toBe('BAD_PREKEY_SIGNATURE');
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: preKeyBatch(alice, 1, T0) }))).toBe('BAD_PREKEY_SIGNATURE');
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: [batch[0], batch[0]] }))).toBe('BAD_PREKEY_BATCH');
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: [batch[0].subarray(1)] }))).toBe('BAD_PREKEY_BATCH');
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: [] }))).toBe('BAD_PREKEY_BATCH');
      expect((await handleRequest(h.ctx, sb, { op: 'preKeyCount' })).response).toEqual({ op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 0 } });
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchBundle', address: bob.address }))).toBe('BUNDLE_UNAVAILABLE');
      const up = await handleRequest(h.ctx, sb, { op: 'uploadPreKeys', preKeys: batch });
      expect(up.response).toEqual({ op: 'uploadPreKeys', counts: { oneTime: 3, kemOneTime: 3 } });
      const roles: number[] = [];
      const notices = [];
      for (let i = 0; i < 4; i++) {
        const out = await handleRequest(h.ctx, sa, { op: 'fetchBundle', address: bob.address });
        if (out.response.op !== 'fetchBundle') throw new Error('wrong op');
        const bundle = verifyBundle(defaultSuite, decodeBundle(out.response.bundle), T0);
        expect(bundle.identity).toEqual(bob.identity.publicKey);
        roles.push(bundle.kemPreKey.role, bundle.oneTimePreKey?.role ?? 0);
        if (out.preKeysLow) notices.push(out.preKeysLow);
      }
      expect(roles).toEqual([3, 4, 3, 4, 3, 4, PREKEY_ROLE.KEM_LAST_RESORT, 0]);
      expect(notices).toEqual([{ owner: bob.address, counts: { oneTime: 1, kemOneTime: 1 } }]); // crossed 2 once
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchBundle', address: { username: 'nobody', deviceId: 1 } }))).toBe('UNKNOWN_ADDRESS');
    });

    test('mailbox: send, idempotent retry, quota refusals lose nothing, ack', async () => {
      const h = await setup({ mailboxMaxMessages: 2, mailboxMaxBytes: 100, maxEnvelopeBytes: 60 });
      await registered(h, bob);
      const sa = await registered(h, alice);
      const first = await handleRequest(h.ctx, sa, send(1));
      expect(first.deliver).toEqual([bob.address]);
      expect(first.stored).toMatchObject({ to: bob.address, previousGuid: 0, message: { sender: alice.address, envelope: Uint8Array.of(1) } });
      expect(first.response).toMatchObject({ op: 'send', serverTimestamp: T0, duplicate: false });
      const retry = await handleRequest(h.ctx, sa, send(1));
      expect(retry.response).toEqual({ ...first.response, duplicate: true });
      expect(retry.deliver).toBeUndefined();
      expect(await codeOf(handleRequest(h.ctx, sa, send(2, bob.address, new Uint8Array(61))))).toBe('ENVELOPE_TOO_LARGE');
      const third = await handleRequest(h.ctx, sa, send(3, bob.address, new Uint8Array(60)));
      expect(third.stored?.previousGuid).toBe(first.stored?.message.guid); // the mailbox's last guid before it
      expect(await codeOf(handleRequest(h.ctx, sa, send(4)))).toBe('MAILBOX_FULL_COUNT');
      const queued = await h.ctx.store.pendingMessages(bob.address, 0, 0, 10);
      expect(queued.map((m) => m.clientMessageId[0])).toEqual([1, 3]);
      const sb = h.session();
      sb.device = bob.address;
      await handleRequest(h.ctx, sb, { op: 'ack', guid: queued[0].guid });
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'ack', guid: queued[0].guid }))).toBe('UNKNOWN_MESSAGE');
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'ack', guid: queued[1].guid }))).toBe('UNKNOWN_MESSAGE'); // not alice's
      expect(await codeOf(handleRequest(h.ctx, sa, send(5, bob.address, new Uint8Array(50))))).toBe('MAILBOX_FULL_BYTES');
    });

    test('expiry: after 30 days a queued message is neither counted nor delivered', async () => {
      const h = await setup();
      await registered(h, bob);
      const sa = await registered(h, alice);
      await handleRequest(h.ctx, sa, send(1));
      h.now = T0 + 30 * DAY - 1;
      const s1 = h.session();
      expect((await handleRequest(h.ctx, s1, { op: 'authenticate', address: bob.address, signature: authSignature(h, s1, bob) })).response).toEqual({ op: 'authenticate', queued: 1 });
      h.now = T0 + 30 * DAY + 1;
      const s2 = h.session();
      expect((await handleRequest(h.ctx, s2, { op: 'authenticate', address: bob.address, signature: authSignature(h, s2, bob) })).response).toEqual({ op: 'authenticate', queued: 0 });
      expect(await h.ctx.store.deleteExpired(h.now - 30 * DAY)).toBe(1);
    });

    test('rate limits: each bucket refuses with its own code and refills with the clock', async () => {
      const h = await setup({ sendRate: { perSecond: 1, burst: 2 }, bundleRate: { perSecond: 1, burst: 1 }, requestRate: { perSecond: 10, burst: 8 } });
      await registered(h, bob);
      const sa = await registered(h, alice);
      expect(await codeOf(handleRequest(h.ctx, sa, send(1)))).toBe('no error');
      expect(await codeOf(handleRequest(h.ctx, sa, send(2)))).toBe('no error');
      expect(await codeOf(handleRequest(h.ctx, sa, send(3)))).toBe('RATE_LIMITED_SEND');
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchBundle', address: bob.address }))).toBe('BUNDLE_UNAVAILABLE');
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchBundle', address: bob.address }))).toBe('RATE_LIMITED_BUNDLE');
      h.now += 1000;
      expect(await codeOf(handleRequest(h.ctx, sa, send(3)))).toBe('no error');
      const codes = [];
      for (let i = 0; i < 10; i++) codes.push(await codeOf(handleRequest(h.ctx, sa, { op: 'preKeyCount' })));
      expect(codes.filter((c) => c === 'RATE_LIMITED_REQUEST').length).toBeGreaterThan(0);
      expect((await h.ctx.store.pendingMessages(bob.address, 0, 0, 10)).length).toBe(3);
    });
  });
}
