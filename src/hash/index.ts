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
