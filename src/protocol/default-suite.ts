/**
 * The shipped protocol Suite: pqmsg's own primitives, each written from its standard —
 * X25519 (RFC 7748), ML-KEM-768 (FIPS 203), Ed25519 (RFC 8032), ML-DSA-65 (FIPS 204),
 * ChaCha20-Poly1305 (RFC 8439), XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha), HKDF/HMAC-SHA256
 * (RFC 5869 / RFC 2104), SHA-256/512 (FIPS 180-4). test/protocol/crosscheck.test.ts checks that
 * the protocol transcript on this suite is byte-identical to the one on the noble-backed oracle.
 * Side channels: as documented by each primitive's module; this file only binds them.
 */
import { chacha20poly1305, xchacha20poly1305 } from '../aead/index.ts';
import { ed25519, x25519 } from '../curve25519/index.ts';
import { hkdf, hmac, sha256, sha512 } from '../hash/index.ts';
import { mldsa65 } from '../mldsa/index.ts';
import { mlkem768 } from '../mlkem/index.ts';
import type { Suite } from './suite.ts';

export const defaultSuite: Suite = Object.freeze({
  name: 'pqmsg',
  dh: {
    keygen: (seed: Uint8Array) => x25519.keygen(seed),
    getSharedSecret: (secretKey: Uint8Array, publicKey: Uint8Array) =>
      x25519.getSharedSecret(secretKey, publicKey),
  },
  kem: {
    keygen: (seed: Uint8Array) => mlkem768.keygen(seed),
    encapsulate: (publicKey: Uint8Array, m: Uint8Array) => mlkem768.encapsulate(publicKey, m),
    decapsulate: (cipherText: Uint8Array, secretKey: Uint8Array) =>
      mlkem768.decapsulate(cipherText, secretKey),
  },
  sigClassical: {
    keygen: (seed: Uint8Array) => ed25519.keygen(seed),
    sign: (secretKey: Uint8Array, message: Uint8Array) => ed25519.sign(secretKey, message),
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      ed25519.verify(publicKey, message, signature),
  },
  sigPQ: {
    keygen: (seed: Uint8Array) => mldsa65.keygen(seed),
    sign: (secretKey: Uint8Array, message: Uint8Array, random: Uint8Array) =>
      mldsa65.sign(secretKey, message, { random }), // FIPS 204 hedged signing with the given rnd
    verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
      mldsa65.verify(publicKey, message, signature),
  },
  aead: chacha20poly1305,
  xaead: xchacha20poly1305,
  hkdf: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) =>
    hkdf('sha256', ikm, salt, info, length),
  hmac: (key: Uint8Array, message: Uint8Array) => hmac('sha256', key, message),
  sha256,
  sha512,
});
