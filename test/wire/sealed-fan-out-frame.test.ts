/**
 * The sealed fan-out frames (docs/SERVER.md §15): SEND_SEALED_MULTI and GROUP_SEND_SEALED
 * requests and responses round-trip byte for byte, the request layouts match the document, and
 * the decoders are strict (access-key length, envelope count).
 */
import { describe, expect, test } from 'vitest';
import { Writer } from '../../src/wire/codec.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { FRAME_KIND, OP } from '../../src/wire/frame-constants.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('sealed fan-out frames (docs/SERVER.md §15)', () => {
  test('requests and responses round-trip', () => {
    const frames: Frame[] = [
      {
        kind: 'request',
        id: 3,
        request: {
          op: 'sendSealedMulti',
          to: 'bob',
          accessKey: bytes(32, 1),
          clientMessageId: bytes(16, 2),
          messages: [
            { deviceId: 1, identityHash: bytes(32, 3), envelope: bytes(40) },
            { deviceId: 4, identityHash: bytes(32, 4), envelope: bytes(41) },
          ],
        },
      },
      { kind: 'request', id: 4, request: { op: 'sendSealedMulti', to: 'bob', accessKey: new Uint8Array(0), clientMessageId: bytes(16), messages: [{ deviceId: 1, identityHash: bytes(32), envelope: bytes(1) }] } },
      { kind: 'response', id: 3, response: { op: 'sendSealedMulti', serverTimestamp: 1_700_000_000_000, duplicate: true } },
      {
        kind: 'request',
        id: 5,
        request: { op: 'groupSendSealed', recipients: [{ username: 'bob', deviceId: 1 }, { username: 'carol', deviceId: 2 }], clientMessageId: bytes(16, 5), accessKey: bytes(32, 6), envelope: bytes(300) },
      },
      {
        kind: 'response',
        id: 5,
        response: { op: 'groupSendSealed', results: [{ status: 'stored', guid: 1, serverTimestamp: 2 }, { status: 'refused', code: 'RATE_LIMITED_SEALED' }] },
      },
    ];
    for (const f of frames) {
      const encoded = encodeFrame(f);
      expect(decodeFrame(encoded)).toEqual(f);
      expect(encodeFrame(decodeFrame(encoded))).toEqual(encoded);
    }
  });

  test('SEND_SEALED_MULTI layout: 0x19 ‖ bytes(username) ‖ bytes(key) ‖ id (16) ‖ u8 n ‖ n × (u32 ‖ hash (32) ‖ bytes(envelope))', () => {
    const f = encodeFrame({
      kind: 'request',
      id: 1,
      request: { op: 'sendSealedMulti', to: 'bob', accessKey: bytes(32, 1), clientMessageId: bytes(16, 2), messages: [{ deviceId: 2, identityHash: bytes(32, 3), envelope: bytes(2) }] },
    });
    const expected = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.SEND_SEALED_MULTI);
    expected.bytes(utf8('bob')).bytes(bytes(32, 1)).fixed(bytes(16, 2)).u8(1).u32(2).fixed(bytes(32, 3)).bytes(bytes(2));
    expect(f).toEqual(expected.finish());
    expect(OP.SEND_SEALED_MULTI).toBe(0x19);
  });

  test('GROUP_SEND_SEALED layout: 0x1A ‖ u16 n ‖ n × address ‖ id (16) ‖ combined key (32) ‖ bytes(envelope)', () => {
    const f = encodeFrame({
      kind: 'request',
      id: 1,
      request: { op: 'groupSendSealed', recipients: [{ username: 'bob', deviceId: 1 }], clientMessageId: bytes(16, 2), accessKey: bytes(32, 4), envelope: bytes(2) },
    });
    const expected = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.GROUP_SEND_SEALED).u16(1);
    expected.bytes(utf8('bob')).u32(1).fixed(bytes(16, 2)).fixed(bytes(32, 4)).bytes(bytes(2));
    expect(f).toEqual(expected.finish());
    expect(OP.GROUP_SEND_SEALED).toBe(0x1a);
  });

  test('strict decoding: access key of 16 bytes, zero or 17 envelopes, short combined key', () => {
    const multi = (key: Uint8Array, n: number) => {
      const w = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.SEND_SEALED_MULTI).bytes(utf8('bob')).bytes(key).fixed(bytes(16)).u8(n);
      for (let i = 0; i < n; i++) w.u32(i + 1).fixed(bytes(32)).bytes(bytes(1));
      return w.finish();
    };
    expect(codeOf(() => decodeFrame(multi(bytes(32), 1)))).toBe('no error');
    expect(codeOf(() => decodeFrame(multi(bytes(16), 1)))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(multi(bytes(32), 0)))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(multi(bytes(32), 17)))).toBe('BAD_VALUE');
    const group = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.GROUP_SEND_SEALED).u16(1).bytes(utf8('bob')).u32(1).fixed(bytes(16)).fixed(bytes(20));
    expect(codeOf(() => decodeFrame(group.finish()))).toBe('TRUNCATED');
    expect(codeOf(() => encodeFrame({ kind: 'request', id: 1, request: { op: 'groupSendSealed', recipients: [], clientMessageId: bytes(16), accessKey: bytes(16), envelope: bytes(1) } }))).toBe('BAD_VALUE');
  });
});
