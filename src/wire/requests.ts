/**
 * Request bodies of the delivery-service frames (docs/SERVER.md §2.2): what a device asks of the
 * server. Identities, prekeys and envelopes travel as length-prefixed blobs in their own formats
 * (PROTOCOL.md §2.2, §3.1, §6.1); the server decodes them with the protocol's strict decoders.
 * Side channels: public data only (signatures and public keys).
 */
import { DecodeError } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { readAddress, writeAddress, type Address } from './address.ts';
import { readDeviceRequest, writeDeviceRequest, type DeviceRequest } from './device-frames.ts';
import { readSealedFanOutRequest, writeSealedFanOutRequest, type SealedFanOutRequest } from './sealed-frames.ts';
import {
  ACCESS_KEY_BYTES,
  ACCESS_MODE,
  CLIENT_MESSAGE_ID_BYTES,
  MAX_BLOB_BYTES,
  MAX_FRAME_BYTES,
  MAX_PREKEYS_PER_UPLOAD,
  OP,
} from './frame-constants.ts';

export type Request =
  /** Claims `address.username` for `identity` (PROTOCOL.md §2.2 encoding); signed registration transcript. */
  | { op: 'register'; address: Address; identity: Uint8Array; signature: Uint8Array }
  /** Proves possession of the registered identity: hybrid signature over the auth transcript. */
  | { op: 'authenticate'; address: Address; signature: Uint8Array }
  /** Signed prekeys (PROTOCOL.md §3.1 PreKey encodings), any mix of the four roles. */
  | { op: 'uploadPreKeys'; preKeys: Uint8Array[] }
  | { op: 'preKeyCount' }
  | { op: 'fetchBundle'; address: Address }
  /** One envelope for one device; `clientMessageId` makes a retry idempotent. */
  | { op: 'send'; to: Address; clientMessageId: Uint8Array; envelope: Uint8Array }
  /** Acknowledges (and deletes) a delivered message by its server guid. */
  | { op: 'ack'; guid: number }
  /** A fresh 24 h sender certificate for the authenticated device (PROTOCOL.md §13.2). */
  | { op: 'getSenderCertificate' }
  /** The device's signed sealed-sender KEM key (PROTOCOL.md §13.3 encoding); replaces the previous one. */
  | { op: 'uploadSealedKey'; key: Uint8Array }
  /** The current sealed-sender key of a device. */
  | { op: 'fetchSealedKey'; address: Address }
  /** The account's delivery access verifier (32 bytes) and mode (docs/SERVER.md §12). */
  | { op: 'setDeliveryAccess'; verifier: Uint8Array; mode: AccessMode }
  /**
   * A sealed envelope (PROTOCOL.md §13.4) on an unauthenticated connection; `accessKey` is the
   * recipient's delivery access key (empty when the recipient accepts anyone).
   */
  | { op: 'sendSealed'; to: Address; clientMessageId: Uint8Array; accessKey: Uint8Array; envelope: Uint8Array }
  /** Device lists, the provisioning relay and SEND_MULTI (device-frames.ts). */
  | DeviceRequest
  /** One envelope for many devices (docs/SERVER.md §14); idempotent per (sender, id, recipient). */
  | { op: 'groupSend'; recipients: Address[]; clientMessageId: Uint8Array; envelope: Uint8Array }
  /** SEND_SEALED_MULTI and GROUP_SEND_SEALED, unauthenticated (sealed-frames.ts). */
  | SealedFanOutRequest;

/** Who may send sealed messages to an account: its contacts (access key required) or anyone. */
export type AccessMode = 'contacts' | 'anyone';

export type RequestOp = Request['op'];

export const OP_BYTE: Readonly<Record<RequestOp, number>> = Object.freeze({
  register: OP.REGISTER,
  authenticate: OP.AUTHENTICATE,
  uploadPreKeys: OP.UPLOAD_PREKEYS,
  preKeyCount: OP.PREKEY_COUNT,
  fetchBundle: OP.FETCH_BUNDLE,
  send: OP.SEND,
  ack: OP.ACK,
  getSenderCertificate: OP.GET_SENDER_CERTIFICATE,
  uploadSealedKey: OP.UPLOAD_SEALED_KEY,
  fetchSealedKey: OP.FETCH_SEALED_KEY,
  setDeliveryAccess: OP.SET_DELIVERY_ACCESS,
  sendSealed: OP.SEND_SEALED,
  uploadDeviceList: OP.UPLOAD_DEVICE_LIST,
  fetchDeviceList: OP.FETCH_DEVICE_LIST,
  provisionOpen: OP.PROVISION_OPEN,
  provisionTake: OP.PROVISION_TAKE,
  provisionAnswer: OP.PROVISION_ANSWER,
  provisionPoll: OP.PROVISION_POLL,
  sendMulti: OP.SEND_MULTI,
  groupSend: OP.GROUP_SEND,
  sendSealedMulti: OP.SEND_SEALED_MULTI,
  groupSendSealed: OP.GROUP_SEND_SEALED,
});

const OP_NAME = new Map<number, RequestOp>(
  Object.entries(OP_BYTE).map(([name, v]) => [v, name as RequestOp]),
);

/** The op a byte names; DecodeError('BAD_TAG') for an unknown one. */
export function opFromByte(v: number): RequestOp {
  const op = OP_NAME.get(v);
  if (op === undefined) throw new DecodeError('BAD_TAG', `frame: unknown op ${v}`);
  return op;
}

