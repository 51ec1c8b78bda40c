/**
 * The Diffie-Hellman ratchet step and the DH functions it uses: GENERATE_DH, DH and DHRatchetHE.
 * Double Ratchet rev. 1 §3.1 (External functions), §4.6 (DHRatchetHE).
 * Side channels: X25519 as the suite implements it (pqmsg's: fixed-limb ladder, see
 * src/curve25519); no branch here depends on secret bytes. Old keys are wiped when replaced.
 */
import { copyBytes, expectLength } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import type { RandomSource } from '../../util/random.ts';
import type { KeyPair, Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import { KEY_BYTES } from './constants.ts';
import type { Header } from './header.ts';
import { kdfRK } from './kdf-chains.ts';
import type { RatchetState } from './state.ts';

/**
 * One DH ratchet step on receipt of a new ratchet key: receiving half, then a fresh key pair and
 * the sending half. Double Ratchet rev. 1 §4.6 (DHRatchetHE).
 */
export function dhRatchet(
  suite: Suite,
  next: RatchetState,
  header: Header,
  random: RandomSource,
  trace?: Trace,
): void {
  next.prevChainLength = next.nSend; // PN = Ns
  next.nSend = 0; // Ns = 0
  next.nRecv = 0; // Nr = 0
  if (next.headerKeySend !== null) wipe(next.headerKeySend);
  if (next.headerKeyRecv !== null) wipe(next.headerKeyRecv);
  next.headerKeySend = next.nextHeaderKeySend; // HKs = NHKs
  next.headerKeyRecv = next.nextHeaderKeyRecv; // HKr = NHKr
  if (next.dhRecv !== null) wipe(next.dhRecv);
  next.dhRecv = copyBytes(header.dh); // DHRr = header.dh
  // RK, CKr, NHKr = KDF_RK_HE(RK, DH(DHRs, DHRr))
  const dhRecvOut = dh(suite, next.dhSend, next.dhRecv, trace);
  const recv = kdfRK(suite, next.rootKey, dhRecvOut, trace);
  wipe(dhRecvOut, next.rootKey);
  if (next.chainKeyRecv !== null) wipe(next.chainKeyRecv);
  next.rootKey = recv.rootKey;
  next.chainKeyRecv = recv.chainKey;
  next.nextHeaderKeyRecv = recv.nextHeaderKey;
  // DHRs = GENERATE_DH()
  wipe(next.dhSend.secretKey, next.dhSend.publicKey);
  next.dhSend = generateDH(suite, random);
  // RK, CKs, NHKs = KDF_RK_HE(RK, DH(DHRs, DHRr))
  const dhSendOut = dh(suite, next.dhSend, next.dhRecv, trace);
  const send = kdfRK(suite, next.rootKey, dhSendOut, trace);
  wipe(dhSendOut, next.rootKey);
  if (next.chainKeySend !== null) wipe(next.chainKeySend);
  next.rootKey = send.rootKey;
  next.chainKeySend = send.chainKey;
  next.nextHeaderKeySend = send.nextHeaderKey;
}

/** GENERATE_DH(): a fresh X25519 key pair from 32 random bytes. Double Ratchet rev. 1 §3.1. */
export function generateDH(suite: Suite, random: RandomSource): KeyPair {
  const seed = random(KEY_BYTES);
  expectLength(seed, KEY_BYTES, 'GENERATE_DH: RandomSource output');
  const kp = suite.dh.keygen(seed);
  const out = { secretKey: copyBytes(kp.secretKey), publicKey: copyBytes(kp.publicKey) };
  wipe(seed); // the suite may have returned `seed` itself as the secret key: copied above
  return out;
}

/** DH(dh_pair, dh_pub): X25519; an all-zero output throws CryptoError LOW_ORDER. §3.1 (DH). */
export function dh(suite: Suite, pair: KeyPair, peer: Uint8Array, trace?: Trace): Uint8Array {
  const out = suite.dh.getSharedSecret(pair.secretKey, peer);
  trace?.({
    step: 'DH(DHs, DHr)',
    section: 'Double Ratchet rev. 1 §3.1 (DH), §4.4/§4.6',
    values: { DHs: copyBytes(pair.publicKey), DHr: copyBytes(peer), dh_out: copyBytes(out) },
  });
  return out;
}
