import { describe, expect, test } from 'vitest';
import { ENVELOPE_TYPE, SIZES } from '../../../src/protocol/constants.ts';
import { encodeEnvelope } from '../../../src/protocol/envelope.ts';
import { encodeIdentityPublic, generateIdentity } from '../../../src/protocol/identity.ts';
import { encodeSenderCertificate } from '../../../src/protocol/sealed-sender/certificate.ts';
import { SEALED_SIZES } from '../../../src/protocol/sealed-sender/constants.ts';
import { pad, padme } from '../../../src/protocol/sealed-sender/padding.ts';
import {
  encodeSealedContent,
  sealEnvelope,
  unsealEnvelope,
  type SealedContent,
} from '../../../src/protocol/sealed-sender/seal.ts';
import { generateSealedKey, type SealedKeyRecord } from '../../../src/protocol/sealed-sender/sealed-key.ts';
import { sendMessage } from '../../../src/protocol/session-cipher.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import { concatBytes, toHex, utf8 } from '../../../src/util/bytes.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';
import { SUITE } from '../helpers/suites.ts';
import { establish, recipientOf, T0, world } from './helpers/fixtures.ts';
import { openPerSpec } from './helpers/spec-open.ts';

const rnd = detRandom('sealed envelope tests');
const { alice, bob, aliceCert } = world(rnd);
const carol = generateIdentity(SUITE, rnd);
const carolKey = generateSealedKey(SUITE, carol, bob.sealedKey.id, T0, rnd); // same key id as Bob's

const inner = (n: number) => encodeEnvelope({ type: ENVELOPE_TYPE.MESSAGE, message: new Uint8Array(n).fill(0x5a) });
const content = (n: number): SealedContent => ({ certificate: aliceCert, envelope: inner(n) });
const seal = (c: SealedContent, trace?: (e: TraceEvent) => void) => sealEnvelope(SUITE, recipientOf(bob), c, rnd, trace);
const lookup = (rec: SealedKeyRecord) => (id: number) => (id === rec.id ? rec : undefined);
const unsealAsBob = (bytes: Uint8Array) => unsealEnvelope(SUITE, bob.identity, lookup(bob.sealedKey), bytes);
const contains = (hay: Uint8Array, needle: Uint8Array) => toHex(hay).includes(toHex(needle));

