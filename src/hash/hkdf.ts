/**
 * HKDF, the HMAC-based extract-and-expand key derivation function.
 * RFC 5869 (May 2010): §2.2 HKDF-Extract, §2.3 HKDF-Expand, over HMAC-SHA-256/512 (hmac.ts).
 * Side channels: no secret-dependent branch or index; lengths are public. The intermediate
 * blocks T(i) are wiped after use; the PRK returned by hkdfExtract belongs to the caller.
 */
import { expectBytes } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import { Hmac, hashLength, hmac, type HashName } from './hmac.ts';

export type { HashName } from './hmac.ts';

/**
 * PRK = HMAC-Hash(salt, IKM); an absent or empty salt is HashLen zero bytes.
 * RFC 5869, §2.2 (Step 1: Extract).
 */
export function hkdfExtract(hash: HashName, salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array {
  const hashLen = hashLength(hash);
  if (salt !== undefined) expectBytes(salt, 'HKDF salt');
  expectBytes(ikm, 'HKDF input keying material');
  // "if not provided, [salt] is set to a string of HashLen zeros"
  const s = salt === undefined || salt.length === 0 ? new Uint8Array(hashLen) : salt;
  return hmac(hash, s, ikm);
}

/** Throws BAD_PARAMS unless 0 ≤ L ≤ 255·HashLen (RFC 5869 §2.3, "L <= 255*HashLen"). */
function checkLength(length: number, hashLen: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > 255 * hashLen)
    throw new CryptoError('BAD_PARAMS', 'HKDF-Expand: L must be in [0, 255·HashLen] (RFC 5869 §2.3)');
}

/**
 * OKM = first L octets of T(1) ‖ T(2) ‖ …, T(i) = HMAC-Hash(PRK, T(i−1) ‖ info ‖ i).
 * RFC 5869, §2.3 (Step 2: Expand). L > 255·HashLen throws CryptoError('BAD_PARAMS').
 */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hashLen = hashLength(hash);
  expectBytes(prk, 'HKDF PRK');
  expectBytes(info, 'HKDF info');
  checkLength(length, hashLen);
  const okm = new Uint8Array(length);
  const keyed = new Hmac(hash, prk);
  const counter = new Uint8Array(1);
  let T: Uint8Array = new Uint8Array(0); // T(0) = empty string
  for (let i = 1, off = 0; off < length; i++, off += hashLen) {
    counter[0] = i; // i ≤ 255 by the check on L
    const next = keyed.reset().update(T).update(info).update(counter).digest();
    wipe(T);
    T = next;
    okm.set(length - off < hashLen ? T.subarray(0, length - off) : T, off);
  }
  wipe(T);
  keyed.destroy();
  return okm;
}

/** HKDF-Expand(HKDF-Extract(salt, IKM), info, L). RFC 5869, §2.2–2.3 (HKDF). */
export function hkdf(
  hash: HashName,
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Uint8Array {
  checkLength(length, hashLength(hash)); // before any secret is touched
  expectBytes(info, 'HKDF info');
  const prk = hkdfExtract(hash, salt, ikm);
  try {
    return hkdfExpand(hash, prk, info, length);
  } finally {
    wipe(prk);
  }
}
