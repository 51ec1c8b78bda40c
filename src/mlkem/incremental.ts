/**
 * Incremental ML-KEM encapsulation: the encapsulation key is sent in two parts — a 64-byte
 * header ρ ‖ H(ek) and the 384k-byte vector ByteEncode₁₂(t̂) — and the ciphertext is produced in
 * two parts, c₁ from the header alone and c₂ once the vector has arrived. c₁ ‖ c₂ and K are
 * byte for byte those of FIPS 203 Algorithm 17 (ML-KEM.Encaps_internal) on the same ek and m.
 * After the ML-KEM Braid (signal.org/docs/specifications/mlkembraid, rev. 1, 2025-02-21) and
 * SPQR's `incremental_mlkem768.rs`; the algorithm text is FIPS 203 (August 2024) §5.2, §6.2, §7.2.
 * Why it is sound: in Algorithm 17, (K, r) ← G(m ‖ H(ek)) needs only H(ek); in Algorithm 14
 * (K-PKE.Encrypt) c₁ = ByteEncode_du(Compress_du(NTT⁻¹(Âᵀ ∘ ŷ) + e₁)) needs only ρ (for Â) and r,
 * while t̂ enters only c₂ (v ← NTT⁻¹(t̂ᵀ ∘ ŷ) + e₂ + μ). encaps2 checks that the vector hashes,
 * with ρ, to the H(ek) that c₁ was bound to, and performs the §7.2 modulus check.
 * Differs from a split K-PKE.Encrypt (same outputs): both parts call this module's K-PKE.Encrypt
 * (kpke.ts) unchanged and keep the part they need — c₁ with t̂ = 0 (on which c₁ does not depend),
 * c₂ on the real ek — so c₁'s matrix product is computed twice; this runs once per PQ-ratchet
 * epoch, and keeps FIPS 203's one K-PKE.Encrypt the only one in the code base.
 * Side channels: as kpke.ts and mlkem.ts; the hash and modulus checks branch on public data only.
 */
import { sha3_256, sha3_512 } from '../hash/sha3.ts';
import { bytesEqual, copyBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { kpkeEncrypt } from './kpke.ts';
import { checkEncapsulationKey } from './mlkem.ts';
import type { MlKemParams } from './params.ts';

/** |header| = |ρ| + |H(ek)| = 32 + 32 bytes. */
export const EK_HEADER_BYTES = 64;

/** |vector| = |ByteEncode₁₂(t̂)| = 384k bytes (1152 for ML-KEM-768). */
export const ekVectorBytes = (p: MlKemParams): number => 384 * p.k;
/** |c₁| = 32·d_u·k bytes (960 for ML-KEM-768). */
export const ct1Bytes = (p: MlKemParams): number => 32 * p.du * p.k;
/** |c₂| = 32·d_v bytes (128 for ML-KEM-768). */
export const ct2Bytes = (p: MlKemParams): number => 32 * p.dv;

/** The two parts of ek: header = ρ ‖ H(ek), vector = ek[0 : 384k] = ByteEncode₁₂(t̂). */
export interface SplitEncapsulationKey {
  header: Uint8Array;
  vector: Uint8Array;
}

/**
 * Splits a checked ek into header ρ ‖ H(ek) and vector ByteEncode₁₂(t̂).
 * FIPS 203, §7.2 (checks) and Algorithm 17 step 1 (H(ek)); the split is the Braid's.
 */
export function splitEncapsulationKey(p: MlKemParams, ek: Uint8Array): SplitEncapsulationKey {
  checkEncapsulationKey(p, ek);
  const vector = copyBytes(ek, 0, 384 * p.k);
  const header = new Uint8Array(EK_HEADER_BYTES);
  header.set(ek.subarray(384 * p.k)); // ρ ← ek[384k : 384k + 32]
  header.set(sha3_256(ek), 32); // H(ek)
  return { header, vector };
}

/** (K, r) ← G(m ‖ h). FIPS 203, Algorithm 17 step 1 (with h = H(ek) from the header). */
function deriveKr(m: Uint8Array, h: Uint8Array): Uint8Array {
  const input = new Uint8Array(64);
  input.set(m);
  input.set(h, 32);
  const Kr = sha3_512(input);
  wipe(input);
  return Kr;
}

/**
 * First half of encapsulation, from the header only: K and c₁.
 * FIPS 203, Algorithm 17 (ML-KEM.Encaps_internal) step 1 and Algorithm 14 (K-PKE.Encrypt)
 * steps 1–19 (c₁). The caller keeps m (secret) until encaps2Internal.
 */
export function encaps1Internal(
  p: MlKemParams,
  header: Uint8Array,
  m: Uint8Array,
): { ct1: Uint8Array; sharedSecret: Uint8Array } {
  expectLength(header, EK_HEADER_BYTES, `${p.name}.Encaps1: encapsulation key header`);
  expectLength(m, 32, `${p.name}.Encaps1: message m`);
  const Kr = deriveKr(m, header.subarray(32, 64)); // (K, r) ← G(m ‖ H(ek))
  const ekZero = new Uint8Array(p.ekBytes); // t̂ = 0, ρ from the header: c₁ does not read t̂
  ekZero.set(header.subarray(0, 32), 384 * p.k);
  const c = new Uint8Array(p.ctBytes);
  kpkeEncrypt(p, ekZero, m, Kr.subarray(32, 64), c); // c ← K-PKE.Encrypt(ek, m, r); keep c₁
  const ct1 = copyBytes(c, 0, ct1Bytes(p));
  const sharedSecret = copyBytes(Kr, 0, 32);
  wipe(Kr, c);
  return { ct1, sharedSecret };
}

/**
 * Second half of encapsulation, once the vector has arrived: checks H(vector ‖ ρ) = H(ek) from
 * the header (CryptoError AUTH_FAILED otherwise) and the §7.2 modulus check (NON_CANONICAL), and
 * returns c₂. FIPS 203, Algorithm 14 (K-PKE.Encrypt) steps 20–23 (v, c₂), §7.2.
 */
export function encaps2Internal(
  p: MlKemParams,
  header: Uint8Array,
  vector: Uint8Array,
  m: Uint8Array,
): Uint8Array {
  expectLength(header, EK_HEADER_BYTES, `${p.name}.Encaps2: encapsulation key header`);
  expectLength(vector, ekVectorBytes(p), `${p.name}.Encaps2: encapsulation key vector`);
  expectLength(m, 32, `${p.name}.Encaps2: message m`);
  const ek = new Uint8Array(p.ekBytes); // ek = ByteEncode₁₂(t̂) ‖ ρ
  ek.set(vector);
  ek.set(header.subarray(0, 32), 384 * p.k);
  checkEncapsulationKey(p, ek); // §7.2 modulus check; ek is public
  if (!bytesEqual(sha3_256(ek), header.subarray(32, 64)))
    throw new CryptoError('AUTH_FAILED', `${p.name}.Encaps2: H(ek) differs from the header's`);
  const Kr = deriveKr(m, header.subarray(32, 64));
  const c = new Uint8Array(p.ctBytes);
  kpkeEncrypt(p, ek, m, Kr.subarray(32, 64), c); // c ← K-PKE.Encrypt(ek, m, r); keep c₂
  const ct2 = copyBytes(c, ct1Bytes(p));
  wipe(Kr, c);
  return ct2;
}
