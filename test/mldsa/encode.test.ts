import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  bitPack,
  bitUnpack,
  hintBitPack,
  hintBitUnpack,
  pkDecode,
  pkEncode,
  sigDecode,
  sigEncode,
  simpleBitPack,
  simpleBitUnpack,
  skDecode,
  skEncode,
  w1Encode,
  w1EncodedBytes,
} from '../../src/mldsa/encode.ts';
import {
  ML_DSA_44,
  ML_DSA_65,
  ML_DSA_87,
  bitlen,
  type MlDsaParams,
} from '../../src/mldsa/params.ts';
import { packRef } from '../reference/mldsa.ts';

const polyIn = (lo: number, hi: number) =>
  fc
    .array(fc.integer({ min: lo, max: hi }), { minLength: 256, maxLength: 256 })
    .map((a) => Float64Array.from(a));
const vecIn = (n: number, lo: number, hi: number) =>
  fc.array(polyIn(lo, hi), { minLength: n, maxLength: n });
const PARAMS: MlDsaParams[] = [ML_DSA_44, ML_DSA_65, ML_DSA_87];

describe('FIPS 204 Alg 16–19 — SimpleBitPack / BitPack and their inverses', () => {
  for (const b of [15, 43, 1023]) {
    test(`SimpleBitPack(w, ${b}) = BitsToBytes(IntegerToBits(w[i], bitlen b)) and round-trips`, () => {
      fc.assert(
        fc.property(polyIn(0, b), (w) => {
          const out = new Uint8Array(32 * bitlen(b));
          simpleBitPack(out, 0, w, b);
          expect(out).toEqual(packRef(w, bitlen(b)));
          const back = new Float64Array(256);
          simpleBitUnpack(back, out, 0, b);
          expect(back).toEqual(w);
        }),
        { numRuns: 100 },
      );
    });
  }
  const ranges = [[2, 2], [4, 4], [4095, 4096], [2 ** 17 - 1, 2 ** 17], [2 ** 19 - 1, 2 ** 19]];
  for (const [a, b] of ranges) {
    test(`BitPack(w, ${a}, ${b}) packs b − w[i] and BitUnpack inverts it`, () => {
      fc.assert(
        fc.property(polyIn(-a, b), (w) => {
          const c = bitlen(a + b);
          const out = new Uint8Array(32 * c);
          bitPack(out, 0, w, a, b);
          expect(out).toEqual(packRef(Array.from(w, (x) => b - x), c));
          const back = new Float64Array(256);
          bitUnpack(back, out, 0, a, b);
          expect(back).toEqual(w);
        }),
        { numRuns: 50 },
      );
    });
  }
});

