/**
 * Sealed-sender test fixtures: a delivery-service identity that issues certificates, two devices
 * (fixtures.ts) with an established session, Bob's sealed-sender key, and snapshots of a device's
 * stores to prove that a refused message changed nothing.
 */
import { generateIdentity, type IdentityKeyPair } from '../../../../src/protocol/identity.ts';
import {
  issueSenderCertificate,
  type SenderCertificate,
} from '../../../../src/protocol/sealed-sender/certificate.ts';
import {
  generateSealedKey,
  publicSealedKey,
  verifySealedKey,
  type SealedKeyRecord,
} from '../../../../src/protocol/sealed-sender/sealed-key.ts';
import type { SealedRecipient } from '../../../../src/protocol/sealed-sender/seal.ts';
import type { SealedReceiver } from '../../../../src/protocol/sealed-sender/sealed-session.ts';
import { receiveMessage, sendMessage, startSession } from '../../../../src/protocol/session-cipher.ts';
import { PREKEY_ROLE } from '../../../../src/protocol/constants.ts';
import { toHex } from '../../../../src/util/bytes.ts';
import type { RandomSource } from '../../../../src/util/random.ts';
import { fetchBundle, makeDevice, T0, type Device } from '../../helpers/fixtures.ts';
import { SUITE } from '../../helpers/suites.ts';

export { T0 };

/** A device with its sealed-sender key and the receiver context for `receiveSealed`. */
export interface SealedDevice extends Device {
  username: string;
  sealedKey: SealedKeyRecord;
  receiver: SealedReceiver;
}

export function makeSealedDevice(
  username: string,
  server: IdentityKeyPair,
  random: RandomSource,
  opts: { oneTime?: number; kemOneTime?: number } = {},
): SealedDevice {
  const device = makeDevice(SUITE, `${username}.1`, random, opts);
  const sealedKey = generateSealedKey(SUITE, device.identity, 7, T0, random);
  const keys = new Map([[sealedKey.id, sealedKey]]);
  const receiver: SealedReceiver = {
    sealedKeys: { loadSealedKey: (id) => keys.get(id) },
    server: server.publicKey,
  };
  return { ...device, username, sealedKey, receiver };
}

/** What a sender fetches to seal to `d`: its identity and verified sealed-sender key. */
export function recipientOf(d: SealedDevice, now = T0): SealedRecipient {
  const sealedKey = verifySealedKey(SUITE, d.identity.publicKey, publicSealedKey(d.sealedKey), now);
  return { identity: d.identity.publicKey, sealedKey };
}

export function certificateFor(
  server: IdentityKeyPair,
  d: SealedDevice,
  random: RandomSource,
  now = T0,
): SenderCertificate {
  const subject = { username: d.username, deviceId: 1, identity: d.identity.publicKey };
  return issueSenderCertificate(SUITE, server, subject, now, random);
}

/** A server, Alice and Bob (Bob with one-time prekeys); Alice has started a session with Bob. */
export function world(random: RandomSource) {
  const server = generateIdentity(SUITE, random);
  const alice = makeSealedDevice('alice', server, random);
  const bob = makeSealedDevice('bob', server, random, { oneTime: 2, kemOneTime: 2 });
  startSession(alice.ctx, bob.address, fetchBundle(bob), T0);
  return { server, alice, bob, aliceCert: certificateFor(server, alice, random) };
}

/** Alice's first (PREKEY) message and Bob's reply, unsealed: afterwards both send MESSAGEs. */
export function establish(w: ReturnType<typeof world>): void {
  receiveMessage(w.bob.ctx, w.alice.address, sendMessage(w.alice.ctx, w.bob.address, new Uint8Array(1)), T0);
  receiveMessage(w.alice.ctx, w.bob.address, sendMessage(w.bob.ctx, w.alice.address, new Uint8Array(1)), T0);
}

const ADDRESSES = ['alice.1', 'bob.1', 'carol.1'];

/** Everything a refused message must leave unchanged: sessions, trust, prekeys (as hex). */
export function snapshot(d: Device): string {
  const sessions = ADDRESSES.map((a) => {
    const r = d.ctx.sessions.loadSession(a);
    return r ? `${a}:${toHex(r)}` : '';
  });
  const trust = ADDRESSES.map((a) => {
    const t = d.ctx.trust.loadTrust(a);
    return t ? `${a}:${toHex(t.identity)}:${t.verified}:${t.pendingChange ? 'pending' : ''}` : '';
  });
  const prekeys = [PREKEY_ROLE.ONE_TIME, PREKEY_ROLE.KEM_ONE_TIME].map((role) =>
    d.ctx.prekeys
      .listPreKeys(role)
      .map((p) => p.id)
      .join(','),
  );
  return JSON.stringify({ sessions, trust, prekeys });
}
