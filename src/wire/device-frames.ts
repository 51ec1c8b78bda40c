/**
 * Request and response bodies of the multi-device ops (docs/SERVER.md §13): the signed device
 * list (upload, fetch), the provisioning relay that carries a link request and its answer
 * (PROTOCOL.md §14.2–§14.3), and SEND_MULTI, one message for every device of an account at once.
 * requests.ts and responses.ts delegate these ops here.
 * Side channels: public data only (signed lists, link blobs, envelopes).
 */
import { DecodeError } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { readUtf8 } from './address.ts';
import { utf8 } from '../util/bytes.ts';
import { CLIENT_MESSAGE_ID_BYTES, MAX_FRAME_BYTES, MAX_USERNAME_BYTES } from './frame-constants.ts';

/** Rendezvous id of the provisioning relay, in bytes (PROTOCOL.md §14.2). */
export const RENDEZVOUS_ID_BYTES = 16;

/** SHA-256 of the identity a per-device envelope was encrypted for. */
export const IDENTITY_HASH_BYTES = 32;

/** Most per-device envelopes in one SEND_MULTI (an account lists at most 6 devices). */
export const MAX_DEVICES_PER_SEND = 16;

/** One device's envelope in a SEND_MULTI. */
export interface DeviceMessage {
  readonly deviceId: number;
  /** SHA-256 of the identity the sender's session with this device is keyed to (stale check). */
  readonly identityHash: Uint8Array;
  /** Per-device idempotency key (docs/CLIENT.md §9 derives it from the message id). */
  readonly clientMessageId: Uint8Array;
  readonly envelope: Uint8Array;
}

export type DeviceRequest =
  /** A signed device list (PROTOCOL.md §14.1 encoding); the caller must be the account's primary. */
  | { op: 'uploadDeviceList'; deviceList: Uint8Array }
  | { op: 'fetchDeviceList'; username: string }
  /** Unauthenticated: deposits a link request; the server assigns the rendezvous id. */
  | { op: 'provisionOpen'; linkRequest: Uint8Array }
  /** The primary takes the deposited request (once). */
  | { op: 'provisionTake'; rendezvousId: Uint8Array }
  /** The primary leaves the sealed account data for the new device. */
  | { op: 'provisionAnswer'; rendezvousId: Uint8Array; linkResponse: Uint8Array }
  /** Unauthenticated: the new device collects the answer (once); empty while there is none. */
  | { op: 'provisionPoll'; rendezvousId: Uint8Array }
  /** One envelope per current device of `to` (the sender's other devices when `to` is itself). */
  | { op: 'sendMulti'; to: string; messages: readonly DeviceMessage[] };

export type DeviceResponse =
  | { op: 'uploadDeviceList'; version: number }
  /** Empty when the account never uploaded a list (it then has device 1 only). */
  | { op: 'fetchDeviceList'; deviceList: Uint8Array }
  | { op: 'provisionOpen'; rendezvousId: Uint8Array }
  | { op: 'provisionTake'; linkRequest: Uint8Array }
  | { op: 'provisionAnswer' }
  /** Empty while the primary has not answered. */
  | { op: 'provisionPoll'; linkResponse: Uint8Array }
  /** `duplicate`: every envelope had been stored before under its client message id. */
  | { op: 'sendMulti'; serverTimestamp: number; duplicate: boolean };

export type DeviceOp = DeviceRequest['op'];

/** Writes the body (after the op byte) of a multi-device request. */
export function writeDeviceRequest(w: Writer, req: DeviceRequest): Writer {
  switch (req.op) {
    case 'uploadDeviceList':
      return w.bytes(req.deviceList);
    case 'fetchDeviceList':
      return w.bytes(username(req.username));
    case 'provisionOpen':
      return w.bytes(req.linkRequest);
    case 'provisionTake':
    case 'provisionPoll':
      return w.fixed(rendezvous(req.rendezvousId));
    case 'provisionAnswer':
      return w.fixed(rendezvous(req.rendezvousId)).bytes(req.linkResponse);
    case 'sendMulti': {
      if (req.messages.length === 0 || req.messages.length > MAX_DEVICES_PER_SEND)
        throw new DecodeError('BAD_VALUE', `sendMulti: 1–${MAX_DEVICES_PER_SEND} envelopes`);
      w.bytes(username(req.to)).u8(req.messages.length);
      for (const m of req.messages) {
        if (m.identityHash.length !== IDENTITY_HASH_BYTES || m.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES)
          throw new DecodeError('BAD_VALUE', 'sendMulti: identity hash is 32 bytes, client message id 16');
        w.u32(m.deviceId).fixed(m.identityHash).fixed(m.clientMessageId).bytes(m.envelope);
      }
      return w;
    }
  }
}

