import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  RC_LO,
  RC_HI,
  extractLanes,
  keccakP1600,
  keccakP1600Interleaved,
  xorLanes,
} from '../../src/hash/keccak.ts';
import { KeccakSponge } from '../../src/hash/sponge.ts';
import {
  bitsToBytes,
  keccakP1600Reference,
  rhoOffsets,
  roundConstant,
  spongeBits,
} from '../reference/keccak.ts';

// Keccak-f[1600] round constants as published with the Keccak reference (keccak.team, "Keccak
// specifications summary", table of RC[i_r]); FIPS 202 defines them through Algorithms 5–6.
// prettier-ignore
const PUBLISHED_RC = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
  0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
  0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
  0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
  0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];

// ρ offsets r[x][y], the table in the Keccak reference ("Keccak specifications summary").
// prettier-ignore
const PUBLISHED_RHO = [
  [0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14],
];

// Keccak-f[1600] applied to the all-zero state: the first lanes of XKCP
// KeccakF-1600-IntermediateValues.txt ("After permutation").
const ZERO_STATE_LANES = [0xf1258f7940e1dde7n, 0x84d5ccf933c0478an, 0xd598261ea65aa9een, 0xbd1547306f80494dn];

const lane = (s: Uint32Array, i: number): bigint => BigInt(s[2 * i]) | (BigInt(s[2 * i + 1]) << 32n);

describe('FIPS 202 §3.2–3.3 — Keccak-p[1600, 24]', () => {
  test('round constants computed from rc(t) (Alg 5/6) equal the published table', () => {
    expect(RC_LO.length).toBe(24);
    for (let ir = 0; ir < 24; ir++) {
      const rc = BigInt(RC_LO[ir]) | (BigInt(RC_HI[ir]) << 32n);
      expect(rc).toBe(PUBLISHED_RC[ir]);
      expect(roundConstant(ir)).toBe(PUBLISHED_RC[ir]);
    }
  });

  test('ρ offsets from Algorithm 2 (reference twin) equal the published table', () => {
    expect(rhoOffsets().map((col) => col.map((r) => r % 64))).toEqual(PUBLISHED_RHO);
  });

  test('permutation of the zero state matches the XKCP intermediate values', () => {
    const s = new Uint32Array(50);
    keccakP1600(s);
    ZERO_STATE_LANES.forEach((v, i) => expect(lane(s, i)).toBe(v));
    const r = new Uint32Array(50);
    keccakP1600Reference(r);
    expect(r).toEqual(s);
  });

  test('unrolled keccakP1600 equals the loop-form reference on random states', () => {
    fc.assert(
      fc.property(fc.uint32Array({ minLength: 50, maxLength: 50 }), (words) => {
        const a = Uint32Array.from(words);
        const b = Uint32Array.from(words);
        keccakP1600(a);
        keccakP1600Reference(b);
        expect(a).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });

  test('interleaved layout: lane bit 2k is bit k of the even word, bit 2k + 1 bit k of the odd word', () => {
    // [lane bit, half (0 = even, 1 = odd), bit in that half]
    // prettier-ignore
    const cases: [number, number, number][] = [
      [0, 0, 0], [1, 1, 0], [2, 0, 1], [31, 1, 15], [32, 0, 16], [33, 1, 16], [62, 0, 31], [63, 1, 31],
    ];
    for (const [bit, half, k] of cases) {
      const s = new Uint32Array(2);
      const w = new Uint32Array(2);
      w[bit >> 5] = 1 << (bit & 31);
      xorLanes(s, w, 1);
      expect([s[half], s[1 - half]]).toEqual([(1 << k) >>> 0, 0]);
    }
    expect(cases.length).toBe(8);
  });

  test('interleaved layout: xorLanes then extractLanes is the identity; permuting there equals keccakP1600', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.uint32Array({ minLength: 50, maxLength: 50 }),
        fc.integer({ min: 0, max: 25 }),
        (words, lanes) => {
          const w = Uint32Array.from(words);
          const s = new Uint32Array(50);
          xorLanes(s, w, 25);
          keccakP1600Interleaved(s);
          const out = new Uint32Array(50);
          extractLanes(s, out, lanes); // only the first `lanes` lanes are written
          const expected = Uint32Array.from(words);
          keccakP1600(expected);
          expect(out.subarray(0, 2 * lanes)).toEqual(expected.subarray(0, 2 * lanes));
          expect(out.subarray(2 * lanes).every((x) => x === 0)).toBe(true);
          const back = new Uint32Array(50);
          const t = new Uint32Array(50);
          xorLanes(t, w, 25);
          extractLanes(t, back, 25);
          expect(back).toEqual(w);
          n++;
        },
      ),
      { numRuns: 100 },
    );
    expect(n).toBe(100);
  });

  test('the two round bodies of keccakP1600 (A → E, E → A) are the same text up to a ↔ e', () => {
    const src = readFileSync(new URL('../../src/hash/keccak.ts', import.meta.url), 'utf8');
    const first = src.indexOf('// Round `round`, A → E');
    const second = src.indexOf('// Round `round + 1`, the same text');
    const end = src.indexOf('  state[0] = ', second);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    // lane names of either set → one name; comments and the RC index offset dropped
    const normalize = (body: string) =>
      body
        .split('\n')
        .filter((line) => !line.trim().startsWith('//') && !/^\s*[{}]\s*$/.test(line))
        .join('\n')
        .replace(/\b[ae](\d+(?:ev|od))\b/g, 'x$1')
        .replace(/round \+ 1/g, 'round')
        .trim();
    const a = normalize(src.slice(first, second));
    const b = normalize(src.slice(second, end));
    expect(a.split('\n').length).toBeGreaterThan(150); // θ, ρ, π, χ, ι on 25 lanes × 2 halves
    expect(b).toBe(a);
  });
});

