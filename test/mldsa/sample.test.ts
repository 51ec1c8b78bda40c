import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  coeffFromHalfByte,
  expandA,
  expandMask,
  expandS,
  matrixStorage,
  sampleInBall,
  EXPAND_MASK_BUF_BYTES,
} from '../../src/mldsa/sample.ts';
import { extractLanes, keccakP1600Interleaved } from '../../src/hash/keccak.ts';
import { shakeOneBlock } from '../../src/hash/sponge.ts';
import { shake128, shake256 } from '../../src/hash/sha3.ts';
import { ML_DSA_44, ML_DSA_65, ML_DSA_87, Q } from '../../src/mldsa/params.ts';

const PARAMS = [ML_DSA_44, ML_DSA_65, ML_DSA_87];
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

describe('FIPS 202 §6.2 — one-block SHAKE start used by the samplers', () => {
  for (const [rate, shake] of [[168, shake128], [136, shake256]] as const) {
    test(`equals sha3.ts SHAKE${rate === 168 ? 128 : 256} over two blocks for every input length < rate`, () => {
      const state = new Uint32Array(50);
      const words = new Uint32Array(50);
      let n = 0;
      for (; n < rate; n++) {
        const input = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
        shakeOneBlock(state, input, rate);
        const got = new Uint8Array(2 * rate);
        for (let b = 0; b < 2; b++) {
          if (b > 0) keccakP1600Interleaved(state);
          extractLanes(state, words, rate / 8);
          got.set(new Uint8Array(words.buffer, 0, rate), b * rate);
        }
        expect(got).toEqual(shake(input, 2 * rate));
      }
      expect(n).toBe(rate);
      expect(() => shakeOneBlock(state, new Uint8Array(rate), rate)).toThrow(/shorter than one block/);
    });
  }
});

describe('FIPS 204 Alg 15 — CoeffFromHalfByte', () => {
  test('every nibble, both η, against the literal definition', () => {
    for (let b = 0; b < 16; b++) {
      expect(coeffFromHalfByte(b, 2)).toBe(b < 15 ? 2 - (b % 5) : 0xff);
      expect(coeffFromHalfByte(b, 4)).toBe(b < 9 ? 4 - b : 0xff);
    }
  });
});

describe('FIPS 204 Alg 29 — SampleInBall', () => {
  for (const p of PARAMS) {
    test(`${p.name}: exactly τ = ${p.tau} coefficients, all ±1`, () => {
      fc.assert(
        fc.property(bytes(p.cTildeBytes), (cTilde) => {
          const c = new Float64Array(256);
          sampleInBall(c, p.tau, cTilde, new Uint8Array(136), new Uint32Array(50), true);
          expect(c.filter((x) => x === 1 || x === -1).length).toBe(p.tau);
          expect(c.filter((x) => x === 0).length).toBe(256 - p.tau);
          // the public-c̃ form (verification) gives the same c
          const d = new Float64Array(256);
          sampleInBall(d, p.tau, cTilde, new Uint8Array(136), new Uint32Array(50), false);
          expect(Array.from(d)).toEqual(Array.from(c));
        }),
        { numRuns: 100 },
      );
    });

    test(`${p.name}: both forms equal Algorithm 29 written literally, call after call`, () => {
      /** Algorithm 29 step by step on a plain array, from 1000 bytes of H(ρ). */
      const literal = (rho: Uint8Array): number[] => {
        const stream = shake256(rho, 1000);
        const c = new Array<number>(256).fill(0);
        let pos = 8;
        for (let i = 256 - p.tau; i < 256; i++) {
          let j = stream[pos++];
          while (j > i) j = stream[pos++];
          const hBit = (stream[(i + p.tau - 256) >> 3] >> ((i + p.tau - 256) & 7)) & 1;
          c[i] = c[j];
          c[j] = hBit === 1 ? -1 : 1;
        }
        return c;
      };
      for (let t = 0; t < 40; t++) {
        const cTilde = new Uint8Array(p.cTildeBytes).map((_, i) => (i * 37 + t * 101) & 0xff);
        for (const secret of [true, false]) {
          const c = new Float64Array(256).fill(5);
          sampleInBall(c, p.tau, cTilde, new Uint8Array(136), new Uint32Array(50), secret);
          expect(Array.from(c)).toEqual(literal(cTilde));
        }
      }
    });
  }
});

describe('FIPS 204 Alg 30–34 — ExpandA, ExpandS, ExpandMask ranges', () => {
  test('ExpandA: k×l entries, coefficients centered mod q, deterministic in ρ', () => {
    const rho = new Uint8Array(32).fill(5);
    const A = expandA(ML_DSA_65, rho);
    expect(A.length).toBe(6);
    expect(A[0].length).toBe(5);
    for (const row of A)
      for (const a of row) expect(a.every((x) => Math.abs(x) <= (Q - 1) / 2)).toBe(true);
    expect(expandA(ML_DSA_65, rho)).toEqual(A);
    expect(A[0][1]).not.toEqual(A[1][0]); // ρ ‖ s ‖ r: the two indices are not interchangeable
  });

  test('ExpandA into the shared per-parameter-set storage equals a fresh ExpandA, call after call', () => {
    let n = 0;
    for (const p of PARAMS) {
      const storage = matrixStorage(p);
      expect(matrixStorage(p)).toBe(storage); // one per parameter set
      for (const fill of [1, 2]) {
        const rho = new Uint8Array(32).fill(fill);
        expect(expandA(p, rho, storage)).toBe(storage);
        expect(storage).toEqual(expandA(p, rho));
        n++;
      }
    }
    expect(n).toBe(6);
  });

  for (const p of PARAMS) {
    test(`${p.name}: ExpandS in [−η, η], ExpandMask in [−γ₁ + 1, γ₁]`, () => {
      fc.assert(
        fc.property(bytes(64), fc.integer({ min: 0, max: 1000 }), (seed, kappa) => {
          const { s1, s2 } = expandS(p, seed);
          expect(s1.length).toBe(p.l);
          expect(s2.length).toBe(p.k);
          for (const s of [...s1, ...s2]) expect(s.every((x) => Math.abs(x) <= p.eta)).toBe(true);
          const y = Array.from({ length: p.l }, () => new Float64Array(256));
          const buf = new Uint8Array(66);
          buf.set(seed);
          const maskBuf = new Uint8Array(EXPAND_MASK_BUF_BYTES);
          expandMask(p, y, buf, kappa * p.l, maskBuf, new Uint32Array(50));
          for (const v of y) expect(v.every((x) => x > -p.gamma1 && x <= p.gamma1)).toBe(true);
        }),
        { numRuns: 20 },
      );
    });
  }
});
