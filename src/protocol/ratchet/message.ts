/**
 * The ratchet message byte layout: version (1) ‖ nonce (24) ‖ sealed header (56) ‖ body, where
 * body = ChaCha20-Poly1305(key, nonce, plaintext, AD ‖ first 81 bytes) (plaintext length + 16).
 * Double Ratchet rev. 1 §4.5 (RatchetEncryptHE returns enc_header, ciphertext); the layout and
 * the version byte are pqmsg's (docs/PROTOCOL.md, "Message layout").
 * Side channels: only public lengths and the public version byte are examined.
 */
import { concatBytes, expectBytes } from '../../util/bytes.ts';
import { ProtocolError } from '../../util/errors.ts';
import { ENC_HEADER_BYTES, MIN_MESSAGE_BYTES, RATCHET_MESSAGE_VERSION } from './constants.ts';

/** A message split into its encrypted header (version included) and its AEAD body. */
export interface RatchetMessageParts {
  encHeader: Uint8Array;
  body: Uint8Array;
}

/**
 * Joins an encrypted header and a body into message bytes.
 * Double Ratchet rev. 1 §4.5 (RatchetEncryptHE returns enc_header, ciphertext).
 */
export function encodeMessage(encHeader: Uint8Array, body: Uint8Array): Uint8Array {
  return concatBytes(encHeader, body);
}

/**
 * Splits message bytes, checking the version byte and the minimum length before any crypto.
 * Double Ratchet rev. 1 §4.6 (RatchetDecryptHE input). Throws ProtocolError UNKNOWN_VERSION for
 * another version, DECRYPT_FAILED if empty or too short.
 */
export function parseMessage(message: Uint8Array): RatchetMessageParts {
  expectBytes(message, 'ratchet message');
  if (message.length === 0) throw new ProtocolError('DECRYPT_FAILED', 'ratchet message: empty');
  if (message[0] !== RATCHET_MESSAGE_VERSION)
    throw new ProtocolError('UNKNOWN_VERSION', `ratchet message: unknown version ${message[0]}`);
  if (message.length < MIN_MESSAGE_BYTES)
    throw new ProtocolError(
      'DECRYPT_FAILED',
      `ratchet message: ${message.length} bytes is shorter than ${MIN_MESSAGE_BYTES}`,
    );
  return {
    encHeader: message.subarray(0, ENC_HEADER_BYTES),
    body: message.subarray(ENC_HEADER_BYTES),
  };
}