/** Writes the op byte and the body of `req`. */
export function writeRequest(w: Writer, req: Request): Writer {
  w.u8(OP_BYTE[req.op]);
  switch (req.op) {
    case 'register':
      return writeAddress(w, req.address).bytes(req.identity).bytes(req.signature);
    case 'authenticate':
      return writeAddress(w, req.address).bytes(req.signature);
    case 'uploadPreKeys':
      w.u16(req.preKeys.length);
      for (const p of req.preKeys) w.bytes(p);
      return w;
    case 'preKeyCount':
      return w;
    case 'fetchBundle':
      return writeAddress(w, req.address);
    case 'send':
      if (req.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES)
        throw new DecodeError('BAD_VALUE', 'send: client message id must be 16 bytes');
      return writeAddress(w, req.to).fixed(req.clientMessageId).bytes(req.envelope);
    case 'ack':
      return w.u64(req.guid);
    case 'getSenderCertificate':
      return w;
    case 'uploadSealedKey':
      return w.bytes(req.key);
    case 'fetchSealedKey':
      return writeAddress(w, req.address);
    case 'setDeliveryAccess':
      if (req.verifier.length !== ACCESS_KEY_BYTES)
        throw new DecodeError('BAD_VALUE', 'delivery access: verifier must be 32 bytes');
      return w.fixed(req.verifier).u8(req.mode === 'anyone' ? ACCESS_MODE.ANYONE : ACCESS_MODE.CONTACTS);
    case 'sendSealed':
      if (req.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES)
        throw new DecodeError('BAD_VALUE', 'send sealed: client message id must be 16 bytes');
      writeAddress(w, req.to).fixed(req.clientMessageId);
      return w.bytes(req.accessKey).bytes(req.envelope);
    case 'uploadDeviceList':
    case 'fetchDeviceList':
    case 'provisionOpen':
    case 'provisionTake':
    case 'provisionAnswer':
    case 'provisionPoll':
    case 'sendMulti':
      return writeDeviceRequest(w, req);
    case 'groupSend':
      if (req.clientMessageId.length !== CLIENT_MESSAGE_ID_BYTES)
        throw new DecodeError('BAD_VALUE', 'groupSend: client message id must be 16 bytes');
      w.u16(req.recipients.length);
      for (const a of req.recipients) writeAddress(w, a);
      return w.fixed(req.clientMessageId).bytes(req.envelope);
    case 'sendSealedMulti':
    case 'groupSendSealed':
      return writeSealedFanOutRequest(w, req);
  }
}

/** Reads the op byte and the body of a request (the caller checks that the frame ends here). */
export function readRequest(r: Reader): Request {
  const op = opFromByte(r.u8());
  switch (op) {
    case 'register': {
      const address = readAddress(r);
      const identity = r.bytes(MAX_BLOB_BYTES);
      return { op, address, identity, signature: r.bytes(MAX_BLOB_BYTES) };
    }
    case 'authenticate':
      return { op, address: readAddress(r), signature: r.bytes(MAX_BLOB_BYTES) };
    case 'uploadPreKeys': {
      const n = r.u16();
      if (n > MAX_PREKEYS_PER_UPLOAD)
        throw new DecodeError('BAD_VALUE', `upload: ${n} prekeys, limit ${MAX_PREKEYS_PER_UPLOAD}`);
      const preKeys: Uint8Array[] = [];
      for (let i = 0; i < n; i++) preKeys.push(r.bytes(MAX_BLOB_BYTES));
      return { op, preKeys };
    }
    case 'preKeyCount':
      return { op };
    case 'fetchBundle':
      return { op, address: readAddress(r) };
    case 'send': {
      const to = readAddress(r);
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      return { op, to, clientMessageId, envelope: r.bytes(MAX_FRAME_BYTES) };
    }
    case 'ack':
      return { op, guid: r.u64() };
    case 'getSenderCertificate':
      return { op };
    case 'uploadSealedKey':
      return { op, key: r.bytes(MAX_BLOB_BYTES) };
    case 'fetchSealedKey':
      return { op, address: readAddress(r) };
    case 'setDeliveryAccess': {
      const verifier = r.fixed(ACCESS_KEY_BYTES);
      const m = r.u8();
      if (m !== ACCESS_MODE.CONTACTS && m !== ACCESS_MODE.ANYONE)
        throw new DecodeError('BAD_VALUE', `delivery access: unknown mode ${m}`);
      return { op, verifier, mode: m === ACCESS_MODE.ANYONE ? 'anyone' : 'contacts' };
    }
    case 'sendSealed': {
      const to = readAddress(r);
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      const accessKey = r.bytes(ACCESS_KEY_BYTES);
      if (accessKey.length !== 0 && accessKey.length !== ACCESS_KEY_BYTES)
        throw new DecodeError('BAD_VALUE', 'send sealed: access key must be empty or 32 bytes');
      return { op, to, clientMessageId, accessKey, envelope: r.bytes(MAX_FRAME_BYTES) };
    }
    case 'uploadDeviceList':
    case 'fetchDeviceList':
    case 'provisionOpen':
    case 'provisionTake':
    case 'provisionAnswer':
    case 'provisionPoll':
    case 'sendMulti':
      return readDeviceRequest(r, op);
    case 'groupSend': {
      const n = r.u16();
      // Decoded up to the u16 limit; the handler refuses more than MAX_GROUP_RECIPIENTS (TOO_MANY_RECIPIENTS).
      const recipients: Address[] = [];
      for (let i = 0; i < n; i++) recipients.push(readAddress(r));
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      return { op, recipients, clientMessageId, envelope: r.bytes(MAX_FRAME_BYTES) };
    }
    case 'sendSealedMulti':
    case 'groupSendSealed':
      return readSealedFanOutRequest(r, op);
  }
}
