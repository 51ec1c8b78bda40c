/**
 * Randomness source. Everything that needs random bytes takes a `RandomSource`, so tests can
 * pass a deterministic one; the default draws from crypto.getRandomValues (WebCrypto, a CSPRNG).
 */
import { CryptoError } from './errors.ts';

/** Returns n fresh random bytes. */
export type RandomSource = (n: number) => Uint8Array;

const MAX_GET_RANDOM_VALUES = 65536; // WebCrypto's per-call quota

export const defaultRandom: RandomSource = (n: number): Uint8Array => {
  if (!Number.isSafeInteger(n) || n < 0) throw new CryptoError('BAD_PARAMS', `random: bad length ${n}`);
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += MAX_GET_RANDOM_VALUES)
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + MAX_GET_RANDOM_VALUES)));
  return out;
};
