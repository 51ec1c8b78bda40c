/**
 * pqmsg public API: re-exports only. Every primitive is pqmsg's own, written from its standard:
 *   hash        FIPS 202 (SHA-3, SHAKE), FIPS 180-4 (SHA-2), RFC 2104 (HMAC), RFC 5869 (HKDF)
 *   aead        RFC 8439 (ChaCha20-Poly1305), draft-irtf-cfrg-xchacha (XChaCha20-Poly1305)
 *   curve25519  RFC 7748 (X25519), RFC 8032 (Ed25519)
 *   mlkem       FIPS 203 (ML-KEM-512/768/1024)
 *   mldsa       FIPS 204 (ML-DSA-44/65/87)
 *   protocol    pqmsg v1 (docs/PROTOCOL.md): hybrid identities, PQXDH, Double Ratchet
 */
export * from './hash/index.ts';
export * from './kdf/index.ts';
export * from './aead/index.ts';
export * from './curve25519/index.ts';
export * from './mlkem/index.ts';
export * from './mldsa/index.ts';
export * from './protocol/index.ts';
export type { KeyPair } from './protocol/suite.ts'; // ML-KEM's KeyPair has the same shape
export { CryptoError, DecodeError, ProtocolError } from './util/errors.ts';
export type { CryptoErrorCode, DecodeErrorCode, ProtocolErrorCode } from './util/errors.ts';
export { defaultRandom, type RandomSource } from './util/random.ts';
export { toHex, fromHex, concatBytes } from './util/bytes.ts';
export { ctEqual, wipe } from './util/ct.ts';
