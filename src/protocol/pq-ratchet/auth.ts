/**
 * The epoch authenticator's MACs: the keyholder tags its ek header with the MAC key of the
 * previous epoch; the encapsulator tags the ciphertext with the MAC key that already absorbed
 * the new epoch secret, so the keyholder checks it right after decapsulating. A chunk forged or
 * corrupted by anyone without the authenticator (a quantum adversary holding every Double
 * Ratchet key included) makes the tag fail, and the message carrying it is refused.
 * ML-KEM Braid rev. 1 §"Authenticator"; SPQR authenticator.rs (labels "ekheader",
 * "ciphertext"). Tags are HMAC-SHA256 (RFC 2104) over label ‖ u32(epoch) ‖ data, 32 bytes.
 * Side channels: tags are compared with ctEqual.
 */
import { concatBytes, store32BE } from '../../util/bytes.ts';
import { ctEqual } from '../../util/ct.ts';
import type { Suite } from '../suite.ts';
import { MAC_CIPHERTEXT_LABEL, MAC_EK_HEADER_LABEL } from './constants.ts';

function tag(
  suite: Suite,
  macKey: Uint8Array,
  label: Uint8Array,
  epoch: number,
  data: Uint8Array[],
): Uint8Array {
  const e = new Uint8Array(4);
  store32BE(e, 0, epoch);
  return suite.hmac(macKey, concatBytes(label, e, ...data));
}

/** HMAC(macKey_{e−1}, "pqmsg v2 pq ek header" ‖ u32(e) ‖ ρ ‖ H(ek)). SPQR "ekheader" MAC. */
export function macEkHeader(
  suite: Suite,
  macKey: Uint8Array,
  epoch: number,
  header: Uint8Array,
): Uint8Array {
  return tag(suite, macKey, MAC_EK_HEADER_LABEL, epoch, [header]);
}

/** HMAC(macKey_e, "pqmsg v2 pq ciphertext" ‖ u32(e) ‖ c₁ ‖ c₂). SPQR "ciphertext" MAC. */
export function macCiphertext(
  suite: Suite,
  macKey: Uint8Array,
  epoch: number,
  ct1: Uint8Array,
  ct2: Uint8Array,
): Uint8Array {
  return tag(suite, macKey, MAC_CIPHERTEXT_LABEL, epoch, [ct1, ct2]);
}

/** True iff `received` equals `expected`, compared in constant time. */
export function macMatches(expected: Uint8Array, received: Uint8Array): boolean {
  return ctEqual(expected, received) === 1;
}
