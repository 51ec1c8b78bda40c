import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { H0_224, H0_256, K256, Sha256, createSha224, createSha256, sha224, sha256 } from '../../src/hash/sha256.ts';
import {
  H0_384,
  H0_512,
  H0_512_224,
  H0_512_256,
  K512_HI,
  K512_LO,
  Sha512,
  createSha384,
  createSha512,
  createSha512_224,
  createSha512_256,
  sha384,
  sha512,
  sha512_224,
  sha512_256,
} from '../../src/hash/sha512.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { toHex } from '../../src/util/bytes.ts';
import { sha256Reference, sha512Reference } from '../reference/sha2.ts';

const u32 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');
/** (hi, lo)-interleaved 32-bit halves as 64-bit hex words. */
const u64s = (h: Int32Array): string[] =>
  Array.from({ length: h.length / 2 }, (_, i) => u32(h[2 * i]) + u32(h[2 * i + 1]));

describe('FIPS 180-4 §4.2, §5.3 — constants computed from their definitions', () => {
  test('SHA-256 H⁽⁰⁾ equals §5.3.3', () => {
    expect(Array.from(H0_256, u32)).toEqual([
      '6a09e667', 'bb67ae85', '3c6ef372', 'a54ff53a', '510e527f', '9b05688c', '1f83d9ab', '5be0cd19',
    ]);
  });

  test('SHA-224 H⁽⁰⁾ equals §5.3.2', () => {
    expect(Array.from(H0_224, u32)).toEqual([
      'c1059ed8', '367cd507', '3070dd17', 'f70e5939', 'ffc00b31', '68581511', '64f98fa7', 'befa4fa4',
    ]);
  });

  test('SHA-384 H⁽⁰⁾ equals §5.3.4', () => {
    expect(u64s(H0_384)).toEqual([
      'cbbb9d5dc1059ed8', '629a292a367cd507', '9159015a3070dd17', '152fecd8f70e5939',
      '67332667ffc00b31', '8eb44a8768581511', 'db0c2e0d64f98fa7', '47b5481dbefa4fa4',
    ]);
  });

  test('SHA-512/224 and SHA-512/256 H⁽⁰⁾ from the §5.3.6 IV generation function equal §5.3.6.1/§5.3.6.2', () => {
    expect(u64s(H0_512_224)).toEqual([
      '8c3d37c819544da2', '73e1996689dcd4d6', '1dfab7ae32ff9c82', '679dd514582f9fcf',
      '0f6d2b697bd44da8', '77e36f7304c48942', '3f9d85a86a1d36c8', '1112e6ad91d692a1',
    ]);
    expect(u64s(H0_512_256)).toEqual([
      '22312194fc2bf72c', '9f555fa3c84c64c2', '2393b86b6f53b151', '963877195940eabd',
      '96283ee2a88effe3', 'be5e1e2553863992', '2b0199fc2c85b8aa', '0eb72ddc81c52ca2',
    ]);
  });

  test('SHA-512 H⁽⁰⁾ equals §5.3.5', () => {
    expect(u64s(H0_512)).toEqual([
      '6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1',
      '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179',
    ]);
  });

  test('K constants: §4.2.2/§4.2.3 endpoints, and K256 = ⌊frac(∛p)·2³²⌋ by float64', () => {
    expect([u32(K256[0]), u32(K256[1]), u32(K256[62]), u32(K256[63])]).toEqual([
      '428a2f98', '71374491', 'bef9a3f7', 'c67178f2',
    ]);
    expect(u32(K512_HI[0]) + u32(K512_LO[0])).toBe('428a2f98d728ae22');
    expect(u32(K512_HI[79]) + u32(K512_LO[79])).toBe('6c44198c4a475817');
    // An independent derivation: ∛p in float64 keeps ≥ 48 fractional bits for p < 410, well
    // beyond the 32 kept; the bigint Newton root and this float root must agree.
    const primes: number[] = [];
    for (let c = 2; primes.length < 64; c++) if (primes.every((p) => c % p !== 0)) primes.push(c);
    primes.forEach((p, t) => {
      const frac = Math.cbrt(p) - Math.floor(Math.cbrt(p));
      expect(u32(K256[t])).toBe(u32(Math.floor(frac * 2 ** 32)));
      expect(K512_HI[t]).toBe(K256[t]);
    });
  });
});

/** Splits `data` at the given cut points. */
function chunks(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}

/** The six hashes: name, one-shot, incremental, plain-loop reference with the same H⁽⁰⁾. */
const FAMILY = [
  ['SHA-224', sha224, createSha224, (m: Uint8Array) => sha256Reference(m, H0_224, 28)],
  ['SHA-256', sha256, createSha256, (m: Uint8Array) => sha256Reference(m)],
  ['SHA-384', sha384, createSha384, (m: Uint8Array) => sha512Reference(m, H0_384, 48)],
  ['SHA-512', sha512, createSha512, (m: Uint8Array) => sha512Reference(m)],
  ['SHA-512/224', sha512_224, createSha512_224, (m: Uint8Array) => sha512Reference(m, H0_512_224, 28)],
  ['SHA-512/256', sha512_256, createSha512_256, (m: Uint8Array) => sha512Reference(m, H0_512_256, 32)],
] as const;

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const ABC = ascii('abc');
const M448 = ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
const M896 = ascii(
  'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
);

