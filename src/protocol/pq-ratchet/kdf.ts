/**
 * The post-quantum ratchet's key schedule: the split of the PQXDH root key, the epoch-0 chains
 * and authenticator, epoch secrets, adding an epoch to the chain, and the per-message chain step.
 * ML-KEM Braid rev. 1 (signal.org/docs/specifications/mlkembraid) and SPQR's `chain.rs` /
 * `authenticator.rs` (signalapp/SparsePostQuantumRatchet), with pqmsg's labels; all HKDF-SHA256
 * (RFC 5869). docs/PROTOCOL.md §5.12.3 lists every derivation.
 * Side channels: HKDF on fixed-length secrets; no secret-dependent branch or index.
 * Every function returns fresh arrays and wipes its intermediate output.
 */
import { concatBytes, copyBytes, store32BE } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import type { Suite } from '../suite.ts';
import {
  ADD_EPOCH_INFO,
  AUTH_START_INFO,
  AUTH_UPDATE_INFO,
  CHAIN_NEXT_INFO,
  CHAIN_START_INFO,
  EPOCH_SECRET_INFO,
  PQ_KEY_BYTES,
  TRIPLE_RATCHET_INIT_INFO,
} from './constants.ts';

const ZERO_SALT = new Uint8Array(PQ_KEY_BYTES);

/** label ‖ u32(n): the per-epoch or per-counter info string. */
export function infoWith(label: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(label.length + 4);
  out.set(label);
  store32BE(out, label.length, n);
  return out;
}

/** Splits okm into `parts` fresh 32-byte keys and wipes okm. */
function split(okm: Uint8Array, parts: number): Uint8Array[] {
  const keys = Array.from({ length: parts }, (_, i) =>
    copyBytes(okm, i * PQ_KEY_BYTES, (i + 1) * PQ_KEY_BYTES),
  );
  wipe(okm);
  return keys;
}

/**
 * RK₀ ‖ PQ₀ ← HKDF(IKM = SK, salt = 0³², "pqmsg v2 triple ratchet init", 64): the Double Ratchet's
 * first root key and the post-quantum ratchet's initial key. Differs from libsignal, which takes
 * the SPQR key as a third PQXDH output: here PQXDH stays exactly as in v1.
 */
export function splitRootKey(suite: Suite, sk: Uint8Array): { rootKey: Uint8Array; pqKey: Uint8Array } {
  const [rootKey, pqKey] = split(suite.hkdf(sk, ZERO_SALT, TRIPLE_RATCHET_INIT_INFO, 64), 2);
  return { rootKey, pqKey };
}

/** The chain root and the two directions' chain keys of one epoch. */
export interface EpochChains {
  root: Uint8Array;
  initiatorToResponder: Uint8Array;
  responderToInitiator: Uint8Array;
}

/**
 * Epoch 0: root ‖ A→B ‖ B→A ← HKDF(IKM = PQ₀, salt = 0³², "pqmsg v2 pq chain start", 96).
 * SPQR chain.rs (Chain::new, "Chain Start").
 */
export function chainStart(suite: Suite, pqKey: Uint8Array): EpochChains {
  const [root, a2b, b2a] = split(suite.hkdf(pqKey, ZERO_SALT, CHAIN_START_INFO, 96), 3);
  return { root, initiatorToResponder: a2b, responderToInitiator: b2a };
}

/**
 * Epoch e ≥ 1: root′ ‖ A→B ‖ B→A ← HKDF(IKM = k_e, salt = root, "… add epoch" ‖ u32(e), 96).
 * SPQR chain.rs (add_epoch, "Chain Add Epoch"); binding e into info is pqmsg's.
 */
export function addEpoch(
  suite: Suite,
  root: Uint8Array,
  secret: Uint8Array,
  epoch: number,
): EpochChains {
  const okm = suite.hkdf(secret, root, infoWith(ADD_EPOCH_INFO, epoch), 96);
  const [next, a2b, b2a] = split(okm, 3);
  return { root: next, initiatorToResponder: a2b, responderToInitiator: b2a };
}

/** The authenticator: a root that absorbs every epoch secret, and the current MAC key. */
export interface AuthKeys {
  authRoot: Uint8Array;
  macKey: Uint8Array;
}

/** Epoch 0: authRoot ‖ macKey ← HKDF(IKM = PQ₀, salt = 0³², "pqmsg v2 pq auth start", 64). */
export function authStart(suite: Suite, pqKey: Uint8Array): AuthKeys {
  const [authRoot, macKey] = split(suite.hkdf(pqKey, ZERO_SALT, AUTH_START_INFO, 64), 2);
  return { authRoot, macKey };
}

/**
 * authRoot′ ‖ macKey_e ← HKDF(IKM = authRoot ‖ k_e, salt = 0³², "… auth update" ‖ u32(e), 64).
 * SPQR authenticator.rs ("Authenticator Update").
 */
export function authUpdate(suite: Suite, auth: AuthKeys, secret: Uint8Array, epoch: number): AuthKeys {
  const ikm = concatBytes(auth.authRoot, secret);
  const okm = suite.hkdf(ikm, ZERO_SALT, infoWith(AUTH_UPDATE_INFO, epoch), 64);
  wipe(ikm);
  const [authRoot, macKey] = split(okm, 2);
  return { authRoot, macKey };
}

/**
 * k_e ← HKDF(IKM = ML-KEM shared secret, salt = 0³², "pqmsg v2 pq epoch secret" ‖ u32(e), 32).
 * SPQR ("SCKA Key" ‖ epoch).
 */
export function epochSecret(suite: Suite, sharedSecret: Uint8Array, epoch: number): Uint8Array {
  return suite.hkdf(sharedSecret, ZERO_SALT, infoWith(EPOCH_SECRET_INFO, epoch), PQ_KEY_BYTES);
}

/**
 * One chain step for the message with counter n: pq_mk = HMAC(ck, L ‖ u32(n) ‖ 0x01) and
 * ck′ = HMAC(ck, L ‖ u32(n) ‖ 0x02), L = "pqmsg v2 pq chain next". Double Ratchet rev. 1 §5.2
 * (KDF_CK: HMAC with distinct constants) with SPQR chain.rs's counter binding ("Chain Next");
 * two HMACs instead of SPQR's HKDF (three), since this runs on every message.
 */
export function chainNext(
  suite: Suite,
  chainKey: Uint8Array,
  counter: number,
): { chainKey: Uint8Array; messageKey: Uint8Array } {
  const input = new Uint8Array(CHAIN_NEXT_INFO.length + 5);
  input.set(infoWith(CHAIN_NEXT_INFO, counter));
  input[input.length - 1] = 0x01;
  const messageKey = suite.hmac(chainKey, input);
  input[input.length - 1] = 0x02;
  return { chainKey: suite.hmac(chainKey, input), messageKey };
}
