/**
 * Randomness source. Everything that needs random bytes takes a `RandomSource`, so tests can
 * pass a deterministic one (deterministic sources live under test/ only). The default draws from
 * crypto.getRandomValues (WebCrypto, the OS CSPRNG) through the SP 800-90B continuous health
 * tests of health.ts, and fails closed (CryptoError ENTROPY_FAILURE) if they fail.
 * The path of every random byte to the keys and nonces it becomes: docs/SECURITY.md.
 */
import { CryptoError } from './errors.ts';
import { withHealthTests } from './health.ts';

/** Returns n fresh random bytes. */
export type RandomSource = (n: number) => Uint8Array;

const MAX_GET_RANDOM_VALUES = 65536; // WebCrypto's per-call quota

/** n bytes from crypto.getRandomValues, untested (the raw input of defaultRandom). */
function osRandom(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new CryptoError('BAD_PARAMS', `random: bad length ${n}`);
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += MAX_GET_RANDOM_VALUES)
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + MAX_GET_RANDOM_VALUES)));
  return out;
}

/** The OS CSPRNG with the SP 800-90B §4.4 continuous health tests on every byte it returns. */
export const defaultRandom: RandomSource = withHealthTests(osRandom);
