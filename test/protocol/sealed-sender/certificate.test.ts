import { describe, expect, test } from 'vitest';
import { DAY_MS, HYBRID_SIGNATURE_BYTES, SIGNATURE_LABEL_PREKEY } from '../../../src/protocol/constants.ts';
import { hybridVerify } from '../../../src/protocol/hybrid-signature.ts';
import { encodeIdentityPublic, generateIdentity } from '../../../src/protocol/identity.ts';
import {
  certificatePayload,
  certifiesIdentity,
  decodeSenderCertificate,
  encodeSenderCertificate,
  issueSenderCertificate,
  verifySenderCertificate,
  type SenderCertificate,
} from '../../../src/protocol/sealed-sender/certificate.ts';
import {
  SEALED_SIZES,
  SIGNATURE_LABEL_SENDER_CERTIFICATE,
} from '../../../src/protocol/sealed-sender/constants.ts';
import { bytesEqual } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { T0 } from '../helpers/fixtures.ts';
import { SUITE } from '../helpers/suites.ts';

const rnd = detRandom('sealed sender certificate tests');
const server = generateIdentity(SUITE, rnd);
const otherServer = generateIdentity(SUITE, rnd);
const alice = generateIdentity(SUITE, rnd);
const carol = generateIdentity(SUITE, rnd);
const subject = { username: 'alice', deviceId: 1, identity: alice.publicKey };
const cert = issueSenderCertificate(SUITE, server, subject, T0, rnd);

const verify = (c: SenderCertificate, now = T0 + 1000, srv = server.publicKey) =>
  codeOf(() => verifySenderCertificate(SUITE, c, srv, now));

