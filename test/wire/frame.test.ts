/**
 * The delivery-service frame codec (docs/SERVER.md §2): every request, response and push
 * round-trips byte for byte; the decoder is strict (version, kind, op, push type, error code,
 * flags, bounds, truncation, trailing bytes) and random or mutated bytes only ever produce a
 * DecodeError.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../src/util/errors.ts';
import { decodeFrame, encodeFrame, peekRequestId, type Frame } from '../../src/wire/frame.ts';
import { FRAME_KIND, MAX_FRAME_BYTES, OP, PUSH } from '../../src/wire/frame-constants.ts';
import { SERVER_ERROR_WIRE, serverErrorFromWire } from '../../src/wire/frame-errors.ts';
import { Writer } from '../../src/wire/codec.ts';
import { authTranscript, registerTranscript } from '../../src/wire/auth-transcript.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes = (n: number, v = 7) => new Uint8Array(n).fill(v);
const A = { username: 'alice', deviceId: 1 };
const B = { username: 'bob.b-2_', deviceId: 4294967295 };

/** One frame of every request op, response op and push type, plus an error frame. */
const FRAMES: Frame[] = [
  { kind: 'request', id: 1, request: { op: 'register', address: A, identity: bytes(2020), signature: bytes(3373) } },
  { kind: 'request', id: 2, request: { op: 'authenticate', address: B, signature: bytes(3373) } },
  { kind: 'request', id: 3, request: { op: 'uploadPreKeys', preKeys: [bytes(3420), bytes(4572, 1)] } },
  { kind: 'request', id: 4, request: { op: 'preKeyCount' } },
  { kind: 'request', id: 5, request: { op: 'fetchBundle', address: B } },
  { kind: 'request', id: 6, request: { op: 'send', to: A, clientMessageId: bytes(16, 9), envelope: bytes(100) } },
  { kind: 'request', id: 0xffffffff, request: { op: 'ack', guid: Number.MAX_SAFE_INTEGER } },
  { kind: 'response', id: 1, response: { op: 'register' } },
  { kind: 'response', id: 2, response: { op: 'authenticate', queued: 12 } },
  { kind: 'response', id: 3, response: { op: 'uploadPreKeys', counts: { oneTime: 5, kemOneTime: 6 } } },
  { kind: 'response', id: 4, response: { op: 'preKeyCount', counts: { oneTime: 0, kemOneTime: 1 } } },
  { kind: 'response', id: 5, response: { op: 'fetchBundle', bundle: bytes(13434) } },
  { kind: 'response', id: 6, response: { op: 'send', guid: 42, serverTimestamp: 1_700_000_000_000, duplicate: true } },
  { kind: 'response', id: 7, response: { op: 'ack' } },
  { kind: 'error', id: 0, code: 'MALFORMED_FRAME', fatal: true, message: 'bad frame' },
  { kind: 'error', id: 9, code: 'MAILBOX_FULL_BYTES', fatal: false, message: 'full — ü' },
  { kind: 'push', push: { type: 'challenge', serverIdentity: bytes(2020), challenge: bytes(32, 3) } },
  {
    kind: 'push',
    push: {
      type: 'message',
      message: { guid: 7, serverTimestamp: 8, sender: A, clientMessageId: bytes(16), envelope: bytes(1024) },
    },
  },
  { kind: 'push', push: { type: 'queueEmpty' } },
  { kind: 'push', push: { type: 'preKeysLow', counts: { oneTime: 2, kemOneTime: 9 } } },
];

