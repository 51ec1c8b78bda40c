/**
 * ChaCha20-Poly1305 through node:crypto (OpenSSL), the rival the aead benches race: seal returns
 * ciphertext ‖ tag, open takes it back (RFC 8439 §2.8 layout, as pqmsg's own AEAD).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export function nodeSeal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  const body = c.update(pt);
  c.final();
  return Buffer.concat([body, c.getAuthTag()]);
}

export function nodeOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const n = sealed.length - 16;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  d.setAuthTag(sealed.subarray(n));
  d.setAAD(aad, { plaintextLength: n });
  const body = d.update(sealed.subarray(0, n));
  d.final();
  return body;
}
