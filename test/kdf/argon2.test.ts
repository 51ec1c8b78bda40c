import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { blake2b } from '../../src/hash/blake2b.ts';
import { BLOCK_WORDS, compressG } from '../../src/kdf/argon2-block.ts';
import { hashPrime, initialHash } from '../../src/kdf/argon2-hash.ts';
import {
  ARGON2D,
  ARGON2I,
  ARGON2ID,
  ARGON2ID_DEFAULTS,
  argon2,
  argon2id,
  type Argon2Type,
} from '../../src/kdf/argon2.ts';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.ts';
import { codeOf } from '../helpers/error-code.ts';
import { compressGReference, fromWords, toWords } from '../reference/argon2-block.ts';

interface Rfc9106Vector {
  section: string;
  type: Argon2Type;
  version: number;
  m: number;
  t: number;
  p: number;
  tagLength: number;
  password: string;
  salt: string;
  secret: string;
  associatedData: string;
  preHashingDigest: string;
  tag: string;
}
const VECTORS = (
  JSON.parse(readFileSync(new URL('../vectors/rfc9106-argon2.json', import.meta.url), 'utf8')) as {
    vectors: Rfc9106Vector[];
  }
).vectors;

const le32 = (n: number): Uint8Array => Uint8Array.of(n, n >>> 8, n >>> 16, n >>> 24);

describe('RFC 9106 §5 — test vectors (Argon2d, Argon2i, Argon2id)', () => {
  test('vector file holds the three §5 vectors, one per type', () => {
    expect(VECTORS.length).toBe(3);
    expect(VECTORS.map((v) => v.type)).toEqual([ARGON2D, ARGON2I, ARGON2ID]);
  });

  for (const v of VECTORS) {
    test(`${v.section}: pre-hashing digest H₀ (§3.2 step 1)`, () => {
      const H0 = initialHash(
        { p: v.p, tagLength: v.tagLength, m: v.m, t: v.t, version: v.version, type: v.type },
        fromHex(v.password),
        fromHex(v.salt),
        fromHex(v.secret),
        fromHex(v.associatedData),
      );
      expect(toHex(H0)).toBe(v.preHashingDigest);
    });

    test(`${v.section}: tag`, () => {
      const tag = argon2(
        v.type,
        fromHex(v.password),
        fromHex(v.salt),
        { t: v.t, m: v.m, p: v.p, tagLength: v.tagLength },
        { secret: fromHex(v.secret), associatedData: fromHex(v.associatedData) },
      );
      expect(toHex(tag)).toBe(v.tag);
    });
  }
});

describe('RFC 9106 §3.5–3.6 — compression G equals the loop-form reference (test/reference/argon2-block.ts)', () => {
  const block = fc.int32Array({ minLength: BLOCK_WORDS, maxLength: BLOCK_WORDS });

  test('G(X, Y) on random blocks', () => {
    fc.assert(
      fc.property(block, block, (X, Y) => {
        const out = new Int32Array(BLOCK_WORDS);
        compressG(out, 0, X, 0, Y, 0, false);
        expect(out).toEqual(fromWords(compressGReference(toWords(X), toWords(Y))));
      }),
      { numRuns: 40 },
    );
  });

  test('G(X, Y) ⊕ out, with the three blocks at offsets of one array (as in the memory matrix)', () => {
    fc.assert(
      fc.property(block, block, block, (X, Y, old) => {
        const mem = new Int32Array(3 * BLOCK_WORDS);
        mem.set(X, 0);
        mem.set(old, BLOCK_WORDS);
        mem.set(Y, 2 * BLOCK_WORDS);
        compressG(mem, BLOCK_WORDS, mem, 0, mem, 2 * BLOCK_WORDS, true);
        const G = toWords(fromWords(compressGReference(toWords(X), toWords(Y))));
        const expected = fromWords(G.map((g, i) => g ^ toWords(old)[i]));
        expect(mem.subarray(BLOCK_WORDS, 2 * BLOCK_WORDS)).toEqual(expected);
        expect(mem.subarray(0, BLOCK_WORDS)).toEqual(X);
        expect(mem.subarray(2 * BLOCK_WORDS)).toEqual(Y);
      }),
      { numRuns: 20 },
    );
  });

  test('extreme words: all-ones and all-zero blocks (carries and the 2·a·b high half)', () => {
    const ones = new Int32Array(BLOCK_WORDS).fill(-1);
    const zero = new Int32Array(BLOCK_WORDS);
    const alt = Int32Array.from({ length: BLOCK_WORDS }, (_, i) => (i & 1 ? -1 : 0x7fffffff));
    for (const [X, Y] of [[ones, zero], [ones, alt], [alt, zero], [zero, zero]]) {
      const out = new Int32Array(BLOCK_WORDS);
      compressG(out, 0, X, 0, Y, 0, false);
      expect(out).toEqual(fromWords(compressGReference(toWords(X), toWords(Y))));
    }
  });
});

