/** The public API named by the issues exists on src/index.ts with the documented shapes. */
import { describe, expect, test } from 'vitest';
import * as pqmsg from '../src/index.ts';

describe('public API (src/index.ts)', () => {
  test('hash, AEAD, curve, KEM and signature entry points are exported', () => {
    for (const f of ['sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'shake128', 'shake256', 'sha256', 'sha512', 'hmac', 'hkdf'] as const)
      expect(typeof pqmsg[f]).toBe('function');
    for (const aead of [pqmsg.chacha20poly1305, pqmsg.xchacha20poly1305]) {
      expect(typeof aead.seal).toBe('function');
      expect(typeof aead.open).toBe('function');
    }
    expect(Object.keys(pqmsg.x25519).sort()).toEqual(expect.arrayContaining(['keygen', 'getPublicKey', 'getSharedSecret']));
    expect(Object.keys(pqmsg.ed25519).sort()).toEqual(expect.arrayContaining(['keygen', 'getPublicKey', 'sign', 'verify']));
    for (const kem of [pqmsg.mlkem512, pqmsg.mlkem768, pqmsg.mlkem1024])
      expect(Object.keys(kem)).toEqual(expect.arrayContaining(['keygen', 'encapsulate', 'decapsulate', 'lengths']));
    for (const dsa of [pqmsg.mldsa44, pqmsg.mldsa65, pqmsg.mldsa87])
      expect(Object.keys(dsa)).toEqual(expect.arrayContaining(['keygen', 'sign', 'verify', 'lengths']));
  });

  test('one round trip through every primitive family from the public API', () => {
    const msg = pqmsg.fromHex('00010203');
    const key = pqmsg.sha256(msg);
    const nonce = pqmsg.shake128(msg, 12);
    expect(pqmsg.chacha20poly1305.open(key, nonce, pqmsg.chacha20poly1305.seal(key, nonce, msg))).toEqual(msg);
    const a = pqmsg.x25519.keygen();
    const b = pqmsg.x25519.keygen();
    expect(pqmsg.x25519.getSharedSecret(a.secretKey, b.publicKey)).toEqual(pqmsg.x25519.getSharedSecret(b.secretKey, a.publicKey));
    const e = pqmsg.ed25519.keygen();
    expect(pqmsg.ed25519.verify(e.publicKey, msg, pqmsg.ed25519.sign(e.secretKey, msg))).toBe(true);
    const k = pqmsg.mlkem768.keygen();
    const { cipherText, sharedSecret } = pqmsg.mlkem768.encapsulate(k.publicKey);
    expect(pqmsg.mlkem768.decapsulate(cipherText, k.secretKey)).toEqual(sharedSecret);
    const d = pqmsg.mldsa65.keygen();
    expect(pqmsg.mldsa65.verify(d.publicKey, msg, pqmsg.mldsa65.sign(d.secretKey, msg))).toBe(true);
  });
});
