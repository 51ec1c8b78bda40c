import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Reader, Writer } from '../../src/wire/codec.ts';
import { DecodeError } from '../../src/util/errors.ts';

describe('wire/codec — strict binary encoding', () => {
  test('round-trips every field type', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.maxSafeNat(),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b, c, d, e, f) => {
          const bytes = new Writer().u8(a).u16(b).u32(c).u64(d).bytes(e).fixed(f).finish();
          const r = new Reader(bytes);
          expect([r.u8(), r.u16(), r.u32(), r.u64(), r.bytes(), r.fixed(32)]).toEqual([a, b, c, d, e, f]);
          r.end();
        },
      ),
    );
  });

  test('rejects truncation, trailing bytes, oversize lengths and out-of-range values', () => {
    const bytes = new Writer().u32(7).bytes(new Uint8Array(5)).finish();
    expect(() => new Reader(bytes.subarray(0, 8)).u32() && new Reader(bytes.subarray(0, 8)).fixed(9)).toThrow(DecodeError);
    const r = new Reader(bytes);
    r.u32();
    expect(() => new Reader(bytes.subarray(4)).bytes(4)).toThrow(/exceeds 4/);
    r.bytes();
    r.end();
    const extra = new Reader(new Uint8Array(3));
    extra.u8();
    expect(() => extra.end()).toThrow(/2 trailing bytes/);
    expect(() => new Writer().u8(256)).toThrow(DecodeError);
    expect(() => new Writer().u32(-1)).toThrow(DecodeError);
    expect(() => new Reader(new Uint8Array(3)).u32()).toThrow(/truncated/);
  });
});
