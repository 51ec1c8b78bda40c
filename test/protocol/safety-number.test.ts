import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import { encodeIdentityPublic, generateIdentity } from '../../src/protocol/identity.ts';
import {
  compareScannable,
  displayDigits,
  parseScannable,
  partyFingerprint,
  safetyNumber,
} from '../../src/protocol/safety-number.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import { Writer } from '../../src/wire/codec.ts';
import { detRandom } from './helpers/det-rng.ts';
import { SUITE } from './helpers/suites.ts';

const rnd = detRandom('safety number tests');
const alice = { stableId: 'alice.1', identity: generateIdentity(SUITE, rnd).publicKey };
const bob = { stableId: 'bob.1', identity: generateIdentity(SUITE, rnd).publicKey };

describe('safety numbers (PROTOCOL.md §7; model: Signal numeric fingerprint)', () => {
  test('fingerprint = iterated SHA-512 over (version, K = SHA-512(identity), id), recomputed with noble', () => {
    const K = sha512(encodeIdentityPublic(alice.identity));
    let h = sha512(new Writer().u16(0).fixed(K).bytes(utf8('alice.1')).finish());
    for (let i = 0; i < 5200; i++) h = sha512(concatBytes(h, K));
    expect(partyFingerprint(SUITE, alice)).toEqual(h.subarray(0, 32));
  });

  test('display digits: six 5-byte big-endian chunks mod 100000', () => {
    const f = new Uint8Array(32);
    f.set([0, 0, 0, 0x30, 0x39], 0); // 12345
    f.set([0xff, 0xff, 0xff, 0xff, 0xff], 5); // 2⁴⁰ − 1 = 1099511627775 → 27775
    expect(displayDigits(f)).toBe('12345' + '27775' + '00000'.repeat(4));
  });

  test('order-independent: both devices compute the same 60 digits and scannable payload', () => {
    const ab = safetyNumber(SUITE, alice, bob);
    const ba = safetyNumber(SUITE, bob, alice);
    expect(ab).toEqual(ba);
    expect(ab.digits).toMatch(/^\d{60}$/);
    expect(ab.display.split(' ')).toHaveLength(12);
    expect(ab.scannable.length).toBe(65);
    expect(compareScannable(ba, ab.scannableText)).toBe(true);
    expect(compareScannable(ba, ab.scannable)).toBe(true);
  });

  test('any changed key (or stable id) changes the number; mismatch is detected', () => {
    const pq = alice.identity.signingKeyPQ.slice();
    pq[1000] ^= 1;
    const variants = [
      { ...alice, identity: { ...alice.identity, signingKeyPQ: pq } },
      { ...alice, identity: { ...alice.identity, signingKeyClassical: bob.identity.signingKeyClassical } },
      { ...alice, identity: { ...alice.identity, dhKey: bob.identity.dhKey } },
      { ...alice, stableId: 'alice.2' },
    ];
    const base = safetyNumber(SUITE, alice, bob);
    for (const v of variants) {
      const other = safetyNumber(SUITE, v, bob);
      expect(other.digits).not.toBe(base.digits);
      expect(compareScannable(base, other.scannable)).toBe(false);
    }
  });

  test('scannable parsing is strict', () => {
    const sn = safetyNumber(SUITE, alice, bob);
    expect(() => parseScannable('pqmsg-sn2:00')).toThrow(expect.objectContaining({ code: 'BAD_TAG' }));
    expect(() => parseScannable(sn.scannable.subarray(1))).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    const v2 = sn.scannable.slice();
    v2[0] = 2;
    expect(() => parseScannable(v2)).toThrow(expect.objectContaining({ code: 'BAD_VERSION' }));
  });
});
