/**
 * The GROUP_SEND frames (docs/SERVER.md §14): request and response round-trip byte for byte, the
 * request's byte layout matches the document, and the response decoder is strict (status byte,
 * error code, count).
 */
import { describe, expect, test } from 'vitest';
import { Writer } from '../../src/wire/codec.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { FRAME_KIND, OP } from '../../src/wire/frame-constants.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const R = [
  { username: 'bob', deviceId: 1 },
  { username: 'carol', deviceId: 2 },
  { username: 'dave', deviceId: 1 },
];

describe('GROUP_SEND frames (docs/SERVER.md §14)', () => {
  test('request and response round-trip; the response keeps one result per recipient, in order', () => {
    const frames: Frame[] = [
      { kind: 'request', id: 9, request: { op: 'groupSend', recipients: R, clientMessageId: bytes(16, 3), envelope: bytes(3490) } },
      {
        kind: 'response',
        id: 9,
        response: {
          op: 'groupSend',
          results: [
            { status: 'stored', guid: 41, serverTimestamp: 1_700_000_000_000 },
            { status: 'duplicate', guid: 7, serverTimestamp: 1_600_000_000_000 },
            { status: 'refused', code: 'MAILBOX_FULL_COUNT' },
          ],
        },
      },
    ];
    for (const f of frames) {
      const encoded = encodeFrame(f);
      expect(decodeFrame(encoded)).toEqual(f);
      expect(encodeFrame(decodeFrame(encoded))).toEqual(encoded);
    }
  });

  test('request layout: op 0x18 ‖ u16 n ‖ n × address ‖ id (16) ‖ bytes(envelope)', () => {
    const f = encodeFrame({ kind: 'request', id: 1, request: { op: 'groupSend', recipients: R.slice(0, 1), clientMessageId: bytes(16, 3), envelope: bytes(2) } });
    const expected = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.GROUP_SEND).u16(1);
    expected.bytes(new TextEncoder().encode('bob')).u32(1).fixed(bytes(16, 3)).bytes(bytes(2));
    expect(f).toEqual(expected.finish());
    expect(OP.GROUP_SEND).toBe(0x18);
  });

  test('strict response: unknown status byte, unknown error code, truncated result list', () => {
    const head = () => new Writer().u8(1).u8(FRAME_KIND.RESPONSE).u32(1).u8(OP.GROUP_SEND);
    expect(codeOf(() => decodeFrame(head().u16(1).u8(3).finish()))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(head().u16(1).u8(2).u16(999).finish()))).toBe('BAD_TAG');
    expect(codeOf(() => decodeFrame(head().u16(2).u8(2).u16(35).finish()))).toBe('TRUNCATED');
    expect(codeOf(() => decodeFrame(head().u16(1).u8(2).u16(35).u8(0).finish()))).toBe('TRAILING_BYTES');
  });
});
