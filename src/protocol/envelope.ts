/**
 * The pqmsg v1 envelope (PROTOCOL.md §6.1): what a peer sends, wrapping one Double Ratchet message.
 *   envelope = version (0x01) ‖ type ‖ [PREKEY: bytes(handshake header)] ‖ bytes(ratchet message)
 * A PREKEY envelope repeats the PQXDH handshake header (Double Ratchet rev. 1 §5.1 / PQXDH rev. 3
 * §3.3 "initial message") on every message until the initiator receives a reply.
 * The envelope's version, type and handshake header are authenticated: the ratchet AEAD's AD is
 * session AD ‖ version ‖ type [‖ SHA-256(handshake header)] (`envelopeAD`).
 * Decoded once where bytes arrive (`receiveMessage`); below that boundary the session layers take
 * the typed `Envelope` only (docs/ARCHITECTURE.md §4).
 * Side channels: public data only.
 */
import { concatBytes } from '../util/bytes.ts';
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import { ENVELOPE_TYPE, PROTOCOL_VERSION } from './constants.ts';
import { expectVersion } from './identity.ts';
import type { Suite } from './suite.ts';

export type EnvelopeType = (typeof ENVELOPE_TYPE)[keyof typeof ENVELOPE_TYPE];

/** The envelope fields the ratchet AD binds: the type, and the handshake header iff PREKEY. */
export type EnvelopeShell =
  | {
      readonly type: typeof ENVELOPE_TYPE.PREKEY;
      /** The encoded handshake header (pqxdh.ts). */
      readonly handshake: Uint8Array;
    }
  | { readonly type: typeof ENVELOPE_TYPE.MESSAGE; readonly handshake?: undefined };

/** A decoded envelope: its shell and the complete ratchet message (version, header, body). */
export type Envelope = EnvelopeShell & { readonly message: Uint8Array };

/** Upper bound on an encoded handshake header (identity 2020 + 1088 CT + fields < 4 KiB). */
const MAX_HANDSHAKE_BYTES = 4096;
/** Upper bound on one ratchet message: 64 MiB keeps a hostile length field from allocating more. */
const MAX_MESSAGE_BYTES = 64 << 20;

/** Encodes an envelope (PROTOCOL.md §6.1); the shape is checked for untyped (JS) callers. */
export function encodeEnvelope(e: Envelope): Uint8Array {
  if ((e.type === ENVELOPE_TYPE.PREKEY) !== (e.handshake !== undefined))
    throw new DecodeError('BAD_VALUE', 'envelope: a handshake header goes with type PREKEY only');
  const w = new Writer().u8(PROTOCOL_VERSION).u8(e.type);
  if (e.handshake) w.bytes(e.handshake);
  return w.bytes(e.message).finish();
}

/** Decodes an envelope; rejects unknown versions and types, bad lengths and trailing bytes. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const r = new Reader(bytes, 'envelope');
  expectVersion(r.u8(), 'envelope');
  const type = r.u8();
  if (type !== ENVELOPE_TYPE.PREKEY && type !== ENVELOPE_TYPE.MESSAGE)
    throw new DecodeError('BAD_TAG', `envelope: unknown type ${type}`);
  const handshake = type === ENVELOPE_TYPE.PREKEY ? r.bytes(MAX_HANDSHAKE_BYTES) : undefined;
  const message = r.bytes(MAX_MESSAGE_BYTES);
  r.end();
  return handshake
    ? { type: ENVELOPE_TYPE.PREKEY, handshake, message }
    : { type: ENVELOPE_TYPE.MESSAGE, message };
}

/** The ratchet AD for this envelope: session AD ‖ version ‖ type [‖ SHA-256(handshake)]. */
export function envelopeAD(suite: Suite, sessionAd: Uint8Array, e: EnvelopeShell): Uint8Array {
  const prefix = Uint8Array.of(PROTOCOL_VERSION, e.type);
  return e.handshake
    ? concatBytes(sessionAd, prefix, suite.sha256(e.handshake))
    : concatBytes(sessionAd, prefix);
}