describe('sealed envelope — PROTOCOL.md §13.4', () => {
  test('round trip; layout version ‖ 0x03 ‖ keyId ‖ 0x05 ‖ E ‖ CT ‖ AEAD(pad(content)); size = 1127 + Padmé + 16', () => {
    for (const n of [0, 1, 100, 1000, 5000]) {
      const c = content(n);
      const sealed = seal(c);
      expect([...sealed.subarray(0, 7)]).toEqual([1, 3, 0, 0, 0, bob.sealedKey.id, 5]);
      expect(SEALED_SIZES.HEADER).toBe(1127);
      const contentLength = encodeSealedContent(c).length;
      expect(sealed.length).toBe(1127 + padme(contentLength + 1) + 16);
      const opened = unsealAsBob(sealed);
      expect(opened.envelope).toEqual(c.envelope);
      expect(encodeSenderCertificate(opened.certificate)).toEqual(encodeSenderCertificate(aliceCert));
    }
  });

  test('the sender appears nowhere in clear: no username, identity key, identity hash or certificate bytes', () => {
    const sealed = seal(content(50));
    const aliceId = alice.identity.publicKey;
    for (const needle of [
      utf8('alice'),
      aliceId.dhKey,
      aliceId.signingKeyClassical,
      aliceId.signingKeyPQ.subarray(0, 32),
      aliceCert.identityHash,
      aliceCert.signature.subarray(0, 32),
    ])
      expect(contains(sealed, needle)).toBe(false);
    // Teeth: the same search finds them in the certificate encoding itself.
    expect(contains(encodeSenderCertificate(aliceCert), utf8('alice'))).toBe(true);
    expect(contains(encodeSenderCertificate(aliceCert), aliceCert.identityHash)).toBe(true);
    // Fresh randomness per envelope: same content, unrelated bytes after the key id.
    const again = seal(content(50));
    expect(toHex(again.subarray(7, 39))).not.toBe(toHex(sealed.subarray(7, 39)));
  });

  test('wrong recipient, unknown key id: DECRYPT_FAILED, PREKEY_NOT_FOUND', () => {
    const sealed = seal(content(10));
    expect(codeOf(() => unsealEnvelope(SUITE, carol, lookup(carolKey), sealed))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => unsealEnvelope(SUITE, bob.identity, () => undefined, sealed))).toBe('PREKEY_NOT_FOUND');
    // Bob's identity with Carol's KEM key, and Carol's identity with Bob's KEM key, fail too.
    expect(codeOf(() => unsealEnvelope(SUITE, bob.identity, lookup(carolKey), sealed))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => unsealEnvelope(SUITE, carol, lookup(bob.sealedKey), sealed))).toBe('DECRYPT_FAILED');
  });

  test('truncated envelopes are typed errors at every structural boundary', () => {
    const sealed = seal(content(20));
    const cuts = [0, 1, 2, 6, 7, 38, 39, 1126, 1127, 1127 + 16, sealed.length - 16, sealed.length - 1];
    const codes = cuts.map((n) => codeOf(() => unsealAsBob(sealed.subarray(0, n))));
    expect(codes).toEqual([
      ...Array(9).fill('TRUNCATED'),
      'TRUNCATED', // tag alone, no room for the padding marker
      'DECRYPT_FAILED',
      'DECRYPT_FAILED',
    ]);
    expect(codeOf(() => unsealAsBob(concatBytes(sealed, Uint8Array.of(0))))).toBe('DECRYPT_FAILED');
  });

  test('a flipped bit anywhere is a typed error: header fields by name, E, CT, body and tag DECRYPT_FAILED', () => {
    const sealed = seal(content(300));
    const flipAt = (i: number) => {
      const x = sealed.slice();
      x[i] ^= 0x01;
      return codeOf(() => unsealAsBob(x));
    };
    expect([flipAt(0), flipAt(1), flipAt(5), flipAt(6)]).toEqual([
      'BAD_VERSION',
      'BAD_TAG',
      'PREKEY_NOT_FOUND',
      'BAD_TAG',
    ]);
    const positions = [7, 20, 38, 39, 500, 1126, 1127, 1200, sealed.length - 17, sealed.length - 1];
    for (let i = 0; i < 30; i++) positions.push(1127 + ((i * 1_000_003) % (sealed.length - 1127)));
    const codes = new Set(positions.map(flipAt));
    expect([...codes]).toEqual(['DECRYPT_FAILED']);
    expect(positions).toHaveLength(40);
  });

  test('authenticated but malformed content: bad padding is BAD_PADDING, a bad content version BAD_VERSION', () => {
    // Re-encrypt chosen plaintexts under the K and TH of a genuine envelope (taken from the trace).
    const values: Record<string, Uint8Array> = {};
    const sealed = seal(content(40), (e) => Object.assign(values, e.values));
    const header = sealed.subarray(0, 1127);
    const forge = (plaintext: Uint8Array) =>
      concatBytes(header, SUITE.aead.seal(values.K, new Uint8Array(12), plaintext, values.TH));
    const good = pad(encodeSealedContent(content(40)));
    expect(unsealAsBob(forge(good)).envelope).toEqual(inner(40)); // teeth: the forge works
    const noMarker = good.slice();
    noMarker[noMarker.lastIndexOf(0x80)] = 0x81;
    const overPadded = concatBytes(good, new Uint8Array(64));
    const badVersion = good.slice();
    badVersion[0] = 2;
    expect([forge(noMarker), forge(overPadded), forge(badVersion)].map((x) => codeOf(() => unsealAsBob(x)))).toEqual([
      'BAD_PADDING',
      'BAD_PADDING',
      'BAD_VERSION',
    ]);
  });
});

