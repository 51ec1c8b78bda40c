/**
 * What a pqmsg client puts inside the Double Ratchet plaintext (docs/CLIENT.md): a text message
 * with its id and the sender's timestamp, so both are authenticated end to end.
 *   content = version ‖ u8 kind (1 = text) ‖ bytes(id) ‖ u64 timestamp (ms) ‖ bytes(UTF-8 body)
 * Group control contents ride the same pairwise sessions (docs/PROTOCOL.md §15.5, §15.6):
 *   content = version ‖ u8 kind (2 = group change, 3 = sender-key distribution) ‖ bytes(payload)
 * Side channels: plaintext handling only; no branch on secret keys.
 */
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';

const CONTENT_VERSION = 1;
const KIND_TEXT = 1;
/** Longest message id accepted (hex of 16 random bytes is 32). */
const MAX_ID_BYTES = 64;

export interface TextContent {
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
}

export function encodeContent(c: TextContent): Uint8Array {
  const enc = new TextEncoder();
  const w = new Writer().u8(CONTENT_VERSION).u8(KIND_TEXT).bytes(enc.encode(c.id));
  return w.u64(c.timestamp).bytes(enc.encode(c.body)).finish();
}

/** A group control content: a signed membership change or a sender-key distribution. */
export interface ControlContent {
  readonly kind: 'groupChange' | 'senderKey';
  readonly payload: Uint8Array;
}

const KIND_GROUP_CHANGE = 2;
const KIND_SENDER_KEY = 3;
/** Bound on a control payload (a change with 1000 members is < 70 KiB). */
const MAX_CONTROL_BYTES = 256 * 1024;

export function encodeControl(c: ControlContent): Uint8Array {
  const kind = c.kind === 'groupChange' ? KIND_GROUP_CHANGE : KIND_SENDER_KEY;
  return new Writer().u8(CONTENT_VERSION).u8(kind).bytes(c.payload).finish();
}

/** True when a decrypted plaintext is a group control content rather than text. */
export function isControlContent(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === CONTENT_VERSION && (bytes[1] === KIND_GROUP_CHANGE || bytes[1] === KIND_SENDER_KEY);
}

export function decodeControl(bytes: Uint8Array): ControlContent {
  const r = new Reader(bytes, 'control content');
  const version = r.u8();
  if (version !== CONTENT_VERSION)
    throw new DecodeError('BAD_VERSION', `control content: unsupported version ${version}`);
  const kind = r.u8();
  if (kind !== KIND_GROUP_CHANGE && kind !== KIND_SENDER_KEY)
    throw new DecodeError('BAD_TAG', `control content: unknown kind ${kind}`);
  const payload = r.bytes(MAX_CONTROL_BYTES);
  r.end();
  return { kind: kind === KIND_GROUP_CHANGE ? 'groupChange' : 'senderKey', payload };
}

export function decodeContent(bytes: Uint8Array): TextContent {
  const r = new Reader(bytes, 'message content');
  const version = r.u8();
  if (version !== CONTENT_VERSION)
    throw new DecodeError('BAD_VERSION', `message content: unsupported version ${version}`);
  const kind = r.u8();
  if (kind !== KIND_TEXT) throw new DecodeError('BAD_TAG', `message content: unknown kind ${kind}`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const id = dec.decode(r.bytes(MAX_ID_BYTES));
  const timestamp = r.u64();
  const body = dec.decode(r.bytes());
  r.end();
  return { id, timestamp, body };
}
