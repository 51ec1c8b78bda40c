/**
 * The client's sealed-sender state in its sealed store (docs/CLIENT.md §8), one table:
 *   sealed/access            our delivery access secret, its epoch, the mode, registered flag
 *   sealed/certificate       our current sender certificate (PROTOCOL.md §13.2 encoding)
 *   sealed/server            the server's full public identity (its SHA-256 is pinned at register)
 *   sealed/key-current       the id of our current sealed-sender key and its uploaded flag
 *   sealed/key/<id>          our sealed-sender key records (PROTOCOL.md §13.3, with the secret)
 *   sealed/contact/<name>    a contact's access secret (if it shared one) and its primary's sealed
 *                            key, and the epoch of our access secret last queued to it
 *   sealed/device-key/<name>.<id>  the sealed key of a contact's linked device id > 1 (CLIENT.md §9)
 * Records are versioned binary (wire/codec.ts); the store seals every value at rest.
 * Side channels: secrets are copied between the store and the protocol; no branch on them.
 */
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import type { AccessMode } from '../wire/requests.ts';
import type { ClientStore } from './store.ts';

export const SEALED_TABLE = 'sealed';
const VERSION = 1;

/** Our delivery access: the secret shared with contacts, a counter bumped by each rotation. */
export interface SelfAccess {
  readonly secret: Uint8Array;
  readonly epoch: number;
  readonly mode: AccessMode;
  /** The server holds the verifier of this secret and this mode. */
  readonly registered: boolean;
}

/** What we know about sealing to one contact. */
export interface ContactSealed {
  /** The contact's access secret and its epoch (0 and empty until it shared one). */
  readonly accessSecret: Uint8Array;
  readonly accessEpoch: number;
  /** The contact's sealed-sender key (PROTOCOL.md §13.3 public encoding), empty until fetched. */
  readonly sealedKey: Uint8Array;
  /** The epoch of our access secret last queued to this contact (0: never). */
  readonly sentEpoch: number;
}

const EMPTY_CONTACT: ContactSealed = Object.freeze({
  accessSecret: new Uint8Array(0),
  accessEpoch: 0,
  sealedKey: new Uint8Array(0),
  sentEpoch: 0,
});

function reader(bytes: Uint8Array, what: string): Reader {
  const r = new Reader(bytes, what);
  const v = r.u8();
  if (v !== VERSION) throw new DecodeError('BAD_VERSION', `${what}: unsupported version ${v}`);
  return r;
}

function flag(v: number, what: string): boolean {
  if (v > 1) throw new DecodeError('BAD_VALUE', `${what}: flag ${v}`);
  return v === 1;
}

export function loadAccess(store: ClientStore): SelfAccess | undefined {
  const bytes = store.get(SEALED_TABLE, 'access');
  if (bytes === undefined) return undefined;
  const r = reader(bytes, 'access record');
  const secret = r.fixed(32);
  const epoch = r.u32();
  const m = r.u8();
  if (m !== 1 && m !== 2) throw new DecodeError('BAD_VALUE', `access record: mode ${m}`);
  const registered = flag(r.u8(), 'access registered');
  r.end();
  return { secret, epoch, mode: m === 2 ? 'anyone' : 'contacts', registered };
}

export function saveAccess(store: ClientStore, a: SelfAccess): void {
  const w = new Writer().u8(VERSION).fixed(a.secret).u32(a.epoch);
  store.put(SEALED_TABLE, 'access', w.u8(a.mode === 'anyone' ? 2 : 1).u8(a.registered ? 1 : 0).finish());
}

export function loadContactSealed(store: ClientStore, name: string): ContactSealed {
  const bytes = store.get(SEALED_TABLE, `contact/${name}`);
  if (bytes === undefined) return EMPTY_CONTACT;
  const r = reader(bytes, 'contact sealed record');
  const c = { accessSecret: r.bytes(32), accessEpoch: r.u32(), sealedKey: r.bytes(8192), sentEpoch: r.u32() };
  r.end();
  return c;
}

export function saveContactSealed(store: ClientStore, name: string, c: ContactSealed): void {
  const w = new Writer().u8(VERSION).bytes(c.accessSecret).u32(c.accessEpoch);
  store.put(SEALED_TABLE, `contact/${name}`, w.bytes(c.sealedKey).u32(c.sentEpoch).finish());
}

export function deleteContactSealed(store: ClientStore, name: string): void {
  store.delete(SEALED_TABLE, `contact/${name}`);
  for (const r of store.list(SEALED_TABLE, `device-key/${name}.`)) store.delete(SEALED_TABLE, r.key);
}

/** The sealed key (PROTOCOL.md §13.3 public encoding) of a contact's linked device; empty if none. */
export function loadDeviceSealedKey(store: ClientStore, name: string, deviceId: number): Uint8Array {
  return store.get(SEALED_TABLE, `device-key/${name}.${deviceId}`) ?? new Uint8Array(0);
}

export function saveDeviceSealedKey(store: ClientStore, name: string, deviceId: number, encoded: Uint8Array): void {
  store.put(SEALED_TABLE, `device-key/${name}.${deviceId}`, encoded);
}

/** Raw blobs: the certificate and the server identity. */
export function loadBlob(store: ClientStore, key: 'certificate' | 'server'): Uint8Array | undefined {
  return store.get(SEALED_TABLE, key);
}

export function saveBlob(store: ClientStore, key: 'certificate' | 'server', value: Uint8Array): void {
  store.put(SEALED_TABLE, key, value);
}

/** The current sealed-key id and whether the server has it. */
export function loadCurrentKey(store: ClientStore): { id: number; uploaded: boolean } | undefined {
  const bytes = store.get(SEALED_TABLE, 'key-current');
  if (bytes === undefined) return undefined;
  const r = reader(bytes, 'current sealed key');
  const out = { id: r.u32(), uploaded: flag(r.u8(), 'sealed key uploaded') };
  r.end();
  return out;
}

export function saveCurrentKey(store: ClientStore, id: number, uploaded: boolean): void {
  store.put(SEALED_TABLE, 'key-current', new Writer().u8(VERSION).u32(id).u8(uploaded ? 1 : 0).finish());
}

const keyRow = (id: number) => `key/${String(id).padStart(10, '0')}`;

export function loadKeyRecord(store: ClientStore, id: number): Uint8Array | undefined {
  return store.get(SEALED_TABLE, keyRow(id));
}

export function saveKeyRecord(store: ClientStore, id: number, encoded: Uint8Array): void {
  store.put(SEALED_TABLE, keyRow(id), encoded);
}

/** Every stored key record, oldest id first. */
export function listKeyRecords(store: ClientStore): { id: number; encoded: Uint8Array }[] {
  return store.list(SEALED_TABLE, 'key/').map((r) => ({ id: Number(r.key.slice(4)), encoded: r.value }));
}

export function deleteKeyRecord(store: ClientStore, id: number): void {
  store.delete(SEALED_TABLE, keyRow(id));
}
