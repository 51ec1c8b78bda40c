/**
 * Every KAT suite, by area. Each area file exports `suites: KatSuite[]`; loading is lazy so that
 * `npm run kat mlkem` does not import the other areas.
 */
import type { KatSuite } from '../lib.ts';

export const AREAS: Record<string, () => Promise<KatSuite[]>> = {
  hash: async () => (await import('./hash.ts')).suites,
  aead: async () => (await import('./aead.ts')).suites,
  curve25519: async () => (await import('./curve25519.ts')).suites,
  mlkem: async () => (await import('./mlkem.ts')).suites,
  mldsa: async () => (await import('./mldsa.ts')).suites,
};
