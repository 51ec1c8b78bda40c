/**
 * Shared fixtures for the ratchet tests: the suite under test (one line to switch), a
 * deterministic RandomSource, and a freshly initialized Alice/Bob pair with a fixed AD.
 */
import { createHash } from 'node:crypto';
import type { Suite } from '../../../src/protocol/suite.ts';
import type { RandomSource } from '../../../src/util/random.ts';
import {
  ratchetInitAlice,
  ratchetInitBob,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import { encodeRatchetState } from '../../../src/protocol/ratchet/state-codec.ts';
import { defaultSuite } from '../../../src/protocol/default-suite.ts';
import { nobleSuite } from '../../helpers/noble-suite.ts';

/** The suite every ratchet test runs on: pqmsg's own primitives. */
export const suite: Suite = defaultSuite;
/** The noble-backed oracle; crosscheck.test.ts asserts identical transcripts on both. */
export const oracleSuite: Suite = nobleSuite;

/** SHA-256 in counter mode over a label: a reproducible RandomSource (tests only). */
export function detRandom(label: string): RandomSource {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n: number) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      if (pool.length === 0)
        pool = new Uint8Array(createHash('sha256').update(`${label}/${counter++}`).digest());
      const take = Math.min(pool.length, n - off);
      out.set(pool.subarray(0, take), off);
      pool = pool.subarray(take);
      off += take;
    }
    return out;
  };
}

export interface Pair {
  alice: RatchetState;
  bob: RatchetState;
  ad: Uint8Array;
  random: RandomSource;
  /** The handshake outputs, for tests that need them. */
  sk: Uint8Array;
  hka: Uint8Array;
  nhkb: Uint8Array;
  bobRatchetPublic: Uint8Array;
}

/** Alice and Bob as PQXDH would leave them (SK, shared_hka, shared_nhkb, SPK_B drawn at random). */
export function newPair(label = 'pair', on: Suite = suite): Pair {
  const random = detRandom(label);
  const sk = random(32);
  const hka = random(32);
  const nhkb = random(32);
  const spk = on.dh.keygen(random(32));
  const ad = random(64);
  const alice = ratchetInitAlice(on, sk, spk.publicKey, hka, nhkb, random);
  const bob = ratchetInitBob(on, sk, spk, hka, nhkb);
  return { alice, bob, ad, random, sk, hka, nhkb, bobRatchetPublic: spk.publicKey };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The state as bytes: the yardstick for "unchanged". */
export const snapshot = (s: RatchetState): Uint8Array => encodeRatchetState(s);

/** Runs fn, expecting it to throw an error with `code`; returns that error. */
export function expectCode(fn: () => unknown, code: string): Error & { code: string } {
  try {
    fn();
  } catch (e) {
    const err = e as Error & { code: string };
    if (err.code !== code)
      throw new Error(`expected ${code}, got ${err.code ?? ''}: ${err.message}`);
    return err;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}