describe('FIPS 202 §4–5 — sponge with pad10*1, against the bit-level reference sponge', () => {
  // Messages of any bit length (incl. rate − 1 … rate + 1 bytes plus 0..7 bits) through
  // finishBits must equal SPONGE on the explicit bit string M ‖ suffix.
  const cases: [string, number, number, number[]][] = [
    ['SHA3-256 (01)', 136, 0b10, [0, 1]],
    ['SHAKE128 (1111)', 168, 0b1111, [1, 1, 1, 1]],
    ['SHA3-512 (01)', 72, 0b10, [0, 1]],
  ];
  for (const [name, rate, suffix, suffixBits] of cases) {
    test(`${name}: every tail length 0..7 bits around block boundaries`, () => {
      let n = 0;
      for (const bytes of [0, 1, rate - 2, rate - 1, rate, rate + 1, 2 * rate - 1]) {
        for (let k = 0; k < 8; k++) {
          const msg = Uint8Array.from({ length: bytes + 1 }, (_, i) => (i * 89 + k * 7 + 3) & 0xff);
          const lastBits = msg[bytes] & ((1 << k) - 1);
          const s = new KeccakSponge(rate, suffix, suffixBits.length);
          s.absorb(msg.subarray(0, bytes));
          s.finishBits(lastBits, k);
          const out = new Uint8Array(rate + 17);
          s.squeezeInto(out);
          const N: number[] = [];
          for (let i = 0; i < bytes * 8 + k; i++) N.push((msg[i >> 3] >> (i & 7)) & 1);
          const expected = bitsToBytes(spongeBits(rate * 8, [...N, ...suffixBits], out.length * 8));
          expect(out).toEqual(expected);
          n++;
        }
      }
      expect(n).toBe(56);
    });
  }

  test('finishBits twice, or with more than 7 bits, throws', () => {
    const s = new KeccakSponge(136, 0b10, 2);
    expect(() => s.finishBits(0, 8)).toThrow(/0\.\.7/);
    s.finishBits(1, 1);
    expect(() => s.finishBits(0, 0)).toThrow(/twice/);
  });

  test('squeezeBlocks refuses a position inside a block', () => {
    const s = new KeccakSponge(168, 0b1111, 4);
    s.squeezeInto(new Uint8Array(5));
    expect(() => s.squeezeBlocks(new Uint8Array(168), 1)).toThrow(/block boundary/);
  });
});
