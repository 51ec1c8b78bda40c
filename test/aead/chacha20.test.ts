import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  chacha20,
  chacha20Block,
  chacha20InitState,
  chacha20XorInPlace,
  hchacha20,
  quarterRound,
  wordViewOf,
} from '../../src/aead/chacha20.ts';
import { CryptoError } from '../../src/util/errors.ts';
import {
  refChacha20,
  refChacha20Block,
  refHchacha20,
  refQuarterRound,
} from '../reference/chacha20.ts';
import { codeOf } from '../helpers/error-code.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[\s:]/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const NONCE = hex('000000090000004a00000000');


/** Lengths around every block boundary up to four blocks. */
const BOUNDARY_LENGTHS = [
  0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257,
];

describe('RFC 8439 §2.1–2.2 — quarter round', () => {
  test('§2.1.1 test vector', () => {
    // RFC 8439 §2.1.1: a = 0x11111111, b = 0x01020304, c = 0x9b8d6f43, d = 0x01234567
    const x = Uint32Array.of(0x11111111, 0x01020304, 0x9b8d6f43, 0x01234567);
    quarterRound(x, 0, 1, 2, 3);
    expect([...x]).toEqual([0xea2a92f4, 0xcb1cf8ce, 0x4581472e, 0x5881c4bb]);
  });

  test('agrees with the reference on random states and index choices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 16, maxLength: 16 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { minLength: 4, maxLength: 4 }),
        (words, [a, b, c, d]) => {
          const ours = Uint32Array.from(words);
          const ref = [...words];
          quarterRound(ours, a, b, c, d);
          refQuarterRound(ref, a, b, c, d);
          expect([...ours]).toEqual(ref);
        },
      ),
    );
  });
});

