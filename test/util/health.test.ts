import { describe, expect, test } from 'vitest';
import { shake128Xof } from '../../src/hash/sha3.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { CryptoError } from '../../src/util/errors.ts';
import {
  ALPHA_LOG2,
  APT_WINDOW,
  ASSESSED_MIN_ENTROPY,
  HealthTests,
  STARTUP_SAMPLES,
  aptCutoff,
  rctCutoff,
  withHealthTests,
} from '../../src/util/health.ts';
import type { RandomSource } from '../../src/util/random.ts';
import { codeOf } from '../helpers/error-code.ts';

/** A healthy deterministic source: the SHAKE128 stream of a label (test-only). */
function shakeSource(label: string): RandomSource {
  const xof = shake128Xof().absorb(utf8(label));
  return (n) => xof.squeeze(n);
}

/** The message of the CryptoError fn throws ('' if none). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CryptoError) return e.message;
    throw e;
  }
  return '';
}

// Exact binomial arithmetic on rationals n/d (bigint), for p = 2^−H with H a whole number.
const choose = (n: number, k: number): bigint => {
  let c = 1n;
  for (let i = 1; i <= k; i++) c = (c * BigInt(n - k + i)) / BigInt(i);
  return c;
};
/** P(X ≥ k) for X ~ Binomial(n, 1/2^h), as a numerator over 2^(h·n). */
const upperTail = (n: number, h: number, k: number): bigint => {
  const q = (1n << BigInt(h)) - 1n; // (1 − p) · 2^h
  let sum = 0n;
  for (let j = k; j <= n; j++) sum += choose(n, j) * q ** BigInt(n - j);
  return sum;
};
/** 1 + CRITBINOM(W, 2^−h, 1 − 2^−a), exactly: 1 + the smallest k with P(X > k) ≤ 2^−a. */
const exactAptCutoff = (w: number, h: number, a: number): number => {
  const q = (1n << BigInt(h)) - 1n;
  const bound = 1n << BigInt(h * w - a); //        2^−a as a numerator over 2^(h·w)
  let tail = 0n; //                                P(X > k) · 2^(h·w), for k from w down
  let c = 1n; //                                   C(w, k)
  for (let k = w; k > 0; k--) {
    const next = tail + c * q ** BigInt(w - k); // P(X > k − 1)
    if (next > bound) return 1 + k;
    tail = next;
    c = (c * BigInt(k)) / BigInt(w - k + 1); //    C(w, k − 1)
  }
  return 1;
};

describe('SP 800-90B §4.4 — cutoffs', () => {
  test('the shipped parameters: H = 2 bits per byte, α = 2⁻²⁰, W = 512 → RCT C = 11, APT C = 177', () => {
    expect([ASSESSED_MIN_ENTROPY, ALPHA_LOG2, APT_WINDOW]).toEqual([2, 20, 512]);
    const t = new HealthTests();
    expect([t.rctCutoff, t.aptCutoff]).toEqual([11, 177]);
  });

  test('§4.4.1: C = 1 + ⌈20 / H⌉', () => {
    expect([0.5, 1, 2, 3, 4, 7, 8].map((h) => rctCutoff(h))).toEqual([41, 21, 11, 8, 6, 4, 4]);
  });

  test('§4.4.2: aptCutoff equals 1 + CRITBINOM(512, 2^−H, 1 − 2⁻²⁰) in exact arithmetic (H = 1 … 8)', () => {
    const hs = [1, 2, 3, 4, 5, 6, 7, 8];
    const exact = hs.map((h) => exactAptCutoff(APT_WINDOW, h, ALPHA_LOG2));
    expect(hs.map((h) => aptCutoff(h))).toEqual(exact);
    expect(exact).toHaveLength(8);
    expect(exact[1]).toBe(177);
  });

  test('reproduces published cutoffs: Go crypto/internal/entropy (H = 0.5: 41, 410), Nordic nRF54 (H = 8: 13)', () => {
    expect([rctCutoff(0.5), aptCutoff(0.5), aptCutoff(8)]).toEqual([41, 410, 13]);
  });

  test('false-positive rate on a healthy (uniform) source is negligible: exact bounds', () => {
    const t = new HealthTests();
    // RCT: a given byte ends a run of C equal bytes with probability 256^−(C−1) = 2⁻⁸⁰.
    expect(8 * (t.rctCutoff - 1)).toBe(80);
    // APT: a window fails iff ≥ C − 1 of its other 511 bytes equal its first: P(Bin(511, 2⁻⁸) ≥ 176).
    const tail = upperTail(APT_WINDOW - 1, 8, t.aptCutoff - 1); // numerator over 2^(8·511)
    const log2Tail = tail.toString(2).length - 8 * (APT_WINDOW - 1); // ≥ log₂ P, within 1 bit
    expect(log2Tail).toBeLessThan(-900);
  });
});

