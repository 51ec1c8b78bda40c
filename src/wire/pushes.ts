/**
 * Server pushes (docs/SERVER.md §2.4): frames the server sends unasked — the authentication
 * challenge on connect, delivered messages, the end-of-queue marker (Signal's "queue empty"),
 * and the low-prekey notice that tells the owner to replenish (PQXDH rev. 3 §3.2).
 * Side channels: public data only.
 */
import { DecodeError } from '../util/errors.ts';
import type { Reader, Writer } from './codec.ts';
import { readAddress, writeAddress, type Address } from './address.ts';
import {
  CHALLENGE_BYTES,
  CLIENT_MESSAGE_ID_BYTES,
  MAX_BLOB_BYTES,
  MAX_FRAME_BYTES,
  PUSH,
} from './frame-constants.ts';
import { readCounts, writeCounts, type PreKeyCounts } from './responses.ts';

/** A queued sealed message (PROTOCOL.md §13): the server knows no sender for it. */
export interface SealedDeliveredMessage {
  /** Server-assigned, unique, increasing in the order the server stored messages. */
  readonly guid: number;
  /** When the server stored it, ms since the Unix epoch. */
  readonly serverTimestamp: number;
  readonly clientMessageId: Uint8Array;
  readonly envelope: Uint8Array;
}

/** A queued message as the recipient receives it. */
export interface DeliveredMessage extends SealedDeliveredMessage {
  /** The authenticated sender. */
  readonly sender: Address;
}

/** What a mailbox holds: messages with their authenticated sender, and sealed ones without. */
export type QueuedMessage = DeliveredMessage | SealedDeliveredMessage;

/** The push that delivers a queued message: MESSAGE with its sender, SEALED_MESSAGE without. */
export function deliveryPush(m: QueuedMessage): Push {
  return 'sender' in m ? { type: 'message', message: m } : { type: 'sealedMessage', message: m };
}

export type Push =
  /** `serverIdentity` in the PROTOCOL.md §2.2 encoding; `challenge` fresh per connection. */
  | { type: 'challenge'; serverIdentity: Uint8Array; challenge: Uint8Array }
  | { type: 'message'; message: DeliveredMessage }
  | { type: 'sealedMessage'; message: SealedDeliveredMessage }
  | { type: 'queueEmpty' }
  | { type: 'preKeysLow'; counts: PreKeyCounts };

/** Writes the push type byte and body. */
export function writePush(w: Writer, p: Push): Writer {
  switch (p.type) {
    case 'challenge':
      if (p.challenge.length !== CHALLENGE_BYTES)
        throw new DecodeError('BAD_VALUE', 'challenge must be 32 bytes');
      return w.u8(PUSH.CHALLENGE).bytes(p.serverIdentity).fixed(p.challenge);
    case 'message': {
      const m = p.message;
      w.u8(PUSH.MESSAGE).u64(m.guid).u64(m.serverTimestamp);
      return writeAddress(w, m.sender).fixed(m.clientMessageId).bytes(m.envelope);
    }
    case 'sealedMessage': {
      const m = p.message;
      w.u8(PUSH.SEALED_MESSAGE).u64(m.guid).u64(m.serverTimestamp);
      return w.fixed(m.clientMessageId).bytes(m.envelope);
    }
    case 'queueEmpty':
      return w.u8(PUSH.QUEUE_EMPTY);
    case 'preKeysLow':
      return writeCounts(w.u8(PUSH.PREKEYS_LOW), p.counts);
  }
}

/** Reads a push type byte and body. */
export function readPush(r: Reader): Push {
  const type = r.u8();
  switch (type) {
    case PUSH.CHALLENGE: {
      const serverIdentity = r.bytes(MAX_BLOB_BYTES);
      return { type: 'challenge', serverIdentity, challenge: r.fixed(CHALLENGE_BYTES) };
    }
    case PUSH.MESSAGE: {
      const guid = r.u64();
      const serverTimestamp = r.u64();
      const sender = readAddress(r);
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      const envelope = r.bytes(MAX_FRAME_BYTES);
      return { type: 'message', message: { guid, serverTimestamp, sender, clientMessageId, envelope } };
    }
    case PUSH.SEALED_MESSAGE: {
      const guid = r.u64();
      const serverTimestamp = r.u64();
      const clientMessageId = r.fixed(CLIENT_MESSAGE_ID_BYTES);
      const envelope = r.bytes(MAX_FRAME_BYTES);
      return { type: 'sealedMessage', message: { guid, serverTimestamp, clientMessageId, envelope } };
    }
    case PUSH.QUEUE_EMPTY:
      return { type: 'queueEmpty' };
    case PUSH.PREKEYS_LOW:
      return { type: 'preKeysLow', counts: readCounts(r) };
    default:
      throw new DecodeError('BAD_TAG', `frame: unknown push type ${type}`);
  }
}
