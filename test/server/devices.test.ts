/**
 * Multiple devices on the delivery service (docs/SERVER.md §13), handler level on every backend:
 * device-list upload rules (primary only, hybrid signature under device 1, increasing versions),
 * linked-device registration only when the list names it, removal (DEVICE_REMOVED, mailbox and
 * prekeys gone), the one-time, expiring provisioning relay, and SEND_MULTI's device-set check.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import {
  encodeSignedDeviceList,
  initialDeviceList,
  signDeviceList,
  withDevice,
  withoutDevice,
  type DeviceList,
} from '../../src/protocol/devices/device-list.ts';
import { createLinkRequest } from '../../src/protocol/devices/link.ts';
import type { Session } from '../../src/server/context.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import { PROVISIONING_TTL_MS } from '../../src/server/provisioning.ts';
import { ServerError } from '../../src/util/errors.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { Request } from '../../src/wire/requests.ts';
import type { DeviceMessage } from '../../src/wire/device-frames.ts';
import { BACKENDS } from './backends.ts';
import { authSignature, harness, newDevice, preKeyBatch, registerSignature, type Harness, type TestDevice } from './fixtures.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const suite = defaultSuite;
const alice = newDevice('alice');
const laptop = { ...newDevice('alice'), address: { username: 'alice', deviceId: 2 } };
const tablet = { ...newDevice('alice'), address: { username: 'alice', deviceId: 3 } };
const bob = newDevice('bob');
const h256 = (d: TestDevice) => suite.sha256(d.encodedIdentity);
const sign = (list: DeviceList) => encodeSignedDeviceList(signDeviceList(suite, alice.identity, list, defaultRandom));
const v1 = initialDeviceList(suite, 'alice', alice.identity.publicKey);
const v2 = withDevice(suite, v1, 2, laptop.identity.publicKey);
const v3 = withDevice(suite, v2, 3, tablet.identity.publicKey);
const v4 = withoutDevice(v3, 2);
const dm = (d: TestDevice, n: number, hash = h256(d)): DeviceMessage => ({
  deviceId: d.address.deviceId,
  identityHash: hash,
  clientMessageId: new Uint8Array(16).fill(n * 16 + d.address.deviceId),
  envelope: Uint8Array.of(n, d.address.deviceId),
});

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function setup(): Promise<Harness> {
    return harness((await backend.fresh()).store);
  }

  const req = (h: Harness, s: Session, r: Request) => handleRequest(h.ctx, s, r);

  async function register(h: Harness, d: TestDevice): Promise<Session> {
    const s = h.session();
    const out = await req(h, s, { op: 'register', address: d.address, identity: d.encodedIdentity, signature: registerSignature(h, s, d) });
    s.device = out.authenticated;
    return s;
  }

  async function authenticate(h: Harness, d: TestDevice): Promise<Session> {
    const s = h.session();
    const out = await req(h, s, { op: 'authenticate', address: d.address, signature: authSignature(h, s, d) });
    s.device = out.authenticated;
    return s;
  }

  describe(`multi-device server — ${backend.name}`, () => {
    test('device-list upload: primary only, signature under device 1, versions strictly increase', async () => {
      const h = await setup();
      const a = await register(h, alice);
      const b = await register(h, bob);
      expect((await req(h, a, { op: 'fetchDeviceList', username: 'alice' })).response).toEqual({ op: 'fetchDeviceList', deviceList: new Uint8Array(0) });
      expect((await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v2) })).response).toEqual({ op: 'uploadDeviceList', version: 2 });
      const fetched = await req(h, b, { op: 'fetchDeviceList', username: 'alice' });
      if (fetched.response.op !== 'fetchDeviceList') throw new Error('wrong response');
      expect(fetched.response.deviceList.length).toBe(sign(v2).length);
      const codes = [
        await codeOf(req(h, a, { op: 'uploadDeviceList', deviceList: sign(v1) })), // rollback
        await codeOf(req(h, a, { op: 'uploadDeviceList', deviceList: sign(v2) })), // same version again
        await codeOf(req(h, b, { op: 'uploadDeviceList', deviceList: sign(v3) })), // bob uploads alice's list
        await codeOf(req(h, a, { op: 'uploadDeviceList', deviceList: encodeSignedDeviceList(signDeviceList(suite, bob.identity, initialDeviceList(suite, 'alice', bob.identity.publicKey), defaultRandom)) })),
        await codeOf(req(h, a, { op: 'uploadDeviceList', deviceList: Uint8Array.of(1, 2, 3) })),
        await codeOf(req(h, b, { op: 'fetchDeviceList', username: 'nobody' })),
      ];
      expect(codes).toEqual(['BAD_DEVICE_LIST', 'BAD_DEVICE_LIST', 'BAD_DEVICE_LIST', 'BAD_DEVICE_LIST', 'BAD_DEVICE_LIST', 'UNKNOWN_ADDRESS']);
      expect((await h.ctx.store.deviceList('alice'))?.version).toBe(2);
    });

    test('a linked device registers only when the list names its identity; removal deletes it and its mailbox', async () => {
      const h = await setup();
      const a = await register(h, alice);
      const b = await register(h, bob);
      expect(await codeOf(register(h, laptop))).toBe('DEVICE_NOT_LISTED');
      await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v2) });
      expect(await codeOf(register(h, { ...tablet, address: laptop.address }))).toBe('DEVICE_NOT_LISTED');
      const l = await register(h, laptop);
      expect(l.device).toEqual(laptop.address);
      await req(h, l, { op: 'uploadPreKeys', preKeys: preKeyBatch(laptop, 2, h.now) });
      await h.ctx.store.putSealedKey(laptop.address, Uint8Array.of(9)); // its sealed-sender key goes too
      // One delivery access verifier per account, the primary's: a linked device cannot replace it.
      const access = { op: 'setDeliveryAccess', verifier: new Uint8Array(32), mode: 'anyone' } as const;
      expect(await codeOf(req(h, l, access))).toBe('NOT_PRIMARY');
      expect(await h.ctx.store.deliveryAccess('alice')).toBeUndefined();
      expect(await codeOf(req(h, l, { op: 'uploadDeviceList', deviceList: sign(v3) }))).toBe('NOT_PRIMARY');
      await req(h, b, { op: 'sendMulti', to: 'alice', messages: [dm(alice, 1), dm(laptop, 1)] });
      expect(await h.ctx.store.countPending(laptop.address, 0)).toBe(1);
      await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v3) });
      await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v4) });
      expect(await h.ctx.store.deviceIdentity(laptop.address)).toBeUndefined();
      expect(await h.ctx.store.countPending(laptop.address, 0)).toBe(0);
      expect(await h.ctx.store.sealedKey(laptop.address)).toBeUndefined();
      expect(await codeOf(authenticate(h, laptop))).toBe('DEVICE_REMOVED');
      expect(await codeOf(register(h, laptop))).toBe('DEVICE_NOT_LISTED');
      expect(await codeOf(req(h, b, { op: 'fetchBundle', address: laptop.address }))).toBe('UNKNOWN_ADDRESS');
      // The still-open connection of the removed device can no longer send.
      expect(await codeOf(req(h, l, { op: 'sendMulti', to: 'bob', messages: [dm(bob, 2)] }))).toBe('DEVICE_REMOVED');
      expect((await h.ctx.store.registeredDevices('alice')).map((d) => d.deviceId)).toEqual([1]);
    });

    test('SEND_MULTI: exactly the current devices; missing, extra and stale are refused storing nothing', async () => {
      const h = await setup();
      const a = await register(h, alice);
      const b = await register(h, bob);
      await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v3) });
      const l = await register(h, laptop);
      // tablet is listed but not registered: not a current device yet.
      const mismatch = async (s: Session, to: string, messages: DeviceMessage[]) => {
        try {
          await req(h, s, { op: 'sendMulti', to, messages });
          return 'stored';
        } catch (e) {
          return `${(e as ServerError).code}: ${(e as ServerError).message}`;
        }
      };
      expect(await mismatch(b, 'alice', [dm(alice, 1)])).toBe('DEVICE_MISMATCH: devices of alice: missing [2] extra [] stale []');
      expect(await mismatch(b, 'alice', [dm(alice, 1), dm(laptop, 1), dm(tablet, 1)])).toBe('DEVICE_MISMATCH: devices of alice: missing [] extra [3] stale []');
      expect(await mismatch(b, 'alice', [dm(alice, 1), dm(laptop, 1, h256(bob))])).toBe('DEVICE_MISMATCH: devices of alice: missing [] extra [] stale [2]');
      expect(await mismatch(b, 'alice', [dm(alice, 1), dm(alice, 1)])).toBe('DEVICE_MISMATCH: devices of alice: missing [2] extra [1] stale []');
      expect(await h.ctx.store.countPending(alice.address, 0)).toBe(0);
      const ok = await req(h, b, { op: 'sendMulti', to: 'alice', messages: [dm(alice, 1), dm(laptop, 1)] });
      expect(ok.deliver).toEqual([alice.address, laptop.address]);
      const again = await req(h, b, { op: 'sendMulti', to: 'alice', messages: [dm(alice, 1), dm(laptop, 1)] });
      expect(again.response).toMatchObject({ op: 'sendMulti', duplicate: true });
      // To its own account a device sends to its OTHER devices only.
      expect(await mismatch(l, 'alice', [dm(alice, 3), dm(laptop, 3)])).toBe('DEVICE_MISMATCH: devices of alice: missing [] extra [2] stale []');
      expect(await mismatch(l, 'alice', [dm(alice, 4)])).toBe('stored');
      expect(await mismatch(a, 'bob', [dm(bob, 5)])).toBe('stored');
      expect([await h.ctx.store.countPending(alice.address, 0), await h.ctx.store.countPending(laptop.address, 0), await h.ctx.store.countPending(bob.address, 0)]).toEqual([2, 1, 1]);
    });

    test('store: storeMessageBatch is all-or-nothing (a full mailbox refuses the whole batch)', async () => {
      const h = await setup();
      const a = await register(h, alice);
      await register(h, bob);
      await req(h, a, { op: 'uploadDeviceList', deviceList: sign(v2) });
      await register(h, laptop);
      const m = (to: TestDevice, n: number, size: number) => ({
        sender: bob.address,
        recipient: to.address,
        clientMessageId: new Uint8Array(16).fill(n),
        envelope: new Uint8Array(size),
        serverTimestamp: h.now,
        expiredBefore: 0,
      });
      const quota = { maxMessages: 10, maxBytes: 100 };
      expect(await codeOf(h.ctx.store.storeMessageBatch([m(alice, 1, 10), m(laptop, 2, 101)], quota))).toBe('MAILBOX_FULL_BYTES');
      expect([await h.ctx.store.countPending(alice.address, 0), await h.ctx.store.countPending(laptop.address, 0)]).toEqual([0, 0]);
      expect(await h.ctx.store.storeMessageBatch([m(alice, 1, 10), m(laptop, 2, 10)], quota)).toEqual({ serverTimestamp: h.now, duplicate: false });
      expect(await h.ctx.store.storeMessageBatch([m(alice, 1, 10), m(laptop, 2, 10)], quota)).toEqual({ serverTimestamp: h.now, duplicate: true });
      expect((await h.ctx.store.queueStats()).messages).toBe(2);
      expect(await codeOf(h.ctx.store.putDeviceList('alice', { version: 2, encoded: sign(v2) }, []))).toBe('BAD_DEVICE_LIST');
    });

    test('provisioning relay: open → take once → answer once → poll once; expiry and unknown ids refused', async () => {
      const h = await setup();
      const a = await register(h, alice);
      const guest = h.session(); // not authenticated: the new device has no account yet
      const linkRequest = createLinkRequest(suite, laptop.identity.publicKey, defaultRandom).request;
      const opened = await req(h, guest, { op: 'provisionOpen', linkRequest });
      if (opened.response.op !== 'provisionOpen') throw new Error('wrong response');
      const rendezvousId = opened.response.rendezvousId;
      expect(rendezvousId.length).toBe(16);
      expect((await req(h, guest, { op: 'provisionPoll', rendezvousId })).response).toEqual({ op: 'provisionPoll', linkResponse: new Uint8Array(0) });
      expect(await codeOf(req(h, a, { op: 'provisionAnswer', rendezvousId, linkResponse: Uint8Array.of(1) }))).toBe('UNKNOWN_RENDEZVOUS');
      expect((await req(h, a, { op: 'provisionTake', rendezvousId })).response).toEqual({ op: 'provisionTake', linkRequest });
      expect(await codeOf(req(h, a, { op: 'provisionTake', rendezvousId }))).toBe('UNKNOWN_RENDEZVOUS');
      expect(await codeOf(req(h, guest, { op: 'provisionTake', rendezvousId }))).toBe('NOT_AUTHENTICATED');
      await req(h, a, { op: 'provisionAnswer', rendezvousId, linkResponse: Uint8Array.of(9, 9) });
      expect(await codeOf(req(h, a, { op: 'provisionAnswer', rendezvousId, linkResponse: Uint8Array.of(1) }))).toBe('UNKNOWN_RENDEZVOUS');
      expect((await req(h, guest, { op: 'provisionPoll', rendezvousId })).response).toEqual({ op: 'provisionPoll', linkResponse: Uint8Array.of(9, 9) });
      expect(await codeOf(req(h, guest, { op: 'provisionPoll', rendezvousId }))).toBe('UNKNOWN_RENDEZVOUS');
      expect(await codeOf(req(h, guest, { op: 'provisionOpen', linkRequest: linkRequest.subarray(1) }))).toBe('BAD_IDENTITY');
      const late = await req(h, guest, { op: 'provisionOpen', linkRequest });
      if (late.response.op !== 'provisionOpen') throw new Error('wrong response');
      h.now += PROVISIONING_TTL_MS + 1;
      expect(await codeOf(req(h, a, { op: 'provisionTake', rendezvousId: late.response.rendezvousId }))).toBe('UNKNOWN_RENDEZVOUS');
      expect(await codeOf(req(h, guest, { op: 'provisionPoll', rendezvousId: late.response.rendezvousId }))).toBe('UNKNOWN_RENDEZVOUS');
    });
  });
}
