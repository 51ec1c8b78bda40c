/**
 * Public API of the hash area. Re-exports only. Sources:
 * - NIST FIPS 202 (Aug 2015), SHA-3 Standard — https://doi.org/10.6028/NIST.FIPS.202
 * - NIST FIPS 180-4 (Aug 2015), Secure Hash Standard — https://doi.org/10.6028/NIST.FIPS.180-4
 * - RFC 2104 (Feb 1997), HMAC — https://www.rfc-editor.org/rfc/rfc2104
 * - RFC 5869 (May 2010), HKDF — https://www.rfc-editor.org/rfc/rfc5869
 * - RFC 7693 (November 2015), BLAKE2 — https://www.rfc-editor.org/rfc/rfc7693
 * Side channels: see each module's header.
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
export { type Hash } from './sha2-frame.ts';
export { Sha256, createSha224, createSha256, sha224, sha256 } from './sha256.ts';
export {
  Sha512,
  createSha384,
  createSha512,
  createSha512_224,
  createSha512_256,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
} from './sha512.ts';
export { Hmac, createHmac, hmac, hashLength, type HashName } from './hmac.ts';
export { hkdf, hkdfExtract, hkdfExpand } from './hkdf.ts';
export { Blake2b, blake2b } from './blake2b.ts';
