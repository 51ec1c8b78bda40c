import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Sha3,
  Shake,
  sha3_224,
  sha3_256,
  sha3_384,
  sha3_512,
  shake128,
  shake128Xof,
  shake256,
  shake256Into,
  shake256Xof,
} from '../../src/hash/sha3.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { toHex } from '../../src/util/bytes.ts';

/** Splits `data` at the given cut points (sorted, clamped). */
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

const msgArb = fc.uint8Array({ maxLength: 600 });
const cutsArb = fc.array(fc.nat({ max: 600 }), { maxLength: 6 });

describe('FIPS 202 §6.1 — SHA3-224/256/384/512', () => {
  test('empty message, FIPS 202 example values (SHA3-256, SHA3-512 Msg0)', () => {
    expect(toHex(sha3_256(new Uint8Array(0)))).toBe(
      'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
    );
    expect(toHex(sha3_512(new Uint8Array(0)))).toBe(
      'a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6' +
        '15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26',
    );
  });

  test('digest lengths', () => {
    const m = new Uint8Array(3);
    expect([sha3_224(m), sha3_256(m), sha3_384(m), sha3_512(m)].map((d) => d.length)).toEqual([
      28, 32, 48, 64,
    ]);
  });

  test('incremental update in any chunking equals one-shot', () => {
    fc.assert(
      fc.property(msgArb, cutsArb, (msg, cuts) => {
        for (const [d, f] of [[28, sha3_224], [32, sha3_256], [48, sha3_384], [64, sha3_512]] as const) {
          const h = new Sha3(d);
          for (const c of chunks(msg, cuts)) h.update(c);
          expect(h.digest()).toEqual(f(msg));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('digest twice and update after digest throw', () => {
    const h = new Sha3(32).update(new Uint8Array(5));
    h.digest();
    expect(() => h.digest()).toThrow(CryptoError);
    expect(() => h.update(new Uint8Array(1))).toThrow(CryptoError);
  });

  test('digestBits with 0 extra bits equals digest', () => {
    const m = Uint8Array.from({ length: 200 }, (_, i) => i);
    expect(new Sha3(32).update(m).digestBits(0, 0)).toEqual(sha3_256(m));
  });
});

describe('FIPS 202 §6.2 — SHAKE128/256 and the incremental XOF', () => {
  test('empty message, FIPS 202 example values (first 256 bits)', () => {
    expect(toHex(shake128(new Uint8Array(0), 32))).toBe(
      '7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26',
    );
    expect(toHex(shake256(new Uint8Array(0), 32))).toBe(
      '46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f',
    );
  });

  test('output length 0 and outputs are prefixes of one stream', () => {
    const m = new Uint8Array([1, 2, 3]);
    expect(shake128(m, 0).length).toBe(0);
    expect(shake256(m, 100)).toEqual(shake256(m, 500).subarray(0, 100));
  });

  test('absorb in any chunking and squeeze in any chunking equal one-shot', () => {
    fc.assert(
      fc.property(msgArb, cutsArb, fc.array(fc.nat({ max: 400 }), { maxLength: 8 }), (msg, cuts, outs) => {
        for (const [xof, f] of [[shake128Xof, shake128], [shake256Xof, shake256]] as const) {
          const x = xof();
          for (const c of chunks(msg, cuts)) x.absorb(c);
          const total = outs.reduce((a, b) => a + b, 0);
          const got = new Uint8Array(total);
          let off = 0;
          outs.forEach((n, i) => {
            if (i % 2 === 0) got.set(x.squeeze(n), off);
            else x.squeezeInto(got.subarray(off, off + n));
            off += n;
          });
          expect(got).toEqual(f(msg, total));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('absorbing whole blocks from aligned and unaligned views, after any partial block, equals one-shot', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(200), fc.integer({ min: 0, max: 700 }), (shift, head, n) => {
        const backing = Uint8Array.from({ length: n + 8 }, (_, i) => (i * 29 + 3) & 0xff);
        const msg = backing.subarray(shift, shift + n); // byteOffset 0…3
        const m = msg.slice();
        for (const [xof, f, rate] of [[shake128Xof, shake128, 168], [shake256Xof, shake256, 136]] as const) {
          const cut = Math.min(head % rate, n); // a partial block first, then the rest at once
          const x = xof().absorb(msg.subarray(0, cut)).absorb(msg.subarray(cut));
          expect(x.squeeze(40)).toEqual(f(m, 40));
          const h = new Sha3(32).update(msg.subarray(0, cut)).update(msg.subarray(cut)).digest();
          expect(h).toEqual(sha3_256(m));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('shake256Into(out, parts…) equals shake256 of the concatenation, and leaves the shared sponge clean', () => {
    fc.assert(
      fc.property(msgArb, cutsArb, fc.nat({ max: 300 }), (msg, cuts, n) => {
        const out = new Uint8Array(n);
        shake256Into(out, ...chunks(msg, cuts));
        expect(out).toEqual(shake256(msg, n));
        expect(shake256(msg, n)).toEqual(out); // the one-shot after it starts from S = 0
      }),
      { numRuns: 100 },
    );
    expect(() => shake256Into(new Uint8Array(1), 'x' as unknown as Uint8Array)).toThrow(CryptoError);
  });

  test('squeezeBlocks (SampleNTT shape, 168-byte blocks) equals squeeze, mixed with squeezeInto', () => {
    const seed = Uint8Array.from({ length: 34 }, (_, i) => i * 7);
    const x = shake128Xof().absorb(seed);
    const blocks = new Uint8Array(3 * 168);
    x.squeezeBlocks(blocks, 3);
    const more = new Uint8Array(168);
    x.squeezeBlocks(more, 1);
    const tail = x.squeeze(10);
    const ref = shake128(seed, 4 * 168 + 10);
    expect(blocks).toEqual(ref.subarray(0, 504));
    expect(more).toEqual(ref.subarray(504, 672));
    expect(tail).toEqual(ref.subarray(672));
    const y = shake256Xof().absorb(seed);
    const b2 = new Uint8Array(136 * 2);
    y.squeezeBlocks(b2, 2);
    expect(b2).toEqual(shake256(seed, 272));
    expect(() => shake128Xof().squeezeBlocks(new Uint8Array(100), 1)).toThrow(CryptoError);
  });

  test('absorb after squeeze throws', () => {
    const x = shake128Xof().absorb(new Uint8Array(3));
    x.squeeze(1);
    expect(() => x.absorb(new Uint8Array(1))).toThrow(CryptoError);
    const y = shake256Xof();
    y.squeezeInto(new Uint8Array(0));
    expect(() => y.absorb(new Uint8Array(0))).toThrow(/absorb after squeeze/);
  });

  test('bad output lengths throw BAD_PARAMS', () => {
    for (const n of [-1, 1.5, NaN, Infinity])
      expect(() => shake128(new Uint8Array(0), n)).toThrow(
        expect.objectContaining({ code: 'BAD_PARAMS' }),
      );
  });

  test('one-shot calls share a sponge per rate: interleaved and failed calls leave no trace', () => {
    const msgs = [new Uint8Array(0), new Uint8Array(200).fill(7), new Uint8Array(33).fill(1)];
    const expected = msgs.map((m) => [
      new Shake(168).absorb(m).squeeze(40),
      new Shake(136).absorb(m).squeeze(40),
      new Sha3(32).update(m).digest(),
      new Sha3(64).update(m).digest(),
    ]);
    let n = 0;
    for (let round = 0; round < 2; round++) {
      msgs.forEach((m, i) => {
        // an output too large to allocate throws before the shared sponge is touched
        expect(() => shake128(m, 2 ** 40)).toThrow(RangeError);
        expect(shake128(m, 40)).toEqual(expected[i][0]);
        expect(shake256(m, 40)).toEqual(expected[i][1]);
        expect(sha3_256(m)).toEqual(expected[i][2]);
        expect(sha3_512(m)).toEqual(expected[i][3]);
        n++;
      });
    }
    expect(n).toBe(6);
  });
});

describe('SHA-3 / SHAKE input handling', () => {
  const fns: [string, (m: Uint8Array) => unknown][] = [
    ['sha3_224', sha3_224],
    ['sha3_256', sha3_256],
    ['sha3_384', sha3_384],
    ['sha3_512', sha3_512],
    ['shake128', (m) => shake128(m, 32)],
    ['shake256', (m) => shake256(m, 32)],
    ['Sha3.update', (m) => new Sha3(32).update(m)],
    ['Shake.absorb', (m) => shake128Xof().absorb(m)],
    ['Shake.squeezeInto', (m) => shake128Xof().squeezeInto(m)],
  ];
  test.each(fns)('%s rejects non-Uint8Array input with BAD_TYPE', (_, f) => {
    for (const bad of [null, undefined, 'abc', [1, 2, 3], new Uint16Array(4), 42, {}])
      expect(() => f(bad as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'BAD_TYPE' }));
  });

  test('caller buffers are not mutated', () => {
    fc.assert(
      fc.property(msgArb, (msg) => {
        const copy = msg.slice();
        sha3_256(msg);
        sha3_512(msg);
        shake128(msg, 300);
        shake256Xof().absorb(msg).squeeze(10);
        expect(msg).toEqual(copy);
      }),
      { numRuns: 50 },
    );
  });

  test('hashing a subarray view reads only the view', () => {
    const buf = Uint8Array.from({ length: 300 }, (_, i) => i);
    expect(sha3_256(buf.subarray(7, 250))).toEqual(sha3_256(buf.slice(7, 250)));
    expect(shake128(buf.subarray(1, 170), 20)).toEqual(shake128(buf.slice(1, 170), 20));
  });
});
