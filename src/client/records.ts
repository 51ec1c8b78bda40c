/**
 * Stored row formats of the client (docs/CLIENT.md "Store layout"): the account, contacts, trust
 * records, message history and outbox entries. Versioned, length-prefixed binary (wire/codec.ts);
 * each value is sealed by sealed-store.ts before it reaches the backend.
 * Side channels: public fields and message bodies; no key material is encoded here.
 */
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import type { TrustRecord } from '../protocol/store.ts';

const RECORD_VERSION = 1;

function reader(bytes: Uint8Array, what: string): Reader {
  const r = new Reader(bytes, what);
  const v = r.u8();
  if (v !== RECORD_VERSION)
    throw new DecodeError('BAD_VERSION', `${what}: unsupported version ${v}`);
  return r;
}

const text = new TextDecoder('utf-8', { fatal: true });
const str = (w: Writer, s: string): Writer => w.bytes(new TextEncoder().encode(s));
const readStr = (r: Reader, max = 1 << 20): string => text.decode(r.bytes(max));

/** This device: its account name, protocol address, public identity and server. */
export interface Account {
  readonly name: string;
  /** Protocol address `name.deviceId` (the safety-number stable id). */
  readonly address: string;
  /** encodeIdentityPublic of this device. */
  readonly identity: Uint8Array;
  /** Short identity fingerprint for display (hex groups). */
  readonly fingerprint: string;
  readonly createdAt: number;
  /** The server the device registered with ('' before `register`). */
  readonly server: string;
  /** SHA-256 of that server's identity, pinned at `register` (empty before). */
  readonly serverIdentityHash: Uint8Array;
}

export function encodeAccount(a: Account): Uint8Array {
  const w = new Writer().u8(RECORD_VERSION);
  str(str(w, a.name), a.address).bytes(a.identity);
  return str(str(w, a.fingerprint).u64(a.createdAt), a.server).bytes(a.serverIdentityHash).finish();
}

export function decodeAccount(bytes: Uint8Array): Account {
  const r = reader(bytes, 'account');
  const name = readStr(r);
  const address = readStr(r);
  const identity = r.bytes(4096);
  const fingerprint = readStr(r);
  const createdAt = r.u64();
  const server = readStr(r);
  const serverIdentityHash = r.bytes(32);
  r.end();
  return { name, address, identity, fingerprint, createdAt, server, serverIdentityHash };
}

/** A contact: a peer account name and the address its sessions live under. */
export interface Contact {
  readonly name: string;
  readonly address: string;
  readonly addedAt: number;
}

export function encodeContact(c: Contact): Uint8Array {
  return str(str(new Writer().u8(RECORD_VERSION), c.name), c.address).u64(c.addedAt).finish();
}

export function decodeContact(bytes: Uint8Array): Contact {
  const r = reader(bytes, 'contact');
  const c = { name: readStr(r), address: readStr(r), addedAt: r.u64() };
  r.end();
  return c;
}

/** TrustRecord (protocol/store.ts): identity ‖ verified ‖ firstSeen ‖ [pending id, seenAt]. */
export function encodeTrust(t: TrustRecord): Uint8Array {
  const w = new Writer().u8(RECORD_VERSION).bytes(t.identity).u8(t.verified ? 1 : 0);
  w.u64(t.firstSeen).u8(t.pendingChange ? 1 : 0);
  if (t.pendingChange) w.bytes(t.pendingChange.identity).u64(t.pendingChange.seenAt);
  return w.finish();
}

export function decodeTrust(bytes: Uint8Array): TrustRecord {
  const r = reader(bytes, 'trust record');
  const identity = r.bytes(4096);
  const verified = flag(r.u8(), 'trust verified');
  const firstSeen = r.u64();
  const pending = flag(r.u8(), 'trust pending');
  const pendingChange = pending ? { identity: r.bytes(4096), seenAt: r.u64() } : undefined;
  r.end();
  return pendingChange
    ? { identity, verified, firstSeen, pendingChange }
    : { identity, verified, firstSeen };
}

function flag(v: number, what: string): boolean {
  if (v > 1) throw new DecodeError('BAD_VALUE', `${what}: flag ${v}`);
  return v === 1;
}

