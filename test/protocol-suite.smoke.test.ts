import { describe, expect, test } from 'vitest';
import { nobleSuite } from './helpers/noble-suite.ts';

describe('noble-backed protocol suite (test oracle)', () => {
  test('binds every primitive', () => {
    const seed = new Uint8Array(32).fill(7);
    const a = nobleSuite.dh.keygen(seed);
    const b = nobleSuite.dh.keygen(new Uint8Array(32).fill(9));
    expect(nobleSuite.dh.getSharedSecret(a.secretKey, b.publicKey)).toEqual(nobleSuite.dh.getSharedSecret(b.secretKey, a.publicKey));
    const k = nobleSuite.kem.keygen(new Uint8Array(64).fill(1));
    const { cipherText, sharedSecret } = nobleSuite.kem.encapsulate(k.publicKey, new Uint8Array(32).fill(2));
    expect(nobleSuite.kem.decapsulate(cipherText, k.secretKey)).toEqual(sharedSecret);
    for (const sig of [nobleSuite.sigClassical, nobleSuite.sigPQ]) {
      const kp = sig.keygen(seed);
      const s = sig.sign(kp.secretKey, seed, new Uint8Array(32));
      expect(sig.verify(kp.publicKey, seed, s)).toBe(true);
      expect(sig.verify(kp.publicKey, new Uint8Array(1), s)).toBe(false);
    }
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(12);
    const ct = nobleSuite.aead.seal(key, nonce, seed, new Uint8Array(0));
    expect(nobleSuite.aead.open(key, nonce, ct, new Uint8Array(0))).toEqual(seed);
    ct[0] ^= 1;
    expect(() => nobleSuite.aead.open(key, nonce, ct, new Uint8Array(0))).toThrow(/tag mismatch/);
  });
});
