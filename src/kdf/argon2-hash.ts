/**
 * The hashing around Argon2's memory: the pre-hashing digest H₀ and the variable-length hash H'.
 * RFC 9106 (September 2021), Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
 * Applications: §3.2 step 1 (H₀), §3.3 (Variable-Length Hash Function H'). H^x(a) is BLAKE2b
 * with digest length x (RFC 7693), here src/hash/blake2b.ts.
 * Side channels: no secret-dependent branch or index; lengths and parameters are public.
 */
import { store32LE } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { Blake2b } from '../hash/blake2b.ts';

/** LE32(a): a 32-bit integer as 4 bytes, little-endian (RFC 9106 §2). */
function le32(a: number): Uint8Array {
  const b = new Uint8Array(4);
  store32LE(b, 0, a);
  return b;
}

/** The integer inputs of H₀ other than the lengths, in the order §3.2 hashes them. */
export interface H0Params {
  readonly p: number;
  readonly tagLength: number;
  readonly m: number;
  readonly t: number;
  readonly version: number;
  readonly type: number;
}

/**
 * The 64-byte pre-hashing digest.
 * RFC 9106 §3.2 step 1: H₀ = H^(64)(LE32(p) ‖ LE32(T) ‖ LE32(m) ‖ LE32(t) ‖ LE32(v) ‖ LE32(y) ‖
 * LE32(length(P)) ‖ P ‖ LE32(length(S)) ‖ S ‖ LE32(length(K)) ‖ K ‖ LE32(length(X)) ‖ X).
 */
export function initialHash(
  params: H0Params,
  P: Uint8Array,
  S: Uint8Array,
  K: Uint8Array,
  X: Uint8Array,
): Uint8Array {
  const H = new Blake2b(64);
  for (const v of [params.p, params.tagLength, params.m, params.t, params.version, params.type])
    H.update(le32(v));
  for (const field of [P, S, K, X]) H.update(le32(field.length)).update(field);
  return H.digest();
}

/**
 * H'^T(X): T bytes of output from BLAKE2b, chained for T > 64; X is the concatenation of `parts`.
 * RFC 9106 §3.3 (Variable-Length Hash Function H'):
 *   T ≤ 64:  H'^T(X) = H^T(LE32(T) ‖ X)
 *   T > 64:  r = ⌈T/32⌉ − 2; V₁ = H^(64)(LE32(T) ‖ X); V_i = H^(64)(V_{i−1}) for 2 ≤ i ≤ r;
 *            V_{r+1} = H^(T−32r)(V_r); H'^T(X) = A₁ ‖ A₂ ‖ … ‖ A_r ‖ V_{r+1}, A_i the first 32
 *            bytes of V_i.
 */
export function hashPrime(T: number, parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(T);
  const H = new Blake2b(Math.min(T, 64)).update(le32(T));
  for (const part of parts) H.update(part);
  if (T <= 64) {
    H.digestInto(out);
    return out;
  }
  const r = Math.ceil(T / 32) - 2;
  const V = new Uint8Array(64);
  H.digestInto(V); // V₁
  out.set(V.subarray(0, 32), 0); // A₁
  for (let i = 2; i <= r; i++) {
    new Blake2b(64).update(V).digestInto(V); // V_i = H^(64)(V_{i−1}) (update buffers V first)
    out.set(V.subarray(0, 32), 32 * (i - 1)); // A_i
  }
  const last = new Blake2b(T - 32 * r).update(V).digest(); // V_{r+1} = H^(T−32r)(V_r)
  out.set(last, 32 * r);
  wipe(V, last);
  return out;
}