describe('FIPS 180-4 §6.2–6.7 — the SHA-2 family', () => {
  test("'abc' and the empty string (FIPS 180-4 examples)", () => {
    expect(toHex(sha256(ABC))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(sha512(ABC))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  test('SHA-224 examples (RFC 3874 §3.1, §3.2)', () => {
    expect(toHex(sha224(ABC))).toBe('23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7');
    expect(toHex(sha224(M448))).toBe('75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525');
  });

  test('SHA-384 examples (FIPS 180-2 Appendix D.1, D.2)', () => {
    expect(toHex(sha384(ABC))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163' +
        '1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
    expect(toHex(sha384(M896))).toBe(
      '09330c33f71147e83d192fc782cd1b4753111b173b3b05d2' +
        '2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039',
    );
  });

  test('SHA-512/224 and SHA-512/256 examples (NIST CSRC example values, SHA512_224.pdf, SHA512_256.pdf)', () => {
    expect(toHex(sha512_224(ABC))).toBe('4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa');
    expect(toHex(sha512_224(M896))).toBe('23fec5bb94d60b23308192640b0c453335d664734fe40e7268674af9');
    expect(toHex(sha512_256(ABC))).toBe(
      '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23',
    );
    expect(toHex(sha512_256(M896))).toBe(
      '3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a',
    );
  });

  test('incremental update in any chunking equals one-shot (incl. 55/56/64 and 111/112/128)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }),
          fc.constantFrom(55, 56, 63, 64, 65, 111, 112, 127, 128, 129).map((n) => new Uint8Array(n).fill(n)),
        ),
        fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
        (msg, cuts) => {
          for (const [, oneShot, create] of FAMILY) {
            const h = create();
            for (const c of chunks(msg, cuts)) h.update(c);
            expect(h.digest()).toEqual(oneShot(msg));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  test('digest lengths: 28, 32, 48, 64, 28, 32 bytes', () => {
    expect(FAMILY.map(([, oneShot]) => oneShot(ABC).length)).toEqual([28, 32, 48, 64, 28, 32]);
    expect(FAMILY.map(([, , create]) => create().digestLength)).toEqual([28, 32, 48, 64, 28, 32]);
  });

  test('clone() forks an independent state of the same variant', () => {
    for (const [name, , make] of FAMILY) {
      const h = make().update(new Uint8Array(100).fill(1));
      const c = h.clone();
      h.update(new Uint8Array([2]));
      c.update(new Uint8Array([3]));
      const whole = (x: number) => make().update(new Uint8Array(100).fill(1)).update(new Uint8Array([x]));
      expect([name, h.digest()]).toEqual([name, whole(2).digest()]);
      expect([name, c.digest()]).toEqual([name, whole(3).digest()]);
    }
    expect(new Sha256().clone().digest()).toEqual(sha256(new Uint8Array(0)));
    expect(new Sha512().clone().digest()).toEqual(sha512(new Uint8Array(0)));
  });

  test('digestInto writes the digest in place and refuses a short buffer', () => {
    const m = new Uint8Array(77).fill(9);
    const out = new Uint8Array(70).fill(0xee);
    createSha512().update(m).digestInto(out);
    expect(out.subarray(0, 64)).toEqual(sha512(m));
    expect(out.subarray(64)).toEqual(new Uint8Array(6).fill(0xee));
    const out384 = new Uint8Array(50).fill(0xee);
    createSha384().update(m).digestInto(out384);
    expect(out384.subarray(0, 48)).toEqual(sha384(m));
    expect(out384.subarray(48)).toEqual(new Uint8Array(2).fill(0xee));
    expect(() => createSha256().digestInto(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'BAD_LENGTH' }),
    );
    expect(() => createSha512_224().digestInto(new Uint8Array(27))).toThrow(
      expect.objectContaining({ code: 'BAD_LENGTH' }),
    );
  });

  test('digest twice, update after digest, use after destroy throw', () => {
    for (const [, , create] of FAMILY) {
      const h = create();
      h.digest();
      expect(() => h.digest()).toThrow(CryptoError);
      expect(() => h.update(new Uint8Array(1))).toThrow(CryptoError);
    }
    const d = createSha256().update(new Uint8Array(10));
    d.destroy();
    expect(() => d.digest()).toThrow(CryptoError);
  });

  test('bad input types throw BAD_TYPE; caller buffers are not mutated', () => {
    for (const [, oneShot, create] of FAMILY)
      for (const f of [oneShot, (m: Uint8Array) => create().update(m)])
        for (const bad of [null, undefined, 'abc', [1, 2], new Uint32Array(2), 7])
          expect(() => f(bad as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'BAD_TYPE' }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => {
        const copy = msg.slice();
        for (const [, oneShot] of FAMILY) oneShot(msg);
        expect(msg).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });
});

describe('unrolled SHA-256 / hi-lo SHA-512 families against the plain-loop reference twins', () => {
  test('random messages and every padding boundary', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 255, 256])
      for (const [name, oneShot, , reference] of FAMILY) {
        const m = new Uint8Array(n).fill(n ^ 0xa5);
        expect([name, n, oneShot(m)]).toEqual([name, n, reference(m)]);
      }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (msg) => {
        for (const [name, oneShot, , reference] of FAMILY)
          expect([name, oneShot(msg)]).toEqual([name, reference(msg)]);
      }),
      { numRuns: 50 },
    );
  });
});
