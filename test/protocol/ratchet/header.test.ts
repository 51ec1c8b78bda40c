import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  decodeHeader,
  encodeHeader,
  hDecrypt,
  hEncrypt,
} from '../../../src/protocol/ratchet/header.ts';
import { parseMessage } from '../../../src/protocol/ratchet/message.ts';
import { ENC_HEADER_BYTES, HEADER_BYTES } from '../../../src/protocol/ratchet/constants.ts';
import { concatBytes } from '../../../src/util/bytes.ts';
import { detRandom, expectCode, suite } from './helpers.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const header = fc.record({
  dh: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  pn: u32,
  n: u32,
  pq: fc.uint8Array({ minLength: 59, maxLength: 59 }),
});
const PQ = new Uint8Array(59).fill(7);

describe('Double Ratchet rev. 1 §3.1 HEADER, §4.2 HENCRYPT/HDECRYPT (pqmsg layout)', () => {
  test('header bytes are DHs ‖ u32be(PN) ‖ u32be(N) ‖ PQ message (59), and decode inverts encode', () => {
    fc.assert(
      fc.property(header, (h) => {
        const b = encodeHeader(h);
        expect(b.length).toBe(HEADER_BYTES);
        expect(b.subarray(0, 32)).toEqual(h.dh);
        const view = new DataView(b.buffer, b.byteOffset);
        expect(view.getUint32(32, false)).toBe(h.pn);
        expect(view.getUint32(36, false)).toBe(h.n);
        expect(b.subarray(40)).toEqual(h.pq);
        expect(decodeHeader(b)).toEqual(h);
      }),
      { numRuns: 100 },
    );
    expect(HEADER_BYTES).toBe(99);
    expectCode(() => decodeHeader(new Uint8Array(98)), 'TRUNCATED');
    expectCode(() => decodeHeader(new Uint8Array(100)), 'TRAILING_BYTES');
  });

  test('enc_header = 0x02 ‖ nonce ‖ XChaCha20-Poly1305(HK, nonce, header, aad = 0x02)', () => {
    const random = detRandom('header');
    fc.assert(
      fc.property(header, fc.uint8Array({ minLength: 32, maxLength: 32 }), (h, hk) => {
        const e = hEncrypt(suite, hk, h, random);
        expect(e.length).toBe(ENC_HEADER_BYTES);
        expect(e[0]).toBe(0x02);
        const nonce = e.subarray(1, 25);
        const opened = suite.xaead.open(hk, nonce, e.subarray(25), Uint8Array.of(0x02));
        expect(opened).toEqual(encodeHeader(h));
        expect(hDecrypt(suite, hk, e)).toEqual(h);
      }),
      { numRuns: 50 },
    );
  });

  test('fresh random nonces: the same header encrypts differently every time', () => {
    const random = detRandom('nonces');
    const h = { dh: new Uint8Array(32).fill(1), pn: 0, n: 0, pq: PQ };
    const hk = new Uint8Array(32).fill(2);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(Buffer.from(hEncrypt(suite, hk, h, random)).toString('hex'));
    expect(seen.size).toBe(50);
    expectCode(() => hEncrypt(suite, hk, h, () => new Uint8Array(12)), 'BAD_LENGTH');
  });

  test('HDECRYPT returns null for another key, a flipped bit or another version byte', () => {
    const random = detRandom('hdecrypt');
    const hk = new Uint8Array(32).fill(3);
    const e = hEncrypt(suite, hk, { dh: new Uint8Array(32).fill(4), pn: 1, n: 2, pq: PQ }, random);
    expect(hDecrypt(suite, new Uint8Array(32).fill(5), e)).toBeNull();
    for (let i = 0; i < e.length; i++) {
      const f = e.slice();
      f[i] ^= 0x10;
      expect(hDecrypt(suite, hk, f)).toBeNull();
    }
    expect(hDecrypt(suite, hk, e.subarray(0, ENC_HEADER_BYTES - 1))).toBeNull();
  });

  test('parseMessage checks the version first, then the minimum length', () => {
    const ok = concatBytes(Uint8Array.of(2), new Uint8Array(ENC_HEADER_BYTES - 1 + 16));
    expect(parseMessage(ok).encHeader.length).toBe(ENC_HEADER_BYTES);
    expect(parseMessage(ok).body.length).toBe(16);
    expectCode(() => parseMessage(new Uint8Array(0)), 'DECRYPT_FAILED');
    expectCode(() => parseMessage(Uint8Array.of(1)), 'UNKNOWN_VERSION'); // pqmsg v1 is refused
    expectCode(() => parseMessage(Uint8Array.of(3)), 'UNKNOWN_VERSION');
    expectCode(() => parseMessage(ok.subarray(0, ok.length - 1)), 'DECRYPT_FAILED');
  });
});