describe('RFC 8439 §2.3–2.4 — ChaCha20 block and encryption (vs the loop-form reference)', () => {
  test('block function agrees with the reference (random key, nonce, counter)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (key, nonce, counter) => {
          expect(toHex(chacha20Block(key, counter, nonce))).toBe(
            toHex(refChacha20Block(key, counter, nonce)),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test('encryption agrees with the reference at block boundaries, aligned and unaligned', () => {
    for (const len of BOUNDARY_LENGTHS) {
      for (const shift of [0, 1, 2, 3]) {
        const backing = Uint8Array.from({ length: len + shift }, (_, i) => (i * 7 + len) & 0xff);
        const data = backing.subarray(shift);
        expect(toHex(chacha20(KEY, NONCE, 1, data))).toBe(toHex(refChacha20(KEY, NONCE, 1, data)));
      }
    }
  });

  test('chacha20XorInPlace: the word-view and byte paths agree with the reference (every shift)', () => {
    for (const len of BOUNDARY_LENGTHS) {
      for (const shift of [0, 1, 2, 3]) {
        const backing = Uint8Array.from({ length: len + shift }, (_, i) => (i * 13 + len) & 0xff);
        const data = backing.subarray(shift);
        const expected = toHex(refChacha20(KEY, NONCE, 7, data));
        const viewed = data.slice();
        chacha20XorInPlace(chacha20InitState(KEY, 7, NONCE), viewed, len, wordViewOf(viewed));
        const bytes = new Uint8Array(backing).subarray(shift); // same alignment as data
        chacha20XorInPlace(chacha20InitState(KEY, 7, NONCE), bytes, len, null);
        expect([toHex(viewed), toHex(bytes)]).toEqual([expected, expected]);
        expect(wordViewOf(bytes) === null).toBe(shift !== 0); // only aligned arrays get a view
      }
    }
  });

  test('encryption agrees with the reference on random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 2 ** 32 - 8 }),
        fc.uint8Array({ maxLength: 400 }),
        (key, nonce, counter, data) => {
          expect(toHex(chacha20(key, nonce, counter, data))).toBe(
            toHex(refChacha20(key, nonce, counter, data)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  test('never mutates a Node Buffer input (whose slice() is a view)', () => {
    const data = Buffer.from(Uint8Array.from({ length: 100 }, (_, i) => i));
    const copy = toHex(data);
    const ct = chacha20(KEY, NONCE, 0, data);
    expect(toHex(data)).toBe(copy);
    expect(toHex(ct)).toBe(toHex(refChacha20(KEY, NONCE, 0, data)));
  });

  test('is an involution and does not mutate its inputs', () => {
    const data = Uint8Array.from({ length: 200 }, (_, i) => i);
    const [k, n, d] = [KEY.slice(), NONCE.slice(), data.slice()];
    const ct = chacha20(KEY, NONCE, 7, data);
    expect(ct).not.toBe(data);
    expect(toHex(chacha20(KEY, NONCE, 7, ct))).toBe(toHex(data));
    expect([toHex(KEY), toHex(NONCE), toHex(data)]).toEqual([toHex(k), toHex(n), toHex(d)]);
  });

  test('the 32-bit block counter may reach 2³² − 1 but never wraps within a call', () => {
    const last = 2 ** 32 - 1;
    expect(toHex(chacha20(KEY, NONCE, last, new Uint8Array(64)))).toBe(
      toHex(refChacha20Block(KEY, last, NONCE)),
    );
    expect(codeOf(() => chacha20(KEY, NONCE, last, new Uint8Array(65)))).toBe('BAD_LENGTH');
    expect(codeOf(() => chacha20(KEY, NONCE, last - 1, new Uint8Array(129)))).toBe('BAD_LENGTH');
    expect(chacha20(KEY, NONCE, last - 1, new Uint8Array(128)).length).toBe(128);
  });

  test('bad inputs throw typed errors', () => {
    const data = new Uint8Array(10);
    expect(codeOf(() => chacha20(new Uint8Array(31), NONCE, 0, data))).toBe('BAD_LENGTH');
    expect(codeOf(() => chacha20(new Uint8Array(33), NONCE, 0, data))).toBe('BAD_LENGTH');
    expect(codeOf(() => chacha20(KEY, new Uint8Array(8), 0, data))).toBe('BAD_LENGTH');
    expect(codeOf(() => chacha20(KEY, new Uint8Array(24), 0, data))).toBe('BAD_LENGTH');
    expect(codeOf(() => chacha20([...KEY] as unknown as Uint8Array, NONCE, 0, data))).toBe(
      'BAD_TYPE',
    );
    expect(codeOf(() => chacha20(KEY, NONCE, 0, 'text' as unknown as Uint8Array))).toBe('BAD_TYPE');
    for (const counter of [-1, 0.5, 2 ** 32, NaN])
      expect(codeOf(() => chacha20(KEY, NONCE, counter, data))).toBe('BAD_PARAMS');
    expect(codeOf(() => chacha20Block(KEY, 2 ** 32, NONCE))).toBe('BAD_PARAMS');
    expect(codeOf(() => chacha20Block(KEY, 0, new Uint8Array(11)))).toBe('BAD_LENGTH');
  });
});

describe('draft-irtf-cfrg-xchacha-03 §2.2 — HChaCha20', () => {
  test('§2.2.1 test vector', () => {
    // draft-irtf-cfrg-xchacha-03 §2.2.1: key 00:01:…:1f,
    // nonce 00:00:00:09:00:00:00:4a:00:00:00:00:31:41:59:27
    const subkey = hchacha20(KEY, hex('000000090000004a0000000031415927'));
    expect(toHex(subkey)).toBe('82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc');
  });

  test('agrees with the reference on random inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, nonce) => {
          expect(toHex(hchacha20(key, nonce))).toBe(toHex(refHchacha20(key, nonce)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('bad lengths throw BAD_LENGTH', () => {
    expect(codeOf(() => hchacha20(KEY, new Uint8Array(12)))).toBe('BAD_LENGTH');
    expect(codeOf(() => hchacha20(new Uint8Array(16), new Uint8Array(16)))).toBe('BAD_LENGTH');
  });
});