describe('FIPS 204 Alg 18/19 — the 10-, 18- and 20-bit unpacking forms', () => {
  /** Field i of bits-bit fields read bit by bit (BytesToBits, then BitsToInteger). */
  const fieldAt = (v: Uint8Array, off: number, bits: number, i: number): number => {
    let x = 0;
    for (let k = 0; k < bits; k++) {
      const bit = i * bits + k;
      x += ((v[off + (bit >> 3)] >> (bit & 7)) & 1) * 2 ** k;
    }
    return x;
  };
  const bytesOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  const widths = [[10, 0, 1023], [18, 2 ** 17 - 1, 2 ** 17], [20, 2 ** 19 - 1, 2 ** 19]];
  for (const [bits, a, b] of widths) {
    test(`${bits}-bit fields of any bytes, at any offset, equal the bitwise reading`, () => {
      fc.assert(
        fc.property(bytesOf(32 * bits + 7), fc.nat(7), (v, off) => {
          const got = new Float64Array(256);
          if (bits === 10) simpleBitUnpack(got, v, off, b);
          else bitUnpack(got, v, off, a, b);
          const want = Array.from({ length: 256 }, (_, i) =>
            bits === 10 ? fieldAt(v, off, bits, i) : b - fieldAt(v, off, bits, i),
          );
          expect(Array.from(got)).toEqual(want);
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe('FIPS 204 Alg 20/21 — HintBitPack / HintBitUnpack', () => {
  const hintArb = (p: MlDsaParams) =>
    fc.uniqueArray(fc.integer({ min: 0, max: 256 * p.k - 1 }), { maxLength: p.omega }).map((ones) => {
      const h = Array.from({ length: p.k }, () => new Uint8Array(256));
      for (const x of ones) h[x >> 8][x & 255] = 1;
      return h;
    });
  for (const p of PARAMS) {
    test(`${p.name}: round trip for every hint with ≤ ω ones`, () => {
      fc.assert(
        fc.property(hintArb(p), (h) => {
          const y = new Uint8Array(p.omega + p.k);
          hintBitPack(y, 0, h, p.omega);
          expect(hintBitUnpack(y, 0, p.k, p.omega)).toEqual(h);
        }),
        { numRuns: 200 },
      );
    });
  }

  test('decoding into given arrays (reused by verification) overwrites what they held', () => {
    const p = ML_DSA_65;
    const y = new Uint8Array(p.omega + p.k);
    const h = Array.from({ length: p.k }, () => new Uint8Array(256));
    h[1][3] = 1;
    hintBitPack(y, 0, h, p.omega);
    const into = Array.from({ length: p.k }, () => new Uint8Array(256).fill(1));
    expect(hintBitUnpack(y, 0, p.k, p.omega, into)).toBe(into);
    expect(into).toEqual(h);
    const z = Array.from({ length: p.l }, (_, i) => new Float64Array(256).fill(i - 2));
    const sig = sigEncode(p, new Uint8Array(p.cTildeBytes).fill(9), z, h);
    const zInto = Array.from({ length: p.l }, () => new Float64Array(256).fill(77));
    const hInto = Array.from({ length: p.k }, () => new Uint8Array(256).fill(1));
    const d = sigDecode(p, sig, zInto, hInto);
    expect(d?.z).toBe(zInto);
    expect(d?.h).toBe(hInto);
    expect(d).toEqual({ cTilde: new Uint8Array(p.cTildeBytes).fill(9), z, h });
    const t1 = Array.from({ length: p.k }, (_, i) => new Float64Array(256).fill(i * 100));
    const pk = pkEncode(p, new Uint8Array(32).fill(5), t1);
    const t1Into = Array.from({ length: p.k }, () => new Float64Array(256).fill(-1));
    expect(pkDecode(p, pk, t1Into).t1).toBe(t1Into);
    expect(t1Into).toEqual(t1);
  });

  test('malformed hints are rejected (⊥)', () => {
    const p = ML_DSA_44;
    const good = new Uint8Array(p.omega + p.k);
    const h = Array.from({ length: p.k }, () => new Uint8Array(256));
    h[0][5] = 1;
    h[0][9] = 1;
    h[2][7] = 1;
    hintBitPack(good, 0, h, p.omega);
    expect(hintBitUnpack(good, 0, p.k, p.omega)).toEqual(h);
    const bad = (mutate: (y: Uint8Array) => void) => {
      const y = good.slice();
      mutate(y);
      return hintBitUnpack(y, 0, p.k, p.omega);
    };
    expect(bad((y) => (y[p.omega + 3] = p.omega + 1))).toBeNull(); // count > ω
    expect(bad((y) => (y[p.omega + 1] = 1))).toBeNull(); // counts decreasing (2 then 1)
    expect(bad((y) => ([y[0], y[1]] = [9, 5]))).toBeNull(); // indices not increasing
    expect(bad((y) => (y[1] = 5))).toBeNull(); // repeated index
    expect(bad((y) => (y[p.omega - 1] = 1))).toBeNull(); // non-zero padding
    expect(bad((y) => (y[3] = 200))).toBeNull(); // padding right after the last index
  });
});

describe('FIPS 204 Alg 22–28 — key, signature and w₁ encodings', () => {
  for (const p of PARAMS) {
    test(`${p.name}: pkEncode/pkDecode, skEncode/skDecode, sigEncode/sigDecode round-trip with Table 2 sizes`, () => {
      const H = 4096;
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 128, maxLength: 128 }),
          vecIn(p.k, 0, 1023),
          vecIn(p.l, -p.eta, p.eta),
          vecIn(p.k, -p.eta, p.eta),
          vecIn(p.k, -H + 1, H),
          vecIn(p.l, -p.gamma1 + 1, p.gamma1),
          (seed, t1, s1, s2, t0, z) => {
            const rho = seed.slice(0, 32);
            const pk = pkEncode(p, rho, t1);
            expect(pk.length).toBe(p.pkBytes);
            const pd = pkDecode(p, pk);
            expect(pd.rho).toEqual(rho);
            expect(pd.t1).toEqual(t1);
            const parts = { rho, K: seed.slice(32, 64), tr: seed.slice(64, 128), s1, s2, t0 };
            const sk = skEncode(p, parts);
            expect(sk.length).toBe(p.skBytes);
            expect(skDecode(p, sk)).toEqual(parts);
            const h = Array.from({ length: p.k }, () => new Uint8Array(256));
            h[p.k - 1][255] = 1;
            const cTilde = seed.slice(0, p.cTildeBytes);
            const sig = sigEncode(p, cTilde, z, h);
            expect(sig.length).toBe(p.sigBytes);
            expect(sigDecode(p, sig)).toEqual({ cTilde, z, h });
          },
        ),
        { numRuns: 10 },
      );
    });

    test(`${p.name}: w1Encode packs each w₁[i] with bitlen((q−1)/(2γ₂) − 1) bits`, () => {
      const max = (8380417 - 1) / (2 * p.gamma2) - 1;
      fc.assert(
        fc.property(vecIn(p.k, 0, max), (w1) => {
          const out = new Uint8Array(w1EncodedBytes(p));
          w1Encode(p, out, w1);
          expect(out).toEqual(packRef(w1.flatMap((w) => Array.from(w)), bitlen(max)));
        }),
        { numRuns: 20 },
      );
    });
  }

  test('Alg 25: every 13-bit t₀ field decodes into [−2^(d−1) + 1, 2^(d−1)] (no range check needed)', () => {
    // All 8192 field values, 256 per polynomial, packed as BitPack(·, 4095, 4096) would.
    const H = 4096;
    const seen = new Set<number>();
    for (let base = 0; base < 8192; base += 256) {
      const fields = Array.from({ length: 256 }, (_, i) => base + i);
      const out = new Float64Array(256);
      bitUnpack(out, packRef(fields, 13), 0, H - 1, H);
      for (const x of out) {
        expect(x).toBeGreaterThanOrEqual(-H + 1);
        expect(x).toBeLessThanOrEqual(H);
        seen.add(x);
      }
    }
    expect(seen.size).toBe(8192); // a bijection onto the range
  });

  test('Table 2 sizes: pk 1312/1952/2592, sk 2560/4032/4896, σ 2420/3309/4627 bytes', () => {
    expect(PARAMS.map((p) => [p.pkBytes, p.skBytes, p.sigBytes])).toEqual([
      [1312, 2560, 2420],
      [1952, 4032, 3309],
      [2592, 4896, 4627],
    ]);
  });
});
