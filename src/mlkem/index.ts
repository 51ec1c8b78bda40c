/**
 * Public API of the ML-KEM area (FIPS 203): the three parameter sets behind the
 * @noble/post-quantum-shaped object API. Re-exports only; test-only internals are in testing.ts.
 */
export {
  mlkem512,
  mlkem768,
  mlkem1024,
  type MlKem,
  type MlKemLengths,
  type MlKemKeyPair,
  type MlKemEncapsulation,
} from './mlkem.ts';
export { ML_KEM_512, ML_KEM_768, ML_KEM_1024, type MlKemParams } from './params.ts';
