import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Blake2b, IV, SIGMA, blake2b } from '../../src/hash/blake2b.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { codeOf } from '../helpers/error-code.ts';
import { blake2bReference } from '../reference/blake2b.ts';

interface DigestVector {
  section: string;
  message: string;
  key: string;
  outLen: number;
  digest: string;
}
interface SelfTestVector {
  section: string;
  mdLens: number[];
  inLens: number[];
  grandHashLen: number;
  grandHash: string;
}
const VECTORS = JSON.parse(readFileSync(new URL('../vectors/rfc7693-blake2b.json', import.meta.url), 'utf8')) as {
  digests: DigestVector[];
  selftests: SelfTestVector[];
};

// RFC 7693 §2.6: IV[0..7] as printed.
const PRINTED_IV = [
  0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n,
];

/** RFC 7693 Appendix E, selftest_seq: a Fibonacci-like generator seeded with 0xDEAD4BAD · seed. */
function selftestSeq(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let a = Math.imul(0xdead4bad, seed) >>> 0;
  let b = 1;
  for (let i = 0; i < len; i++) {
    const t = (a + b) >>> 0;
    a = b;
    b = t;
    out[i] = t >>> 24;
  }
  return out;
}

describe('RFC 7693 §2.6–2.7 — BLAKE2b constants', () => {
  test('IV (taken from SHA-512 H⁽⁰⁾) equals the printed IV[0..7]', () => {
    expect(IV.length).toBe(16);
    for (let i = 0; i < 8; i++) expect(BigInt(IV[2 * i]) | (BigInt(IV[2 * i + 1]) << 32n)).toBe(PRINTED_IV[i]);
  });

  test('σ has 10 rows, each a permutation of 0..15, σ[0] the identity', () => {
    expect(SIGMA.length).toBe(10);
    for (const row of SIGMA) expect([...row].sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    expect(SIGMA[0]).toEqual([...Array(16).keys()]);
  });
});

describe('RFC 7693 Appendix A and E — known answers', () => {
  test('vector file holds 1 digest and 1 self-test', () => {
    expect(VECTORS.digests.length).toBe(1);
    expect(VECTORS.selftests.length).toBe(1);
  });

  for (const v of VECTORS.digests) {
    test(v.section, () => {
      expect(toHex(blake2b(fromHex(v.message), v.outLen, fromHex(v.key)))).toBe(v.digest);
      expect(toHex(blake2bReference(fromHex(v.message), v.outLen, fromHex(v.key)))).toBe(v.digest);
    });
  }

  for (const v of VECTORS.selftests) {
    test(v.section, () => {
      const grand = new Blake2b(v.grandHashLen);
      let hashed = 0;
      for (const outLen of v.mdLens) {
        for (const inLen of v.inLens) {
          const input = selftestSeq(inLen, inLen);
          grand.update(blake2b(input, outLen)); // unkeyed
          grand.update(blake2b(input, outLen, selftestSeq(outLen, outLen))); // keyed
          hashed += 2;
        }
      }
      expect(hashed).toBe(48);
      expect(toHex(grand.digest())).toBe(v.grandHash);
    });
  }
});

describe('RFC 7693 §3 — unrolled F equals the loop-form reference (test/reference/blake2b.ts)', () => {
  test('random messages (0..600 bytes), keys (0..64 bytes) and digest lengths (1..64)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 64 }),
        (msg, key, outLen) => {
          expect(toHex(blake2b(msg, outLen, key))).toBe(toHex(blake2bReference(msg, outLen, key)));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('block boundaries, keyed and unkeyed', () => {
    let n = 0;
    for (const len of [0, 1, 127, 128, 129, 255, 256, 257, 383, 384, 385]) {
      const msg = selftestSeq(len, len + 1);
      for (const key of [new Uint8Array(0), selftestSeq(1, 3), selftestSeq(64, 5)]) {
        expect(toHex(blake2b(msg, 64, key))).toBe(toHex(blake2bReference(msg, 64, key)));
        n++;
      }
    }
    expect(n).toBe(33);
  });
});

describe('RFC 7693 §3.3 — incremental hashing', () => {
  test('any split of the input into update() calls gives the one-shot digest', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        (msg, cuts, key) => {
          const h = new Blake2b(64, key);
          let off = 0;
          for (const c of cuts) {
            h.update(msg.subarray(off, Math.min(msg.length, off + c)));
            off = Math.min(msg.length, off + c);
          }
          h.update(msg.subarray(off));
          expect(toHex(h.digest())).toBe(toHex(blake2b(msg, 64, key)));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('clone() continues independently of the original', () => {
    const msg = selftestSeq(300, 9);
    const h = new Blake2b(48, selftestSeq(16, 2)).update(msg.subarray(0, 130));
    const c = h.clone();
    h.update(msg.subarray(130));
    c.update(msg.subarray(130, 200));
    expect(toHex(h.digest())).toBe(toHex(blake2b(msg, 48, selftestSeq(16, 2))));
    expect(toHex(c.digest())).toBe(toHex(blake2b(msg.subarray(0, 200), 48, selftestSeq(16, 2))));
  });

  test('a Node Buffer input hashes like its bytes and is not modified', () => {
    const buf = Buffer.from('the quick brown fox jumps over the lazy dog, twice over: '.repeat(5));
    const copy = Uint8Array.from(buf);
    expect(toHex(blake2b(buf))).toBe(toHex(blake2b(copy)));
    expect(Uint8Array.from(buf)).toEqual(copy);
  });
});

describe('RFC 7693 §2.1 — parameter checks', () => {
  test('digest length outside 1..64 or not an integer: BAD_PARAMS', () => {
    for (const n of [0, 65, -1, 1.5, Number.NaN]) expect(codeOf(() => blake2b(new Uint8Array(1), n))).toBe('BAD_PARAMS');
    expect(codeOf(() => blake2b(new Uint8Array(1), 1))).toBe('no error');
  });

  test('key longer than 64 bytes: BAD_LENGTH; non-bytes: BAD_TYPE', () => {
    expect(codeOf(() => blake2b(new Uint8Array(1), 64, new Uint8Array(65)))).toBe('BAD_LENGTH');
    expect(codeOf(() => blake2b(new Uint8Array(1), 64, new Uint8Array(64)))).toBe('no error');
    expect(codeOf(() => blake2b('abc' as unknown as Uint8Array))).toBe('BAD_TYPE');
    expect(codeOf(() => new Blake2b(64).update([1, 2] as unknown as Uint8Array))).toBe('BAD_TYPE');
  });

  test('update or digest after digest: BAD_PARAMS; short output buffer: BAD_LENGTH', () => {
    const h = new Blake2b(32);
    expect(codeOf(() => h.digestInto(new Uint8Array(31)))).toBe('BAD_LENGTH');
    h.digest();
    expect(codeOf(() => h.update(new Uint8Array(1)))).toBe('BAD_PARAMS');
    expect(codeOf(() => h.digest())).toBe('BAD_PARAMS');
  });
});
