/**
 * The PQ message that rides in every ratchet header, and the chunk sets a receiver accumulates.
 * Layout (59 bytes, big-endian): epoch u32 ‖ counter u32 ‖ kind u8 ‖ index u16 ‖ chunk (48).
 * `epoch` and `counter` name the sender's PQ chain key for this message (the chain of its latest
 * completed epoch); the chunk is number `index` of the erasure-coded payload `kind` of the epoch
 * after that one (erasure.ts). SPQR's V1Msg {epoch, index, chunk} (libsignal SignalMessage field
 * 5), with a fixed size so the header length never reveals the ratchet's phase.
 * Side channels: all fields are public to the peer and sealed by header encryption on the wire.
 */
import { copyBytes, load32BE, store32BE } from '../../util/bytes.ts';
import { ctIsZero } from '../../util/ct.ts';
import { ProtocolError } from '../../util/errors.ts';
import { chunkCount, decodeChunks, encodeChunk, MAX_CHUNK_INDEX } from './erasure.ts';
import {
  CHUNK_KIND,
  PAYLOAD_BYTES,
  PQ_CHUNK_BYTES,
  PQ_MESSAGE_BYTES,
  type ChunkKind,
} from './constants.ts';

/** One PQ message (docs/PROTOCOL.md §5.12.4). */
export interface PqMessage {
  epoch: number;
  counter: number;
  kind: ChunkKind;
  index: number;
  chunk: Uint8Array;
}

/** Received chunks of one payload, by index (at most k are kept: k decode it). */
export type ChunkSet = Map<number, Uint8Array>;

/** k for a payload kind: 2 (ek header), 24 (ek vector), 20 (c₁), 4 (c₂ ‖ MAC). */
export function chunksNeeded(kind: ChunkKind): number {
  return chunkCount(PAYLOAD_BYTES[kind], PQ_CHUNK_BYTES);
}

/** The 59-byte encoding. docs/PROTOCOL.md §5.12.4. */
export function encodePqMessage(m: PqMessage): Uint8Array {
  const out = new Uint8Array(PQ_MESSAGE_BYTES);
  store32BE(out, 0, m.epoch);
  store32BE(out, 4, m.counter);
  out[8] = m.kind;
  out[9] = m.index >>> 8;
  out[10] = m.index & 0xff;
  out.set(m.chunk, 11);
  return out;
}

/**
 * Parses a PQ message; a kind other than 0–4, or a NONE message with a non-zero index or chunk,
 * is DECRYPT_FAILED (it arrived under a valid header key, so it is the peer's bug or a forgery by
 * a holder of the Double Ratchet keys: either way the message is refused).
 */
export function decodePqMessage(bytes: Uint8Array): PqMessage {
  if (bytes.length !== PQ_MESSAGE_BYTES)
    throw new ProtocolError('DECRYPT_FAILED', 'PQ message: wrong length');
  const kind = bytes[8];
  const index = (bytes[9] << 8) | bytes[10];
  const chunk = copyBytes(bytes, 11);
  if (kind > CHUNK_KIND.CT2) throw new ProtocolError('DECRYPT_FAILED', `PQ message: kind ${kind}`);
  if (kind === CHUNK_KIND.NONE && (index !== 0 || ctIsZero(chunk) === 0))
    throw new ProtocolError('DECRYPT_FAILED', 'PQ message: NONE must carry index 0 and zeros');
  const epoch = load32BE(bytes, 0);
  return { epoch, counter: load32BE(bytes, 4), kind: kind as ChunkKind, index, chunk };
}

/** The message with no chunk. */
export function noChunk(epoch: number, counter: number): PqMessage {
  return { epoch, counter, kind: CHUNK_KIND.NONE, index: 0, chunk: new Uint8Array(PQ_CHUNK_BYTES) };
}

/**
 * Chunk number `sent` of a payload (indices wrap at 2¹⁶: a repeat is harmless, the receiver
 * keeps one copy per index). Reed–Solomon encoding (erasure.ts).
 */
export function chunkOf(
  kind: ChunkKind,
  payload: Uint8Array,
  sent: number,
): { index: number; chunk: Uint8Array } {
  const index = sent % (MAX_CHUNK_INDEX + 1);
  return { index, chunk: encodeChunk(payload, PQ_CHUNK_BYTES, index) };
}

/** Adds a chunk to a set unless the set already holds k chunks or this index. */
export function addChunk(set: ChunkSet, kind: ChunkKind, index: number, chunk: Uint8Array): void {
  if (set.size < chunksNeeded(kind) && !set.has(index)) set.set(index, copyBytes(chunk));
}

/** The payload once k chunks are held, else null. Reed–Solomon decoding (erasure.ts). */
export function payloadOf(set: ChunkSet, kind: ChunkKind): Uint8Array | null {
  return decodeChunks(PAYLOAD_BYTES[kind], PQ_CHUNK_BYTES, set);
}
