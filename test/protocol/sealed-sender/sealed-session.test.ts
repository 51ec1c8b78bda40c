import { describe, expect, test } from 'vitest';
import { DAY_MS } from '../../../src/protocol/constants.ts';
import { generateIdentity } from '../../../src/protocol/identity.ts';
import {
  issueSenderCertificate,
  type SenderCertificate,
} from '../../../src/protocol/sealed-sender/certificate.ts';
import { sealEnvelope } from '../../../src/protocol/sealed-sender/seal.ts';
import {
  decryptSealedWithRecord,
  openSealed,
  receiveSealed,
  sendSealed,
} from '../../../src/protocol/sealed-sender/sealed-session.ts';
import { sendMessage } from '../../../src/protocol/session-cipher.ts';
import { decodeSessionRecord, encodeSessionRecord } from '../../../src/protocol/session-state-codec.ts';
import { toHex, utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';
import {
  certificateFor,
  establish,
  makeSealedDevice,
  recipientOf,
  snapshot,
  T0,
  world,
} from './helpers/fixtures.ts';

const rnd = detRandom('sealed session tests');
const NOW = T0 + 1000;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('sealed sender at the session level — PROTOCOL.md §13.6', () => {
  test('a sealed conversation: first message (PREKEY), reply, MESSAGE; the sender comes from the certificate', () => {
    const w = world(rnd);
    const { alice, bob } = w;
    const bobCert = certificateFor(w.server, bob, rnd);
    const first = sendSealed(alice.ctx, bob.address, utf8('hello, sealed'), recipientOf(bob), w.aliceCert);
    const r1 = receiveSealed(bob.ctx, bob.receiver, first, NOW);
    expect([r1.sender, text(r1.plaintext), r1.newSession]).toEqual(['alice.1', 'hello, sealed', true]);
    expect(bob.ctx.trust.loadTrust('alice.1')).toBeDefined(); // pinned on first use, as §8
    const reply = sendSealed(bob.ctx, alice.address, utf8('hi back'), recipientOf(alice), bobCert);
    const r2 = receiveSealed(alice.ctx, alice.receiver, reply, NOW);
    expect([r2.sender, text(r2.plaintext), r2.newSession]).toEqual(['bob.1', 'hi back', false]);
    const third = sendSealed(alice.ctx, bob.address, utf8('third'), recipientOf(bob), w.aliceCert);
    expect(third[1]).toBe(0x03);
    const certificateCache = new Set<string>();
    const r3 = receiveSealed(bob.ctx, { ...bob.receiver, certificateCache }, third, NOW);
    expect(certificateCache.size).toBe(1);
    expect([r3.sender, text(r3.plaintext), r3.newSession]).toEqual(['alice.1', 'third', false]);
    expect(r3.certificate.username).toBe('alice');
  });

  test('every refusal is typed and changes nothing; the next good message still decrypts', () => {
    const w = world(rnd);
    const { server, alice, bob, aliceCert } = w;
    establish(w);
    const otherServer = generateIdentity(SUITE, rnd);
    const carol = makeSealedDevice('carol', server, rnd);
    const subject = { username: 'alice', deviceId: 1, identity: alice.identity.publicKey };
    const flipped = aliceCert.signature.slice();
    flipped[5] ^= 1;
    const certs: Record<string, SenderCertificate> = {
      forgedSignature: { ...aliceCert, signature: flipped },
      forgedName: { ...aliceCert, username: 'carol' },
      expired: issueSenderCertificate(SUITE, server, subject, NOW - DAY_MS, rnd),
      otherServer: issueSenderCertificate(SUITE, otherServer, subject, T0, rnd),
      otherServerRelabelled: {
        ...issueSenderCertificate(SUITE, otherServer, subject, T0, rnd),
        serverHash: aliceCert.serverHash,
      },
      // The server certifies 'alice.1' for Carol's identity: the session with alice.1 is Alice's.
      mismatched: issueSenderCertificate(
        SUITE,
        server,
        { username: 'alice', deviceId: 1, identity: carol.identity.publicKey },
        T0,
        rnd,
      ),
      carolsOwn: certificateFor(server, carol, rnd), // names carol.1, with whom Bob has no session
    };
    const sealWith = (certificate: SenderCertificate, to = recipientOf(bob)) => {
      const envelope = sendMessage(alice.ctx, bob.address, utf8('lost')); // Alice's chain advances
      return sealEnvelope(SUITE, to, { certificate, envelope }, rnd);
    };
    const good = sealWith(aliceCert);
    const bad: Record<string, Uint8Array> = {};
    for (const [name, cert] of Object.entries(certs)) bad[name] = sealWith(cert);
    bad.truncated = good.subarray(0, good.length - 1);
    bad.truncatedHeader = good.subarray(0, 600);
    const bitFlipped = good.slice();
    bitFlipped[2000] ^= 0x10;
    bad.bitFlipped = bitFlipped;
    bad.sealedToCarol = sealWith(aliceCert, recipientOf(carol));

    const before = snapshot(bob);
    const codes: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(bad)) {
      codes[name] = codeOf(() => receiveSealed(bob.ctx, bob.receiver, bytes, NOW));
      expect(snapshot(bob), name).toBe(before);
    }
    codes.expiredAtReceipt = codeOf(() => receiveSealed(bob.ctx, bob.receiver, good, aliceCert.expires));
    expect(snapshot(bob)).toBe(before);
    expect(codes).toEqual({
      forgedSignature: 'BAD_SIGNATURE',
      forgedName: 'BAD_SIGNATURE',
      expired: 'CERTIFICATE_EXPIRED',
      otherServer: 'WRONG_SERVER',
      otherServerRelabelled: 'BAD_SIGNATURE',
      mismatched: 'SENDER_MISMATCH',
      carolsOwn: 'BAD_STATE',
      truncated: 'DECRYPT_FAILED',
      truncatedHeader: 'TRUNCATED',
      bitFlipped: 'DECRYPT_FAILED',
      sealedToCarol: 'DECRYPT_FAILED',
      expiredAtReceipt: 'CERTIFICATE_EXPIRED',
    });
    // The good envelope, kept back until now, and a fresh one both decrypt; a replay does not.
    expect(text(receiveSealed(bob.ctx, bob.receiver, good, NOW).plaintext)).toBe('lost');
    const next = sendSealed(alice.ctx, bob.address, utf8('next'), recipientOf(bob), aliceCert);
    expect(text(receiveSealed(bob.ctx, bob.receiver, next, NOW).plaintext)).toBe('next');
    const afterGood = snapshot(bob);
    expect(codeOf(() => receiveSealed(bob.ctx, bob.receiver, next, NOW))).toBe('DUPLICATE_MESSAGE');
    expect(snapshot(bob)).toBe(afterGood);
  });

  test('a first message whose handshake identity is not the certified one: SENDER_MISMATCH, nothing pinned or consumed', () => {
    const w = world(rnd);
    const { server, alice, bob } = w;
    const carol = makeSealedDevice('carol', server, rnd);
    const lying = issueSenderCertificate(
      SUITE,
      server,
      { username: 'alice', deviceId: 1, identity: carol.identity.publicKey },
      T0,
      rnd,
    );
    const envelope = sendMessage(alice.ctx, bob.address, utf8('first'));
    expect(envelope[1]).toBe(0x01); // PREKEY
    const before = snapshot(bob);
    const sealed = sealEnvelope(SUITE, recipientOf(bob), { certificate: lying, envelope }, rnd);
    expect(codeOf(() => receiveSealed(bob.ctx, bob.receiver, sealed, NOW))).toBe('SENDER_MISMATCH');
    expect(snapshot(bob)).toBe(before);
    expect(bob.ctx.trust.loadTrust('alice.1')).toBeUndefined();
    // The same inner envelope under Alice's own certificate starts the session.
    const honest = sealEnvelope(SUITE, recipientOf(bob), { certificate: w.aliceCert, envelope }, rnd);
    const r = receiveSealed(bob.ctx, bob.receiver, honest, NOW);
    expect([text(r.plaintext), r.newSession]).toEqual(['first', true]);
    expect(snapshot(bob)).not.toBe(before);
  });

  test('decryptSealedWithRecord is pure: SENDER_MISMATCH leaves the record byte-identical', () => {
    const w = world(rnd);
    const { server, alice, bob } = w;
    establish(w);
    const carol = generateIdentity(SUITE, rnd);
    const lying = issueSenderCertificate(
      SUITE,
      server,
      { username: 'alice', deviceId: 1, identity: carol.publicKey },
      T0,
      rnd,
    );
    const envelope = sendMessage(alice.ctx, bob.address, utf8('pure'));
    const recordBytes = bob.ctx.sessions.loadSession('alice.1')!;
    const record = decodeSessionRecord(recordBytes);
    const open = (certificate: SenderCertificate) => {
      const sealed = sealEnvelope(SUITE, recipientOf(bob), { certificate, envelope }, rnd);
      const keys = (id: number) => (id === bob.sealedKey.id ? bob.sealedKey : undefined);
      return openSealed(SUITE, bob.identity, keys, server.publicKey, sealed, NOW);
    };
    const lyingOpened = open(lying);
    expect(lyingOpened.sender).toBe('alice.1');
    expect(codeOf(() => decryptSealedWithRecord(SUITE, record, lyingOpened, rnd))).toBe('SENDER_MISMATCH');
    expect(toHex(encodeSessionRecord(record))).toBe(toHex(recordBytes));
    const out = decryptSealedWithRecord(SUITE, record, open(w.aliceCert), rnd);
    expect(text(out.plaintext)).toBe('pure');
  });

  test('sendSealed to an identity that is not the pinned one: UNTRUSTED_IDENTITY, the session does not advance', () => {
    const w = world(rnd);
    const { alice, bob } = w;
    const carol = makeSealedDevice('carol', w.server, rnd);
    const before = snapshot(alice);
    const wrong = { ...recipientOf(carol) };
    expect(codeOf(() => sendSealed(alice.ctx, bob.address, utf8('x'), wrong, w.aliceCert))).toBe('UNTRUSTED_IDENTITY');
    expect(snapshot(alice)).toBe(before);
  });
});
