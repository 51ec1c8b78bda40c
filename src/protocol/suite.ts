/**
 * The cryptographic suite the protocol runs on: one interface binding DH, KEM, the two signature
 * schemes, the AEAD and the hash-based KDFs. The shipped suite is pqmsg's own primitives
 * (`default-suite.ts`); tests can bind a peer library's primitives to the same shape and check
 * that the protocol transcript does not change.
 *
 * Every function is deterministic: randomness enters only as explicit seeds, drawn by the
 * protocol from the RandomSource it is given.
 */

export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** X25519 (RFC 7748). */
export interface DhScheme {
  keygen(seed: Uint8Array /* 32 bytes */): KeyPair;
  /** Throws CryptoError('LOW_ORDER') for an all-zero result (RFC 7748 §6.1). */
  getSharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

/** ML-KEM-768 (FIPS 203). */
export interface KemScheme {
  keygen(seed: Uint8Array /* 64 bytes d‖z */): KeyPair;
  encapsulate(publicKey: Uint8Array, m: Uint8Array /* 32 bytes */): { cipherText: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/** Ed25519 (RFC 8032) and ML-DSA-65 (FIPS 204) share this shape. */
export interface SignatureScheme {
  keygen(seed: Uint8Array /* 32 bytes */): KeyPair;
  sign(secretKey: Uint8Array, message: Uint8Array, random: Uint8Array /* 32 bytes; ignored by Ed25519 */): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** An AEAD with a 32-byte key and a 16-byte tag appended to the ciphertext. */
export interface AeadScheme {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws CryptoError('AUTH_FAILED') on a bad tag and releases no plaintext. */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

export interface Suite {
  name: string;
  dh: DhScheme;
  kem: KemScheme;
  /** Classical half of the hybrid identity signature. */
  sigClassical: SignatureScheme;
  /** Post-quantum half of the hybrid identity signature. */
  sigPQ: SignatureScheme;
  /** AEAD_CHACHA20_POLY1305 (RFC 8439): 12-byte nonces; message keys (each key used once). */
  aead: AeadScheme;
  /** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): 24-byte nonces, safe to draw at random; header keys. */
  xaead: AeadScheme;
  /** HKDF-SHA256 (RFC 5869). */
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** HMAC-SHA256 (RFC 2104). */
  hmac(key: Uint8Array, message: Uint8Array): Uint8Array;
  sha256(message: Uint8Array): Uint8Array;
  sha512(message: Uint8Array): Uint8Array;
}
