import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, test } from 'vitest';
import { verifyBundle } from '../../src/protocol/bundle.ts';
import { encodeIdentityPublic } from '../../src/protocol/identity.ts';
import {
  associatedData,
  decodeHandshakeHeader,
  encodeHandshakeHeader,
  pqxdhInitiate,
  pqxdhRespond,
  type HandshakeHeader,
} from '../../src/protocol/pqxdh.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { codeOf } from '../helpers/error-code.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, recorder, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';

const rnd = detRandom('pqxdh tests');
const alice = makeDevice(SUITE, 'alice.1', rnd);
const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 8, kemOneTime: 1 });

function bobKeys(h: HandshakeHeader) {
  const opk = h.oneTimePreKeyId === undefined ? undefined : bob.ctx.prekeys.loadPreKey(4, h.oneTimePreKeyId)!.keyPair;
  return {
    signedPreKey: bob.signedPreKey.keyPair,
    kemPreKey: bob.ctx.prekeys.loadPreKey(h.kemPreKeyRole, h.kemPreKeyId)!.keyPair,
    ...(opk ? { oneTimePreKey: opk } : {}),
  };
}

describe('PQXDH rev. 3 §3.3/§3.4 — handshake', () => {
  test('both sides derive the same SK, header keys and AD: with OPK+PQOPK, with OPK+PQSPK, without OPK', () => {
    const bundles = [fetchBundle(bob), fetchBundle(bob), fetchBundle(bob)];
    bundles[2] = { identity: bundles[2].identity, signedPreKey: bundles[2].signedPreKey, kemPreKey: bundles[2].kemPreKey };
    expect(bundles.map((b) => [b.kemPreKey.role, b.oneTimePreKey?.id])).toEqual([[3, 100], [2, 101], [2, undefined]]);
    const seen = new Set<string>();
    for (const b of bundles) {
      const { header, secrets } = pqxdhInitiate(SUITE, alice.identity, verifyBundle(SUITE, b, T0), rnd);
      const wire = decodeHandshakeHeader(encodeHandshakeHeader(header));
      const theirs = pqxdhRespond(SUITE, bob.identity, wire, bobKeys(wire));
      expect(theirs).toEqual(secrets);
      expect(secrets.sk).not.toEqual(secrets.sharedHka);
      seen.add(Buffer.from(secrets.sk).toString('hex'));
    }
    expect(seen.size).toBe(3);
  });

  test('SK = HKDF-SHA256(F ‖ DH1 ‖ DH2 ‖ DH3 ‖ DH4 ‖ SS, salt 0³², info, 96) recomputed with noble', () => {
    const { events, trace } = recorder();
    const b = verifyBundle(SUITE, fetchBundle(bob), T0);
    const { header, secrets } = pqxdhInitiate(SUITE, alice.identity, b, rnd, trace);
    const v = Object.assign({}, ...events.map((e) => e.values)) as Record<string, Uint8Array>;
    // Each DH recomputed from Bob's side with noble directly.
    const opk = bob.ctx.prekeys.loadPreKey(4, header.oneTimePreKeyId!)!.keyPair;
    expect(v.DH1).toEqual(x25519.getSharedSecret(bob.signedPreKey.keyPair.secretKey, alice.identity.publicKey.dhKey));
    expect(v.DH2).toEqual(x25519.getSharedSecret(bob.identity.dh.secretKey, header.ephemeralKey));
    expect(v.DH3).toEqual(x25519.getSharedSecret(bob.signedPreKey.keyPair.secretKey, header.ephemeralKey));
    expect(v.DH4).toEqual(x25519.getSharedSecret(opk.secretKey, header.ephemeralKey));
    const ikm = concatBytes(new Uint8Array(32).fill(0xff), v.DH1, v.DH2, v.DH3, v.DH4, v.SS);
    const okm = hkdf(sha256, ikm, new Uint8Array(32), utf8('pqmsg_v1_X25519_SHA-256_ML-KEM-768'), 96);
    expect(concatBytes(secrets.sk, secrets.sharedHka, secrets.sharedNhkb)).toEqual(okm);
    expect(events.map((e) => e.step.split(' ')[0])).toEqual(['EK_A', 'DH1', 'DH2', 'DH3', 'DH4', '(CT,', 'PQXDH', 'AD']);
    expect(events.every((e) => e.section === 'PQXDH rev. 3 §3.3')).toBe(true);
  });

  test('AD = 0x01 ‖ 0x05 ‖ IK_A ‖ 0x05 ‖ IK_B ‖ SHA-256(ID_A) ‖ SHA-256(ID_B); order matters', () => {
    const ad = associatedData(SUITE, alice.identity.publicKey, bob.identity.publicKey);
    expect(ad).toEqual(
      concatBytes(
        Uint8Array.of(1, 5), alice.identity.publicKey.dhKey, Uint8Array.of(5), bob.identity.publicKey.dhKey,
        sha256(encodeIdentityPublic(alice.identity.publicKey)), sha256(encodeIdentityPublic(bob.identity.publicKey)),
      ),
    );
    expect(associatedData(SUITE, bob.identity.publicKey, alice.identity.publicKey)).not.toEqual(ad);
  });

  test('tampering with any header field changes Bob\'s secrets (implicit authentication)', () => {
    const b = verifyBundle(SUITE, fetchBundle(bob), T0);
    const { header, secrets } = pqxdhInitiate(SUITE, alice.identity, b, rnd);
    const ct = header.kemCipherText.slice();
    ct[10] ^= 1;
    const ek = header.ephemeralKey.slice();
    ek[3] ^= 1;
    for (const h of [{ ...header, kemCipherText: ct }, { ...header, ephemeralKey: ek }]) {
      expect(pqxdhRespond(SUITE, bob.identity, h, bobKeys(header)).sk).not.toEqual(secrets.sk);
    }
  });

  test('a low-order EK_A is rejected (RFC 7748 §6.1) and wrong lengths are typed errors', () => {
    const b = verifyBundle(SUITE, fetchBundle(bob), T0);
    const { header } = pqxdhInitiate(SUITE, alice.identity, b, rnd);
    // noble's X25519 throws its own error before the oracle wrapper can map it; ours says LOW_ORDER.
    const lowOrder = SUITE.name === 'noble' ? expect.anything() : expect.objectContaining({ code: 'LOW_ORDER' });
    expect(() => pqxdhRespond(SUITE, bob.identity, { ...header, ephemeralKey: new Uint8Array(32) }, bobKeys(header))).toThrow(
      lowOrder,
    );
    expect(() =>
      pqxdhRespond(SUITE, bob.identity, { ...header, kemCipherText: header.kemCipherText.subarray(1) }, bobKeys(header)),
    ).toThrow(expect.objectContaining({ code: 'BAD_LENGTH' }));
    const { oneTimePreKey: _drop, ...noOpk } = bobKeys(header);
    expect(() => pqxdhRespond(SUITE, bob.identity, header, noOpk)).toThrow(expect.objectContaining({ code: 'PREKEY_NOT_FOUND' }));
  });

  test('handshake header codec: exact round trip, strict tags/roles/flags, no trailing bytes', () => {
    const { header } = pqxdhInitiate(SUITE, alice.identity, verifyBundle(SUITE, fetchBundle(bob), T0), rnd);
    const enc = encodeHandshakeHeader(header);
    expect(encodeHandshakeHeader(decodeHandshakeHeader(enc))).toEqual(enc);
    const at = 2020; // right after the identity
    const mutate = (o: number, v: number) => {
      const x = enc.slice();
      x[o] = v;
      return x;
    };
    expect(() => decodeHandshakeHeader(mutate(at, 0x0b))).toThrow(expect.objectContaining({ code: 'BAD_TAG' }));
    expect(() => decodeHandshakeHeader(mutate(at + 1 + 32 + 4, 1))).toThrow(expect.objectContaining({ code: 'BAD_TAG' })); // role SPK
    expect(() => decodeHandshakeHeader(mutate(at + 1 + 32 + 4 + 1 + 4, 2))).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    expect(() => decodeHandshakeHeader(Uint8Array.of(...enc, 1))).toThrow(expect.objectContaining({ code: 'TRAILING_BYTES' }));
    expect(() => decodeHandshakeHeader(enc.subarray(0, enc.length - 1))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
  });
});

describe('PQXDH — secrets are wiped on error paths too (docs/ARCHITECTURE.md §5: wipe what you own)', () => {
  /** A suite that records every DH output and DH secret it hands out, and can fail on demand. */
  function spySuite(failDhCall: number, failKem = false) {
    const outputs: Uint8Array[] = [];
    const secrets: Uint8Array[] = [];
    let calls = 0;
    const suite = {
      ...SUITE,
      dh: {
        keygen: (seed: Uint8Array) => {
          const kp = SUITE.dh.keygen(seed);
          secrets.push(kp.secretKey);
          return kp;
        },
        getSharedSecret: (sk: Uint8Array, pk: Uint8Array) => {
          if (++calls === failDhCall) throw new CryptoError('LOW_ORDER', 'spy: low-order point');
          const out = SUITE.dh.getSharedSecret(sk, pk);
          outputs.push(out);
          return out;
        },
      },
      kem: {
        ...SUITE.kem,
        encapsulate: (pk: Uint8Array, m: Uint8Array) => {
          if (failKem) throw new CryptoError('BAD_LENGTH', 'spy: encapsulation failed');
          return SUITE.kem.encapsulate(pk, m);
        },
      },
    };
    return { suite, outputs, secrets };
  }
  const zero = (b: Uint8Array) => b.every((x) => x === 0);

  test('Alice: EK_A seed and secret and the DH outputs are wiped when a later step fails', () => {
    const b = verifyBundle(SUITE, fetchBundle(bob), T0);
    const cases: [number, boolean, number][] = [[2, false, 1], [3, false, 2], [4, false, 3], [0, true, 4]];
    for (const [failDh, failKem, computed] of cases) {
      const spy = spySuite(failDh, failKem);
      const drawn: Uint8Array[] = [];
      const random = (n: number) => {
        const r = rnd(n);
        drawn.push(r);
        return r;
      };
      expect(codeOf(() => pqxdhInitiate(spy.suite, alice.identity, b, random))).toBe(failKem ? 'BAD_LENGTH' : 'LOW_ORDER');
      expect(spy.outputs).toHaveLength(computed);
      expect(spy.secrets).toHaveLength(1); // EK_A
      expect([...spy.outputs, ...spy.secrets, ...drawn].every(zero)).toBe(true);
    }
  });

  test('Bob: DH outputs are wiped on LOW_ORDER in DH2–DH4; a missing OPK fails before any DH', () => {
    const carol = makeDevice(SUITE, 'carol.1', rnd, { oneTime: 1 });
    const opk = carol.serverOneTime[0].keyPair;
    const { header } = pqxdhInitiate(SUITE, alice.identity, verifyBundle(SUITE, fetchBundle(carol), T0), rnd);
    expect(header.oneTimePreKeyId).toBeDefined();
    const keys = { signedPreKey: carol.signedPreKey.keyPair, kemPreKey: carol.lastResort.keyPair, oneTimePreKey: opk };
    for (const failDh of [2, 3, 4]) {
      const spy = spySuite(failDh);
      expect(codeOf(() => pqxdhRespond(spy.suite, carol.identity, header, keys))).toBe('LOW_ORDER');
      expect(spy.outputs).toHaveLength(failDh - 1);
      expect(spy.outputs.every(zero)).toBe(true);
    }
    const spy = spySuite(0);
    const { oneTimePreKey: _opk, ...noOpk } = keys;
    expect(codeOf(() => pqxdhRespond(spy.suite, carol.identity, header, noOpk))).toBe('PREKEY_NOT_FOUND');
    expect(spy.outputs).toHaveLength(0);
  });
});
