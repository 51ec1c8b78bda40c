/**
 * Response bodies of the delivery-service frames (docs/SERVER.md §2.3): the successful answer to
 * each request op. Refusals are ERROR frames instead (frame.ts).
 * Side channels: public data only.
 */
import { DecodeError, type ServerErrorCode } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { MAX_BLOB_BYTES, MAX_FRAME_BYTES, MAX_GROUP_RECIPIENTS } from './frame-constants.ts';
import { SERVER_ERROR_WIRE, serverErrorFromWire } from './frame-errors.ts';
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
  | DeviceResponse
  /** One result per recipient, in the request's order (docs/SERVER.md §14). */
  | { op: 'groupSend'; results: GroupSendResult[] }
  /** As sendMulti (docs/SERVER.md §15.1). */
  | { op: 'sendSealedMulti'; serverTimestamp: number; duplicate: boolean }
  /** As groupSend (docs/SERVER.md §15.2). */
  | { op: 'groupSendSealed'; results: GroupSendResult[] };

/** What GROUP_SEND did for one recipient device. */
export type GroupSendResult =
  | { readonly status: 'stored' | 'duplicate'; readonly guid: number; readonly serverTimestamp: number }
  /** Not stored for this recipient (UNKNOWN_ADDRESS, MAILBOX_FULL_COUNT, MAILBOX_FULL_BYTES). */
  | { readonly status: 'refused'; readonly code: ServerErrorCode };

const GROUP_STATUS = Object.freeze({ stored: 0, duplicate: 1, refused: 2 });

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
    case 'sendSealedMulti':
      return w.u64(res.serverTimestamp).u8(res.duplicate ? 1 : 0);
    case 'groupSend':
    case 'groupSendSealed':
      w.u16(res.results.length);
      for (const x of res.results) {
        w.u8(GROUP_STATUS[x.status]);
        if (x.status === 'refused') w.u16(SERVER_ERROR_WIRE[x.code]);
        else w.u64(x.guid).u64(x.serverTimestamp);
      }
      return w;
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
    case 'sendSealedMulti': {
      const serverTimestamp = r.u64();
      const flag = r.u8();
      if (flag > 1) throw new DecodeError('BAD_VALUE', `sendSealedMulti response: duplicate flag ${flag}`);
      return { op, serverTimestamp, duplicate: flag === 1 };
    }
    case 'groupSend':
    case 'groupSendSealed': {
      const n = r.u16();
      if (n > MAX_GROUP_RECIPIENTS) throw new DecodeError('BAD_VALUE', `${op} response: ${n} results`);
      const results: GroupSendResult[] = [];
      for (let i = 0; i < n; i++) {
        const status = r.u8();
        if (status === GROUP_STATUS.refused) results.push({ status: 'refused', code: serverErrorFromWire(r.u16()) });
        else if (status === GROUP_STATUS.stored || status === GROUP_STATUS.duplicate)
          results.push({ status: status === GROUP_STATUS.stored ? 'stored' : 'duplicate', guid: r.u64(), serverTimestamp: r.u64() });
        else throw new DecodeError('BAD_VALUE', `${op} response: status ${status}`);
      }
      return { op, results };
    }
  }
}
