/**
 * This device's prekeys as the client keeps them published (PROTOCOL.md §3.3; PQXDH rev. 3 §3.2):
 * the signed X25519 prekey and the last-resort ML-KEM-768 prekey rotated on the protocol's schedule
 * (prekey-maintenance.ts), and ONE_TIME_TARGET one-time keys of each kind, topped up when the
 * server reports its stock (Signal tops up below a small threshold; the server signals it).
 * Crash safety: new prekeys are stored together with a 'prekeys-pending' row each, in one
 * transaction; a pending row is deleted only once the server accepted the upload that carried it,
 * so a crash between the two re-uploads them on the next connection.
 * Side channels: store bookkeeping on public ids and times.
 */
import { PREKEY_ROLE, type PreKeyRole } from '../protocol/constants.ts';
import {
  replenishOneTimePreKeys,
  rotateMediumTermPreKey,
} from '../protocol/prekey-maintenance.ts';
import { writePreKeyPublic, type PreKeyRecord } from '../protocol/prekeys.ts';
import type { ProtocolContext } from '../protocol/session-cipher.ts';
import { Writer } from '../wire/codec.ts';
import type { PreKeyCounts } from '../wire/responses.ts';
import type { ClientStore } from './store.ts';

/** One-time prekeys of each kind (OPK, PQOPK) kept published: `register` uploads this many. */
export const ONE_TIME_TARGET = 100;

const PENDING = 'prekeys-pending';
const EMPTY = new Uint8Array(0);

/**
 * In one transaction: rotates the SPK and PQSPK when due (or creates the first ones) and tops the
 * one-time keys up so that the server will hold `target` of each kind, given its `counts`.
 * Every new prekey is marked pending upload.
 */
export function refreshPreKeys(
  store: ClientStore,
  ctx: ProtocolContext,
  counts: PreKeyCounts,
  now: number,
  target = ONE_TIME_TARGET,
): void {
  const identity = ctx.identity.getLocalIdentity();
  store.transaction(() => {
    const fresh: PreKeyRecord[] = [];
    for (const role of [PREKEY_ROLE.SIGNED, PREKEY_ROLE.KEM_LAST_RESORT] as const) {
      const { suite, prekeys, random } = ctx;
      const { created } = rotateMediumTermPreKey(suite, identity, prekeys, role, now, random);
      if (created) fresh.push(created);
    }
    const oneTime = [
      [PREKEY_ROLE.ONE_TIME, counts.oneTime],
      [PREKEY_ROLE.KEM_ONE_TIME, counts.kemOneTime],
    ] as const;
    for (const [role, onServer] of oneTime) {
      const missing = Math.max(0, target - onServer);
      const live = ctx.prekeys.listPreKeys(role).length + missing;
      const { suite, prekeys, random } = ctx;
      fresh.push(...replenishOneTimePreKeys(suite, identity, prekeys, role, live, now, random));
    }
    for (const r of fresh) store.put(PENDING, `${r.role}:${r.id}`, EMPTY);
  });
}

/** The prekeys awaiting upload, as (pending-row key, PROTOCOL.md §3.1 public encoding). */
export function pendingUploads(
  store: ClientStore,
  ctx: ProtocolContext,
): { key: string; blob: Uint8Array }[] {
  const out: { key: string; blob: Uint8Array }[] = [];
  for (const { key } of store.list(PENDING)) {
    const [role, id] = key.split(':').map(Number);
    const record = ctx.prekeys.loadPreKey(role as PreKeyRole, id);
    if (record === undefined) store.delete(PENDING, key); // consumed or retired meanwhile
    else out.push({ key, blob: writePreKeyPublic(new Writer(), record).finish() });
  }
  // Medium-term keys first, so the first batch makes the device's bundle available.
  return out.sort((a, b) => rank(a.key) - rank(b.key));
}

/** The server accepted these uploads. */
export function markUploaded(store: ClientStore, keys: readonly string[]): void {
  store.transaction(() => {
    for (const key of keys) store.delete(PENDING, key);
  });
}

function rank(key: string): number {
  const role = Number(key.split(':')[0]);
  return role === PREKEY_ROLE.SIGNED || role === PREKEY_ROLE.KEM_LAST_RESORT ? 0 : 1;
}