describe('hybrid: breaking one half is not enough — PROTOCOL.md §13.8', () => {
  // The adversary opens by the spec (spec-open.ts, noble primitives) with the secrets it is given.
  const sealed = seal(content(64));
  const recipient = {
    identity: encodeIdentityPublic(bob.identity.publicKey),
    sealedKey: bob.sealedKey.publicKey,
  };
  const x25519Secret = bob.identity.dh.secretKey;
  const kemSecret = bob.sealedKey.keyPair.secretKey;
  const otherKem = SUITE.kem.keygen(new Uint8Array(64).fill(9)).secretKey;
  const otherX25519 = [carol.dh.secretKey, new Uint8Array(32).fill(1), alice.identity.dh.secretKey];

  test('with both secrets the adversary recovers the sender (teeth)', () => {
    const opened = openPerSpec(sealed, recipient, x25519Secret, kemSecret);
    expect(opened.username).toBe('alice');
    expect(opened.deviceId).toBe(1);
    expect(opened.identityHash).toEqual(SUITE.sha256(encodeIdentityPublic(alice.identity.publicKey)));
    expect(opened.envelope).toEqual(inner(64));
  });

  test('with the X25519 identity secret (discrete logs solved) but not the ML-KEM secret: nothing opens', () => {
    // Without dk_S the adversary's best SS is a decapsulation under another key (implicit rejection).
    expect(() => openPerSpec(sealed, recipient, x25519Secret, otherKem)).toThrow(/invalid tag/);
    expect(() => openPerSpec(sealed, recipient, x25519Secret, bob.lastResort.keyPair.secretKey)).toThrow(/invalid tag/);
  });

  test('with the ML-KEM secret but not the X25519 secret: nothing opens', () => {
    for (const guess of otherX25519) expect(() => openPerSpec(sealed, recipient, guess, kemSecret)).toThrow(/invalid tag/);
  });

  test('the key binds the recipient: right secrets but another recipient identity or ek in TH fail', () => {
    const wrongId = { ...recipient, identity: encodeIdentityPublic(carol.publicKey) };
    const wrongEk = { ...recipient, sealedKey: carolKey.publicKey };
    expect(() => openPerSpec(sealed, wrongId, x25519Secret, kemSecret)).toThrow(/invalid tag/);
    expect(() => openPerSpec(sealed, wrongEk, x25519Secret, kemSecret)).toThrow(/invalid tag/);
  });
});

describe('sizes — PROTOCOL.md §13.5', () => {
  test('1,000 random message lengths 0..4096 over a live session give at most 19 stored sizes', () => {
    const w = world(rnd);
    establish(w);
    const to = recipientOf(w.bob);
    const lengths = detRandom('sealed sizes');
    const sizes = new Set<number>();
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < 1000; i++) {
      const r = lengths(2);
      const n = ((r[0] << 8) | r[1]) % 4097;
      lo = Math.min(lo, n);
      hi = Math.max(hi, n);
      const envelope = sendMessage(w.alice.ctx, w.bob.address, new Uint8Array(n));
      expect(envelope[1]).toBe(ENVELOPE_TYPE.MESSAGE);
      const c = { certificate: w.aliceCert, envelope };
      const contentLength = encodeSealedContent(c).length;
      const sealed = sealEnvelope(SUITE, to, c, rnd);
      expect(sealed.length).toBe(SEALED_SIZES.HEADER + padme(contentLength + 1) + SEALED_SIZES.TAG);
      sizes.add(sealed.length);
    }
    expect(lo).toBeLessThan(50);
    expect(hi).toBeGreaterThan(4040);
    expect(sizes.size).toBeLessThanOrEqual(19);
    expect(sizes.size).toBeGreaterThan(10); // teeth: the lengths did spread over several buckets
    expect(Math.min(...sizes)).toBe(SEALED_SIZES.HEADER + 3712 + 16);
    expect(SIZES.ML_KEM_768_CIPHERTEXT).toBe(1088);
  });
});
