/**
 * ML-KEM parameter sets and the byte sizes derived from them.
 * NIST FIPS 203 (August 2024), Module-Lattice-Based Key-Encapsulation Mechanism Standard:
 * §8 Table 2 (n, q, k, η₁, η₂, d_u, d_v) and Table 3 (sizes of ek, dk, c); ζ = 17 from §4.3.
 * Side channels: public constants only.
 */

/** n: the degree of the polynomial ring R_q = Z_q[X]/(Xⁿ + 1). FIPS 203 §8, Table 2. */
export const N = 256;
/** q: the prime modulus 3329 = 2⁸·13 + 1. FIPS 203 §8, Table 2. */
export const Q = 3329;
/** ζ = 17: the primitive 256-th root of unity mod q used by the NTT. FIPS 203 §4.3. */
export const ZETA = 17;

export interface MlKemParams {
  readonly name: 'ML-KEM-512' | 'ML-KEM-768' | 'ML-KEM-1024';
  readonly k: number;
  readonly eta1: number;
  readonly eta2: number;
  readonly du: number;
  readonly dv: number;
  /** |ek| = 384k + 32 bytes. */
  readonly ekBytes: number;
  /** |dk| = 768k + 96 bytes. */
  readonly dkBytes: number;
  /** |c| = 32(d_u·k + d_v) bytes. */
  readonly ctBytes: number;
}

/** Builds a frozen parameter set with its Table 3 sizes. FIPS 203, §8 (Tables 2 and 3). */
function params(
  name: MlKemParams['name'],
  k: number,
  eta1: number,
  eta2: number,
  du: number,
  dv: number,
): MlKemParams {
  return Object.freeze({
    name,
    k,
    eta1,
    eta2,
    du,
    dv,
    ekBytes: 384 * k + 32,
    dkBytes: 768 * k + 96,
    ctBytes: 32 * (du * k + dv),
  });
}

export const ML_KEM_512 = params('ML-KEM-512', 2, 3, 2, 10, 4);
export const ML_KEM_768 = params('ML-KEM-768', 3, 2, 2, 10, 4);
export const ML_KEM_1024 = params('ML-KEM-1024', 4, 2, 2, 11, 5);

/** Byte length of the shared secret K, of the message m and of each seed d, z. FIPS 203 §7. */
export const SHARED_SECRET_BYTES = 32;
