/**
 * Continuous health tests on the bytes of a RandomSource, each byte one sample. NIST SP 800-90B,
 * "Recommendation for the Entropy Sources Used for Random Bit Generation" (January 2018):
 * §4.4.1 (Repetition Count Test), §4.4.2 (Adaptive Proportion Test), and the §4.3 start-up test
 * over 1024 samples. The tests keep their state across draws, as continuous tests do, and fail
 * closed: a failure throws CryptoError ENTROPY_FAILURE and every later draw throws too.
 * They catch a broken source (stuck, heavily biased); they cannot measure entropy: a seeded PRNG
 * passes them. Cutoffs and the choice of H: docs/SECURITY.md (Randomness).
 * Side channels: sample comparisons are branch-free (ct.ts); only the window position (public)
 * and the pass/fail outcome (public, it throws) branch.
 */
import { ctByteEqual, ctLessThan, wipe } from './ct.ts';
import { expectLength } from './bytes.ts';
import { CryptoError } from './errors.ts';
import type { RandomSource } from './random.ts';

/**
 * H, the min-entropy per byte credited to the source, in bits. Deliberately low (the OS CSPRNG
 * gives 8): the cutoffs then keep the false-positive rate of a healthy source near 2⁻⁸⁰ per
 * byte, while a stuck or grossly biased source still fails within one window.
 */
export const ASSESSED_MIN_ENTROPY = 2;
/** α = 2⁻²⁰, the false-positive probability SP 800-90B §4.4 sets the cutoffs for, as −log₂ α. */
export const ALPHA_LOG2 = 20;
/** W for non-binary samples (SP 800-90B §4.4.2). */
export const APT_WINDOW = 512;
/** §4.3: the health tests run over at least 1024 consecutive samples before first use. */
export const STARTUP_SAMPLES = 1024;

/** C = 1 + ⌈(−log₂ α) / H⌉. SP 800-90B §4.4.1 (Repetition Count Test). */
export function rctCutoff(minEntropy: number, alphaLog2 = ALPHA_LOG2): number {
  return 1 + Math.ceil(alphaLog2 / minEntropy);
}

/**
 * C = 1 + CRITBINOM(W, 2^−H, 1 − α): one more than the smallest k with P(X ≤ k) ≥ 1 − α for
 * X ~ Binomial(W, 2^−H). SP 800-90B §4.4.2 (Adaptive Proportion Test).
 * Computed as the smallest k with P(X > k) ≤ α, the upper tail summed from k = W down, each
 * term from log-factorials (no under- or overflow for W = 512); test/util/health.test.ts checks
 * it against exact rational arithmetic and the published values.
 */
export function aptCutoff(minEntropy: number, window = APT_WINDOW, alphaLog2 = ALPHA_LOG2): number {
  const lnFact = [0];
  for (let i = 1; i <= window; i++) lnFact.push(lnFact[i - 1] + Math.log(i));
  const lnP = -minEntropy * Math.LN2;
  const lnQ = Math.log1p(-Math.exp(lnP)); // ln(1 − p)
  const alpha = 2 ** -alphaLog2;
  // P(X = k) = C(W, k) · p^k · (1 − p)^(W−k)
  const pmf = (k: number): number =>
    Math.exp(lnFact[window] - lnFact[k] - lnFact[window - k] + k * lnP + (window - k) * lnQ);
  let tail = 0; //                                 P(X > k), for k from W down
  let k = window;
  while (k > 0 && tail + pmf(k) <= alpha) tail += pmf(k--);
  return 1 + k;
}

/** The state of both continuous tests over one source's output. */
export class HealthTests {
  readonly rctCutoff: number;
  readonly aptCutoff: number;
  /** RCT: A, the last sample, and B, the length of the run of A ending there. */
  private rctA = 0;
  private rctB = 0;
  /** APT: A, the window's first sample, B, its count so far, and the position in the window. */
  private aptA = 0;
  private aptB = 0;
  private aptPos = 0;
  private failedTest: string | null = null;

  constructor(readonly minEntropy: number = ASSESSED_MIN_ENTROPY) {
    this.rctCutoff = rctCutoff(minEntropy);
    this.aptCutoff = aptCutoff(minEntropy);
  }

  /**
   * Feeds the samples to both tests, in order. Throws ENTROPY_FAILURE if either fails now or
   * failed before. SP 800-90B §4.4.1 and §4.4.2.
   */
  check(samples: Uint8Array): void {
    this.throwIfFailed();
    let rctFail = 0;
    let aptFail = 0;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i];
      // §4.4.1: if x = A then B ← B + 1, else A ← x, B ← 1; fail if B ≥ C.
      this.rctB = ctByteEqual(x, this.rctA) * this.rctB + 1;
      this.rctA = x;
      rctFail |= 1 - ctLessThan(this.rctB, this.rctCutoff);
      // §4.4.2: A ← the first sample of each window of W, B ← 1; then B ← B + 1 for each of the
      // next W − 1 samples equal to A; fail if B ≥ C. The position is public.
      if (this.aptPos === 0) {
        this.aptA = x;
        this.aptB = 1;
      } else {
        this.aptB += ctByteEqual(x, this.aptA);
        aptFail |= 1 - ctLessThan(this.aptB, this.aptCutoff);
      }
      this.aptPos = this.aptPos + 1 === APT_WINDOW ? 0 : this.aptPos + 1;
    }
    if (rctFail !== 0)
      this.failedTest = `Repetition Count Test (SP 800-90B §4.4.1, C = ${this.rctCutoff})`;
    else if (aptFail !== 0)
      this.failedTest =
        `Adaptive Proportion Test (SP 800-90B §4.4.2, W = ${APT_WINDOW}, C = ${this.aptCutoff})`;
    this.throwIfFailed();
  }

  /** True once a test has failed: the source is then unusable for the life of this object. */
  get failed(): boolean {
    return this.failedTest !== null;
  }

  private throwIfFailed(): void {
    if (this.failedTest !== null)
      throw new CryptoError('ENTROPY_FAILURE', `random: health test failed: ${this.failedTest}`);
  }
}

/**
 * `source` with both continuous tests on every byte it returns, after the §4.3 start-up test
 * over STARTUP_SAMPLES discarded bytes at the first draw. A draw that fails is wiped, never
 * returned; from then on every draw throws ENTROPY_FAILURE (fail closed).
 */
export function withHealthTests(source: RandomSource, tests = new HealthTests()): RandomSource {
  let started = false;
  return (n: number): Uint8Array => {
    if (!started) {
      const startup = source(STARTUP_SAMPLES);
      try {
        expectLength(startup, STARTUP_SAMPLES, 'RandomSource output');
        tests.check(startup);
      } finally {
        wipe(startup);
      }
      started = true;
    }
    const out = source(n);
    expectLength(out, n, 'RandomSource output');
    try {
      tests.check(out);
    } catch (e) {
      wipe(out);
      throw e;
    }
    return out;
  };
}
