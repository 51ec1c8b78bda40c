/**
 * Deterministic ML-KEM internals for tests and KATs (the Go `mlkemtest` pattern): the
 * `_internal` algorithms of FIPS 203 §6, K-PKE (§5) and the §7.2/§7.3 checks. Not for applications:
 * these take their randomness as arguments.
 */
export {
  keyGenInternal,
  encapsInternal,
  decapsInternal,
  checkEncapsulationKey,
  checkDecapsulationInputs,
  keyGen,
  encaps,
  decaps,
} from './mlkem.ts';
export { kpkeKeyGen, kpkeEncrypt, kpkeDecrypt } from './kpke.ts';
export {
  splitEncapsulationKey,
  encaps1Internal,
  encaps2Internal,
  EK_HEADER_BYTES,
} from './incremental.ts';