describe('wire/frame — docs/SERVER.md §2 frames', () => {
  test('every request op, response op and push type round-trips (20 frames)', () => {
    expect(FRAMES.length).toBe(20);
    for (const f of FRAMES) {
      const enc = encodeFrame(f);
      expect(decodeFrame(enc)).toEqual(f);
      expect(encodeFrame(decodeFrame(enc))).toEqual(enc);
    }
  });

  test('the byte layout matches docs/SERVER.md: SEND request and MESSAGE push', () => {
    const send = encodeFrame(FRAMES[5]);
    const expected = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(6).u8(OP.SEND)
      .bytes(new TextEncoder().encode('alice')).u32(1).fixed(bytes(16, 9)).bytes(bytes(100)).finish();
    expect(send).toEqual(expected);
    const push = encodeFrame(FRAMES[17]);
    const expectedPush = new Writer().u8(1).u8(FRAME_KIND.PUSH).u8(PUSH.MESSAGE).u64(7).u64(8)
      .bytes(new TextEncoder().encode('alice')).u32(1).fixed(bytes(16)).bytes(bytes(1024)).finish();
    expect(push).toEqual(expectedPush);
    expect(peekRequestId(send)).toBe(6);
    expect(peekRequestId(push)).toBe(0);
  });

  test('strict: version, kind, op, push type, error code, flags, request id 0', () => {
    const ok = encodeFrame(FRAMES[3]);
    const with_ = (i: number, v: number) => Uint8Array.from(ok, (b, j) => (j === i ? v : b));
    expect(codeOf(() => decodeFrame(with_(0, 2)))).toBe('BAD_VERSION');
    expect(codeOf(() => decodeFrame(with_(1, 9)))).toBe('BAD_TAG');
    expect(codeOf(() => decodeFrame(with_(6, 0x7f)))).toBe('BAD_TAG');
    expect(codeOf(() => decodeFrame(Uint8Array.of(1, FRAME_KIND.REQUEST, 0, 0, 0, 0, OP.PREKEY_COUNT)))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(Uint8Array.of(1, FRAME_KIND.PUSH, 0x55)))).toBe('BAD_TAG');
    const err = new Writer().u8(1).u8(FRAME_KIND.ERROR).u32(0).u16(999).u8(1).bytes(new Uint8Array(0)).finish();
    expect(codeOf(() => decodeFrame(err))).toBe('BAD_TAG');
    const flag = new Writer().u8(1).u8(FRAME_KIND.ERROR).u32(0).u16(1).u8(2).bytes(new Uint8Array(0)).finish();
    expect(codeOf(() => decodeFrame(flag))).toBe('BAD_VALUE');
    const dup = encodeFrame(FRAMES[12]);
    expect(codeOf(() => decodeFrame(Uint8Array.from(dup, (b, j) => (j === dup.length - 1 ? 2 : b))))).toBe('BAD_VALUE');
  });

  test('strict: every truncation and any trailing byte of every frame is refused', () => {
    let cases = 0;
    for (const f of FRAMES) {
      const enc = encodeFrame(f);
      const cuts = [...new Set([0, 1, 2, 5, 6, 7, 10, enc.length >> 1, enc.length - 1])].filter((n) => n < enc.length);
      for (const n of cuts) {
        expect(codeOf(() => decodeFrame(enc.subarray(0, n)))).toMatch(/^(TRUNCATED|BAD_VALUE)$/);
        cases++;
      }
      expect(codeOf(() => decodeFrame(Uint8Array.of(...enc, 0)))).toBe('TRAILING_BYTES');
      cases++;
    }
    expect(cases).toBeGreaterThan(150);
  });

  test('bounds: username over 32 bytes, invalid UTF-8, over-long prekey batch, frame over MAX_FRAME_BYTES', () => {
    const long = { op: 'fetchBundle' as const, address: { username: 'x'.repeat(33), deviceId: 1 } };
    expect(codeOf(() => encodeFrame({ kind: 'request', id: 1, request: long }))).toBe('BAD_VALUE');
    const badUtf8 = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.FETCH_BUNDLE).bytes(Uint8Array.of(0xc3, 0x28)).u32(1).finish();
    expect(codeOf(() => decodeFrame(badUtf8))).toBe('BAD_VALUE');
    const many = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.UPLOAD_PREKEYS).u16(201).finish();
    expect(codeOf(() => decodeFrame(many))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(new Uint8Array(MAX_FRAME_BYTES + 1)))).toBe('BAD_VALUE');
    const big = { op: 'send' as const, to: A, clientMessageId: bytes(16), envelope: new Uint8Array(MAX_FRAME_BYTES) };
    expect(codeOf(() => encodeFrame({ kind: 'request', id: 1, request: big }))).toBe('BAD_VALUE');
  });

  test('error codes: every code has a distinct u16 that maps back', () => {
    const entries = Object.entries(SERVER_ERROR_WIRE);
    expect(entries.length).toBe(25 + 5 + 7 + 2); // + 5 sealed sender (§12), 7 multi-device (§13), 2 groups (docs/SERVER.md §14)
    expect(new Set(entries.map(([, v]) => v)).size).toBe(entries.length);
    for (const [code, v] of entries) expect(serverErrorFromWire(v)).toBe(code);
  });

  test('random bytes and single-byte mutations of valid frames decode or throw DecodeError, nothing else', () => {
    const valid = FRAMES.map(encodeFrame);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(codeOf(() => decodeFrame(b))).not.toMatch(/^untyped/);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (i, pos, x) => {
        const f = Uint8Array.from(valid[i]);
        f[pos % f.length] ^= x;
        expect(codeOf(() => decodeFrame(f))).not.toMatch(/^untyped/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wire/auth-transcript — docs/SERVER.md §3', () => {
  test('layouts: 0x01 ‖ H(server) ‖ challenge ‖ Address [‖ Identity]', () => {
    const h = bytes(32, 1);
    const c = bytes(32, 2);
    const auth = authTranscript(h, c, A);
    expect(auth).toEqual(new Writer().u8(1).fixed(h).fixed(c).bytes(new TextEncoder().encode('alice')).u32(1).finish());
    expect(registerTranscript(h, c, A, bytes(2020, 5))).toEqual(Uint8Array.of(...auth, ...bytes(2020, 5)));
    expect(() => authTranscript(bytes(31), c, A)).toThrow();
    expect(() => authTranscript(h, bytes(33), A)).toThrow();
  });
});
