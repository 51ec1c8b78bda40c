/**
 * Ed25519 and Ed25519ph (RFC 8032, Edwards-Curve Digital Signature Algorithm): §5.1.5 key
 * generation, §5.1.6 signing, §5.1.7 verification, with dom2 (§2) for the pre-hashed variant.
 * Verification rule (every caller gets the same one): RFC 8032 §5.1.7 strict and cofactorless —
 * reject S ≥ L, reject A that does not decode (y ≥ p, no square root, x = 0 with the sign bit
 * set), and accept iff encode([S]B − [k]A) equals the 32 bytes of R. That comparison also rejects
 * any R that is non-canonical or not a point, since the left side is always a canonical encoding.
 * Side channels: signing is constant-time in the secret scalar s, the prefix and the nonce r
 * (fixed-base table with masked selects, scalar arithmetic without branches); verification
 * handles public data only and is variable-time. Ed25519ctx is omitted (no vectors, no caller).
 */
import { createSha512, sha512 } from '../hash/sha512.ts';
import { concatBytes, copyBytes, expectBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { defaultRandom } from '../util/random.ts';
import { pointDecode, pointEncode, pointWipe } from './point.ts';
import { baseMul, doubleScalarMulVartime } from './scalar-mult.ts';
import { scIsCanonical, scMulAdd, scReduce } from './scalar.ts';

const NO_DOM = new Uint8Array(0);
const DOM2_PREFIX = new TextEncoder().encode('SigEd25519 no Ed25519 collisions');

/**
 * dom2(phflag, C) = "SigEd25519 no Ed25519 collisions" ‖ octet(phflag) ‖ octet(|C|) ‖ C.
 * RFC 8032 §2 (Notation and Conventions).
 */
function dom2(phflag: 0 | 1, context: Uint8Array): Uint8Array {
  if (context.length > 255)
    throw new CryptoError('BAD_LENGTH', 'Ed25519ph: context longer than 255 bytes (RFC 8032 §5.1)');
  return concatBytes(DOM2_PREFIX, Uint8Array.of(phflag, context.length), context);
}

/**
 * The secret scalar s (the clamped first half of SHA-512(seed)) and the prefix (second half).
 * RFC 8032 §5.1.5 steps 1–2.
 */
function expandSecret(secretKey: Uint8Array): { h: Uint8Array; s: Uint8Array; prefix: Uint8Array } {
  const h = sha512(secretKey);
  const s = copyBytes(h, 0, 32);
  s[0] &= 248; // "the lowest three bits of the first octet are cleared"
  s[31] &= 127; // "the highest bit of the last octet is cleared"
  s[31] |= 64; //  "the second highest bit of the last octet is set"
  return { h, s, prefix: h.subarray(32, 64) };
}

/** The 32-byte public key of a 32-byte secret key (seed): encode([s]B). RFC 8032 §5.1.5. */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  expectLength(secretKey, 32, 'Ed25519 secret key');
  const { h, s } = expandSecret(secretKey);
  const sB = baseMul(s);
  const A = pointEncode(sB);
  wipe(h, s);
  pointWipe(sB);
  return A;
}

/**
 * A key pair from a 32-byte seed, the RFC 8032 private key (random when absent).
 * RFC 8032 §5.1.5.
 */
export function keygen(seed?: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  if (seed !== undefined) expectLength(seed, 32, 'Ed25519 seed');
  const secretKey = seed === undefined ? defaultRandom(32) : copyBytes(seed);
  return { secretKey, publicKey: getPublicKey(secretKey) };
}

/**
 * The signature R ‖ S of the (already pre-hashed, when dom says so) message M. RFC 8032 §5.1.6.
 * `dom` is empty for Ed25519 and dom2(1, C) for Ed25519ph.
 */
export function signInternal(secretKey: Uint8Array, M: Uint8Array, dom: Uint8Array): Uint8Array {
  const { h, s, prefix } = expandSecret(secretKey);
  const sB = baseMul(s);
  const A = pointEncode(sB);
  // step 2: r = SHA-512(dom2(F, C) ‖ prefix ‖ PH(M)) mod L
  const rHash = createSha512().update(dom).update(prefix).update(M).digest();
  const r = scReduce(rHash);
  // step 3: R = [r]B
  const rB = baseMul(r);
  const R = pointEncode(rB);
  // step 4: k = SHA-512(dom2(F, C) ‖ R ‖ A ‖ PH(M)) mod L; S = (r + k·s) mod L
  const k = scReduce(createSha512().update(dom).update(R).update(A).update(M).digest());
  const S = scMulAdd(k, s, r);
  wipe(h, s, rHash, r);
  pointWipe(sB);
  pointWipe(rB);
  return concatBytes(R, S); // step 5
}

/**
 * Whether sig is a valid signature of M under publicKey, with the rule in the file header.
 * RFC 8032 §5.1.7. All inputs are public; returns false on any malformed value.
 */
export function verifyInternal(
  publicKey: Uint8Array,
  M: Uint8Array,
  sig: Uint8Array,
  dom: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || sig.length !== 64) return false;
  const R = sig.subarray(0, 32);
  const S = sig.subarray(32, 64);
  if (!scIsCanonical(S)) return false; // step 1: S ∈ [0, L)
  const A = pointDecode(publicKey); //      step 1: A must decode
  if (A === null) return false;
  // step 2: k = SHA-512(dom2(F, C) ‖ R ‖ A ‖ PH(M)) mod L
  const k = scReduce(createSha512().update(dom).update(R).update(publicKey).update(M).digest());
  // step 3 (cofactorless): [S]B = R + [k]A  ⇔  encode([S]B − [k]A) = R
  const check = pointEncode(doubleScalarMulVartime(S, k, A));
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= check[i] ^ R[i]; // public values
  return diff === 0;
}

/** Signs a message with Ed25519 (pure: no pre-hash, no context). RFC 8032 §5.1.6. */
export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  expectLength(secretKey, 32, 'Ed25519 secret key');
  expectBytes(message, 'Ed25519 message');
  return signInternal(secretKey, message, NO_DOM);
}

/**
 * Verifies an Ed25519 signature: false, never a throw, for malformed keys or signatures of the
 * right type. RFC 8032 §5.1.7.
 */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  expectBytes(publicKey, 'Ed25519 public key');
  expectBytes(message, 'Ed25519 message');
  expectBytes(signature, 'Ed25519 signature');
  return verifyInternal(publicKey, message, signature, NO_DOM);
}

/** Signs SHA-512(message) with Ed25519ph under a context of at most 255 bytes. RFC 8032 §5.1. */
export function signPh(
  secretKey: Uint8Array,
  message: Uint8Array,
  context: Uint8Array = NO_DOM,
): Uint8Array {
  expectLength(secretKey, 32, 'Ed25519ph secret key');
  expectBytes(message, 'Ed25519ph message');
  expectBytes(context, 'Ed25519ph context');
  return signInternal(secretKey, sha512(message), dom2(1, context));
}

/** Verifies an Ed25519ph signature (PH = SHA-512). RFC 8032 §5.1 (Ed25519ph), §5.1.7. */
export function verifyPh(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context: Uint8Array = NO_DOM,
): boolean {
  expectBytes(publicKey, 'Ed25519ph public key');
  expectBytes(message, 'Ed25519ph message');
  expectBytes(signature, 'Ed25519ph signature');
  expectBytes(context, 'Ed25519ph context');
  if (context.length > 255) return false;
  return verifyInternal(publicKey, sha512(message), signature, dom2(1, context));
}
