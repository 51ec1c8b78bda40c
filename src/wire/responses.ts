/**
 * Response bodies of the delivery-service frames (docs/SERVER.md §2.3): the successful answer to
 * each request op. Refusals are ERROR frames instead (frame.ts).
 * Side channels: public data only.
 */
import { DecodeError } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { MAX_BLOB_BYTES, MAX_FRAME_BYTES } from './frame-constants.ts';
import { OP_BYTE, opFromByte } from './requests.ts';
import { readDeviceResponse, writeDeviceResponse, type DeviceResponse } from './device-frames.ts';

/** Live one-time prekeys of a device: X25519 (OPK) and ML-KEM-768 (PQOPK). */
export interface PreKeyCounts {
  readonly oneTime: number;
  readonly kemOneTime: number;
}

export type Response =
  | { op: 'register' }
  | { op: 'authenticate'; queued: number }
  | { op: 'uploadPreKeys'; counts: PreKeyCounts }
  | { op: 'preKeyCount'; counts: PreKeyCounts }
  /** A bundle in the PROTOCOL.md §3.2 encoding, ready for decodeBundle/verifyBundle. */
  | { op: 'fetchBundle'; bundle: Uint8Array }
  /** The same guid and timestamp for every retry of one (sender, clientMessageId). */
  | { op: 'send'; guid: number; serverTimestamp: number; duplicate: boolean }
  | { op: 'ack' }
  /** PROTOCOL.md §13.2 SenderCertificate encoding. */
  | { op: 'getSenderCertificate'; certificate: Uint8Array }
  | { op: 'uploadSealedKey' }
  /** PROTOCOL.md §13.3 sealed-sender key encoding; the caller verifies it under the pinned identity. */
  | { op: 'fetchSealedKey'; key: Uint8Array }
  | { op: 'setDeliveryAccess' }
  /** As `send`; a retry of one (recipient, clientMessageId) gets the first guid. */
  | { op: 'sendSealed'; guid: number; serverTimestamp: number; duplicate: boolean }
  /** Device lists, the provisioning relay and SEND_MULTI (device-frames.ts). */
  | DeviceResponse;

export function writeCounts(w: Writer, c: PreKeyCounts): Writer {
  return w.u32(c.oneTime).u32(c.kemOneTime);
}

export function readCounts(r: Reader): PreKeyCounts {
  const oneTime = r.u32();
  return { oneTime, kemOneTime: r.u32() };
}

/** Writes the op byte and the body of `res`. */
export function writeResponse(w: Writer, res: Response): Writer {
  w.u8(OP_BYTE[res.op]);
  switch (res.op) {
    case 'register':
    case 'ack':
    case 'uploadSealedKey':
    case 'setDeliveryAccess':
      return w;
    case 'getSenderCertificate':
      return w.bytes(res.certificate);
    case 'fetchSealedKey':
      return w.bytes(res.key);
    case 'authenticate':
      return w.u32(res.queued);
    case 'uploadPreKeys':
    case 'preKeyCount':
      return writeCounts(w, res.counts);
    case 'fetchBundle':
      return w.bytes(res.bundle);
    case 'send':
    case 'sendSealed':
      return w.u64(res.guid).u64(res.serverTimestamp).u8(res.duplicate ? 1 : 0);
    case 'uploadDeviceList':
    case 'fetchDeviceList':
    case 'provisionOpen':
    case 'provisionTake':
    case 'provisionAnswer':
    case 'provisionPoll':
    case 'sendMulti':
      return writeDeviceResponse(w, res);
  }
}

/** Reads the op byte and the body of a response. */
export function readResponse(r: Reader): Response {
  const op = opFromByte(r.u8());
  switch (op) {
    case 'register':
    case 'ack':
    case 'uploadSealedKey':
    case 'setDeliveryAccess':
      return { op };
    case 'getSenderCertificate':
      return { op, certificate: r.bytes(MAX_BLOB_BYTES) };
    case 'fetchSealedKey':
      return { op, key: r.bytes(MAX_BLOB_BYTES) };
    case 'authenticate':
      return { op, queued: r.u32() };
    case 'uploadPreKeys':
    case 'preKeyCount':
      return { op, counts: readCounts(r) };
    case 'fetchBundle':
      return { op, bundle: r.bytes(MAX_FRAME_BYTES) };
    case 'send':
    case 'sendSealed': {
      const guid = r.u64();
      const serverTimestamp = r.u64();
      const flag = r.u8();
      if (flag > 1) throw new DecodeError('BAD_VALUE', `send response: duplicate flag ${flag}`);
      return { op, guid, serverTimestamp, duplicate: flag === 1 };
    }
    case 'uploadDeviceList':
    case 'fetchDeviceList':
    case 'provisionOpen':
    case 'provisionTake':
    case 'provisionAnswer':
    case 'provisionPoll':
    case 'sendMulti':
      return readDeviceResponse(r, op);
  }
}
