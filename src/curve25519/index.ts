/**
 * The curve25519 area's public API (the contract the protocol codes against): X25519 key
 * agreement (RFC 7748) and Ed25519 signatures (RFC 8032). Every function here runs on the
 * constant-time limb field (field.ts). The readable bigint model (reference.ts) is not part of
 * this API: it is exported from src/reference.ts (package subpath `pqmsg/reference`).
 */
import * as ed from './ed25519.ts';
import * as x from './x25519.ts';

/** X25519: keygen(seed?), getPublicKey(secretKey), getSharedSecret(secretKey, publicKey). */
export const x25519 = Object.freeze({
  keygen: x.keygen,
  getPublicKey: x.getPublicKey,
  getSharedSecret: x.getSharedSecret,
});

/**
 * Ed25519: keygen(seed?), getPublicKey(secretKey), sign(secretKey, message),
 * verify(publicKey, message, signature) → boolean (RFC 8032 §5.1.7 strict, cofactorless).
 */
export const ed25519 = Object.freeze({
  keygen: ed.keygen,
  getPublicKey: ed.getPublicKey,
  sign: ed.sign,
  verify: ed.verify,
});

/** Ed25519ph (RFC 8032 §5.1, pre-hashed with SHA-512, optional context): sign, verify. */
export const ed25519ph = Object.freeze({ sign: ed.signPh, verify: ed.verifyPh });

