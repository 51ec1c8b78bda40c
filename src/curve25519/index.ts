/**
 * The curve25519 area's public API (the contract the protocol codes against): X25519 key
 * agreement (RFC 7748) and Ed25519 signatures (RFC 8032). Every function here runs on the
 * constant-time limb field (field.ts); the bigint model in reference.ts is for readers and tests.
 */
import { getPublicKey, getSharedSecret, keygen } from './x25519.ts';

/** X25519: keygen(seed?), getPublicKey(secretKey), getSharedSecret(secretKey, publicKey). */
export const x25519 = Object.freeze({ keygen, getPublicKey, getSharedSecret });
