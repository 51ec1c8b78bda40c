/**
 * XChaCha20-Poly1305: ChaCha20-Poly1305 with a 24-byte nonce, safe to draw at random.
 * draft-irtf-cfrg-xchacha-03 (Arciszewski, 2020) §2.3 (AEAD_XChaCha20_Poly1305): subkey ←
 * HChaCha20(key, nonce[0..15]), then AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8) with the subkey and
 * the 12-byte nonce 0x00000000 ‖ nonce[16..23]. HChaCha20 (§2.2) is in chacha20.ts.
 * Side channels: as chacha20poly1305.ts; the subkey is wiped after use (best effort).
 */
import { wipe } from '../util/ct.ts';
import {
  KEY_LENGTH,
  TAG_LENGTH,
  checkAeadArgs,
  openChecked,
  sealChecked,
  type Aead,
} from './chacha20poly1305.ts';
import { hchacha20 } from './chacha20.ts';

export const NONCE_LENGTH = 24;
const CITE = 'draft-irtf-cfrg-xchacha-03 §2.3';
const EMPTY = new Uint8Array(0);

/** The ChaCha20-Poly1305 key and nonce for an XChaCha20 key and 24-byte nonce (§2.3). */
function deriveSubkeyAndNonce(
  key: Uint8Array,
  nonce: Uint8Array,
): { subkey: Uint8Array; nonce12: Uint8Array } {
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const nonce12 = new Uint8Array(12); // 0x00000000 ‖ nonce[16..23]
  nonce12.set(nonce.subarray(16, 24), 4);
  return { subkey, nonce12 };
}

/**
 * Encrypts and authenticates with a 32-byte key and 24-byte nonce: ciphertext ‖ tag (fresh).
 * draft-irtf-cfrg-xchacha-03 §2.3 (AEAD_XChaCha20_Poly1305).
 */
export function seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkAeadArgs('XChaCha20-Poly1305', NONCE_LENGTH, key, nonce, plaintext, 'plaintext', aad);
  const { subkey, nonce12 } = deriveSubkeyAndNonce(key, nonce);
  try {
    return sealChecked(subkey, nonce12, plaintext, aad);
  } finally {
    wipe(subkey);
  }
}

/**
 * Verifies and decrypts ciphertext ‖ tag; throws CryptoError AUTH_FAILED on a bad tag.
 * draft-irtf-cfrg-xchacha-03 §2.3 (AEAD_XChaCha20_Poly1305).
 */
export function open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  checkAeadArgs('XChaCha20-Poly1305', NONCE_LENGTH, key, nonce, sealed, 'sealed', aad);
  const { subkey, nonce12 } = deriveSubkeyAndNonce(key, nonce);
  try {
    return openChecked(subkey, nonce12, sealed, aad, 'XChaCha20-Poly1305', CITE);
  } finally {
    wipe(subkey);
  }
}

/** XChaCha20-Poly1305 as one object: seal / open, 32-byte key, 24-byte nonce. */
export const xchacha20poly1305: Aead = Object.freeze({
  seal,
  open,
  keyLength: KEY_LENGTH,
  nonceLength: NONCE_LENGTH,
  tagLength: TAG_LENGTH,
});
