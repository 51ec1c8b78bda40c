import { readFileSync } from 'node:fs';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, test } from 'vitest';
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import { decodeAccountData } from '../../../src/protocol/devices/link.ts';
import { decodeSignedDeviceList, verifyDeviceList } from '../../../src/protocol/devices/device-list.ts';
import { decodeIdentityPublic } from '../../../src/protocol/identity.ts';
import { fromHex, toHex } from '../../../src/util/bytes.ts';
import { nobleSuite } from '../../helpers/noble-suite.ts';
import { makeVector, VECTOR_FILE, type DevicesVector } from './helpers/vector.ts';

const committed = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as DevicesVector;
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('devices vector (test/vectors/devices.json, PROTOCOL.md §14.5)', () => {
  test('the committed file is complete: 6 traced steps, both sides agree on DH, SS, TH and K', () => {
    expect(committed.steps.map((s) => `${s.actor}:${Object.keys(s.values).join(',')}`)).toEqual([
      'primary:X,DH,CT,SS',
      'primary:TH',
      'primary:IKM,K',
      'new:DH,SS',
      'new:TH',
      'new:IKM,K',
    ]);
    const value = (actor: string, name: string) =>
      committed.steps.find((s) => s.actor === actor && name in s.values)!.values[name];
    for (const name of ['DH', 'SS', 'TH', 'IKM', 'K']) expect(value('new', name)).toBe(value('primary', name));
    expect(committed.linkCode.slice(32)).toBe(toHex(sha256(fromHex(committed.linkRequest))));
    expect(committed.linkResponse.slice(0, 4 + 64)).toBe('0105' + value('primary', 'X'));
  });

  test('pqmsg primitives reproduce the committed vector byte for byte', () => {
    expect(makeVector(defaultSuite)).toEqual(committed);
  });

  test('the noble-backed oracle suite reproduces it byte for byte', () => {
    expect(makeVector(nobleSuite)).toEqual(committed);
  });

  test('the committed response opens by the spec alone (noble primitives) to the committed account data', () => {
    const response = fromHex(committed.linkResponse);
    const header = response.subarray(0, 2 + 32 + 1088);
    const X = response.subarray(2, 34);
    const CT = response.subarray(34, 34 + 1088);
    const DH = x25519.getSharedSecret(fromHex(committed.newDevice.ephemeralSecret), X);
    const SS = ml_kem768.decapsulate(CT, fromHex(committed.newDevice.kemSecret));
    const TH = sha256(cat(header, sha256(fromHex(committed.linkRequest))));
    const info = cat(new TextEncoder().encode('pqmsg_v1_link_X25519_ML-KEM-768_SHA-256'), TH);
    const K = hkdf(sha256, cat(DH, SS), new Uint8Array(32), info, 32);
    const plaintext = chacha20poly1305(K, new Uint8Array(12), TH).decrypt(response.subarray(header.length));
    const account = decodeAccountData(plaintext);
    expect([account.username, account.deviceId, account.contacts.map((c) => c.name)]).toEqual(['alice', 2, ['carol']]);
    const primary = decodeIdentityPublic(fromHex(committed.primary.identity));
    const v1 = decodeSignedDeviceList(fromHex(committed.deviceListV1));
    const v2 = verifyDeviceList(defaultSuite, primary, 'alice', decodeSignedDeviceList(fromHex(committed.deviceListV2)), v1);
    expect(v2.devices.map((d) => [d.deviceId, toHex(d.identityHash)])).toEqual([
      [1, toHex(sha256(fromHex(committed.primary.identity)))],
      [2, toHex(sha256(fromHex(committed.newDevice.identity)))],
    ]);
  });
});
