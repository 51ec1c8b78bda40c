/**
 * Stored row formats of the client's groups (docs/CLIENT.md §10) and the events the group service
 * reports. Versioned, length-prefixed binary (wire/codec.ts), sealed by sealed-store.ts:
 *   group       = version (2) ‖ bytes(group state, PROTOCOL.md §15.8) ‖ u32 distributedChainId
 *                 ‖ u16 n ‖ n × (bytes(device address) ‖ bytes(identity hash))
 *                                                      (member devices holding our current chain)
 *                 version 1 (a list of users) still decodes, with an empty list: our current chain
 *                 goes again to every member device (docs/CLIENT.md §10).
 *   group-outbox = version ‖ bytes(id) ‖ bytes(group key) ‖ u16 n ‖ n × (bytes(user) ‖ u32 device)
 *                 ‖ bytes(group message) ‖ bytes(history key)
 * Side channels: the group state holds chain secrets; it is copied here, never branched on.
 */
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import type { Address } from '../wire/address.ts';

const RECORD_VERSION = 1;
/** The group row since per-device distribution (docs/CLIENT.md §10). */
const GROUP_RECORD_VERSION = 2;
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** One group as this device stores it. */
export interface GroupRecord {
  /** encodeGroupState (PROTOCOL.md §15.8). */
  readonly state: Uint8Array;
  /** The chain id `distributedTo` refers to; a rotation resets the list. */
  readonly distributedChainId: number;
  /** Member devices that were sent this device's current chain (sorted by address). */
  readonly distributedTo: readonly DeviceRef[];
}

/** A member device as its account's verified list names it (docs/CLIENT.md §9). */
export interface DeviceRef {
  /** `user.deviceId`. */
  readonly address: string;
  /** SHA-256 of its identity, as listed. */
  readonly identityHash: Uint8Array;
}

/** A group message stored with its chain step, (re)transmitted until the server answers. */
export interface GroupOutboxEntry {
  readonly id: string;
  /** The group's key in the `groups` table (group id, hex). */
  readonly group: string;
  readonly recipients: readonly Address[];
  readonly message: Uint8Array;
  readonly historyKey: string;
}

/** What the group service reports (receive, watch and the `groups` verbs print these). */
export type GroupEvent =
  | {
      readonly type: 'message';
      readonly group: string;
      readonly from: string;
      readonly id: string;
      readonly timestamp: number;
      readonly body: string;
    }
  | {
      readonly type: 'change';
      readonly group: string;
      readonly by: string;
      readonly change: 'create' | 'add' | 'remove' | 'leave';
      readonly target: string;
      readonly version: number;
      /** True when this device's user is no longer a member. */
      readonly left: boolean;
    }
  /** A member device's chain; with `roster`, the group's roster it came with moved this device to that version. */
  | { readonly type: 'senderKey'; readonly group: string; readonly from: string; readonly roster?: number };

function reader(bytes: Uint8Array, what: string, version = RECORD_VERSION): Reader {
  const r = new Reader(bytes, what);
  const v = r.u8();
  if (v !== version) throw new DecodeError('BAD_VERSION', `${what}: unsupported version ${v}`);
  return r;
}

export function encodeGroupRecord(g: GroupRecord): Uint8Array {
  const w = new Writer().u8(GROUP_RECORD_VERSION).bytes(g.state).u32(g.distributedChainId).u16(g.distributedTo.length);
  for (const d of g.distributedTo) w.bytes(enc.encode(d.address)).bytes(d.identityHash);
  return w.finish();
}

export function decodeGroupRecord(bytes: Uint8Array): GroupRecord {
  const legacy = bytes.length > 0 && bytes[0] === RECORD_VERSION;
  const r = reader(bytes, 'group record', legacy ? RECORD_VERSION : GROUP_RECORD_VERSION);
  const state = r.bytes();
  const distributedChainId = r.u32();
  const n = r.u16();
  const distributedTo: DeviceRef[] = [];
  for (let i = 0; i < n; i++) {
    const address = dec.decode(r.bytes(64));
    if (!legacy) distributedTo.push({ address, identityHash: r.bytes(64) });
  }
  r.end();
  return { state, distributedChainId, distributedTo };
}

export function encodeGroupOutbox(o: GroupOutboxEntry): Uint8Array {
  const w = new Writer().u8(RECORD_VERSION).bytes(enc.encode(o.id)).bytes(enc.encode(o.group)).u16(o.recipients.length);
  for (const a of o.recipients) w.bytes(enc.encode(a.username)).u32(a.deviceId);
  return w.bytes(o.message).bytes(enc.encode(o.historyKey)).finish();
}

export function decodeGroupOutbox(bytes: Uint8Array): GroupOutboxEntry {
  const r = reader(bytes, 'group outbox entry');
  const id = dec.decode(r.bytes(64));
  const group = dec.decode(r.bytes(64));
  const n = r.u16();
  const recipients: Address[] = [];
  for (let i = 0; i < n; i++) recipients.push({ username: dec.decode(r.bytes(64)), deviceId: r.u32() });
  const message = r.bytes();
  const historyKey = dec.decode(r.bytes(256));
  r.end();
  return { id, group, recipients, message, historyKey };
}
