/**
 * The Double Ratchet's KDF chains: the root chain (KDF_RK, header-encryption variant) and the
 * sending/receiving chains (KDF_CK), plus the expansion of a message key into AEAD key and nonce.
 * Double Ratchet rev. 1 (signal.org/docs/specifications/doubleratchet), §2.1, §4.2, §5.2.
 * Side channels: HKDF/HMAC on fixed-length secrets; no secret-dependent branch or index.
 * Every function returns fresh arrays and never mutates its inputs.
 */
import type { Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import {
  CHAIN_KEY_SEED,
  KDF_RK_INFO,
  KEY_BYTES,
  MESSAGE_KEY_SEED,
  MESSAGE_KEYS_INFO,
  MESSAGE_NONCE_BYTES,
} from './constants.ts';
import { wipe } from '../../util/ct.ts';
import { copyBytes } from '../../util/bytes.ts';

const SECTION_RK = 'Double Ratchet rev. 1 §4.2 (KDF_RK_HE), §5.2';
const SECTION_CK = 'Double Ratchet rev. 1 §5.2 (KDF_CK)';

/** Output of KDF_RK_HE: the next root key, a new chain key and the next header key. */
export interface RootStep {
  rootKey: Uint8Array;
  chainKey: Uint8Array;
  nextHeaderKey: Uint8Array;
}

/**
 * Advances the root chain with a DH output: RK′ ‖ CK ‖ NHK ← HKDF(salt = RK, IKM = dh_out).
 * Double Ratchet rev. 1 §4.2 (KDF_RK_HE); §5.2 recommends HKDF with RK as salt.
 */
export function kdfRK(suite: Suite, rk: Uint8Array, dhOut: Uint8Array, trace?: Trace): RootStep {
  const okm = suite.hkdf(dhOut, rk, KDF_RK_INFO, 3 * KEY_BYTES);
  const step: RootStep = {
    rootKey: copyBytes(okm, 0, KEY_BYTES),
    chainKey: copyBytes(okm, KEY_BYTES, 2 * KEY_BYTES),
    nextHeaderKey: copyBytes(okm, 2 * KEY_BYTES, 3 * KEY_BYTES),
  };
  wipe(okm);
  trace?.({
    step: 'KDF_RK: RK′ ‖ CK ‖ NHK ← HKDF(RK, dh_out)',
    section: SECTION_RK,
    values: {
      RK: copyBytes(rk),
      dh_out: copyBytes(dhOut),
      'RK′': copyBytes(step.rootKey),
      CK: copyBytes(step.chainKey),
      NHK: copyBytes(step.nextHeaderKey),
    },
  });
  return step;
}

/** Output of KDF_CK: the next chain key and this step's message key. */
export interface ChainStep {
  chainKey: Uint8Array;
  messageKey: Uint8Array;
}

/**
 * Advances a sending or receiving chain: mk = HMAC(ck, 0x01), ck′ = HMAC(ck, 0x02).
 * Double Ratchet rev. 1 §5.2 (KDF_CK).
 */
export function kdfCK(suite: Suite, ck: Uint8Array, trace?: Trace): ChainStep {
  const step: ChainStep = {
    messageKey: suite.hmac(ck, MESSAGE_KEY_SEED),
    chainKey: suite.hmac(ck, CHAIN_KEY_SEED),
  };
  trace?.({
    step: 'KDF_CK: mk = HMAC(CK, 0x01), CK′ = HMAC(CK, 0x02)',
    section: SECTION_CK,
    values: { CK: copyBytes(ck), mk: copyBytes(step.messageKey), 'CK′': copyBytes(step.chainKey) },
  });
  return step;
}

/** The ChaCha20-Poly1305 key and nonce that one message key yields. */
export interface MessageKeys {
  key: Uint8Array;
  nonce: Uint8Array;
}

/**
 * Expands a message key mixed with the post-quantum ratchet's key for the same message:
 * key ‖ nonce ← HKDF(salt = pq_mk, IKM = mk, info, 44), so the AEAD key needs both.
 * Double Ratchet rev. 1 §5.2 (ENCRYPT: HKDF of mk) and rev. 4 §6 (KDF_HYBRID(ec_mk, pq_mk), which
 * libsignal instantiates as this HKDF with the SPQR key as salt). Differs from the spec: the AEAD
 * is ChaCha20-Poly1305 instead of AES-256-CBC + HMAC, so 44 bytes (key, nonce) instead of 80.
 */
export function messageKeys(
  suite: Suite,
  mk: Uint8Array,
  pqKey: Uint8Array,
  trace?: Trace,
): MessageKeys {
  const okm = suite.hkdf(mk, pqKey, MESSAGE_KEYS_INFO, KEY_BYTES + MESSAGE_NONCE_BYTES);
  const keys: MessageKeys = {
    key: copyBytes(okm, 0, KEY_BYTES),
    nonce: copyBytes(okm, KEY_BYTES, KEY_BYTES + MESSAGE_NONCE_BYTES),
  };
  wipe(okm);
  trace?.({
    step: 'message keys: key ‖ nonce ← HKDF(salt = pq_mk, mk)',
    section: 'Double Ratchet rev. 1 §5.2 (ENCRYPT), rev. 4 §6 (KDF_HYBRID)',
    values: {
      mk: copyBytes(mk),
      pq_mk: copyBytes(pqKey),
      key: copyBytes(keys.key),
      nonce: copyBytes(keys.nonce),
    },
  });
  return keys;
}