describe("RFC 9106 §3.3 — H' (variable-length hash)", () => {
  test('T ≤ 64: H^T(LE32(T) ‖ X)', () => {
    const X = Uint8Array.from({ length: 77 }, (_, i) => i);
    for (const T of [4, 32, 63, 64]) expect(toHex(hashPrime(T, [X]))).toBe(toHex(blake2b(concatBytes(le32(T), X), T)));
  });

  test('T > 64: A₁ ‖ … ‖ A_r ‖ V_{r+1}, r = ⌈T/32⌉ − 2, recomputed from BLAKE2b step by step', () => {
    const X = Uint8Array.from({ length: 100 }, (_, i) => 255 - i);
    for (const T of [65, 95, 96, 97, 128, 1024]) {
      const r = Math.ceil(T / 32) - 2;
      const V = [blake2b(concatBytes(le32(T), X), 64)];
      for (let i = 2; i <= r; i++) V.push(blake2b(V[i - 2], 64));
      const last = blake2b(V[r - 1], T - 32 * r);
      const expected = concatBytes(...V.map((v) => v.subarray(0, 32)), last);
      expect(expected.length).toBe(T);
      expect(toHex(hashPrime(T, [X.subarray(0, 40), X.subarray(40)]))).toBe(toHex(expected));
    }
  });
});

describe('RFC 9106 §4 — default parameters', () => {
  test('ARGON2ID_DEFAULTS is the second recommended option (t = 3, p = 4, 64 MiB, 128-bit salt, 256-bit tag)', () => {
    expect(ARGON2ID_DEFAULTS).toEqual({ t: 3, m: 65536, p: 4, tagLength: 32, saltLength: 16 });
    expect(Object.isFrozen(ARGON2ID_DEFAULTS)).toBe(true);
  });
});

describe('RFC 9106 §3.1 — input checks (typed errors before any work)', () => {
  const pw = new Uint8Array(8);
  const salt = new Uint8Array(16);
  const ok = { t: 1, m: 8, p: 1, tagLength: 32 };
  const call = (params: Partial<typeof ok>, s: Uint8Array = salt) => () => argon2id(pw, s, { ...ok, ...params });

  test('valid minimal parameters run', () => {
    expect(codeOf(call({}))).toBe('no error');
    expect(codeOf(call({ tagLength: 4 }))).toBe('no error');
    expect(codeOf(call({}, new Uint8Array(8)))).toBe('no error');
  });

  test('salt shorter than 8 bytes: BAD_LENGTH', () => {
    expect(codeOf(call({}, new Uint8Array(7)))).toBe('BAD_LENGTH');
    expect(codeOf(call({}, new Uint8Array(0)))).toBe('BAD_LENGTH');
  });

  test('t < 1, p outside 1..2²⁴−1, m < 8p, T < 4, non-integers: BAD_PARAMS', () => {
    expect(codeOf(call({ t: 0 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ t: 1.5 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ p: 0 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ p: 2 ** 24, m: 2 ** 27 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ p: 2, m: 15 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ m: 7 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ m: 2 ** 32 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ tagLength: 3 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ tagLength: 2 ** 32 }))).toBe('BAD_PARAMS');
    expect(codeOf(call({ m: Number.NaN }))).toBe('BAD_PARAMS');
    expect(codeOf(() => argon2(3 as Argon2Type, pw, salt, ok))).toBe('BAD_PARAMS');
  });

  test('memory the engine cannot allocate (m = 2³² − 1 KiB): BAD_PARAMS, not a RangeError', () => {
    expect(codeOf(call({ m: 2 ** 32 - 1 }))).toBe('BAD_PARAMS');
  });

  test('non-bytes password, salt, secret or associated data: BAD_TYPE', () => {
    const bad = 'secret' as unknown as Uint8Array;
    expect(codeOf(() => argon2id(bad, salt, ok))).toBe('BAD_TYPE');
    expect(codeOf(() => argon2id(pw, bad, ok))).toBe('BAD_TYPE');
    expect(codeOf(() => argon2id(pw, salt, ok, { secret: bad }))).toBe('BAD_TYPE');
    expect(codeOf(() => argon2id(pw, salt, ok, { associatedData: bad }))).toBe('BAD_TYPE');
  });
});

describe('RFC 9106 §3.2 — behaviour', () => {
  test('every input changes the tag; the inputs are not modified', () => {
    const pw = Uint8Array.of(1, 2, 3);
    const salt = new Uint8Array(8).fill(9);
    const K = Uint8Array.of(7);
    const X = Uint8Array.of(8);
    const params = { t: 1, m: 16, p: 2, tagLength: 16 };
    const tags = new Set([
      toHex(argon2id(pw, salt, params, { secret: K, associatedData: X })),
      toHex(argon2id(pw, salt, params)),
      toHex(argon2id(pw, salt, params, { secret: K })),
      toHex(argon2id(pw, salt, params, { associatedData: X })),
      toHex(argon2id(Uint8Array.of(1, 2, 4), salt, params)),
      toHex(argon2id(pw, new Uint8Array(8).fill(8), params)),
      toHex(argon2id(pw, salt, { ...params, t: 2 })),
      toHex(argon2id(pw, salt, { ...params, p: 1 })),
      toHex(argon2(ARGON2I, pw, salt, params)),
      toHex(argon2(ARGON2D, pw, salt, params)),
    ]);
    expect(tags.size).toBe(10);
    expect([...pw, ...salt, ...K, ...X]).toEqual([1, 2, 3, ...new Array(8).fill(9), 7, 8]);
  });
});
