import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { shake256 } from '../../src/hash/sha3.ts';
import { parseNTTBlock, prf, sampleNTT, samplePolyCBD } from '../../src/mlkem/sample.ts';
import { Q } from '../../src/mlkem/params.ts';
import { sampleNTTReference, samplePolyCBDReference } from '../reference/mlkem.ts';

function seed34(rho: Uint8Array, j: number, i: number): Uint8Array {
  const s = new Uint8Array(34);
  s.set(rho);
  s[32] = j;
  s[33] = i;
  return s;
}

describe('FIPS 203 Alg 7 — SampleNTT', () => {
  test('equals the 3-byte-squeeze reference for random ρ, j, i', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(255), fc.nat(255), (rho, j, i) => {
        const got = sampleNTT(new Uint16Array(256), rho, j, i);
        expect(Array.from(got)).toEqual(sampleNTTReference(seed34(rho, j, i)).aHat);
      }),
      { numRuns: 200 },
    );
  });

  test('seeds that need a 4th SHAKE128 block (more than 504 bytes) sample correctly', () => {
    // About 1% of seeds need more than three 168-byte blocks; search deterministically.
    let found = 0;
    const rho = new Uint8Array(32);
    for (let t = 0; found < 3 && t < 5000; t++) {
      rho[0] = t;
      rho[1] = t >> 8;
      const ref = sampleNTTReference(seed34(rho, 0, 0));
      if (ref.bytesSqueezed <= 3 * 168) continue;
      found++;
      expect(Array.from(sampleNTT(new Uint16Array(256), rho, 0, 0))).toEqual(ref.aHat);
    }
    expect(found).toBe(3);
  });

  test('parseNTTBlock rejects every value ≥ q and keeps going across any number of blocks', () => {
    const aHat = new Uint16Array(256);
    const reject = new Uint8Array(168).fill(0xff); // d₁ = d₂ = 4095 ≥ q
    let j = 0;
    for (let b = 0; b < 50; b++) j = parseNTTBlock(aHat, j, new Uint32Array(reject.buffer));
    expect(j).toBe(0);
    const edge = new Uint8Array(168);
    for (let p = 0; p < 168; p += 3) {
      // d₁ = q − 1 (kept), d₂ = q (rejected)
      edge[p] = (Q - 1) & 0xff;
      edge[p + 1] = ((Q - 1) >> 8) | ((Q & 0x0f) << 4);
      edge[p + 2] = Q >> 4;
    }
    while (j < 256) j = parseNTTBlock(aHat, j, new Uint32Array(edge.buffer));
    expect(j).toBe(256);
    expect(aHat.every((x) => x === Q - 1)).toBe(true);
  });

  test('parseNTTBlock stops at exactly 256 inside a group, and its dropped writes past the end stay inside the view', () => {
    // aHat is a view with sentinels on both sides; 255 entries are already filled, so the 256th
    // is the first candidate of the block and the other 111 candidates must change nothing.
    const backing = new Uint16Array(256 + 16).fill(0xbeef);
    const aHat = backing.subarray(8, 8 + 256);
    const block = Uint8Array.from({ length: 168 }, (_, i) => (i * 7 + 1) & 0xff); // d₁ = 1793 < q
    const C = new Uint32Array(block.buffer);
    expect(parseNTTBlock(aHat, 255, C)).toBe(256);
    expect(aHat[255]).toBe(block[0] | ((block[1] & 0x0f) << 8));
    expect(Array.from(backing.subarray(0, 8))).toEqual(new Array(8).fill(0xbeef));
    expect(Array.from(backing.subarray(8 + 256))).toEqual(new Array(8).fill(0xbeef));
    expect(parseNTTBlock(aHat, 256, C)).toBe(256); // a full array takes nothing more
  });
});

describe('FIPS 203 Alg 8 — SamplePolyCBD_η, and PRF_η (eq. 4.3)', () => {
  for (const eta of [2, 3]) {
    test(`η = ${eta}: equals the bit-array reference (mod q), coefficients in [q − η, q + η]`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 64 * eta, maxLength: 64 * eta }), (B) => {
          const f = new Uint16Array(256);
          samplePolyCBD(eta, B, f);
          expect(Array.from(f, (x) => x % Q)).toEqual(samplePolyCBDReference(eta, B));
          expect(f.every((x) => x >= Q - eta && x <= Q + eta)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    test(`η = ${eta}: PRF_η(s, b) = SHAKE256(s‖b, 64η bytes)`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(255), (s, b) => {
          const out = new Uint8Array(64 * eta);
          const input = new Uint8Array(33);
          input.set(s);
          input[32] = b;
          prf(eta, s, b, out);
          expect(out).toEqual(shake256(input, 64 * eta));
        }),
        { numRuns: 100 },
      );
    });
  }
});
