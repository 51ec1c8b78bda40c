/**
 * Reference Poly1305 on bigint, transcribing the pseudocode of RFC 8439 §2.5.1 line by line, and
 * a reference AEAD_CHACHA20_POLY1305 (§2.6, §2.8) built from it and the loop-form ChaCha20.
 * The obvious twins of src/aead/poly1305.ts and chacha20poly1305.ts. Test-only.
 * Side channels: bigint arithmetic is variable-time; this is not a shipped path.
 */
import { refChacha20, refChacha20Block } from './chacha20.ts';

const P = (1n << 130n) - 5n;

function leBytesToNum(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}

function numTo16LeBytes(n: bigint): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** RFC 8439 §2.5.1 poly1305_mac(msg, key). */
export function refPoly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const r = leBytesToNum(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn; // clamp(r)
  const s = leBytesToNum(key.subarray(16, 32));
  let a = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const block = new Uint8Array(Math.min(16, msg.length - i) + 1);
    block.set(msg.subarray(i, i + 16));
    block[block.length - 1] = 0x01; // n = le_bytes_to_num(msg[i..] | 0x01)
    a = ((a + leBytesToNum(block)) * r) % P;
  }
  return numTo16LeBytes((a + s) & ((1n << 128n) - 1n));
}

const pad16 = (n: number): Uint8Array => new Uint8Array((16 - (n % 16)) % 16);

function num64(n: number): Uint8Array {
  const out = new Uint8Array(8);
  let v = BigInt(n);
  for (let i = 0; i < 8; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** RFC 8439 §2.8 chacha20_aead_encrypt(aad, key, nonce, plaintext) → ciphertext ‖ tag. */
export function refAeadSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const otk = refChacha20Block(key, 0, nonce).subarray(0, 32); // §2.6 poly1305_key_gen
  const ciphertext = refChacha20(key, nonce, 1, plaintext);
  const macData = concat(
    aad,
    pad16(aad.length),
    ciphertext,
    pad16(ciphertext.length),
    num64(aad.length),
    num64(ciphertext.length),
  );
  return concat(ciphertext, refPoly1305(otk, macData));
}
