/**
 * What a pqmsg client puts inside the Double Ratchet plaintext (docs/CLIENT.md): a text message
 * with its id and the sender's timestamp, so both are authenticated end to end; or, to the
 * sender's own other devices, a sent transcript naming the recipient (docs/CLIENT.md §9; Signal's
 * SyncMessage.Sent).
 *   content = version ‖ u8 kind (1 = text) ‖ bytes(id) ‖ u64 timestamp (ms) ‖ bytes(UTF-8 body)
 *           | version ‖ u8 kind (4 = sent) ‖ bytes(id) ‖ u64 timestamp ‖ bytes(UTF-8 body) ‖ bytes(recipient)
 * Two control kinds (docs/CLIENT.md §8), never shown nor kept in the history:
 *   version ‖ 2 (ACCESS_KEY) ‖ access secret (32) ‖ u32 epoch ‖ u8 has text ‖ [bytes(text content)]
 *                                    the sender's delivery access secret, riding with a text or alone
 *   version ‖ 3 (COVER) ‖ bytes(filler)                          a cover-traffic dummy
 * and three group kinds (docs/CLIENT.md §10, docs/PROTOCOL.md §15.5, §15.6, §15.12), for the groups:
 *   version ‖ 5 (GROUP_CHANGE) ‖ bytes(signed membership change)
 *   version ‖ 6 (SENDER_KEY) ‖ bytes(sender-key distribution)      (received only: clients send 7)
 *   version ‖ 7 (GROUP_WELCOME) ‖ bytes(signed roster ‖ distribution)
 * Every content is padded (PROTOCOL.md §13.5, Padmé) before it is encrypted: `padContent` /
 * `unpadContent`; bad padding is DecodeError BAD_PADDING.
 * Side channels: plaintext handling only; no branch on secret keys.
 */
import { pad, unpad } from '../protocol/sealed-sender/padding.ts';
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';

const CONTENT_VERSION = 1;
const KIND_TEXT = 1;
const KIND_ACCESS_KEY = 2;
const KIND_COVER = 3;
const KIND_SENT = 4;
/** Longest recipient name in a sent transcript (the server's username limit). */
const MAX_RECIPIENT_BYTES = 32;
const KIND_GROUP_CHANGE = 5;
const KIND_SENDER_KEY = 6;
const KIND_GROUP_WELCOME = 7;
/** Bound on a group payload (a change with 1000 members is < 70 KiB). */
const MAX_GROUP_PAYLOAD_BYTES = 256 * 1024;
/** Bytes of a delivery access secret (PROTOCOL.md §13.11). */
const ACCESS_SECRET_BYTES = 32;
/** Longest cover filler accepted. */
const MAX_FILLER_BYTES = 1 << 16;
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

/** Any content: a text (or sent transcript), or one of the control kinds that are never shown. */
export type AnyContent =
  | ({ readonly kind: 'text' } & TextContent)
  | {
      readonly kind: 'accessKey';
      readonly secret: Uint8Array;
      readonly epoch: number;
      /** The text it rides with (the first message to a contact), if any. */
      readonly text?: TextContent;
    }
  | { readonly kind: 'cover'; readonly filler: Uint8Array }
  | ControlContent;

/** A group content: a signed membership change, a sender-key distribution, or a welcome. */
export type ControlContent = { readonly kind: ControlKind; readonly payload: Uint8Array };
export type ControlKind = keyof typeof CONTROL_KINDS;

const CONTROL_KINDS = Object.freeze({ groupChange: KIND_GROUP_CHANGE, senderKey: KIND_SENDER_KEY, groupWelcome: KIND_GROUP_WELCOME });

/** GROUP_CHANGE / SENDER_KEY / GROUP_WELCOME: a group payload for the group service. */
export function encodeControl(c: ControlContent): Uint8Array {
  const kind = CONTROL_KINDS[c.kind];
  return new Writer().u8(CONTENT_VERSION).u8(kind).bytes(c.payload).finish();
}

/**
 * ACCESS_KEY: the sender's current delivery access secret and its epoch (a counter), with the
 * encoded text content it rides with (one envelope for the first message), or alone.
 */
export function encodeAccessKeyContent(secret: Uint8Array, epoch: number, text?: TextContent): Uint8Array {
  if (secret.length !== ACCESS_SECRET_BYTES)
    throw new DecodeError('BAD_VALUE', 'access key content: secret must be 32 bytes');
  const w = new Writer().u8(CONTENT_VERSION).u8(KIND_ACCESS_KEY).fixed(secret).u32(epoch);
  return (text === undefined ? w.u8(0) : w.u8(1).bytes(encodeContent(text))).finish();
}

/** COVER: a dummy whose only payload is `filler` (docs/CLIENT.md §8). */
export function encodeCoverContent(filler: Uint8Array): Uint8Array {
  return new Writer().u8(CONTENT_VERSION).u8(KIND_COVER).bytes(filler).finish();
}

/** Decodes any content kind (strict: version, kind, lengths, no trailing bytes). */
export function decodeAnyContent(bytes: Uint8Array): AnyContent {
  const r = new Reader(bytes, 'message content');
  const version = r.u8();
  if (version !== CONTENT_VERSION)
    throw new DecodeError('BAD_VERSION', `message content: unsupported version ${version}`);
  const kind = r.u8();
  if (kind === KIND_TEXT || kind === KIND_SENT) return { kind: 'text', ...decodeContent(bytes) };
  if (kind === KIND_ACCESS_KEY) {
    const secret = r.fixed(ACCESS_SECRET_BYTES);
    const epoch = r.u32();
    const hasText = r.u8();
    if (hasText > 1) throw new DecodeError('BAD_VALUE', `access key content: text flag ${hasText}`);
    const text = hasText === 1 ? decodeContent(r.bytes()) : undefined;
    r.end();
    return text === undefined ? { kind: 'accessKey', secret, epoch } : { kind: 'accessKey', secret, epoch, text };
  }
  if (kind === KIND_COVER) {
    const filler = r.bytes(MAX_FILLER_BYTES);
    r.end();
    return { kind: 'cover', filler };
  }
  const control = (Object.keys(CONTROL_KINDS) as ControlKind[]).find((k) => CONTROL_KINDS[k] === kind);
  if (control !== undefined) {
    const payload = r.bytes(MAX_GROUP_PAYLOAD_BYTES);
    r.end();
    return { kind: control, payload };
  }
  throw new DecodeError('BAD_TAG', `message content: unknown kind ${kind}`);
}

/** The padded plaintext that is encrypted: ISO/IEC 7816-4 to the Padmé length (PROTOCOL.md §13.5). */
export function padContent(content: Uint8Array): Uint8Array {
  return pad(content);
}

/** Removes and checks the padding of `padContent` (DecodeError BAD_PADDING). */
export function unpadContent(plaintext: Uint8Array): Uint8Array {
  return unpad(plaintext);
}
