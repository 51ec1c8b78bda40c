/**
 * Public API of the hash area: FIPS 202 SHA-3/SHAKE, FIPS 180-4 SHA-256/512, RFC 2104 HMAC,
 * RFC 5869 HKDF. Re-exports only.
 */
export { keccakP1600 } from './keccak.ts';
export {
  Sha3,
  Shake,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  shake128,
  shake256,
  shake128Xof,
  shake256Xof,
} from './sha3.ts';
export { Sha256, Sha512, createSha256, createSha512, sha256, sha512, type Hash } from './sha2.ts';
export { Hmac, createHmac, hmac, hashLength, type HashName } from './hmac.ts';
export { hkdf, hkdfExtract, hkdfExpand } from './hkdf.ts';
