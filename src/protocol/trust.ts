/**
 * Trust decisions about peer identities: trust on first use, then loud, sticky detection of any
 * identity change (PROTOCOL.md §8). Once a peer's identity differs from the pinned one, every
 * handshake with that peer fails with ProtocolError('IDENTITY_CHANGED') until the user accepts the
 * new identity (after comparing safety numbers). Model: PQXDH rev. 3 §4.1 (Authentication: "the
 * parties may compare their identity public keys") and libsignal's IdentityKeyStore.
 * Side channels: identities are public; plain comparisons.
 */
import { bytesEqual } from '../util/bytes.ts';
import { ProtocolError } from '../util/errors.ts';
import { encodeIdentityPublic, type IdentityPublic } from './identity.ts';
import { allSessions } from './session-record.ts';
import {
  decodeSessionRecord,
  encodeSessionRecord,
  wipeSessionRecord,
} from './session-state-codec.ts';
import type { Address, SessionStore, TrustRecord, TrustStore } from './store.ts';

/** 'new': first contact, pinned now (TOFU); 'unverified' / 'verified': matches the pin. */
export type TrustStatus = 'new' | 'unverified' | 'verified';

/**
 * Checks `identity` against the pin for `address`: pins it on first use, accepts a match, and on a
 * mismatch records the new identity as a pending change and throws IDENTITY_CHANGED (every time,
 * until `acceptIdentityChange`).
 */
export function checkIdentity(
  store: TrustStore,
  address: Address,
  identity: IdentityPublic,
  now: number,
): TrustStatus {
  const encoded = encodeIdentityPublic(identity);
  const record = store.loadTrust(address);
  if (record === undefined) {
    store.storeTrust(address, { identity: encoded, verified: false, firstSeen: now });
    return 'new';
  }
  if (bytesEqual(record.identity, encoded)) return record.verified ? 'verified' : 'unverified';
  store.storeTrust(address, { ...record, pendingChange: { identity: encoded, seenAt: now } });
  throw new ProtocolError(
    'IDENTITY_CHANGED',
    `identity of ${address} has CHANGED (pinned at t=${record.firstSeen} ms): ` +
      'compare safety numbers, then accept the new identity explicitly',
  );
}

/**
 * The user accepted a changed identity (ideally after comparing safety numbers): re-pin it, and
 * drop every stored session with `address` whose peer identity is not the accepted one (they are
 * wiped; if one of them was current, the most recent remaining session becomes current).
 * libsignal IdentityKeyStore::save_identity + SessionRecord archiving; PROTOCOL.md §8.
 */
export function acceptIdentityChange(
  stores: { readonly trust: TrustStore; readonly sessions: SessionStore },
  address: Address,
  identity: IdentityPublic,
  now: number,
  verified = false,
): void {
  const encoded = encodeIdentityPublic(identity);
  stores.trust.storeTrust(address, { identity: encoded, verified, firstSeen: now });
  const bytes = stores.sessions.loadSession(address);
  if (bytes === undefined) return;
  const record = decodeSessionRecord(bytes);
  try {
    const sessions = allSessions(record);
    const kept = sessions.filter((s) => bytesEqual(encodeIdentityPublic(s.remoteIdentity), encoded));
    if (kept.length === 0) stores.sessions.deleteSession(address);
    else if (kept.length < sessions.length) {
      const next = { current: kept[0], previous: kept.slice(1) };
      stores.sessions.storeSession(address, encodeSessionRecord(next));
    }
  } finally {
    wipeSessionRecord(record);
  }
}

/**
 * Throws ProtocolError('UNTRUSTED_IDENTITY') unless `identity` is the identity pinned for
 * `address`; changes nothing. Run on an existing session's peer identity after every successful
 * decryption (before anything is stored) and before every send (PROTOCOL.md §6.2, §8).
 * libsignal session_cipher.rs (is_trusted_identity on decrypt and encrypt).
 */
export function expectTrustedIdentity(
  store: TrustStore,
  address: Address,
  identity: IdentityPublic,
): void {
  const record = store.loadTrust(address);
  if (record === undefined || !bytesEqual(record.identity, encodeIdentityPublic(identity)))
    throw new ProtocolError(
      'UNTRUSTED_IDENTITY',
      `the session with ${address} belongs to an identity that is not the pinned one`,
    );
}

/** Marks the pinned identity verified (safety numbers matched); throws if it is not the pin. */
export function markVerified(store: TrustStore, address: Address, identity: IdentityPublic): void {
  const record = store.loadTrust(address);
  const encoded = encodeIdentityPublic(identity);
  if (record === undefined || !bytesEqual(record.identity, encoded))
    throw new ProtocolError('UNTRUSTED_IDENTITY', `markVerified: ${address} is not pinned to it`);
  const { firstSeen } = record;
  store.storeTrust(address, { identity: record.identity, verified: true, firstSeen });
}

/** The pending identity change for `address`, if one was detected and not yet accepted. */
export function pendingIdentityChange(
  store: TrustStore,
  address: Address,
): TrustRecord['pendingChange'] {
  return store.loadTrust(address)?.pendingChange;
}
