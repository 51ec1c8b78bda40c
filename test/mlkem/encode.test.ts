import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  bitsToBytes,
  byteDecode,
  byteEncode,
  bytesToBits,
  isCanonical12,
} from '../../src/mlkem/encode.ts';
import { Q } from '../../src/mlkem/params.ts';

const DS = [1, 4, 5, 10, 11, 12];

/** ByteEncode_d exactly as Algorithm 5 writes it: bits of each coefficient, then BitsToBytes. */
function byteEncodeSpec(d: number, F: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(256 * d);
  for (let i = 0; i < 256; i++) {
    let a = F[i];
    for (let j = 0; j < d; j++) {
      b[i * d + j] = a % 2; // b[i·d + j] ← a mod 2
      a = (a - b[i * d + j]) / 2; // a ← (a − b[i·d + j])/2
    }
  }
  return bitsToBytes(b);
}

/** ByteDecode_d exactly as Algorithm 6 writes it. */
function byteDecodeSpec(d: number, B: Uint8Array): number[] {
  const m = d < 12 ? 2 ** d : Q;
  const b = bytesToBits(B);
  const F: number[] = [];
  for (let i = 0; i < 256; i++) {
    let x = 0;
    for (let j = 0; j < d; j++) x += b[i * d + j] * 2 ** j;
    F.push(x % m);
  }
  return F;
}

describe('FIPS 203 Alg 3/4 — BitsToBytes, BytesToBits', () => {
  test('round trip and bit order (little-endian within a byte)', () => {
    const bits = Array.from(bytesToBits(Uint8Array.of(0x01, 0x80)));
    expect(bits).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (B) => {
        expect(bitsToBytes(bytesToBits(B))).toEqual(B);
      }),
    );
  });
});

describe('FIPS 203 Alg 5/6 — ByteEncode_d, ByteDecode_d', () => {
  for (const d of DS) {
    const max = d === 12 ? Q - 1 : 2 ** d - 1;
    const coeffs = fc.array(fc.integer({ min: 0, max }), { minLength: 256, maxLength: 256 });

    test(`d = ${d}: ByteEncode equals the spec composition, at an offset`, () => {
      fc.assert(
        fc.property(coeffs, (F) => {
          const out = new Uint8Array(32 * d + 5);
          byteEncode(d, Uint16Array.from(F), out, 5);
          expect(out.subarray(5)).toEqual(byteEncodeSpec(d, F));
          expect(Array.from(out.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
        }),
        { numRuns: 100 },
      );
    });

    test(`d = ${d}: ByteDecode equals Algorithm 6 on arbitrary bytes, and inverts ByteEncode`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32 * d, maxLength: 32 * d }), coeffs, (B, F) => {
          const got = new Uint16Array(256);
          byteDecode(d, B, got);
          expect(Array.from(got)).toEqual(byteDecodeSpec(d, B));
          const enc = new Uint8Array(32 * d);
          byteEncode(d, Uint16Array.from(F), enc);
          byteDecode(d, enc, got);
          expect(Array.from(got)).toEqual(F);
        }),
        { numRuns: 100 },
      );
    });
  }

  test('isCanonical12(B) ⇔ ByteEncode₁₂(ByteDecode₁₂(B)) = B (FIPS 203 §7.2 modulus check)', () => {
    const fields = fc.array(fc.integer({ min: Q - 4, max: 4095 }), { minLength: 256, maxLength: 256 });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 384, maxLength: 384 }), fields.map((F) => {
        // 12-bit fields near and above q, packed without reduction
        const B = new Uint8Array(384);
        for (let i = 0; i < 256; i += 2) {
          B[(3 * i) / 2] = F[i];
          B[(3 * i) / 2 + 1] = (F[i] >> 8) | (F[i + 1] << 4);
          B[(3 * i) / 2 + 2] = F[i + 1] >> 4;
        }
        return B;
      })), (B) => {
        const F = new Uint16Array(256);
        byteDecode(12, B, F);
        const again = new Uint8Array(384);
        byteEncode(12, F, again);
        expect(isCanonical12(B, 0)).toBe(again.every((x, i) => x === B[i]));
      }),
      { numRuns: 500 },
    );
  });
});