describe('SP 800-90B §4.4 — continuous tests on a source', () => {
  test('a good source passes a long run (2 MiB of SHAKE128 in 4 KiB draws, plus the start-up test)', () => {
    const tests = new HealthTests();
    const random = withHealthTests(shakeSource('health: good source'), tests);
    let total = 0;
    for (let i = 0; i < 512; i++) total += random(4096).length;
    expect(total).toBe(2 << 20);
    expect(tests.failed).toBe(false);
  });

  test('a stuck source fails the start-up test with ENTROPY_FAILURE (Repetition Count Test)', () => {
    const random = withHealthTests((n) => new Uint8Array(n).fill(0x5a));
    expect(codeOf(() => random(32))).toBe('ENTROPY_FAILURE');
    expect(messageOf(() => random(32))).toContain('Repetition Count Test (SP 800-90B §4.4.1, C = 11)');
  });

  test('RCT boundary and state across draws: a run of 10 equal bytes passes, a run of 11 split over two draws fails', () => {
    const good = shakeSource('health: rct');
    let stuck = false;
    const source: RandomSource = (n) => (stuck ? new Uint8Array(n) : good(n));
    const tests = new HealthTests();
    const random = withHealthTests(source, tests);
    random(16); //                                  start-up test and a first draw, all healthy
    const probe = new HealthTests();
    probe.check(Uint8Array.of(1, ...new Array(10).fill(7), 1));
    expect(probe.failed).toBe(false); //            a run of C − 1 = 10 is allowed
    stuck = true;
    const first = random(6); //                     6 zeros: the run is 6 (or 7 if good ended in 0)
    expect([...first]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(codeOf(() => random(5))).toBe('ENTROPY_FAILURE'); // run ≥ 11 across the two draws
  });

  test('a biased source fails the Adaptive Proportion Test (every other byte 0x00)', () => {
    const good = shakeSource('health: apt');
    // Even positions 0x00, odd positions healthy bytes with 0 replaced: no runs, but a window that
    // starts on an even position holds 256 zeros ≥ C = 177.
    const source: RandomSource = (n) => {
      const out = good(n);
      for (let i = 0; i < n; i++) out[i] = i % 2 === 0 ? 0 : out[i] | 1;
      return out;
    };
    const random = withHealthTests(source);
    expect(codeOf(() => random(16))).toBe('ENTROPY_FAILURE');
    expect(messageOf(() => random(16))).toContain('Adaptive Proportion Test (SP 800-90B §4.4.2, W = 512, C = 177)');
  });

  test('a source biased towards one value (p ≈ 0.4) fails the APT within a few windows', () => {
    const good = shakeSource('health: apt 0.4');
    const tests = new HealthTests();
    tests.check(good(STARTUP_SAMPLES));
    let drawn = 0;
    const biased = (n: number): Uint8Array => {
      const out = good(2 * n);
      const r = new Uint8Array(n);
      // 0xee with probability 102/256 ≈ 0.4, else a byte ≠ 0xee; runs stay short (0.4¹¹ ≈ 2⁻¹⁴·⁵)
      for (let i = 0; i < n; i++) r[i] = out[2 * i] < 102 ? 0xee : out[2 * i + 1] === 0xee ? 0 : out[2 * i + 1];
      return r;
    };
    expect(
      codeOf(() => {
        for (; drawn < 64 * APT_WINDOW; drawn += 64) tests.check(biased(64));
      }),
    ).toBe('ENTROPY_FAILURE');
    expect(drawn).toBeLessThan(64 * APT_WINDOW);
  });

  test('fails closed: after a failure every draw throws, and the failed draw is wiped', () => {
    let mode: 'good' | 'stuck' = 'good';
    const good = shakeSource('health: latch');
    const handed: Uint8Array[] = [];
    const random = withHealthTests((n) => {
      const out = mode === 'good' ? good(n) : new Uint8Array(n).fill(0xc3);
      handed.push(out);
      return out;
    });
    random(8);
    mode = 'stuck';
    expect(codeOf(() => random(32))).toBe('ENTROPY_FAILURE');
    expect([...handed[handed.length - 1]].every((b) => b === 0)).toBe(true); // wiped, not 0xc3
    mode = 'good';
    expect(codeOf(() => random(8))).toBe('ENTROPY_FAILURE');
  });

  test('a source returning the wrong length is refused (BAD_LENGTH)', () => {
    const good = shakeSource('health: length');
    const random = withHealthTests((n) => good(n === STARTUP_SAMPLES ? n : n + 1));
    expect(codeOf(() => random(32))).toBe('BAD_LENGTH');
  });
});
