/**
 * Sealed fan-out on the delivery service (docs/SERVER.md §15), with the real handlers on every
 * backend: SEND_SEALED_MULTI (anonymous only, access key as SEND_SEALED, device set as
 * SEND_MULTI, all-or-nothing sealed rows, idempotence, size limits), SEND_SEALED to an account
 * with linked devices (DEVICE_MISMATCH), and GROUP_SEND_SEALED (one combined access key, the XOR
 * of the accounts' verifiers; per-recipient results; rows without sender). Envelopes are opaque
 * bytes here: the server never opens them.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import {
  encodeSignedDeviceList,
  initialDeviceList,
  signDeviceList,
  withDevice,
} from '../../src/protocol/devices/device-list.ts';
import { accessKeyVerifier, combineVerifiers, deriveAccessKey } from '../../src/protocol/sealed-sender/access-key.ts';
import { newSession, type Session } from '../../src/server/context.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import { MAX_GROUP_RECIPIENTS } from '../../src/wire/frame-constants.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { Address } from '../../src/wire/address.ts';
import type { Request } from '../../src/wire/requests.ts';
import type { SealedDeviceMessage } from '../../src/wire/sealed-frames.ts';
import { BACKENDS } from './backends.ts';
import { harness, newDevice, registerSignature, type Harness, type TestDevice } from './fixtures.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const suite = defaultSuite;
const alice = newDevice('alice');
const bob = newDevice('bob');
const bobLaptop = { ...newDevice('bob'), address: { username: 'bob', deviceId: 2 } };
const carol = newDevice('carol');
const keyOf = (n: number) => deriveAccessKey(suite, new Uint8Array(32).fill(n));
const bobKey = keyOf(2);
const carolKey = keyOf(3);
const h256 = (d: TestDevice) => suite.sha256(d.encodedIdentity);
const cmid = (n: number) => new Uint8Array(16).fill(n);
const sdm = (d: TestDevice, n: number, hash = h256(d), envelope = Uint8Array.of(n, d.address.deviceId)): SealedDeviceMessage => ({
  deviceId: d.address.deviceId,
  identityHash: hash,
  envelope,
});
const multi = (n: number, messages: SealedDeviceMessage[], accessKey = bobKey): Request => ({
  op: 'sendSealedMulti',
  to: 'bob',
  accessKey,
  clientMessageId: cmid(n),
  messages,
});
const groupSealed = (n: number, recipients: Address[], accessKey: Uint8Array, envelope = Uint8Array.of(9, n)): Request => ({
  op: 'groupSendSealed',
  recipients,
  clientMessageId: cmid(n),
  accessKey,
  envelope,
});

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  const req = (h: Harness, s: Session, r: Request) => handleRequest(h.ctx, s, r);
  const anonymous = (h: Harness, ip = '10.0.0.1') => newSession(h.ctx.limits, defaultRandom(32), h.now, ip);

  async function register(h: Harness, d: TestDevice): Promise<Session> {
    const s = h.session();
    const out = await req(h, s, { op: 'register', address: d.address, identity: d.encodedIdentity, signature: registerSignature(h, s, d) });
    s.device = out.authenticated;
    return s;
  }

  /** alice (one device), bob (primary + laptop, access key bobKey), carol (one device, carolKey). */
  async function setup(limits = {}): Promise<{ h: Harness; a: Session; b: Session }> {
    const h = await harness((await backend.fresh()).store, limits);
    const a = await register(h, alice);
    const b = await register(h, bob);
    const c = await register(h, carol);
    const list = withDevice(suite, initialDeviceList(suite, 'bob', bob.identity.publicKey), 2, bobLaptop.identity.publicKey);
    await req(h, b, { op: 'uploadDeviceList', deviceList: encodeSignedDeviceList(signDeviceList(suite, bob.identity, list, defaultRandom)) });
    await register(h, bobLaptop);
    await req(h, b, { op: 'setDeliveryAccess', verifier: accessKeyVerifier(suite, bobKey), mode: 'contacts' });
    await req(h, c, { op: 'setDeliveryAccess', verifier: accessKeyVerifier(suite, carolKey), mode: 'contacts' });
    return { h, a, b };
  }

  const message = async (h: Harness, s: Session, r: Request) => {
    try {
      await req(h, s, r);
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  };

  describe(`sealed fan-out — ${backend.name}`, () => {
    test('SEND_SEALED_MULTI: anonymous only; access key checked before the device set; stores every device with no sender', async () => {
      const { h, a } = await setup();
      const both = [sdm(bob, 1), sdm(bobLaptop, 1)];
      expect(await codeOf(req(h, a, multi(1, both)))).toBe('SEALED_NOT_ANONYMOUS');
      const wrong = bobKey.slice();
      wrong[0] ^= 1;
      expect(await codeOf(req(h, anonymous(h), multi(1, both, wrong)))).toBe('ACCESS_DENIED');
      expect(await codeOf(req(h, anonymous(h), multi(1, both, new Uint8Array(0))))).toBe('ACCESS_DENIED');
      // A wrong key learns nothing about the devices, even with a wrong device set.
      expect(await codeOf(req(h, anonymous(h), multi(1, [sdm(bob, 1)], wrong)))).toBe('ACCESS_DENIED');
      expect(await codeOf(req(h, anonymous(h), { ...multi(1, both), to: 'dave' } as Request))).toBe('ACCESS_DENIED');
      const ok = await req(h, anonymous(h), multi(1, both));
      expect(ok.response).toMatchObject({ op: 'sendSealedMulti', duplicate: false });
      expect(ok.deliver).toEqual([bob.address, bobLaptop.address]);
      for (const d of [bob, bobLaptop]) {
        const rows = await h.ctx.store.pendingMessages(d.address, 0, 0, 10);
        expect(rows.map((m) => ['sender' in m, [...m.envelope]])).toEqual([[false, [1, d.address.deviceId]]]);
      }
      await h.ctx.store.close();
    });

    test('SEND_SEALED_MULTI: a missing, extra or stale device is DEVICE_MISMATCH listing them, nothing stored', async () => {
      const { h } = await setup();
      const mismatch = (messages: SealedDeviceMessage[]) => message(h, anonymous(h), multi(2, messages));
      expect(await mismatch([sdm(bob, 2)])).toBe('devices of bob: missing [2] extra [] stale []');
      expect(await mismatch([sdm(bob, 2), sdm(bobLaptop, 2), { ...sdm(bob, 2), deviceId: 7 }])).toBe('devices of bob: missing [] extra [7] stale []');
      expect(await mismatch([sdm(bob, 2), sdm(bobLaptop, 2, h256(alice))])).toBe('devices of bob: missing [] extra [] stale [2]');
      expect(await mismatch([sdm(bob, 2), sdm(bob, 2), sdm(bobLaptop, 2)])).toBe('devices of bob: missing [] extra [1] stale []');
      expect(await codeOf(req(h, anonymous(h), multi(2, [sdm(bob, 2)])))).toBe('DEVICE_MISMATCH');
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(0);
      expect(await h.ctx.store.countPending(bobLaptop.address, 0)).toBe(0);
      await h.ctx.store.close();
    });

    test('SEND_SEALED_MULTI: idempotent per (device, client id); all or nothing when one mailbox is full', async () => {
      const { h } = await setup({ mailboxMaxMessages: 2 });
      const both = (n: number) => [sdm(bob, n), sdm(bobLaptop, n)];
      await req(h, anonymous(h), multi(1, both(1)));
      const again = await req(h, anonymous(h), multi(1, both(1)));
      expect(again.response).toMatchObject({ op: 'sendSealedMulti', duplicate: true });
      expect(again.deliver).toBeUndefined();
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(1);
      // Fill the laptop's mailbox (quota 2) with a sealed GROUP copy: the next fan-out stores nothing.
      await req(h, anonymous(h), groupSealed(5, [bobLaptop.address], accessKeyVerifier(suite, bobKey)));
      expect(await codeOf(req(h, anonymous(h), multi(2, both(2))))).toBe('MAILBOX_FULL_COUNT');
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(1);
      await h.ctx.store.close();
    });

    test('SEND_SEALED_MULTI: size limits and rate buckets as SEND_SEALED', async () => {
      const { h } = await setup({ maxEnvelopeBytes: 64, sealedRatePerRecipient: { perSecond: 1, burst: 3 } });
      const big = new Uint8Array(65);
      expect(await codeOf(req(h, anonymous(h), multi(1, [sdm(bob, 1), sdm(bobLaptop, 1, h256(bobLaptop), big)])))).toBe('ENVELOPE_TOO_LARGE');
      expect(await codeOf(req(h, anonymous(h), multi(1, [sdm(bob, 1), sdm(bobLaptop, 1, h256(bobLaptop), new Uint8Array(0))])))).toBe('ENVELOPE_TOO_LARGE');
      const codes: string[] = [];
      for (let n = 1; n <= 4; n++) codes.push(await codeOf(req(h, anonymous(h, `10.0.0.${n}`), multi(n, [sdm(bob, n), sdm(bobLaptop, n)]))));
      expect(codes).toEqual(['no error', 'no error', 'no error', 'RATE_LIMITED_SEALED']); // each device's budget of 3
      await h.ctx.store.close();
    });

    test('SEND_SEALED to an account with linked devices is DEVICE_MISMATCH (after the access check)', async () => {
      const { h } = await setup();
      const single = (key: Uint8Array, to: Address = bob.address): Request => ({
        op: 'sendSealed', to, clientMessageId: cmid(1), accessKey: key, envelope: Uint8Array.of(1),
      });
      expect(await codeOf(req(h, anonymous(h), single(carolKey)))).toBe('ACCESS_DENIED');
      expect(await message(h, anonymous(h), single(bobKey))).toBe('devices of bob: missing [2] extra [] stale []');
      expect(await message(h, anonymous(h), single(bobKey, bobLaptop.address))).toBe('devices of bob: missing [1] extra [] stale []');
      expect(await codeOf(req(h, anonymous(h), single(carolKey, carol.address)))).toBe('no error');
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(0);
      await h.ctx.store.close();
    });

    test('GROUP_SEND_SEALED: one combined key (XOR of the verifiers) admits every account; rows without sender', async () => {
      const { h, a } = await setup();
      const recipients = [bob.address, bobLaptop.address, carol.address];
      const combined = combineVerifiers([accessKeyVerifier(suite, bobKey), accessKeyVerifier(suite, carolKey)]);
      expect(await codeOf(req(h, a, groupSealed(1, recipients, combined)))).toBe('SEALED_NOT_ANONYMOUS');
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, recipients, accessKeyVerifier(suite, bobKey))))).toBe('ACCESS_DENIED');
      // Counting bob twice (once per device) cancels his share: each account counts once.
      const twice = combineVerifiers([accessKeyVerifier(suite, bobKey), accessKeyVerifier(suite, bobKey), accessKeyVerifier(suite, carolKey)]);
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, recipients, twice)))).toBe('ACCESS_DENIED');
      // XOR of the keys themselves is not the combined key.
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, recipients, combineVerifiers([bobKey, carolKey]))))).toBe('ACCESS_DENIED');
      // alice registered no delivery access: no sealed delivery to her, whatever the key.
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, [...recipients, alice.address], combined)))).toBe('ACCESS_DENIED');
      for (const d of [bob, bobLaptop, carol]) expect(await h.ctx.store.countPending(d.address, 0)).toBe(0);
      const ok = await req(h, anonymous(h), groupSealed(1, recipients, combined));
      if (ok.response.op !== 'groupSendSealed') throw new Error('wrong response');
      expect(ok.response.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
      expect(ok.deliver).toEqual(recipients);
      for (const d of [bob, bobLaptop, carol]) {
        const rows = await h.ctx.store.pendingMessages(d.address, 0, 0, 10);
        expect(rows.map((m) => ['sender' in m, [...m.envelope]])).toEqual([[false, [9, 1]]]);
      }
      await h.ctx.store.close();
    });

    test('GROUP_SEND_SEALED: an account in mode "anyone" still counts with its verifier', async () => {
      const { h, b } = await setup();
      await req(h, b, { op: 'setDeliveryAccess', verifier: accessKeyVerifier(suite, bobKey), mode: 'anyone' });
      const recipients = [bob.address, carol.address];
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, recipients, accessKeyVerifier(suite, carolKey))))).toBe('ACCESS_DENIED');
      const combined = combineVerifiers([accessKeyVerifier(suite, bobKey), accessKeyVerifier(suite, carolKey)]);
      expect(await codeOf(req(h, anonymous(h), groupSealed(1, recipients, combined)))).toBe('no error');
      await h.ctx.store.close();
    });

    test('GROUP_SEND_SEALED: per-recipient refusals, idempotence per recipient, list and size checks', async () => {
      const { h } = await setup({ maxEnvelopeBytes: 64, mailboxMaxMessages: 1 });
      const ghost = { username: 'carol', deviceId: 5 };
      const combined = combineVerifiers([accessKeyVerifier(suite, bobKey), accessKeyVerifier(suite, carolKey)]);
      await req(h, anonymous(h), groupSealed(1, [bobLaptop.address], accessKeyVerifier(suite, bobKey))); // fills the laptop
      const out = await req(h, anonymous(h), groupSealed(2, [bob.address, bobLaptop.address, ghost, carol.address], combined));
      if (out.response.op !== 'groupSendSealed') throw new Error('wrong response');
      expect(out.response.results.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['stored', 'MAILBOX_FULL_COUNT', 'UNKNOWN_ADDRESS', 'stored']);
      expect(out.deliver).toEqual([bob.address, carol.address]);
      const retry = await req(h, anonymous(h), groupSealed(2, [bob.address, carol.address], combined));
      if (retry.response.op !== 'groupSendSealed' || out.response.results[0].status === 'refused') throw new Error('wrong response');
      expect(retry.response.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
      expect(retry.response.results[0]).toMatchObject({ guid: out.response.results[0].guid });
      expect(retry.deliver).toEqual([]);
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, [], combined)))).toBe('BAD_RECIPIENT_LIST');
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, [bob.address, bob.address], combined)))).toBe('BAD_RECIPIENT_LIST');
      const many = Array.from({ length: MAX_GROUP_RECIPIENTS + 1 }, (_, i) => ({ username: 'bob', deviceId: i + 1 }));
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, many, combined)))).toBe('TOO_MANY_RECIPIENTS');
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, [bob.address], combined, new Uint8Array(65))))).toBe('ENVELOPE_TOO_LARGE');
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, [bob.address], combined, new Uint8Array(0))))).toBe('ENVELOPE_TOO_LARGE');
      await h.ctx.store.close();
    });

    test('GROUP_SEND_SEALED rate limits: the IP bucket per request, each device bucket per recipient', async () => {
      const { h } = await setup({ sealedRatePerIp: { perSecond: 1, burst: 2 }, sealedRatePerRecipient: { perSecond: 1, burst: 1 } });
      const key = accessKeyVerifier(suite, bobKey);
      const first = await req(h, anonymous(h), groupSealed(1, [bob.address], key));
      expect(first.response).toMatchObject({ op: 'groupSendSealed', results: [{ status: 'stored' }] });
      const second = await req(h, anonymous(h), groupSealed(2, [bob.address, bobLaptop.address], key));
      if (second.response.op !== 'groupSendSealed') throw new Error('wrong response');
      expect(second.response.results.map((r) => (r.status === 'refused' ? r.code : r.status))).toEqual(['RATE_LIMITED_SEALED', 'stored']);
      expect(await codeOf(req(h, anonymous(h), groupSealed(3, [bob.address], key)))).toBe('RATE_LIMITED_SEALED'); // the IP's 2
      await h.ctx.store.close();
    });
  });
}
