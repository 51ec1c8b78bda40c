/**
 * Request and response bodies of the sealed fan-out ops (docs/SERVER.md §15): SEND_SEALED_MULTI,
 * one sealed envelope per current device of one account, and GROUP_SEND_SEALED, one group
 * envelope for a list of devices admitted by one combined access key. Both travel on an
 * unauthenticated connection. requests.ts and responses.ts delegate these ops here.
 * Side channels: the access keys are opaque bytes here (the server compares them in constant time).
 */
import { DecodeError } from '../util/errors.ts';
import { readAddress, readUtf8, writeAddress, type Address } from './address.ts';
import type { Reader, Writer } from './codec.ts';
import { IDENTITY_HASH_BYTES, MAX_DEVICES_PER_SEND } from './device-frames.ts';
import { ACCESS_KEY_BYTES, CLIENT_MESSAGE_ID_BYTES, MAX_FRAME_BYTES, MAX_USERNAME_BYTES } from './frame-constants.ts';
import { utf8 } from '../util/bytes.ts';

/** One recipient device's sealed envelope in a SEND_SEALED_MULTI. */
export interface SealedDeviceMessage {
  readonly deviceId: number;
  /** SHA-256 of the identity the envelope was sealed to (the stale check of SEND_MULTI). */
  readonly identityHash: Uint8Array;
  readonly envelope: Uint8Array;
}

export type SealedFanOutRequest =
  /**
   * One sealed envelope per current device of `to`; `accessKey` as SEND_SEALED (empty when the
   * recipient accepts anyone); idempotent per (recipient device, clientMessageId).
   */
  | {
      op: 'sendSealedMulti';
      to: string;
      accessKey: Uint8Array;
      clientMessageId: Uint8Array;
      messages: readonly SealedDeviceMessage[];
    }
  /** One envelope for many devices; `accessKey` is the XOR of the accounts' verifiers (PROTOCOL.md §13.11). */
  | { op: 'groupSendSealed'; recipients: Address[]; clientMessageId: Uint8Array; accessKey: Uint8Array; envelope: Uint8Array };

export type SealedFanOutOp = SealedFanOutRequest['op'];

/** Writes the body (after the op byte) of a sealed fan-out request. */
export function writeSealedFanOutRequest(w: Writer, req: SealedFanOutRequest): Writer {
  if (req.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES)
    throw new DecodeError('BAD_VALUE', `${req.op}: client message id must be 16 bytes`);
  switch (req.op) {
    case 'sendSealedMulti': {
      const name = utf8(req.to);
      if (name.length > MAX_USERNAME_BYTES) throw new DecodeError('BAD_VALUE', `username longer than ${MAX_USERNAME_BYTES} bytes`);
      if (req.accessKey.length !== 0 && req.accessKey.length !== ACCESS_KEY_BYTES)
        throw new DecodeError('BAD_VALUE', 'sendSealedMulti: access key must be empty or 32 bytes');
      if (req.messages.length === 0 || req.messages.length > MAX_DEVICES_PER_SEND)
        throw new DecodeError('BAD_VALUE', `sendSealedMulti: 1–${MAX_DEVICES_PER_SEND} envelopes`);
      w.bytes(name).bytes(req.accessKey).fixed(req.clientMessageId).u8(req.messages.length);
      for (const m of req.messages) {
        if (m.identityHash.length !== IDENTITY_HASH_BYTES)
          throw new DecodeError('BAD_VALUE', 'sendSealedMulti: identity hash is 32 bytes');
        w.u32(m.deviceId).fixed(m.identityHash).bytes(m.envelope);
      }
      return w;
    }
    case 'groupSendSealed':
      if (req.accessKey.length !== ACCESS_KEY_BYTES)
        throw new DecodeError('BAD_VALUE', 'groupSendSealed: combined access key must be 32 bytes');
      w.u16(req.recipients.length);
      for (const a of req.recipients) writeAddress(w, a);
      return w.fixed(req.clientMessageId).fixed(req.accessKey).bytes(req.envelope);
  }
}

/** Reads the body of a sealed fan-out request whose op byte named `op`. */
export function readSealedFanOutRequest(r: Reader, op: SealedFanOutOp): SealedFanOutRequest {
  switch (op) {
    case 'sendSealedMulti': {
      const to = readUtf8(r, MAX_USERNAME_BYTES, 'username');
      const accessKey = r.bytes(ACCESS_KEY_BYTES);
      if (accessKey.length !== 0 && accessKey.length !== ACCESS_KEY_BYTES)
        throw new DecodeError('BAD_VALUE', 'sendSealedMulti: access key must be empty or 32 bytes');
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      const n = r.u8();
      if (n === 0 || n > MAX_DEVICES_PER_SEND)
        throw new DecodeError('BAD_VALUE', `sendSealedMulti: ${n} envelopes (1–${MAX_DEVICES_PER_SEND})`);
      const messages: SealedDeviceMessage[] = [];
      for (let i = 0; i < n; i++) {
        const deviceId = r.u32();
        const identityHash = r.fixed(IDENTITY_HASH_BYTES);
        messages.push({ deviceId, identityHash, envelope: r.bytes(MAX_FRAME_BYTES) });
      }
      return { op, to, accessKey, clientMessageId, messages };
    }
    case 'groupSendSealed': {
      const n = r.u16();
      // Decoded up to the u16 limit; the handler refuses more than MAX_GROUP_RECIPIENTS (TOO_MANY_RECIPIENTS).
      const recipients: Address[] = [];
      for (let i = 0; i < n; i++) recipients.push(readAddress(r));
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      const accessKey = r.fixed(ACCESS_KEY_BYTES);
      return { op, recipients, clientMessageId, accessKey, envelope: r.bytes(MAX_FRAME_BYTES) };
    }
  }
}
