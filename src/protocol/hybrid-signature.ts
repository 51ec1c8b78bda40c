/**
 * The hybrid identity signature: Ed25519 ‖ ML-DSA-65 over the same domain-separated bytes, valid
 * only if BOTH halves verify (PROTOCOL.md §2.3). This replaces PQXDH rev. 3's XEdDSA signature
 * (§2.3 "Sig(PK, M, Z)"): an attacker must break both Ed25519 and ML-DSA-65 to forge a prekey.
 * Signed bytes: u32 len(label) ‖ label ‖ message, so two labels can never produce the same input.
 * Side channels: signing keys only reach the suite; verification inputs are public.
 */
import { expectBytes, utf8 } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { CryptoError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Writer } from '../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, SIZES } from './constants.ts';
import type { IdentityKeyPair, IdentityPublic } from './identity.ts';
import type { Suite } from './suite.ts';

/** The exact bytes both signature schemes sign: u32 len(label) ‖ label ‖ message. */
export function toBeSigned(label: string, message: Uint8Array): Uint8Array {
  expectBytes(message, 'signed message');
  return new Writer().bytes(utf8(label)).fixed(message).finish();
}

/** Signs `message` under `label` with both signing keys: Ed25519 sig ‖ ML-DSA-65 sig. */
export function hybridSign(
  suite: Suite,
  identity: Pick<IdentityKeyPair, 'sigClassical' | 'sigPQ'>,
  label: string,
  message: Uint8Array,
  random: RandomSource,
): Uint8Array {
  const tbs = toBeSigned(label, message);
  const unused = new Uint8Array(32); // Ed25519 is deterministic (RFC 8032 §5.1.6)
  const classical = suite.sigClassical.sign(identity.sigClassical.secretKey, tbs, unused);
  const rnd = random(32); //                      FIPS 204 hedged signing: rnd
  const pq = suite.sigPQ.sign(identity.sigPQ.secretKey, tbs, rnd);
  wipe(rnd);
  if (classical.length !== SIZES.ED25519_SIGNATURE || pq.length !== SIZES.ML_DSA_65_SIGNATURE)
    throw new CryptoError('BAD_LENGTH', 'hybridSign: suite returned a signature of the wrong size');
  const out = new Uint8Array(HYBRID_SIGNATURE_BYTES);
  out.set(classical, 0);
  out.set(pq, SIZES.ED25519_SIGNATURE);
  return out;
}

/**
 * True iff both halves verify under `identity`'s signing keys. A signature of the wrong length is
 * simply invalid (false); a non-Uint8Array argument throws BAD_TYPE.
 */
export function hybridVerify(
  suite: Suite,
  identity: Pick<IdentityPublic, 'signingKeyClassical' | 'signingKeyPQ'>,
  label: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  expectBytes(signature, 'hybrid signature');
  if (signature.length !== HYBRID_SIGNATURE_BYTES) return false;
  const tbs = toBeSigned(label, message);
  const classical = signature.subarray(0, SIZES.ED25519_SIGNATURE);
  const pq = signature.subarray(SIZES.ED25519_SIGNATURE);
  const okClassical = suite.sigClassical.verify(identity.signingKeyClassical, tbs, classical);
  const okPQ = suite.sigPQ.verify(identity.signingKeyPQ, tbs, pq);
  return okClassical && okPQ;
}
