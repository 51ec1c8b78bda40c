/**
 * Delivery-service frames (docs/SERVER.md §2): one binary WebSocket message each,
 *   Frame = version (u8 = 1) ‖ kind (u8) ‖ body
 *   REQUEST  = u32 requestId (≥ 1) ‖ op ‖ request body        (device → server)
 *   RESPONSE = u32 requestId ‖ op ‖ response body             (server → device)
 *   ERROR    = u32 requestId (0: not tied to a request) ‖ u16 code ‖ u8 fatal ‖ bytes(UTF-8 text)
 *   PUSH     = push type ‖ push body                           (server → device)
 * Decoding is strict (codec.ts): unknown version, kind, op or push type, truncation, trailing
 * bytes and over-long fields are DecodeErrors, and a frame over MAX_FRAME_BYTES is refused first.
 * Side channels: public data only.
 */
import { utf8 } from '../util/bytes.ts';
import { DecodeError, type ServerErrorCode } from '../util/errors.ts';
import { Reader, Writer } from './codec.ts';
import { readUtf8 } from './address.ts';
import { SERVER_ERROR_WIRE, serverErrorFromWire } from './frame-errors.ts';
import {
  FRAME_KIND,
  FRAME_VERSION,
  MAX_ERROR_MESSAGE_BYTES,
  MAX_FRAME_BYTES,
} from './frame-constants.ts';
import { readPush, writePush, type Push } from './pushes.ts';
import { readRequest, writeRequest, type Request } from './requests.ts';
import { readResponse, writeResponse, type Response } from './responses.ts';

export type Frame =
  | { kind: 'request'; id: number; request: Request }
  | { kind: 'response'; id: number; response: Response }
  | { kind: 'error'; id: number; code: ServerErrorCode; fatal: boolean; message: string }
  | { kind: 'push'; push: Push };

/** Encodes a frame; throws DecodeError('BAD_VALUE') if the result would exceed MAX_FRAME_BYTES. */
export function encodeFrame(f: Frame): Uint8Array {
  const w = new Writer().u8(FRAME_VERSION);
  switch (f.kind) {
    case 'request':
      if (f.id === 0) throw new DecodeError('BAD_VALUE', 'request id 0 is reserved');
      writeRequest(w.u8(FRAME_KIND.REQUEST).u32(f.id), f.request);
      break;
    case 'response':
      writeResponse(w.u8(FRAME_KIND.RESPONSE).u32(f.id), f.response);
      break;
    case 'error': {
      const text = truncateUtf8(f.message, MAX_ERROR_MESSAGE_BYTES);
      w.u8(FRAME_KIND.ERROR).u32(f.id).u16(SERVER_ERROR_WIRE[f.code]).u8(f.fatal ? 1 : 0);
      w.bytes(text);
      break;
    }
    case 'push':
      writePush(w.u8(FRAME_KIND.PUSH), f.push);
      break;
  }
  const out = w.finish();
  if (out.length > MAX_FRAME_BYTES)
    throw new DecodeError('BAD_VALUE', `frame: ${out.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  return out;
}

/**
 * Decodes one frame strictly. DecodeError codes: BAD_VALUE (over MAX_FRAME_BYTES, bad field),
 * BAD_VERSION, BAD_TAG (kind, op, push type, error code), TRUNCATED, TRAILING_BYTES.
 */
export function decodeFrame(bytes: Uint8Array): Frame {
  const r = new Reader(bytes, 'frame');
  if (bytes.length > MAX_FRAME_BYTES)
    throw new DecodeError('BAD_VALUE', `frame: ${bytes.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const version = r.u8();
  if (version !== FRAME_VERSION)
    throw new DecodeError('BAD_VERSION', `frame: unsupported version ${version}`);
  const kind = r.u8();
  let f: Frame;
  switch (kind) {
    case FRAME_KIND.REQUEST: {
      const id = r.u32();
      if (id === 0) throw new DecodeError('BAD_VALUE', 'frame: request id 0 is reserved');
      f = { kind: 'request', id, request: readRequest(r) };
      break;
    }
    case FRAME_KIND.RESPONSE: {
      const id = r.u32();
      f = { kind: 'response', id, response: readResponse(r) };
      break;
    }
    case FRAME_KIND.ERROR: {
      const id = r.u32();
      const code = serverErrorFromWire(r.u16());
      const fatal = r.u8();
      if (fatal > 1) throw new DecodeError('BAD_VALUE', `error frame: fatal flag ${fatal}`);
      const message = readUtf8(r, MAX_ERROR_MESSAGE_BYTES, 'error message');
      f = { kind: 'error', id, code, fatal: fatal === 1, message };
      break;
    }
    case FRAME_KIND.PUSH:
      f = { kind: 'push', push: readPush(r) };
      break;
    default:
      throw new DecodeError('BAD_TAG', `frame: unknown kind ${kind}`);
  }
  r.end();
  return f;
}

/** The request id of a frame's header if it has one (for ERROR frames about undecodable requests). */
export function peekRequestId(bytes: Uint8Array): number {
  const ok = bytes.length >= 6 && bytes[0] === FRAME_VERSION && bytes[1] === FRAME_KIND.REQUEST;
  return ok ? ((bytes[2] << 24) | (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]) >>> 0 : 0;
}

/** UTF-8 of `s`, cut at a character boundary to at most `max` bytes. */
function truncateUtf8(s: string, max: number): Uint8Array {
  let b = utf8(s);
  while (b.length > max) {
    s = s.slice(0, Math.max(0, s.length - (b.length - max)));
    b = utf8(s);
  }
  return b;
}
