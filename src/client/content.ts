/**
 * What a pqmsg client puts inside the Double Ratchet plaintext (docs/CLIENT.md): a text message
 * with its id and the sender's timestamp, so both are authenticated end to end; or, to the
 * sender's own other devices, a sent transcript naming the recipient (docs/CLIENT.md §9; Signal's
 * SyncMessage.Sent).
 *   content = version ‖ u8 kind (1 = text) ‖ bytes(id) ‖ u64 timestamp (ms) ‖ bytes(UTF-8 body)
 *           | version ‖ u8 kind (2 = sent) ‖ bytes(id) ‖ u64 timestamp ‖ bytes(UTF-8 body) ‖ bytes(recipient)
 * Side channels: plaintext handling only; no branch on secret keys.
 */
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';

const CONTENT_VERSION = 1;
const KIND_TEXT = 1;
const KIND_SENT = 2;
/** Longest recipient name in a sent transcript (the server's username limit). */
const MAX_RECIPIENT_BYTES = 32;
/** Longest message id accepted (hex of 16 random bytes is 32). */
const MAX_ID_BYTES = 64;

export interface TextContent {
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
  /** Set in a sent transcript: the account the sender's own device sent `body` to. */
  readonly sentTo?: string;
}

export function encodeContent(c: TextContent): Uint8Array {
  const enc = new TextEncoder();
  const kind = c.sentTo === undefined ? KIND_TEXT : KIND_SENT;
  const w = new Writer().u8(CONTENT_VERSION).u8(kind).bytes(enc.encode(c.id));
  w.u64(c.timestamp).bytes(enc.encode(c.body));
  if (c.sentTo !== undefined) w.bytes(enc.encode(c.sentTo));
  return w.finish();
}

export function decodeContent(bytes: Uint8Array): TextContent {
  const r = new Reader(bytes, 'message content');
  const version = r.u8();
  if (version !== CONTENT_VERSION)
    throw new DecodeError('BAD_VERSION', `message content: unsupported version ${version}`);
  const kind = r.u8();
  if (kind !== KIND_TEXT && kind !== KIND_SENT)
    throw new DecodeError('BAD_TAG', `message content: unknown kind ${kind}`);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const id = dec.decode(r.bytes(MAX_ID_BYTES));
  const timestamp = r.u64();
  const body = dec.decode(r.bytes());
  if (kind === KIND_TEXT) {
    r.end();
    return { id, timestamp, body };
  }
  const sentTo = dec.decode(r.bytes(MAX_RECIPIENT_BYTES));
  r.end();
  return { id, timestamp, body, sentTo };
}