/** One message of the history with a contact. */
export interface HistoryEntry {
  readonly direction: 'in' | 'out';
  /** The contact's name. */
  readonly peer: string;
  /** Message id (hex), the same on both sides and at the server. */
  readonly id: string;
  /** The sender's timestamp (ms), authenticated inside the message. */
  readonly timestamp: number;
  readonly body: string;
  /** Outgoing: the server acknowledged it; incoming: always true. */
  readonly delivered: boolean;
}

export function encodeHistory(h: HistoryEntry): Uint8Array {
  const w = new Writer().u8(RECORD_VERSION).u8(h.direction === 'in' ? 1 : 2);
  str(str(w, h.peer), h.id).u64(h.timestamp);
  return str(w, h.body).u8(h.delivered ? 1 : 0).finish();
}

export function decodeHistory(bytes: Uint8Array): HistoryEntry {
  const r = reader(bytes, 'history entry');
  const d = r.u8();
  if (d !== 1 && d !== 2) throw new DecodeError('BAD_VALUE', `history entry: direction ${d}`);
  const h = {
    direction: d === 1 ? ('in' as const) : ('out' as const),
    peer: readStr(r),
    id: readStr(r),
    timestamp: r.u64(),
    body: readStr(r),
    delivered: flag(r.u8(), 'history delivered'),
  };
  r.end();
  return h;
}

/** One device's envelope of an outbox entry. */
export interface OutboxEnvelope {
  readonly deviceId: number;
  /** SHA-256 of the identity the session is keyed to (SEND_MULTI's stale check); empty in a v1 row. */
  readonly identityHash: Uint8Array;
  readonly envelope: Uint8Array;
}

/**
 * A message persisted with its ratchet steps, to be (re)transmitted until the server acks: one
 * envelope per device of `peer` (docs/CLIENT.md §9). `content` is kept so that a device that
 * appears on a retry gets its own envelope of the same message.
 */
export interface OutboxEntry {
  readonly id: string;
  /** Recipient account name (this account's own name for a sent transcript). */
  readonly peer: string;
  /** Protocol address of the recipient's primary device. */
  readonly address: string;
  readonly envelopes: readonly OutboxEnvelope[];
  /** The encoded content (content.ts) the envelopes carry. */
  readonly content: Uint8Array;
  /** The history row to mark delivered on the ack ('' for a sent transcript). */
  readonly historyKey: string;
}

/** Outbox rows are version 2 (per-device envelopes); version 1 rows held one envelope for device 1. */
const OUTBOX_VERSION = 2;

export function encodeOutbox(o: OutboxEntry): Uint8Array {
  const w = str(str(str(new Writer().u8(OUTBOX_VERSION), o.id), o.peer), o.address);
  w.u16(o.envelopes.length);
  for (const e of o.envelopes) w.u32(e.deviceId).bytes(e.identityHash).bytes(e.envelope);
  return str(w.bytes(o.content), o.historyKey).finish();
}

export function decodeOutbox(bytes: Uint8Array): OutboxEntry {
  const r = new Reader(bytes, 'outbox entry');
  const v = r.u8();
  if (v === RECORD_VERSION) {
    // A row queued before multi-device support: one envelope for device 1 (sent with SEND).
    const o = { id: readStr(r), peer: readStr(r), address: readStr(r), envelope: r.bytes(), historyKey: readStr(r) };
    r.end();
    const envelopes = [{ deviceId: 1, identityHash: new Uint8Array(0), envelope: o.envelope }];
    return { id: o.id, peer: o.peer, address: o.address, envelopes, content: new Uint8Array(0), historyKey: o.historyKey };
  }
  if (v !== OUTBOX_VERSION) throw new DecodeError('BAD_VERSION', `outbox entry: unsupported version ${v}`);
  const id = readStr(r);
  const peer = readStr(r);
  const address = readStr(r);
  const n = r.u16();
  const envelopes: OutboxEnvelope[] = [];
  for (let i = 0; i < n; i++) envelopes.push({ deviceId: r.u32(), identityHash: r.bytes(32), envelope: r.bytes() });
  const content = r.bytes();
  const historyKey = readStr(r);
  r.end();
  return { id, peer, address, envelopes, content, historyKey };
}
