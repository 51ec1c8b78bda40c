/**
 * Benchmarks for the aead area: ChaCha20-Poly1305 seal and open, XChaCha20-Poly1305 seal, at
 * 64 B, 1 KiB and 1 MiB, against @noble/ciphers, node:crypto (OpenSSL) and libsodium-wrappers
 * (WebAssembly; a reference line). Fixed inputs; 16 bytes of AAD (a message header's worth).
 */
import {
  chacha20poly1305 as nobleChaCha,
  xchacha20poly1305 as nobleXChaCha,
} from '@noble/ciphers/chacha.js';
import sodium from 'libsodium-wrappers';
import { chacha20poly1305, xchacha20poly1305 } from '../src/aead/index.ts';
import { fixedInput, type BenchCase } from './harness.ts';
import { nodeOpen, nodeSeal } from './node-aead.ts';

const SIZES = [64, 1024, 1 << 20];

export async function cases(): Promise<BenchCase[]> {
  await sodium.ready;
  const key = fixedInput(32, 1);
  const nonce = fixedInput(12, 2);
  const xnonce = fixedInput(24, 3);
  const aad = fixedInput(16, 4);
  const out: BenchCase[] = [];
  for (const size of SIZES) {
    const pt = fixedInput(size, 5);
    const sealed = chacha20poly1305.seal(key, nonce, pt, aad);
    out.push({
      area: 'aead',
      op: 'ChaCha20-Poly1305 seal',
      size,
      impls: {
        pqmsg: () => chacha20poly1305.seal(key, nonce, pt, aad),
        '@noble/ciphers': () => nobleChaCha(key, nonce, aad).encrypt(pt),
        'node:crypto': () => nodeSeal(key, nonce, pt, aad),
        'libsodium (wasm)': () =>
          sodium.crypto_aead_chacha20poly1305_ietf_encrypt(pt, aad, null, nonce, key),
      },
    });
    out.push({
      area: 'aead',
      op: 'ChaCha20-Poly1305 open',
      size,
      impls: {
        pqmsg: () => chacha20poly1305.open(key, nonce, sealed, aad),
        '@noble/ciphers': () => nobleChaCha(key, nonce, aad).decrypt(sealed),
        'node:crypto': () => nodeOpen(key, nonce, sealed, aad),
        'libsodium (wasm)': () =>
          sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, sealed, aad, nonce, key),
      },
    });
    out.push({
      area: 'aead',
      op: 'XChaCha20-Poly1305 seal',
      size,
      impls: {
        pqmsg: () => xchacha20poly1305.seal(key, xnonce, pt, aad),
        '@noble/ciphers': () => nobleXChaCha(key, xnonce, aad).encrypt(pt),
        'libsodium (wasm)': () =>
          sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(pt, aad, null, xnonce, key),
      },
    });
  }
  return out;
}
