/**
 * The sealed-sender frames (docs/SERVER.md §12): every new request op, response op and the
 * SEALED_MESSAGE push round-trip; the SEALED_MESSAGE push carries no sender field at all; the
 * access key must be empty or 32 bytes, the verifier 32 bytes, the mode one of two values.
 */
import { describe, expect, test } from 'vitest';
import { Writer } from '../../src/wire/codec.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { FRAME_KIND, OP, PUSH } from '../../src/wire/frame-constants.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);
const B = { username: 'bob', deviceId: 1 };

const FRAMES: Frame[] = [
  { kind: 'request', id: 1, request: { op: 'getSenderCertificate' } },
  { kind: 'request', id: 2, request: { op: 'uploadSealedKey', key: bytes(4571) } },
  { kind: 'request', id: 3, request: { op: 'fetchSealedKey', address: B } },
  { kind: 'request', id: 4, request: { op: 'setDeliveryAccess', verifier: bytes(32, 1), mode: 'contacts' } },
  { kind: 'request', id: 5, request: { op: 'setDeliveryAccess', verifier: bytes(32, 2), mode: 'anyone' } },
  { kind: 'request', id: 6, request: { op: 'sendSealed', to: B, clientMessageId: bytes(16, 3), accessKey: bytes(32, 4), envelope: bytes(4855) } },
  { kind: 'request', id: 7, request: { op: 'sendSealed', to: B, clientMessageId: bytes(16, 3), accessKey: new Uint8Array(0), envelope: bytes(10) } },
  { kind: 'response', id: 1, response: { op: 'getSenderCertificate', certificate: bytes(3459) } },
  { kind: 'response', id: 2, response: { op: 'uploadSealedKey' } },
  { kind: 'response', id: 3, response: { op: 'fetchSealedKey', key: bytes(4571) } },
  { kind: 'response', id: 4, response: { op: 'setDeliveryAccess' } },
  { kind: 'response', id: 6, response: { op: 'sendSealed', guid: 9, serverTimestamp: 10, duplicate: false } },
  { kind: 'error', id: 6, code: 'ACCESS_DENIED', fatal: false, message: 'no' },
  { kind: 'push', push: { type: 'sealedMessage', message: { guid: 7, serverTimestamp: 8, clientMessageId: bytes(16), envelope: bytes(64) } } },
];

describe('sealed-sender frames — docs/SERVER.md §12', () => {
  test('every sealed op, response and push round-trips (14 frames)', () => {
    expect(FRAMES.length).toBe(14);
    for (const f of FRAMES) expect(decodeFrame(encodeFrame(f))).toEqual(f);
  });

  test('SEALED_MESSAGE layout: guid ‖ timestamp ‖ client id ‖ bytes(envelope), no sender', () => {
    const expected = new Writer().u8(1).u8(FRAME_KIND.PUSH).u8(PUSH.SEALED_MESSAGE).u64(7).u64(8)
      .fixed(bytes(16)).bytes(bytes(64)).finish();
    expect(encodeFrame(FRAMES[13])).toEqual(expected);
  });

  test('strict: access key of another length, verifier length, unknown mode, truncation', () => {
    const sendSealed = (accessKey: Uint8Array) =>
      new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.SEND_SEALED).bytes(new TextEncoder().encode('bob')).u32(1)
        .fixed(bytes(16)).bytes(accessKey).bytes(bytes(8)).finish();
    expect(codeOf(() => decodeFrame(sendSealed(bytes(31))))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeFrame(sendSealed(bytes(32))))).toBe('no error');
    expect(codeOf(() => decodeFrame(sendSealed(bytes(33))))).toBe('BAD_VALUE');
    const access = (mode: number) =>
      new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.SET_DELIVERY_ACCESS).fixed(bytes(32)).u8(mode).finish();
    expect([1, 2, 0, 3].map((m) => codeOf(() => decodeFrame(access(m))))).toEqual(['no error', 'no error', 'BAD_VALUE', 'BAD_VALUE']);
    expect(codeOf(() => encodeFrame({ kind: 'request', id: 1, request: { op: 'setDeliveryAccess', verifier: bytes(31), mode: 'anyone' } }))).toBe('BAD_VALUE');
    for (const f of FRAMES) {
      const enc = encodeFrame(f);
      expect(codeOf(() => decodeFrame(enc.subarray(0, enc.length - 1)))).toBe('TRUNCATED');
    }
  });
});
