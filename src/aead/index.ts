/**
 * The AEAD area's public API: ChaCha20-Poly1305 (RFC 8439) and XChaCha20-Poly1305
 * (draft-irtf-cfrg-xchacha-03), plus the ChaCha20 and Poly1305 building blocks for tests and
 * learners. Re-exports only.
 */
export { chacha20, chacha20Block, hchacha20, quarterRound } from './chacha20.ts';
export { Poly1305, poly1305 } from './poly1305.ts';
export {
  chacha20poly1305,
  poly1305KeyGen,
  MAX_PLAINTEXT_LENGTH,
  type Aead,
} from './chacha20poly1305.ts';
export { xchacha20poly1305 } from './xchacha20poly1305.ts';
