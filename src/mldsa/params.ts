/**
 * ML-DSA parameter sets and derived byte sizes.
 * FIPS 204 (Module-Lattice-Based Digital Signature Standard, August 2024), §4 Table 1 and
 * Table 2 (key and signature sizes); https://doi.org/10.6028/NIST.FIPS.204.
 * Side channels: public constants only.
 */

/** q = 2²³ − 2¹³ + 1, the modulus. FIPS 204 §4. */
export const Q = 8380417;
/** n = 256 coefficients per polynomial. */
export const N = 256;
/** ζ = 1753, a primitive 512-th root of unity mod q. FIPS 204 §4. */
export const ZETA = 1753;
/** d = 13 dropped bits of t. FIPS 204 Table 1. */
export const D = 13;

export interface MlDsaParams {
  readonly name: 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';
  /** τ: number of ±1's in the challenge polynomial c. */
  readonly tau: number;
  /** λ: collision strength of c̃ (bits); c̃ is λ/4 bytes. */
  readonly lambda: number;
  /** γ₁: coefficient range of y. */
  readonly gamma1: number;
  /** γ₂: low-order rounding range. */
  readonly gamma2: number;
  /** (k, l): dimensions of Â. */
  readonly k: number;
  readonly l: number;
  /** η: private key coefficient range. */
  readonly eta: number;
  /** β = τ·η. */
  readonly beta: number;
  /** ω: maximum number of 1's in the hint h. */
  readonly omega: number;
  /** Derived sizes in bytes (FIPS 204 Table 2). */
  readonly pkBytes: number;
  readonly skBytes: number;
  readonly sigBytes: number;
  /** c̃ length λ/4. */
  readonly cTildeBytes: number;
  /** Bits per coefficient of z: 1 + bitlen(γ₁ − 1). */
  readonly zBits: number;
  /** Bits per coefficient of s₁, s₂: bitlen(2η). */
  readonly etaBits: number;
  /** Bits per coefficient of w₁: bitlen((q − 1)/(2γ₂) − 1). */
  readonly w1Bits: number;
}

/** bitlen(x) for x ≥ 1: the number of bits in the binary form of x (public values only). */
export function bitlen(x: number): number {
  return 32 - Math.clz32(x);
}

function make(
  name: MlDsaParams['name'],
  tau: number,
  lambda: number,
  gamma1: number,
  gamma2: number,
  k: number,
  l: number,
  eta: number,
  omega: number,
): MlDsaParams {
  const zBits = 1 + bitlen(gamma1 - 1);
  const etaBits = bitlen(2 * eta);
  const w1Bits = bitlen((Q - 1) / (2 * gamma2) - 1);
  const t1Bits = bitlen(Q - 1) - D; // 10
  return Object.freeze({
    name,
    tau,
    lambda,
    gamma1,
    gamma2,
    k,
    l,
    eta,
    beta: tau * eta,
    omega,
    // pk = ρ ‖ t₁: 32 + 32·k·(bitlen(q − 1) − d)
    pkBytes: 32 + 32 * k * t1Bits,
    // sk = ρ ‖ K ‖ tr ‖ s₁ ‖ s₂ ‖ t₀: 32 + 32 + 64 + 32·((k + l)·bitlen(2η) + d·k)
    skBytes: 128 + 32 * ((k + l) * etaBits + D * k),
    // σ = c̃ ‖ z ‖ h: λ/4 + l·32·(1 + bitlen(γ₁ − 1)) + ω + k
    sigBytes: lambda / 4 + l * 32 * zBits + omega + k,
    cTildeBytes: lambda / 4,
    zBits,
    etaBits,
    w1Bits,
  });
}

/** FIPS 204 Table 1, ML-DSA-44 (security category 2). */
export const ML_DSA_44 = make('ML-DSA-44', 39, 128, 2 ** 17, (Q - 1) / 88, 4, 4, 2, 80);
/** FIPS 204 Table 1, ML-DSA-65 (security category 3). */
export const ML_DSA_65 = make('ML-DSA-65', 49, 192, 2 ** 19, (Q - 1) / 32, 6, 5, 4, 55);
/** FIPS 204 Table 1, ML-DSA-87 (security category 5). */
export const ML_DSA_87 = make('ML-DSA-87', 60, 256, 2 ** 19, (Q - 1) / 32, 8, 7, 2, 75);
