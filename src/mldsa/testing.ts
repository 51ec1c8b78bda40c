/**
 * Deterministic ML-DSA internals for tests and KATs (the Go `mlkemtest` pattern): the
 * `_internal` algorithms of FIPS 204 §6 (also with external μ), HashML-DSA (§5.4) and the
 * building blocks. Not for applications: these take their randomness as arguments.
 */
export {
  keyGenInternal,
  signInternal,
  signMuInternal,
  verifyInternal,
  verifyMuInternal,
  messageRepresentative,
  H,
  signScratch,
} from './internal.ts';
export { keyGen, sign, verify, messagePrefix } from './mldsa.ts';
export { hashSign, hashVerify, PRE_HASHES } from './prehash.ts';
export {
  expandA,
  expandS,
  expandMask,
  sampleInBall,
  rejNTTPoly,
  rejBoundedPoly,
  coeffFromHalfByte,
} from './sample.ts';