describe('sender certificate — PROTOCOL.md §13.2', () => {
  test('issued for 24 h, names the subject and the server by hash, and verifies', () => {
    expect(cert.expires).toBe(T0 + DAY_MS);
    expect(cert.username).toBe('alice');
    expect(cert.deviceId).toBe(1);
    expect(bytesEqual(cert.identityHash, SUITE.sha256(encodeIdentityPublic(alice.publicKey)))).toBe(true);
    expect(bytesEqual(cert.serverHash, SUITE.sha256(encodeIdentityPublic(server.publicKey)))).toBe(true);
    expect(verify(cert)).toBe('no error');
    expect(certifiesIdentity(SUITE, cert, alice.publicKey)).toBe(true);
    expect(certifiesIdentity(SUITE, cert, carol.publicKey)).toBe(false);
  });

  test('encoding: payload ‖ signature, the documented size, and a strict round trip', () => {
    const bytes = encodeSenderCertificate(cert);
    expect(bytes.length).toBe(SEALED_SIZES.CERTIFICATE_FIXED + 5);
    expect(bytes[0]).toBe(1);
    expect(bytes.subarray(1, 10)).toEqual(Uint8Array.of(0, 0, 0, 5, 0x61, 0x6c, 0x69, 0x63, 0x65));
    expect(bytes.subarray(bytes.length - HYBRID_SIGNATURE_BYTES)).toEqual(cert.signature);
    expect(decodeSenderCertificate(bytes)).toEqual(cert);
    expect(encodeSenderCertificate(decodeSenderCertificate(bytes))).toEqual(bytes);
  });

  test('expiry: valid until the last millisecond before `expires`, CERTIFICATE_EXPIRED from then on', () => {
    expect(verify(cert, cert.expires - 1)).toBe('no error');
    expect(verify(cert, cert.expires)).toBe('CERTIFICATE_EXPIRED');
    expect(verify(cert, cert.expires + 30 * DAY_MS)).toBe('CERTIFICATE_EXPIRED');
  });

  test('a certificate of another server is WRONG_SERVER; one claiming ours but signed by another is BAD_SIGNATURE', () => {
    const foreign = issueSenderCertificate(SUITE, otherServer, subject, T0, rnd);
    expect(verify(foreign)).toBe('WRONG_SERVER');
    expect(verify(foreign, T0, otherServer.publicKey)).toBe('no error'); // teeth: valid for its own server
    const relabelled = { ...foreign, serverHash: cert.serverHash };
    expect(verify(relabelled)).toBe('BAD_SIGNATURE');
  });

  test('forgeries: any changed field, and either signature half alone, is BAD_SIGNATURE', () => {
    const flip = (s: Uint8Array, i: number) => {
      const out = s.slice();
      out[i] ^= 1;
      return out;
    };
    const forged: SenderCertificate[] = [
      { ...cert, username: 'alicf' },
      { ...cert, deviceId: 2 },
      { ...cert, identityHash: SUITE.sha256(encodeIdentityPublic(carol.publicKey)) },
      { ...cert, expires: cert.expires + 1 },
      { ...cert, signature: flip(cert.signature, 10) }, // Ed25519 half
      { ...cert, signature: flip(cert.signature, 64 + 100) }, // ML-DSA-65 half
    ];
    expect(forged.map((c) => verify(c))).toEqual(Array(6).fill('BAD_SIGNATURE'));
  });

  test('domain separation: the certificate signature is not valid under the prekey label', () => {
    const payload = certificatePayload(cert);
    const srv = server.publicKey;
    expect(hybridVerify(SUITE, srv, SIGNATURE_LABEL_SENDER_CERTIFICATE, payload, cert.signature)).toBe(true);
    expect(hybridVerify(SUITE, srv, SIGNATURE_LABEL_PREKEY, payload, cert.signature)).toBe(false);
  });

  test('strict decoding: version, username length and UTF-8, truncation, trailing bytes', () => {
    const bytes = encodeSenderCertificate(cert);
    const badVersion = bytes.slice();
    badVersion[0] = 2;
    const badUtf8 = bytes.slice();
    badUtf8[5] = 0xff;
    const emptyName = Uint8Array.of(1, 0, 0, 0, 0, ...bytes.subarray(10));
    const longName = Uint8Array.of(1, 0, 0, 0, 33, ...new Uint8Array(33).fill(0x61), ...bytes.subarray(10));
    const cases = {
      badVersion: codeOf(() => decodeSenderCertificate(badVersion)),
      badUtf8: codeOf(() => decodeSenderCertificate(badUtf8)),
      emptyName: codeOf(() => decodeSenderCertificate(emptyName)),
      longName: codeOf(() => decodeSenderCertificate(longName)),
      truncated: codeOf(() => decodeSenderCertificate(bytes.subarray(0, bytes.length - 1))),
      trailing: codeOf(() => decodeSenderCertificate(Uint8Array.of(...bytes, 0))),
      notBytes: codeOf(() => decodeSenderCertificate('cert' as never)),
    };
    expect(cases).toEqual({
      badVersion: 'BAD_VERSION',
      badUtf8: 'BAD_VALUE',
      emptyName: 'BAD_VALUE',
      longName: 'BAD_VALUE',
      truncated: 'TRUNCATED',
      trailing: 'TRAILING_BYTES',
      notBytes: 'BAD_TYPE',
    });
    expect(codeOf(() => issueSenderCertificate(SUITE, server, { ...subject, username: '' }, T0, rnd))).toBe('BAD_VALUE');
  });

  test('a cache of verified certificates skips only the signature check, and only for the same bytes', () => {
    let pqVerifies = 0;
    const counting = {
      ...SUITE,
      sigPQ: { ...SUITE.sigPQ, verify: (...a: Parameters<typeof SUITE.sigPQ.verify>) => (pqVerifies++, SUITE.sigPQ.verify(...a)) },
    };
    const cache = new Set<string>();
    const check = (c: SenderCertificate, now = T0 + 1000) =>
      codeOf(() => verifySenderCertificate(counting, c, server.publicKey, now, cache));
    expect([check(cert), pqVerifies, cache.size]).toEqual(['no error', 1, 1]);
    expect([check(cert), pqVerifies]).toEqual(['no error', 1]); // cached
    expect(check(cert, cert.expires)).toBe('CERTIFICATE_EXPIRED'); // expiry is never cached
    const sig = cert.signature.slice();
    sig[3000] ^= 1;
    expect([check({ ...cert, signature: sig }), check({ ...cert, signature: sig })]).toEqual([
      'BAD_SIGNATURE',
      'BAD_SIGNATURE',
    ]);
    expect([pqVerifies, cache.size]).toEqual([3, 1]); // failures are re-checked, never cached
    const foreign = issueSenderCertificate(SUITE, otherServer, subject, T0, rnd);
    expect(check(foreign)).toBe('WRONG_SERVER');
  });
});
