/**
 * Public API of the kdf area (password-based key derivation). Re-exports only. Source:
 * - RFC 9106 (September 2021), Argon2 Memory-Hard Function for Password Hashing and
 *   Proof-of-Work Applications — https://www.rfc-editor.org/rfc/rfc9106
 * Side channels: see each module's header (Argon2d and Argon2id's second half address memory
 * by secret-derived indices, by design).
 */
export {
  ARGON2D,
  ARGON2I,
  ARGON2ID,
  ARGON2ID_DEFAULTS,
  argon2,
  argon2d,
  argon2i,
  argon2id,
  type Argon2Extra,
  type Argon2Params,
  type Argon2Type,
} from './argon2.ts';
