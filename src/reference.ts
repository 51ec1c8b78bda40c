/**
 * The readable twins (package subpath `pqmsg/reference`): spec-shaped models of what the shipped
 * code computes, for readers and as test oracles. They are variable-time and must never see a
 * secret, which is why they stay out of the root namespace (docs/ARCHITECTURE.md §7).
 *   curve25519Reference  GF(2^255 − 19) and the X25519 ladder on bigint, RFC 7748 §5
 *   mlkemReference       NTT and NTT⁻¹ as the plain loops of FIPS 203 Algorithms 9 and 10
 *   mldsaReference       NTT and NTT⁻¹ as the plain loops of FIPS 204 Algorithms 41 and 42
 * Side channels: none of this is constant-time (bigint, `%`, data-dependent branches).
 */
export * as curve25519Reference from './curve25519/reference.ts';
export * as mlkemReference from './mlkem/reference.ts';
export * as mldsaReference from './mldsa/reference.ts';
