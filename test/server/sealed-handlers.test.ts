/**
 * The sealed-sender handlers without sockets (docs/SERVER.md §12) on every backend: certificates
 * that verify under the server identity and name the caller; sealed-key uploads verified under the
 * uploader's identity; SEND_SEALED only on an unauthenticated connection, admitted by the access
 * key (constant-time verifier check) or mode "anyone", rate-limited per IP and per recipient,
 * stored without a sender.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { decodeIdentityPublic, defaultSuite } from '../../src/protocol/index.ts';
import {
  accessKeyVerifier,
  decodeSenderCertificate,
  deriveAccessKey,
  encodeSealedKey,
  generateSealedKey,
  publicSealedKey,
  verifySenderCertificate,
} from '../../src/protocol/sealed-sender/index.ts';
import type { Session } from '../../src/server/context.ts';
import { newSession } from '../../src/server/context.ts';
import { handleRequest } from '../../src/server/handlers.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { Request } from '../../src/wire/requests.ts';
import { BACKENDS } from './backends.ts';
import { harness, newDevice, registerSignature, T0, type Harness, type TestDevice } from './fixtures.ts';
import { serverCodeOf as codeOf } from '../helpers/error-code.ts';

const alice = newDevice('alice');
const bob = newDevice('bob');
const secret = new Uint8Array(32).fill(7);
const accessKey = deriveAccessKey(defaultSuite, secret);

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  afterAll(() => backend.cleanup());

  async function registered(h: Harness, d: TestDevice): Promise<Session> {
    const s = h.session();
    const out = await handleRequest(h.ctx, s, { op: 'register', address: d.address, identity: d.encodedIdentity, signature: registerSignature(h, s, d) });
    s.device = out.authenticated;
    return s;
  }

  const anonymous = (h: Harness, ip = '10.0.0.1') => newSession(h.ctx.limits, defaultRandom(32), h.now, ip);
  const sealedSend = (n: number, key: Uint8Array = accessKey): Request => ({
    op: 'sendSealed',
    to: bob.address,
    clientMessageId: new Uint8Array(16).fill(n),
    accessKey: key,
    envelope: Uint8Array.of(n, n, n),
  });

  describe(`sealed-sender handlers — ${backend.name}`, () => {
    test('GET_SENDER_CERTIFICATE: a 24 h certificate for the caller, signed by the server identity', async () => {
      const h = await harness((await backend.fresh()).store);
      const sa = await registered(h, alice);
      const out = await handleRequest(h.ctx, sa, { op: 'getSenderCertificate' });
      if (out.response.op !== 'getSenderCertificate') throw new Error('wrong response');
      const cert = decodeSenderCertificate(out.response.certificate);
      expect([cert.username, cert.deviceId, cert.expires - T0]).toEqual(['alice', 1, 86_400_000]);
      const server = decodeIdentityPublic(h.ctx.identity.publicKey);
      expect(() => verifySenderCertificate(defaultSuite, cert, server, T0)).not.toThrow();
      expect(() => verifySenderCertificate(defaultSuite, cert, alice.identity.publicKey, T0)).toThrow(/another server/);
      expect(await codeOf(handleRequest(h.ctx, h.session(), { op: 'getSenderCertificate' }))).toBe('NOT_AUTHENTICATED');
      await h.ctx.store.close();
    });

    test('sealed keys: verified under the uploader identity (BAD_SEALED_KEY otherwise), fetched by anyone authenticated', async () => {
      const h = await harness((await backend.fresh()).store);
      const sa = await registered(h, alice);
      const sb = await registered(h, bob);
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchSealedKey', address: bob.address }))).toBe('NO_SEALED_KEY');
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'fetchSealedKey', address: { username: 'carol', deviceId: 1 } }))).toBe('UNKNOWN_ADDRESS');
      const key = encodeSealedKey(publicSealedKey(generateSealedKey(defaultSuite, bob.identity, 1, T0, defaultRandom)));
      expect(await codeOf(handleRequest(h.ctx, sa, { op: 'uploadSealedKey', key }))).toBe('BAD_SEALED_KEY'); // bob's key, alice's upload
      const stale = encodeSealedKey(publicSealedKey(generateSealedKey(defaultSuite, bob.identity, 2, T0 - 40 * 86_400_000, defaultRandom)));
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadSealedKey', key: stale }))).toBe('BAD_SEALED_KEY');
      expect(await codeOf(handleRequest(h.ctx, sb, { op: 'uploadSealedKey', key: key.subarray(1) }))).toBe('BAD_SEALED_KEY');
      expect(await h.ctx.store.sealedKey(bob.address)).toBeUndefined();
      await handleRequest(h.ctx, sb, { op: 'uploadSealedKey', key });
      const got = await handleRequest(h.ctx, sa, { op: 'fetchSealedKey', address: bob.address });
      expect(got.response).toEqual({ op: 'fetchSealedKey', key });
      await h.ctx.store.close();
    });

    test('SEND_SEALED: anonymous only; wrong or missing access key ACCESS_DENIED; "anyone" admits all; stored without sender', async () => {
      const h = await harness((await backend.fresh()).store);
      const sa = await registered(h, alice);
      const sb = await registered(h, bob);
      expect(await codeOf(handleRequest(h.ctx, anonymous(h), sealedSend(1)))).toBe('ACCESS_DENIED'); // nothing registered
      await handleRequest(h.ctx, sb, { op: 'setDeliveryAccess', verifier: accessKeyVerifier(defaultSuite, accessKey), mode: 'contacts' });
      expect(await codeOf(handleRequest(h.ctx, sa, sealedSend(1)))).toBe('SEALED_NOT_ANONYMOUS');
      const wrong = accessKey.slice();
      wrong[31] ^= 1;
      expect(await codeOf(handleRequest(h.ctx, anonymous(h), sealedSend(1, wrong)))).toBe('ACCESS_DENIED');
      expect(await codeOf(handleRequest(h.ctx, anonymous(h), sealedSend(1, new Uint8Array(0))))).toBe('ACCESS_DENIED');
      expect(await codeOf(handleRequest(h.ctx, anonymous(h), sealedSend(1, secret)))).toBe('ACCESS_DENIED'); // the secret is not the key
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(0);
      const ok = await handleRequest(h.ctx, anonymous(h), sealedSend(1));
      expect(ok.deliver).toEqual([bob.address]);
      const again = await handleRequest(h.ctx, anonymous(h), sealedSend(1));
      expect(again.deliver).toBeUndefined();
      expect(again.response).toMatchObject({ op: 'sendSealed', duplicate: true });
      await handleRequest(h.ctx, sb, { op: 'setDeliveryAccess', verifier: new Uint8Array(32), mode: 'anyone' });
      expect(await codeOf(handleRequest(h.ctx, anonymous(h), sealedSend(2, new Uint8Array(0))))).toBe('no error');
      const stored = await h.ctx.store.pendingMessages(bob.address, 0, 0, 10);
      expect(stored.map((m) => 'sender' in m)).toEqual([false, false]);
      await h.ctx.store.close();
    });

    test('SEND_SEALED rate limits: per IP address across connections, and per recipient across addresses', async () => {
      const limit = { perSecond: 1, burst: 3 };
      const h = await harness((await backend.fresh()).store, { sealedRatePerIp: limit, sealedRatePerRecipient: { perSecond: 1, burst: 5 } });
      await registered(h, alice);
      const sb = await registered(h, bob);
      await handleRequest(h.ctx, sb, { op: 'setDeliveryAccess', verifier: accessKeyVerifier(defaultSuite, accessKey), mode: 'contacts' });
      const fromIp = async (ip: string, n: number) => codeOf(handleRequest(h.ctx, anonymous(h, ip), sealedSend(n)));
      const one = [await fromIp('10.0.0.1', 1), await fromIp('10.0.0.1', 2), await fromIp('10.0.0.1', 3), await fromIp('10.0.0.1', 4)];
      expect(one).toEqual(['no error', 'no error', 'no error', 'RATE_LIMITED_SEALED']);
      const other = [await fromIp('10.0.0.2', 5), await fromIp('10.0.0.2', 6), await fromIp('10.0.0.3', 7)];
      expect(other).toEqual(['no error', 'no error', 'RATE_LIMITED_SEALED']); // bob's budget of 5 is spent
      h.now += 2000;
      expect(await fromIp('10.0.0.1', 8)).toBe('no error');
      expect(await h.ctx.store.countPending(bob.address, 0)).toBe(6);
      await h.ctx.store.close();
    });
  });
}
