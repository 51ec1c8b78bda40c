/**
 * Delivery access keys (PROTOCOL.md §13.11; Signal's unidentified access key, derived from the
 * profile key): a recipient keeps a 32-byte access secret that it shares with its contacts only
 * inside encrypted messages; a contact derives the access key from it and presents the key with
 * each sealed send; the server holds only a verifier and compares in constant time.
 *   accessKey = HKDF-SHA256(ikm = secret, salt = 0³², info = "pqmsg v1 delivery access key", 32)
 *   verifier  = SHA-256("pqmsg v1 access key" ‖ accessKey)
 * A sealed GROUP send presents ONE combined key for many accounts (PROTOCOL.md §13.11): the XOR of
 * the accounts' verifiers, which the server recomputes from what it stores.
 *   combinedAccessKey = verifier(key₁) ⊕ … ⊕ verifier(keyₙ)   (each distinct account once)
 * Side channels: the secret and the key go only to the suite's HKDF and SHA-256; the XOR runs over
 * every byte; the comparisons are ctEqual (no early exit).
 */
import { concatBytes, expectLength, utf8 } from '../../util/bytes.ts';
import { ctEqual } from '../../util/ct.ts';
import { SIZES } from '../constants.ts';
import type { Suite } from '../suite.ts';

/** Bytes of an access secret, an access key and a verifier. */
export const ACCESS_KEY_BYTES = 32;

const ACCESS_KEY_INFO = utf8('pqmsg v1 delivery access key');
const VERIFIER_LABEL = utf8('pqmsg v1 access key');

/** The access key a contact presents, derived from the secret the recipient shared. */
export function deriveAccessKey(suite: Suite, secret: Uint8Array): Uint8Array {
  expectLength(secret, ACCESS_KEY_BYTES, 'access secret');
  return suite.hkdf(secret, new Uint8Array(SIZES.HASH), ACCESS_KEY_INFO, ACCESS_KEY_BYTES);
}

/** What the recipient registers with the server: SHA-256("pqmsg v1 access key" ‖ key). */
export function accessKeyVerifier(suite: Suite, accessKey: Uint8Array): Uint8Array {
  expectLength(accessKey, ACCESS_KEY_BYTES, 'access key');
  return suite.sha256(concatBytes(VERIFIER_LABEL, accessKey));
}

/** True iff `presented` is a key whose verifier is `verifier`; constant time in the key bytes. */
export function checkAccessKey(suite: Suite, verifier: Uint8Array, presented: Uint8Array): boolean {
  if (presented.length !== ACCESS_KEY_BYTES || verifier.length !== SIZES.HASH) return false;
  return ctEqual(accessKeyVerifier(suite, presented), verifier) === 1;
}

/** XOR of 32-byte verifiers: the combined access key of a sealed group send (PROTOCOL.md §13.11). */
export function combineVerifiers(verifiers: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(SIZES.HASH);
  for (const v of verifiers) {
    expectLength(v, SIZES.HASH, 'verifier');
    for (let i = 0; i < out.length; i++) out[i] ^= v[i];
  }
  return out;
}

/** True iff `presented` is the XOR of `verifiers`; constant time in the bytes. */
export function checkCombinedAccessKey(verifiers: readonly Uint8Array[], presented: Uint8Array): boolean {
  if (presented.length !== SIZES.HASH) return false;
  return ctEqual(combineVerifiers(verifiers), presented) === 1;
}
