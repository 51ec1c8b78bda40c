import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import { decodeIdentityPublic, decodeIdentitySecret } from '../../../src/protocol/identity.ts';
import { decodeSealedKey } from '../../../src/protocol/sealed-sender/sealed-key.ts';
import { openSealed } from '../../../src/protocol/sealed-sender/sealed-session.ts';
import { fromHex, toHex } from '../../../src/util/bytes.ts';
import { nobleSuite } from '../../helpers/noble-suite.ts';
import { makeVector, VECTOR_FILE, type SealedSenderVector } from './helpers/vector.ts';
import { openPerSpec } from './helpers/spec-open.ts';

const committed = JSON.parse(readFileSync(VECTOR_FILE, 'utf8')) as SealedSenderVector;

describe('sealed-sender vector (test/vectors/sealed-sender.json, PROTOCOL.md §13.9)', () => {
  test('the committed file is complete: 6 traced steps, both sides agree on DH, SS, TH and K', () => {
    expect(committed.steps.map((s) => `${s.actor}:${Object.keys(s.values).join(',')}`)).toEqual([
      'alice:E,DH,CT,SS',
      'alice:TH',
      'alice:IKM,K',
      'bob:DH,SS',
      'bob:TH',
      'bob:IKM,K',
    ]);
    const value = (actor: string, name: string) =>
      committed.steps.find((s) => s.actor === actor && name in s.values)!.values[name];
    for (const name of ['DH', 'SS', 'TH', 'IKM', 'K']) expect(value('bob', name)).toBe(value('alice', name));
    for (const s of committed.steps)
      for (const v of Object.values(s.values)) expect(v).toMatch(/^([0-9a-f]{2})+$/);
    expect(committed.sealed.slice(0, 14)).toBe('0103000000070' + '5');
    expect(committed.sealed.slice(14, 78)).toBe(value('alice', 'E'));
    expect(committed.sealed.slice(78, 78 + 2176)).toBe(value('alice', 'CT'));
  });

  test('pqmsg primitives reproduce the committed vector byte for byte', () => {
    expect(makeVector(defaultSuite)).toEqual(committed);
  });

  test('the noble-backed oracle suite reproduces it byte for byte', () => {
    expect(makeVector(nobleSuite)).toEqual(committed);
  });

  test('the committed envelope opens by the spec alone (noble opener) and by openSealed', () => {
    const sealed = fromHex(committed.sealed);
    const bob = decodeIdentitySecret(defaultSuite, fromHex(committed.bob.identitySecret));
    const sealedKey = decodeSealedKey(fromHex(committed.bob.sealedKey));
    const dk = fromHex(committed.bob.sealedKeySecret);
    const recipient = { identity: fromHex(committed.bob.identity), sealedKey: sealedKey.publicKey };
    const bySpec = openPerSpec(sealed, recipient, bob.dh.secretKey, dk);
    expect([bySpec.username, bySpec.deviceId, toHex(bySpec.envelope)]).toEqual(['alice', 1, committed.envelope]);
    const record = { ...sealedKey, keyPair: { publicKey: sealedKey.publicKey, secretKey: dk } };
    const server = decodeIdentityPublic(fromHex(committed.server.identity));
    const opened = openSealed(defaultSuite, bob, () => record, server, sealed, committed.now + 1);
    expect([opened.sender, toHex(opened.envelopeBytes)]).toEqual(['alice.1', committed.envelope]);
  });
});
