/**
 * Conformance with docs/PROTOCOL.md: the initialization, a first message (with its PQ ratchet
 * message and hybrid message key) and the receiver's DH step are recomputed from the document's
 * formulas alone, with independent primitives (node:crypto HKDF/HMAC/ChaCha20-Poly1305, @noble
 * X25519, XChaCha20-Poly1305, ML-KEM-768 and SHA3-256), and must match the ratchet byte for byte.
 */
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha3_256 } from '@noble/hashes/sha3.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { describe, expect, test } from 'vitest';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  ratchetInitAlice,
  ratchetInitBob,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import { concatBytes, utf8 } from '../../../src/util/bytes.ts';
import { detRandom, suite } from './helpers.ts';

const hkdf = (ikm: Uint8Array, salt: Uint8Array, info: string, len: number) =>
  new Uint8Array(hkdfSync('sha256', ikm, salt, utf8(info), len));
const hmac = (k: Uint8Array, b: number) =>
  new Uint8Array(createHmac('sha256', k).update(Uint8Array.of(b)).digest());
const kdfRK = (rk: Uint8Array, dh: Uint8Array) => {
  const okm = hkdf(dh, rk, 'pqmsg v1 ratchet KDF_RK', 96); // §5.3
  return { rk: okm.slice(0, 32), ck: okm.slice(32, 64), nhk: okm.slice(64, 96) };
};
const u32be = (x: number) => Uint8Array.of(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);

/** A RandomSource that hands out the given chunks in order (and fails if asked for more). */
function script(...chunks: Uint8Array[]) {
  return (n: number) => {
    const c = chunks.shift();
    if (c === undefined || c.length !== n) throw new Error(`unexpected random(${n})`);
    return c.slice();
  };
}

describe('docs/PROTOCOL.md §5.2–§5.7 and §5.12 recomputed independently', () => {
  const r = detRandom('interop');
  const kemSeed = r(64);
  const SK = r(32);
  const hka = r(32);
  const nhkb = r(32);
  const spkSecret = r(32);
  const spkPublic = x25519.getPublicKey(spkSecret);
  const aliceSeed = r(32);
  const bobSeed = r(32);
  const hnonce = r(24);
  const AD = r(70);
  const plaintext = utf8('interop: a message any implementation can produce');

  const alice = ratchetInitAlice(suite, SK, spkPublic, hka, nhkb, script(aliceSeed));
  const bob = ratchetInitBob(suite, SK, { secretKey: spkSecret, publicKey: spkPublic }, hka, nhkb);

  // §5.12.3: RK₀ ‖ PQ₀ = HKDF(SK, 0³², "pqmsg v2 triple ratchet init", 64)
  const split = hkdf(SK, new Uint8Array(32), 'pqmsg v2 triple ratchet init', 64);
  const RK0 = split.slice(0, 32);
  const PQ0 = split.slice(32, 64);

  test('§5.2 RatchetInitAliceHE: RK, CKs, NHKs = KDF_RK(RK₀, DH(DHs, SPK_B)); HKs, NHKr', () => {
    const alicePublic = x25519.getPublicKey(aliceSeed);
    const root = kdfRK(RK0, x25519.getSharedSecret(aliceSeed, spkPublic));
    expect(alice.dhSend.publicKey).toEqual(alicePublic);
    expect(alice.rootKey).toEqual(root.rk);
    expect(alice.chainKeySend).toEqual(root.ck);
    expect(alice.nextHeaderKeySend).toEqual(root.nhk);
    expect(alice.headerKeySend).toEqual(hka);
    expect(alice.nextHeaderKeyRecv).toEqual(nhkb);
    expect(bob.rootKey).toEqual(RK0);
    expect(bob.nextHeaderKeySend).toEqual(nhkb);
    expect(bob.nextHeaderKeyRecv).toEqual(hka);
  });

  test('§5.3–§5.6, §5.12 first message: exact bytes from the formulas', () => {
    const random = script(kemSeed, hnonce); // §5.12.5: the keyholder samples (dk, ek) first
    const { message, state } = ratchetEncrypt(suite, alice, plaintext, AD, random);
    const mk = hmac(alice.chainKeySend!, 0x01);
    // §5.12.3: epoch-0 chains, then the first key of Alice's (initiator → responder) chain.
    const chains = hkdf(PQ0, new Uint8Array(32), 'pqmsg v2 pq chain start', 96);
    const next = concatBytes(utf8('pqmsg v2 pq chain next'), u32be(0), Uint8Array.of(0x01));
    const pqMk = new Uint8Array(createHmac('sha256', chains.slice(32, 64)).update(next).digest());
    // §5.12.4: epoch 0, counter 0, kind 1 (ek header), index 0, chunk = (ρ ‖ H(ek) ‖ MAC)[0..48).
    const { publicKey: ek } = ml_kem768.keygen(kemSeed);
    const chunk0 = concatBytes(ek.subarray(1152), sha3_256(ek)).subarray(0, 48);
    const pq = concatBytes(u32be(0), u32be(0), Uint8Array.of(1, 0, 0), chunk0);
    const header = concatBytes(alice.dhSend.publicKey, u32be(0), u32be(0), pq);
    const sealedHeader = xchacha20poly1305(hka, hnonce, Uint8Array.of(0x02)).encrypt(header);
    const encHeader = concatBytes(Uint8Array.of(0x02), hnonce, sealedHeader);
    const okm = hkdf(mk, pqMk, 'pqmsg v2 ratchet message keys', 44); // KDF_HYBRID
    const cipher = createCipheriv('chacha20-poly1305', okm.subarray(0, 32), okm.subarray(32, 44), {
      authTagLength: 16,
    });
    cipher.setAAD(concatBytes(AD, encHeader), { plaintextLength: plaintext.length });
    const body = concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
    expect(message).toEqual(concatBytes(encHeader, body));
    expect(state.chainKeySend).toEqual(hmac(alice.chainKeySend!, 0x02));
    expect(state.nSend).toBe(1);
  });

  test('§5.7 DHRatchet on the first receive: every state field from the formulas', () => {
    const { message } = ratchetEncrypt(suite, alice, plaintext, AD, script(kemSeed, hnonce));
    const { state, plaintext: got } = ratchetDecrypt(suite, bob, message, AD, script(bobSeed));
    expect(got).toEqual(plaintext);
    const recv = kdfRK(RK0, x25519.getSharedSecret(spkSecret, alice.dhSend.publicKey));
    const send = kdfRK(recv.rk, x25519.getSharedSecret(bobSeed, alice.dhSend.publicKey));
    expect(state.dhRecv).toEqual(alice.dhSend.publicKey);
    expect(state.headerKeySend).toEqual(nhkb); // HKs ← NHKs
    expect(state.headerKeyRecv).toEqual(hka); // HKr ← NHKr
    expect(state.nextHeaderKeyRecv).toEqual(recv.nhk);
    expect(state.chainKeyRecv).toEqual(hmac(recv.ck, 0x02)); // one KDF_CK step for N = 0
    expect(state.dhSend.publicKey).toEqual(x25519.getPublicKey(bobSeed));
    expect(state.rootKey).toEqual(send.rk);
    expect(state.chainKeySend).toEqual(send.ck);
    expect(state.nextHeaderKeySend).toEqual(send.nhk);
    expect([state.nSend, state.nRecv, state.prevChainLength]).toEqual([0, 1, 0]);
    expect(state.skipped).toEqual([]);
  });
});
