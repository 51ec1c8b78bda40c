import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  H0_256,
  H0_512,
  K256,
  K512_HI,
  K512_LO,
  Sha256,
  Sha512,
  createSha256,
  createSha512,
  sha256,
  sha512,
} from '../../src/hash/sha2.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { toHex } from '../../src/util/bytes.ts';
import { sha256Reference, sha512Reference } from '../reference/sha2.ts';

const u32 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');

describe('FIPS 180-4 §4.2, §5.3 — constants computed from their definitions', () => {
  test('SHA-256 H⁽⁰⁾ equals §5.3.3', () => {
    expect(Array.from(H0_256, u32)).toEqual([
      '6a09e667', 'bb67ae85', '3c6ef372', 'a54ff53a', '510e527f', '9b05688c', '1f83d9ab', '5be0cd19',
    ]);
  });

  test('SHA-512 H⁽⁰⁾ equals §5.3.5', () => {
    const h = [];
    for (let i = 0; i < 8; i++) h.push(u32(H0_512[2 * i]) + u32(H0_512[2 * i + 1]));
    expect(h).toEqual([
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

describe('FIPS 180-4 §6.2 / §6.4 — SHA-256 and SHA-512', () => {
  test("'abc' and the empty string (FIPS 180-4 examples)", () => {
    const abc = new Uint8Array([0x61, 0x62, 0x63]);
    expect(toHex(sha256(abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(sha512(abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
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
          const a = createSha256();
          const b = createSha512();
          for (const c of chunks(msg, cuts)) {
            a.update(c);
            b.update(c);
          }
          expect(a.digest()).toEqual(sha256(msg));
          expect(b.digest()).toEqual(sha512(msg));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('clone() forks an independent state', () => {
    for (const make of [() => new Sha256(), () => new Sha512()]) {
      const h = make().update(new Uint8Array(100).fill(1));
      const c = h.clone();
      h.update(new Uint8Array([2]));
      c.update(new Uint8Array([3]));
      const whole = (x: number) => make().update(new Uint8Array(100).fill(1)).update(new Uint8Array([x]));
      expect(h.digest()).toEqual(whole(2).digest());
      expect(c.digest()).toEqual(whole(3).digest());
    }
  });

  test('digestInto writes the digest in place and refuses a short buffer', () => {
    const m = new Uint8Array(77).fill(9);
    const out = new Uint8Array(70).fill(0xee);
    createSha512().update(m).digestInto(out);
    expect(out.subarray(0, 64)).toEqual(sha512(m));
    expect(out.subarray(64)).toEqual(new Uint8Array(6).fill(0xee));
    expect(() => createSha256().digestInto(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'BAD_LENGTH' }),
    );
  });

  test('digest twice, update after digest, use after destroy throw', () => {
    for (const h of [createSha256(), createSha512()]) {
      h.digest();
      expect(() => h.digest()).toThrow(CryptoError);
      expect(() => h.update(new Uint8Array(1))).toThrow(CryptoError);
    }
    const d = createSha256().update(new Uint8Array(10));
    d.destroy();
    expect(() => d.digest()).toThrow(CryptoError);
  });

  test('bad input types throw BAD_TYPE; caller buffers are not mutated', () => {
    for (const f of [sha256, sha512, (m: Uint8Array) => createSha256().update(m), (m: Uint8Array) => createSha512().update(m)])
      for (const bad of [null, undefined, 'abc', [1, 2], new Uint32Array(2), 7])
        expect(() => f(bad as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'BAD_TYPE' }));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => {
        const copy = msg.slice();
        sha256(msg);
        sha512(msg);
        expect(msg).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });
});

describe('unrolled SHA-256 / hi-lo SHA-512 against the plain-loop reference twins', () => {
  test('random messages and every padding boundary', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 255, 256])
      expect([n, sha256(new Uint8Array(n).fill(0xa5)), sha512(new Uint8Array(n).fill(0x5a))]).toEqual([
        n,
        sha256Reference(new Uint8Array(n).fill(0xa5)),
        sha512Reference(new Uint8Array(n).fill(0x5a)),
      ]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (msg) => {
        expect(sha256(msg)).toEqual(sha256Reference(msg));
        expect(sha512(msg)).toEqual(sha512Reference(msg));
      }),
      { numRuns: 100 },
    );
  });
});
