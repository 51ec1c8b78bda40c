/**
 * Public API of the ML-DSA area (FIPS 204): the three parameter sets as objects with keygen,
 * sign, verify and lengths, plus HashML-DSA. Re-exports only; test-only internals are in
 * testing.ts.
 */
export {
  mldsa44,
  mldsa65,
  mldsa87,
  type MlDsa,
  type MlDsaLengths,
  type KeyPair as MlDsaKeyPair,
  type SignOptions as MlDsaSignOptions,
  type MuSignOptions as MlDsaMuSignOptions,
  type VerifyOptions as MlDsaVerifyOptions,
} from './mldsa.ts';
export { hashSign, hashVerify, PRE_HASHES } from './prehash.ts';
export { ML_DSA_44, ML_DSA_65, ML_DSA_87, type MlDsaParams } from './params.ts';
