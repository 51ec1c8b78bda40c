/**
 * The readable twins (package subpath `pqmsg/reference`): spec-shaped models of what the shipped
 * code computes, for readers and as test oracles. They are variable-time and must never see a
 * secret, which is why they stay out of the root namespace (docs/ARCHITECTURE.md §7).
 *   curve25519Reference  GF(2^255 − 19) and the X25519 ladder on bigint, RFC 7748 §5
 * Side channels: none of this is constant-time (bigint, `%`, data-dependent branches).
 */
export * as curve25519Reference from './curve25519/reference.ts';
// The ML-KEM and ML-DSA twins (src/mlkem/reference.ts, src/mldsa/reference.ts) join here.