/** Reads the body of a multi-device request whose op byte named `op`. */
export function readDeviceRequest(r: Reader, op: DeviceOp): DeviceRequest {
  switch (op) {
    case 'uploadDeviceList':
      return { op, deviceList: r.bytes(MAX_FRAME_BYTES) };
    case 'fetchDeviceList':
      return { op, username: readUtf8(r, MAX_USERNAME_BYTES, 'username') };
    case 'provisionOpen':
      return { op, linkRequest: r.bytes(MAX_FRAME_BYTES) };
    case 'provisionTake':
    case 'provisionPoll':
      return { op, rendezvousId: r.fixed(RENDEZVOUS_ID_BYTES) };
    case 'provisionAnswer': {
      const rendezvousId = r.fixed(RENDEZVOUS_ID_BYTES);
      return { op, rendezvousId, linkResponse: r.bytes(MAX_FRAME_BYTES) };
    }
    case 'sendMulti': {
      const to = readUtf8(r, MAX_USERNAME_BYTES, 'username');
      const n = r.u8();
      if (n === 0 || n > MAX_DEVICES_PER_SEND)
        throw new DecodeError('BAD_VALUE', `sendMulti: ${n} envelopes (1–${MAX_DEVICES_PER_SEND})`);
      const messages: DeviceMessage[] = [];
      for (let i = 0; i < n; i++) {
        const deviceId = r.u32();
        const identityHash = r.fixed(IDENTITY_HASH_BYTES);
        const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
        messages.push({ deviceId, identityHash, clientMessageId, envelope: r.bytes(MAX_FRAME_BYTES) });
      }
      return { op, to, messages };
    }
  }
}

/** Writes the body (after the op byte) of a multi-device response. */
export function writeDeviceResponse(w: Writer, res: DeviceResponse): Writer {
  switch (res.op) {
    case 'uploadDeviceList':
      return w.u64(res.version);
    case 'fetchDeviceList':
      return w.bytes(res.deviceList);
    case 'provisionOpen':
      return w.fixed(rendezvous(res.rendezvousId));
    case 'provisionTake':
      return w.bytes(res.linkRequest);
    case 'provisionAnswer':
      return w;
    case 'provisionPoll':
      return w.bytes(res.linkResponse);
    case 'sendMulti':
      return w.u64(res.serverTimestamp).u8(res.duplicate ? 1 : 0);
  }
}

/** Reads the body of a multi-device response whose op byte named `op`. */
export function readDeviceResponse(r: Reader, op: DeviceOp): DeviceResponse {
  switch (op) {
    case 'uploadDeviceList':
      return { op, version: r.u64() };
    case 'fetchDeviceList':
      return { op, deviceList: r.bytes(MAX_FRAME_BYTES) };
    case 'provisionOpen':
      return { op, rendezvousId: r.fixed(RENDEZVOUS_ID_BYTES) };
    case 'provisionTake':
      return { op, linkRequest: r.bytes(MAX_FRAME_BYTES) };
    case 'provisionAnswer':
      return { op };
    case 'provisionPoll':
      return { op, linkResponse: r.bytes(MAX_FRAME_BYTES) };
    case 'sendMulti': {
      const serverTimestamp = r.u64();
      const flag = r.u8();
      if (flag > 1) throw new DecodeError('BAD_VALUE', `sendMulti response: duplicate flag ${flag}`);
      return { op, serverTimestamp, duplicate: flag === 1 };
    }
  }
}

function username(name: string): Uint8Array {
  const b = utf8(name);
  if (b.length > MAX_USERNAME_BYTES)
    throw new DecodeError('BAD_VALUE', `username longer than ${MAX_USERNAME_BYTES} bytes`);
  return b;
}

function rendezvous(id: Uint8Array): Uint8Array {
  if (id.length !== RENDEZVOUS_ID_BYTES) throw new DecodeError('BAD_VALUE', 'rendezvous id must be 16 bytes');
  return id;
}
