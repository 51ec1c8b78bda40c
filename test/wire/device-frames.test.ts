/**
 * The multi-device frames (docs/SERVER.md §13): every new request and response round-trips byte for
 * byte, and the decoder enforces the SEND_MULTI and rendezvous-id bounds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Writer } from '../../src/wire/codec.ts';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/frame.ts';
import { FRAME_KIND, OP } from '../../src/wire/frame-constants.ts';
import { DecodeError } from '../../src/util/errors.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);
const dm = (deviceId: number) => ({ deviceId, identityHash: bytes(32, deviceId), clientMessageId: bytes(16, deviceId), envelope: bytes(50 + deviceId) });

const FRAMES: Frame[] = [
  { kind: 'request', id: 1, request: { op: 'uploadDeviceList', deviceList: bytes(3500) } },
  { kind: 'request', id: 2, request: { op: 'fetchDeviceList', username: 'alice' } },
  { kind: 'request', id: 3, request: { op: 'provisionOpen', linkRequest: bytes(3239) } },
  { kind: 'request', id: 4, request: { op: 'provisionTake', rendezvousId: bytes(16, 1) } },
  { kind: 'request', id: 5, request: { op: 'provisionAnswer', rendezvousId: bytes(16, 2), linkResponse: bytes(9000) } },
  { kind: 'request', id: 6, request: { op: 'provisionPoll', rendezvousId: bytes(16, 3) } },
  { kind: 'request', id: 7, request: { op: 'sendMulti', to: 'bob', messages: [dm(1), dm(2), dm(5)] } },
  { kind: 'response', id: 1, response: { op: 'uploadDeviceList', version: 9 } },
  { kind: 'response', id: 2, response: { op: 'fetchDeviceList', deviceList: new Uint8Array(0) } },
  { kind: 'response', id: 3, response: { op: 'provisionOpen', rendezvousId: bytes(16, 4) } },
  { kind: 'response', id: 4, response: { op: 'provisionTake', linkRequest: bytes(3239) } },
  { kind: 'response', id: 5, response: { op: 'provisionAnswer' } },
  { kind: 'response', id: 6, response: { op: 'provisionPoll', linkResponse: bytes(10) } },
  { kind: 'response', id: 7, response: { op: 'sendMulti', serverTimestamp: 1_700_000_000_000, duplicate: false } },
  { kind: 'error', id: 7, code: 'DEVICE_MISMATCH', fatal: false, message: 'devices of bob: missing [2] extra [] stale []' },
  { kind: 'error', id: 8, code: 'DEVICE_REMOVED', fatal: true, message: 'removed' },
];

describe('wire/device-frames — docs/SERVER.md §13 multi-device frames', () => {
  test('all 16 frames round-trip byte for byte with their op bytes 0x10–0x16', () => {
    let n = 0;
    for (const f of FRAMES) {
      const enc = encodeFrame(f);
      expect(decodeFrame(enc)).toEqual(f);
      expect(encodeFrame(decodeFrame(enc))).toEqual(enc);
      if (f.kind === 'request') expect(enc[6]).toBeGreaterThanOrEqual(0x10);
      n++;
    }
    expect(n).toBe(16);
    expect([OP.UPLOAD_DEVICE_LIST, OP.SEND_MULTI]).toEqual([0x10, 0x16]);
  });

  test('bounds: a SEND_MULTI of 0 or 17 envelopes, short ids and hashes, bad UTF-8 are refused', () => {
    const empty = { kind: 'request' as const, id: 1, request: { op: 'sendMulti' as const, to: 'bob', messages: [] } };
    expect(codeOf(() => encodeFrame(empty))).toBe('BAD_VALUE');
    const many = { ...empty, request: { ...empty.request, messages: Array.from({ length: 17 }, (_, i) => dm(i + 1)) } };
    expect(codeOf(() => encodeFrame(many))).toBe('BAD_VALUE');
    const shortHash = { ...empty, request: { ...empty.request, messages: [{ ...dm(1), identityHash: bytes(31) }] } };
    expect(codeOf(() => encodeFrame(shortHash))).toBe('BAD_VALUE');
    const zero = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.SEND_MULTI).bytes(bytes(3, 0x61)).u8(0).finish();
    expect(codeOf(() => decodeFrame(zero))).toBe('BAD_VALUE');
    const badName = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.FETCH_DEVICE_LIST).bytes(Uint8Array.of(0xc3, 0x28)).finish();
    expect(codeOf(() => decodeFrame(badName))).toBe('BAD_VALUE');
    const shortId = new Writer().u8(1).u8(FRAME_KIND.REQUEST).u32(1).u8(OP.PROVISION_POLL).fixed(bytes(15)).finish();
    expect(codeOf(() => decodeFrame(shortId))).toBe('TRUNCATED');
    const rid = { kind: 'request' as const, id: 1, request: { op: 'provisionTake' as const, rendezvousId: bytes(15) } };
    expect(codeOf(() => encodeFrame(rid))).toBe('BAD_VALUE');
  });

  test('single-byte mutations and truncations of every frame decode or throw DecodeError, nothing else', () => {
    const valid = FRAMES.map(encodeFrame);
    let n = 0;
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (i, at, delta, cut) => {
        const bytes = valid[i].slice();
        const pos = at % bytes.length;
        const input = cut ? bytes.subarray(0, pos) : ((bytes[pos] = (bytes[pos] + delta) & 0xff), bytes);
        try {
          decodeFrame(input);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
        n++;
      }),
      { numRuns: 500 },
    );
    expect(n).toBe(500);
  });
});
