import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Poly1305, poly1305 } from '../../src/aead/poly1305.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { refPoly1305 } from '../reference/poly1305.ts';
import { codeOf } from '../helpers/error-code.ts';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');


/** 16 little-endian bytes of a non-negative bigint < 2¹²⁸. */
function le16(n: bigint): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Keys with r and s at their extremes (the limb edge cases of Wycheproof's EdgeCasePolyKey). */
const edgeKey = fc.tuple(
  fc.constantFrom(0x00, 0xff, 0x0f, 0xfc),
  fc.constantFrom(0x00, 0xff),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.boolean(),
).map(([rFill, sFill, random, mix]) => {
  const key = new Uint8Array(32).fill(rFill, 0, 16).fill(sFill, 16);
  if (mix) for (let i = 0; i < 32; i += 3) key[i] = random[i];
  return key;
});

describe('RFC 8439 §2.5 — Poly1305 (float limbs vs bigint reference)', () => {
  test('agrees with the reference on random keys and messages', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, msg) => {
          expect(toHex(poly1305(key, msg))).toBe(toHex(refPoly1305(key, msg)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('agrees with the reference on edge-case keys and all-0xff messages', () => {
    fc.assert(
      fc.property(
        edgeKey,
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom(0x00, 0xff),
        (key, len, fill) => {
          const msg = new Uint8Array(len).fill(fill);
          expect(toHex(poly1305(key, msg))).toBe(toHex(refPoly1305(key, msg)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('final reduction: accumulators p − 2 … p + 3 and up to 2¹³⁰ − 1 (r = 1)', () => {
    // With r = 1 the accumulator after two full blocks is 2¹²⁹ + m1 + m2, which reaches
    // p = 2¹³⁰ − 5 when m1 + m2 = 2¹²⁹ − 5. s = 2¹²⁸ − 1 also exercises the carry of + s.
    const P = (1n << 130n) - 5n;
    const max = (1n << 128n) - 1n;
    const key = new Uint8Array(32).fill(0xff);
    key.set(le16(1n), 0);
    for (let delta = -2n; delta <= 3n; delta++) {
      const sum = P + delta - (1n << 129n);
      const msg = new Uint8Array(32);
      msg.set(le16(max), 0);
      msg.set(le16(sum - max), 16);
      expect(toHex(poly1305(key, msg))).toBe(toHex(refPoly1305(key, msg)));
    }
  });

  test('incremental updates in random chunks equal the one-shot tag', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }),
        (key, msg, cuts) => {
          const mac = new Poly1305(key);
          let off = 0;
          for (const c of cuts) {
            mac.update(msg.subarray(off, Math.min(msg.length, off + c)));
            off = Math.min(msg.length, off + c);
          }
          mac.update(msg.subarray(off));
          expect(toHex(mac.digest())).toBe(toHex(refPoly1305(key, msg)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('updatePadded zero-pads the stream to a 16-byte boundary (RFC 8439 §2.8 pad16)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        (key, a, b, cut) => {
          const k = cut % (b.length + 1); // absorb only b[0..k)
          const mac = new Poly1305(key);
          mac.update(a);
          mac.updatePadded(b, 0, k);
          const absorbed = a.length + k;
          const padded = new Uint8Array(absorbed + ((16 - (absorbed % 16)) % 16));
          padded.set(a);
          padded.set(b.subarray(0, k), a.length);
          expect(toHex(mac.digest())).toBe(toHex(refPoly1305(key, padded)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('does not mutate its inputs', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const msg = Uint8Array.from({ length: 77 }, (_, i) => i);
    const [k, m] = [key.slice(), msg.slice()];
    poly1305(key, msg);
    expect([toHex(key), toHex(msg)]).toEqual([toHex(k), toHex(m)]);
  });

  test('bad inputs throw typed errors', () => {
    expect(codeOf(() => poly1305(new Uint8Array(31), new Uint8Array(1)))).toBe('BAD_LENGTH');
    expect(codeOf(() => poly1305(new Uint8Array(33), new Uint8Array(1)))).toBe('BAD_LENGTH');
    expect(codeOf(() => poly1305('k'.repeat(32) as unknown as Uint8Array, new Uint8Array(1)))).toBe(
      'BAD_TYPE',
    );
    expect(codeOf(() => poly1305(new Uint8Array(32), [1, 2] as unknown as Uint8Array))).toBe(
      'BAD_TYPE',
    );
  });

  test('resetWords + updateWords (the AEAD path) equal the reference; misaligned use is refused', () => {
    fc.assert(
      fc.property(edgeKey, fc.uint8Array({ maxLength: 200 }), fc.nat(), (key, msg, cut) => {
        const whole = msg.length & ~15; // whole blocks as words, the rest as padded bytes
        const le32 = (b: Uint8Array, i: number): number =>
          b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
        const words = Uint32Array.from({ length: whole / 4 }, (_, i) => le32(msg, 4 * i));
        const keyWords = Uint32Array.from({ length: 8 }, (_, i) => le32(key, 4 * i));
        const split = 4 * (cut % (whole / 4 / 4 + 1)); // a block boundary inside the words
        const mac = new Poly1305(new Uint8Array(32));
        mac.resetWords(keyWords);
        mac.updateWords(words, 0, split);
        mac.updateWords(words, split, whole / 4);
        mac.updatePadded(msg, whole, msg.length);
        const padded = new Uint8Array(msg.length + ((16 - (msg.length % 16)) % 16));
        padded.set(msg);
        expect(toHex(mac.digest())).toBe(toHex(refPoly1305(key, padded)));
      }),
      { numRuns: 200 },
    );
    const mac = new Poly1305(new Uint8Array(32).fill(1));
    mac.update(new Uint8Array(5));
    expect(codeOf(() => mac.updateWords(new Uint32Array(4), 0, 4))).toBe('BAD_PARAMS'); // 5 bytes buffered
    const fresh = new Poly1305(new Uint8Array(32).fill(1));
    expect(codeOf(() => fresh.updateWords(new Uint32Array(4), 0, 3))).toBe('BAD_PARAMS'); // not whole blocks
  });
});
