import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  chunkCount,
  decodeChunks,
  encodeChunk,
} from '../../../src/protocol/pq-ratchet/erasure.ts';
import { gfMul } from '../../../src/protocol/pq-ratchet/gf16.ts';
import { codeOf } from '../../helpers/error-code.ts';

/** A payload of 1..len bytes and an even chunk size. */
const shape = fc.record({
  payload: fc.uint8Array({ minLength: 1, maxLength: 400 }),
  chunkBytes: fc.integer({ min: 1, max: 40 }).map((n) => 2 * n),
});

describe('Reed–Solomon erasure code over GF(2¹⁶) (ML-KEM Braid §Erasure codes)', () => {
  test('chunks 0 … k − 1 are the payload itself (systematic), zero-padded', () => {
    const payload = Uint8Array.from({ length: 100 }, (_, i) => i);
    expect(chunkCount(100, 48)).toBe(3);
    expect(encodeChunk(payload, 48, 0)).toEqual(payload.subarray(0, 48));
    expect(encodeChunk(payload, 48, 1)).toEqual(payload.subarray(48, 96));
    const last = new Uint8Array(48);
    last.set(payload.subarray(96));
    expect(encodeChunk(payload, 48, 2)).toEqual(last);
  });

  test('any k distinct chunks out of n reconstruct the payload (property)', () => {
    fc.assert(
      fc.property(
        shape,
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 60, maxLength: 60 }),
        ({ payload, chunkBytes }, candidates) => {
          const k = chunkCount(payload.length, chunkBytes);
          const indices = [...new Set(candidates)].slice(0, k);
          fc.pre(indices.length === k);
          const held = new Map(indices.map((i) => [i, encodeChunk(payload, chunkBytes, i)]));
          expect(decodeChunks(payload.length, chunkBytes, held)).toEqual(payload);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a parity-only set reconstructs (no systematic chunk held)', () => {
    const payload = Uint8Array.from({ length: 1152 }, (_, i) => (i * 7 + 3) & 0xff);
    const k = chunkCount(1152, 48);
    expect(k).toBe(24);
    const held = new Map<number, Uint8Array>();
    for (let i = 0; i < k; i++) held.set(1000 + 17 * i, encodeChunk(payload, 48, 1000 + 17 * i));
    expect(decodeChunks(1152, 48, held)).toEqual(payload);
  });

  test('fewer than k chunks do not: the decoder refuses, and another payload fits them too', () => {
    fc.assert(
      fc.property(
        shape,
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 60, maxLength: 60 }),
        ({ payload, chunkBytes }, candidates) => {
          const k = chunkCount(payload.length, chunkBytes);
          const indices = [...new Set(candidates)].slice(0, k - 1);
          fc.pre(indices.length === k - 1);
          const held = new Map(indices.map((i) => [i, encodeChunk(payload, chunkBytes, i)]));
          expect(decodeChunks(payload.length, chunkBytes, held)).toBeNull();
          // Z(x) = Π_{s held} (x − s) has degree k − 1 < k and vanishes on every held index:
          // adding Z to symbol 0 of every systematic position gives a different payload (Z is
          // non-zero at some t < k because it has only k − 1 roots) with identical held chunks.
          const padded = new Uint8Array(k * chunkBytes);
          padded.set(payload);
          for (let t = 0; t < k; t++) {
            const z = indices.reduce((acc, s) => gfMul(acc, t ^ s), 1);
            padded[t * chunkBytes] ^= z >>> 8;
            padded[t * chunkBytes + 1] ^= z & 0xff;
          }
          const original = new Uint8Array(k * chunkBytes);
          original.set(payload); // encodeChunk zero-pads, so this payload has the same chunks
          expect(padded).not.toEqual(original);
          for (const i of indices)
            expect(encodeChunk(padded, chunkBytes, i)).toEqual(held.get(i));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('duplicated chunks count once; chunk i is the same whenever it is computed', () => {
    const payload = Uint8Array.from({ length: 96 }, (_, i) => 255 - i);
    const held = new Map([[5, encodeChunk(payload, 48, 5)]]);
    held.set(5, encodeChunk(payload, 48, 5));
    expect(decodeChunks(96, 48, held)).toBeNull();
    held.set(9, encodeChunk(payload, 48, 9));
    expect(decodeChunks(96, 48, held)).toEqual(payload);
  });

  test('bad parameters are typed errors', () => {
    const p = new Uint8Array(10);
    expect(codeOf(() => encodeChunk(p, 3, 0))).toBe('BAD_PARAMS');
    expect(codeOf(() => encodeChunk(p, 4, 0x10000))).toBe('BAD_PARAMS');
    expect(codeOf(() => encodeChunk(p, 4, -1))).toBe('BAD_PARAMS');
    expect(codeOf(() => decodeChunks(10, 4, new Map([[0, new Uint8Array(3)], [1, p], [2, p]])))).toBe(
      'BAD_LENGTH',
    );
  });
});
