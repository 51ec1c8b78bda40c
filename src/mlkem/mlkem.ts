/**
 * ML-KEM key generation, encapsulation and decapsulation, with the FIPS 203 input checks.
 * NIST FIPS 203 (August 2024): §6 Algorithms 16–18 (KeyGen/Encaps/Decaps_internal), §7
 * Algorithms 19–21 (KeyGen/Encaps/Decaps), §7.2 encapsulation-key check, §7.3 decapsulation
 * input checks (plus the §7.2 modulus check on the ek inside dk); H = SHA3-256, G = SHA3-512,
 * J(s) = SHAKE256(s, 8·32) (§4.1).
 * Side channels: decapsulation compares c with c′ and selects K′ or K̄ through util/ct.ts masks
 * (no branch on the result); length and hash checks branch only on public data (lengths, ek, H(ek)
 * inside dk). Secret temporaries are wiped (best effort). JS gives no constant-time guarantee.
 */
import { sha3_256, sha3_512, shake256Into } from '../hash/sha3.ts';
import { bytesEqual, copyBytes, expectLength } from '../util/bytes.ts';
import { ctEqual, ctSelect, wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { defaultRandom, type RandomSource } from '../util/random.ts';
import { isCanonical12 } from './encode.ts';
import { kpkeDecrypt, kpkeEncrypt, kpkeKeyGen } from './kpke.ts';
import {
  ML_KEM_1024,
  ML_KEM_512,
  ML_KEM_768,
  SHARED_SECRET_BYTES,
  type MlKemParams,
} from './params.ts';

/** An ML-KEM key pair: ek (public) and the expanded dk = dk_PKE‖ek‖H(ek)‖z (secret). */
export interface MlKemKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** The output of encapsulation: the ciphertext c and the shared secret K. */
export interface MlKemEncapsulation {
  cipherText: Uint8Array;
  sharedSecret: Uint8Array;
}

/** J(s) = SHAKE256(s, 8·32) on z‖c without concatenating. FIPS 203, §4.1, equation (4.4). */
function J(z: Uint8Array, c: Uint8Array): Uint8Array {
  return shake256Into(new Uint8Array(32), z, c);
}

/** G(a‖b) = SHA3-512(a‖b) for two 32-byte strings. FIPS 203, §4.1, equation (4.5). */
function G(a: Uint8Array, b: Uint8Array): Uint8Array {
  const input = new Uint8Array(64);
  input.set(a);
  input.set(b, 32);
  const out = sha3_512(input);
  wipe(input);
  return out;
}

/**
 * Derives (ek, dk) from the 32-byte seeds d and z; dk ← dk_PKE‖ek‖H(ek)‖z.
 * FIPS 203, Algorithm 16 (ML-KEM.KeyGen_internal).
 */
export function keyGenInternal(p: MlKemParams, d: Uint8Array, z: Uint8Array): MlKemKeyPair {
  const k = p.k;
  const dk = new Uint8Array(p.dkBytes);
  const ekPKE = new Uint8Array(p.ekBytes);
  // (ek_PKE, dk_PKE) ← K-PKE.KeyGen(d), dk_PKE written straight into the front of dk
  kpkeKeyGen(p, d, ekPKE, dk.subarray(0, 384 * k));
  const ek = ekPKE; // ek ← ek_PKE
  dk.set(ek, 384 * k); // dk ← dk_PKE‖ek‖H(ek)‖z (dk_PKE is already in place)
  dk.set(sha3_256(ek), 768 * k + 32);
  dk.set(z, 768 * k + 64);
  return { publicKey: ek, secretKey: dk };
}

/**
 * Encapsulates to ek with the 32-byte randomness m: (K, r) ← G(m‖H(ek)) and
 * c ← K-PKE.Encrypt(ek, m, r).
 * FIPS 203, Algorithm 17 (ML-KEM.Encaps_internal). ek must have passed the §7.2 checks.
 */
export function encapsInternal(p: MlKemParams, ek: Uint8Array, m: Uint8Array): MlKemEncapsulation {
  const Kr = G(m, sha3_256(ek)); // (K, r) ← G(m‖H(ek))
  const c = new Uint8Array(p.ctBytes);
  kpkeEncrypt(p, ek, m, Kr.subarray(32, 64), c); // c ← K-PKE.Encrypt(ek, m, r)
  const K = copyBytes(Kr, 0, 32);
  wipe(Kr);
  return { cipherText: c, sharedSecret: K };
}

/**
 * c′ of Decaps_internal, one buffer per k, reused by every call (JS is single-threaded and no call
 * nests another) and wiped before the call returns: a fresh 1 KiB array per call would cost more
 * CPU in allocation and garbage collection than the comparison it feeds.
 */
const RE_ENCRYPTION = [ML_KEM_512, ML_KEM_768, ML_KEM_1024].map((p) => new Uint8Array(p.ctBytes));

/**
 * Decapsulates c with the expanded dk, returning K′ when c re-encrypts to itself and the
 * implicit-rejection key K̄ = J(z‖c) otherwise, selected without a branch.
 * FIPS 203, Algorithm 18 (ML-KEM.Decaps_internal). dk and c must have passed the §7.3 checks.
 */
export function decapsInternal(p: MlKemParams, dk: Uint8Array, c: Uint8Array): Uint8Array {
  const k = p.k;
  const dkPKE = dk.subarray(0, 384 * k); // dk_PKE ← dk[0 : 384k]
  const ekPKE = dk.subarray(384 * k, 768 * k + 32); // ek_PKE ← dk[384k : 768k + 32]
  const h = dk.subarray(768 * k + 32, 768 * k + 64); // h ← dk[768k + 32 : 768k + 64]
  const z = dk.subarray(768 * k + 64, 768 * k + 96); // z ← dk[768k + 64 : 768k + 96]
  const mPrime = kpkeDecrypt(p, dkPKE, c); // m′ ← K-PKE.Decrypt(dk_PKE, c)
  const KrPrime = G(mPrime, h); // (K′, r′) ← G(m′‖h)
  const KBar = J(z, c); // K̄ ← J(z‖c)
  const cPrime = RE_ENCRYPTION[k - 2];
  // c′ ← K-PKE.Encrypt(ek_PKE, m′, r′)
  kpkeEncrypt(p, ekPKE, mPrime, KrPrime.subarray(32, 64), cPrime);
  // if c ≠ c′ then K′ ← K̄ — as a masked selection: the comparison result is secret
  const K = ctSelect(ctEqual(c, cPrime), KrPrime.subarray(0, 32), KBar);
  wipe(mPrime, KrPrime, KBar, cPrime);
  return K;
}

/**
 * The encapsulation key check: length 384k + 32 and every t̂ coefficient < q, i.e.
 * ByteEncode₁₂(ByteDecode₁₂(ek[0 : 384k])) = ek[0 : 384k]. FIPS 203, §7.2.
 */
export function checkEncapsulationKey(p: MlKemParams, ek: unknown): asserts ek is Uint8Array {
  expectLength(ek, p.ekBytes, `${p.name}.Encaps: encapsulation key`); // type check
  for (let i = 0; i < p.k; i++) {
    // ek is public: the check may return early.
    if (!isCanonical12(ek, 384 * i))
      throw new CryptoError(
        'NON_CANONICAL',
        `${p.name}.Encaps: modulus check failed (FIPS 203 §7.2)`,
      );
  }
}

/**
 * The decapsulation input checks: c has 32(d_u·k + d_v) bytes, dk has 768k + 96 bytes, and
 * H(dk[384k : 768k + 32]) = dk[768k + 32 : 768k + 64]. FIPS 203, §7.3.
 * Differs from the spec (an extra check): the ek embedded in dk must also pass the §7.2 modulus
 * check, as a dk built by KeyGen always does. §7.3 does not ask for it, but a dk whose hash check
 * passes over a non-canonical ek can only have been crafted; Decaps would silently reduce t̂ mod q
 * and re-encrypt under a different key. It runs after the hash check, so a corrupted dk still
 * fails with AUTH_FAILED (as ACVP's decapsulationKeyCheck expects) and only a crafted one with
 * NON_CANONICAL. ek and H(ek) are public: these checks may branch and return early.
 */
export function checkDecapsulationInputs(
  p: MlKemParams,
  dk: unknown,
  c: unknown,
): asserts dk is Uint8Array {
  expectLength(c, p.ctBytes, `${p.name}.Decaps: ciphertext`); // ciphertext type check
  expectLength(dk, p.dkBytes, `${p.name}.Decaps: decapsulation key`); // dk type check
  const k = p.k;
  const test = sha3_256(dk.subarray(384 * k, 768 * k + 32)); // hash check
  if (!bytesEqual(test, dk.subarray(768 * k + 32, 768 * k + 64)))
    throw new CryptoError('AUTH_FAILED', `${p.name}.Decaps: hash check failed (FIPS 203 §7.3)`);
  for (let i = 0; i < k; i++) {
    if (!isCanonical12(dk, 384 * k + 384 * i))
      throw new CryptoError(
        'NON_CANONICAL',
        `${p.name}.Decaps: ek inside dk fails the modulus check (FIPS 203 §7.2, §7.3)`,
      );
  }
}

/**
 * Generates a key pair from fresh randomness d, z (32 bytes each, drawn in that order).
 * FIPS 203, Algorithm 19 (ML-KEM.KeyGen).
 */
export function keyGen(p: MlKemParams, random: RandomSource = defaultRandom): MlKemKeyPair {
  const d = random(32); // d ←$ B³²
  const z = random(32); // z ←$ B³²
  const pair = keyGenInternal(p, d, z);
  wipe(d, z);
  return pair;
}

/**
 * Checks ek (§7.2) and encapsulates to it with fresh 32-byte randomness m.
 * FIPS 203, Algorithm 20 (ML-KEM.Encaps).
 */
export function encaps(
  p: MlKemParams,
  ek: Uint8Array,
  random: RandomSource = defaultRandom,
): MlKemEncapsulation {
  checkEncapsulationKey(p, ek);
  const m = random(32); // m ←$ B³²
  const out = encapsInternal(p, ek, m);
  wipe(m);
  return out;
}

/**
 * Checks dk and c (§7.3) and decapsulates; never fails on the content of a right-length c.
 * FIPS 203, Algorithm 21 (ML-KEM.Decaps).
 */
export function decaps(p: MlKemParams, dk: Uint8Array, c: Uint8Array): Uint8Array {
  checkDecapsulationInputs(p, dk, c);
  return decapsInternal(p, dk, c);
}

/** Byte lengths of every input and output, as @noble/post-quantum names them. */
export interface MlKemLengths {
  readonly publicKey: number;
  readonly secretKey: number;
  readonly cipherText: number;
  readonly sharedSecret: number;
  /** keygen seed d‖z. */
  readonly seed: number;
  /** encapsulation randomness m. */
  readonly msg: number;
}

/**
 * One ML-KEM parameter set behind the @noble/post-quantum-shaped API. Names and argument order
 * follow noble (keygen, encapsulate, decapsulate(cipherText, secretKey)); the FIPS 203 functions
 * above are keyGen / keyGenInternal, encaps / encapsInternal and decaps / decapsInternal, and
 * take the key first: decaps(p, dk, c), while decapsulate takes c first.
 */
export interface MlKem {
  readonly params: MlKemParams;
  readonly lengths: MlKemLengths;
  /** KeyGen_internal(d, z) on a 64-byte seed d‖z, else KeyGen with fresh randomness. */
  keygen(seed?: Uint8Array): MlKemKeyPair;
  /** Checks ek (§7.2), then Encaps_internal with the 32-byte m, or with fresh randomness. */
  encapsulate(publicKey: Uint8Array, m?: Uint8Array): MlKemEncapsulation;
  /** Checks c and dk (§7.3), then Decaps_internal. */
  decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

function makeMlKem(p: MlKemParams): MlKem {
  return Object.freeze({
    params: p,
    lengths: Object.freeze({
      publicKey: p.ekBytes,
      secretKey: p.dkBytes,
      cipherText: p.ctBytes,
      sharedSecret: SHARED_SECRET_BYTES,
      seed: 64,
      msg: 32,
    }),
    keygen(seed?: Uint8Array): MlKemKeyPair {
      if (seed === undefined) return keyGen(p);
      expectLength(seed, 64, `${p.name}.KeyGen: seed d‖z`);
      return keyGenInternal(p, seed.subarray(0, 32), seed.subarray(32, 64));
    },
    encapsulate(publicKey: Uint8Array, m?: Uint8Array): MlKemEncapsulation {
      if (m === undefined) return encaps(p, publicKey);
      checkEncapsulationKey(p, publicKey);
      expectLength(m, 32, `${p.name}.Encaps: message m`);
      return encapsInternal(p, publicKey, m);
    },
    decapsulate(cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
      return decaps(p, secretKey, cipherText);
    },
  });
}

/** ML-KEM-512 (FIPS 203 §8, security category 1). */
export const mlkem512: MlKem = makeMlKem(ML_KEM_512);
/** ML-KEM-768 (FIPS 203 §8, security category 3); the one pqmsg's handshake uses. */
export const mlkem768: MlKem = makeMlKem(ML_KEM_768);
/** ML-KEM-1024 (FIPS 203 §8, security category 5). */
export const mlkem1024: MlKem = makeMlKem(ML_KEM_1024);
