/**
 * Keeping a device's prekeys fresh (PROTOCOL.md §3.3), on top of the PreKeyStore: rotate the signed
 * X25519 prekey (and the last-resort ML-KEM-768 prekey) when the newest is too old, delete retired
 * ones after the grace period, and top up the one-time batches. PQXDH rev. 3 §3.2 (Publishing keys:
 * "Bob will occasionally upload a new signed prekey … and replace the previous one", and uploads
 * more one-time prekeys as they run out). Every decision takes `now`; nothing reads a clock.
 * Side channels: store bookkeeping on public ids and times.
 */
import type { RandomSource } from '../util/random.ts';
import { DEFAULT_ROTATION_POLICY, PREKEY_ROLE, type PreKeyRole } from './constants.ts';
import type { IdentityKeyPair } from './identity.ts';
import {
  expiredSignedPreKeys,
  generateOneTimePreKeys,
  generatePreKey,
  needsRotation,
  type PreKeyRecord,
  type RotationPolicy,
} from './prekeys.ts';
import type { PreKeyStore } from './store.ts';
import type { Suite } from './suite.ts';

type MediumTermRole = typeof PREKEY_ROLE.SIGNED | typeof PREKEY_ROLE.KEM_LAST_RESORT;
type OneTimeRole = typeof PREKEY_ROLE.ONE_TIME | typeof PREKEY_ROLE.KEM_ONE_TIME;

/**
 * The next id of `role`: above every live id and never a consumed one, so a replayed handshake
 * naming a used id still gets PREKEY_REUSED (ids are u32 and public).
 */
function nextId(store: PreKeyStore, role: PreKeyRole): number {
  let id = store.listPreKeys(role).reduce((max, r) => Math.max(max, r.id), 0) + 1;
  while (store.isConsumed(role, id)) id++;
  return id;
}

/**
 * Rotates the SPK (or PQSPK) of `role`: creates and stores a new one when none exists or the newest
 * is due, and deletes the retired ones whose successor is older than the grace period.
 * Returns the new record (to publish) and the deleted ids.
 */
export function rotateMediumTermPreKey(
  suite: Suite,
  identity: IdentityKeyPair,
  store: PreKeyStore,
  role: MediumTermRole,
  now: number,
  random: RandomSource,
  policy: RotationPolicy = DEFAULT_ROTATION_POLICY,
): { created?: PreKeyRecord; deleted: number[] } {
  const live = store.listPreKeys(role);
  const newest = live.reduce<PreKeyRecord | undefined>(
    (a, r) => (a === undefined || r.createdAt > a.createdAt ? r : a),
    undefined,
  );
  let created: PreKeyRecord | undefined;
  if (newest === undefined || needsRotation(newest, now, policy)) {
    created = generatePreKey(suite, identity, role, nextId(store, role), now, random);
    store.storePreKey(created);
  }
  const deleted = expiredSignedPreKeys(store.listPreKeys(role), now, policy);
  for (const id of deleted) store.removePreKey(role, id);
  return created ? { created, deleted } : { deleted };
}

/** Tops the one-time prekeys of `role` up to `target` live keys; returns the new ones. */
export function replenishOneTimePreKeys(
  suite: Suite,
  identity: IdentityKeyPair,
  store: PreKeyStore,
  role: OneTimeRole,
  target: number,
  now: number,
  random: RandomSource,
): PreKeyRecord[] {
  const missing = Math.max(0, target - store.listPreKeys(role).length);
  const start = nextId(store, role);
  const fresh = generateOneTimePreKeys(suite, identity, role, start, missing, now, random);
  for (const r of fresh) store.storePreKey(r);
  return fresh;
}
