/**
 * Versioned binary serialization of a Session and of a SessionRecord (PROTOCOL.md §6.3),
 * embedding the ratchet state codec (ratchet/state-codec.ts). Layouts:
 *   Session = 0x01 ‖ role (1 initiator, 2 responder) ‖ remote identity ‖ u32 len ‖ AD
 *             ‖ handshakeId (32) ‖ u8 hasPending ‖ [u32 len ‖ pending header] ‖ u32 len ‖ ratchet
 *   Record  = 0x02 ‖ u8 n (≤ MAX_ARCHIVED_SESSIONS) ‖ u32 len ‖ Session(current)
 *             ‖ n × (u32 len ‖ Session(archived)), most recent first
 * Decoding is strict (no trailing bytes, distinct handshakeIds) and encode(decode(b)) equals b.
 * Side channels: secrets are copied byte for byte; no branch on them.
 */
import { bytesEqual } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import {
  MAX_ARCHIVED_SESSIONS,
  SESSION_RECORD_VERSION,
  SESSION_STATE_VERSION,
  SIZES,
} from './constants.ts';
import { encodeIdentityPublic, readIdentityPublic } from './identity.ts';
import { decodeRatchetState, encodeRatchetState, wipeRatchetState } from './ratchet/state-codec.ts';
import type { Session } from './session.ts';
import type { SessionRecord } from './session-record.ts';

const ROLE_CODE = { initiator: 1, responder: 2 } as const;

/** Serializes a session for storage. */
export function encodeSession(s: Session): Uint8Array {
  const w = new Writer()
    .u8(SESSION_STATE_VERSION)
    .u8(ROLE_CODE[s.role])
    .fixed(encodeIdentityPublic(s.remoteIdentity))
    .bytes(s.ad)
    .fixed(s.handshakeId)
    .u8(s.pendingHandshake ? 1 : 0);
  if (s.pendingHandshake) w.bytes(s.pendingHandshake);
  const ratchet = encodeRatchetState(s.ratchet);
  const out = w.bytes(ratchet).finish();
  wipe(ratchet);
  return out;
}

/** Parses `encodeSession` output; rejects unknown versions, bad tags and trailing bytes. */
export function decodeSession(bytes: Uint8Array): Session {
  const r = new Reader(bytes, 'session');
  const version = r.u8();
  if (version !== SESSION_STATE_VERSION)
    throw new DecodeError('BAD_VERSION', `session: unsupported version ${version}`);
  const code = r.u8();
  if (code !== ROLE_CODE.initiator && code !== ROLE_CODE.responder)
    throw new DecodeError('BAD_TAG', `session: unknown role ${code}`);
  const role = code === ROLE_CODE.initiator ? 'initiator' : 'responder';
  const remoteIdentity = readIdentityPublic(r);
  const ad = r.bytes(1024);
  const handshakeId = r.fixed(SIZES.HASH);
  const flag = r.u8();
  if (flag > 1) throw new DecodeError('BAD_VALUE', `session: pending flag ${flag}`);
  if (flag === 1 && role !== 'initiator')
    throw new DecodeError('BAD_VALUE', 'session: responder with a pending handshake');
  const pendingHandshake = flag === 1 ? r.bytes(4096) : null;
  const ratchetBytes = r.bytes();
  r.end();
  const ratchet = decodeRatchetState(ratchetBytes);
  wipe(ratchetBytes);
  return { role, remoteIdentity, ad, handshakeId, pendingHandshake, ratchet };
}

/** Wipes every secret a dropped session holds (call after its successor is persisted). */
export function wipeSession(s: Session): void {
  wipeRatchetState(s.ratchet);
}

/**
 * Serializes a session record (what a SessionStore holds per address).
 * PROTOCOL.md §6.3 (SessionRecord).
 */
export function encodeSessionRecord(record: SessionRecord): Uint8Array {
  if (record.previous.length > MAX_ARCHIVED_SESSIONS)
    throw new DecodeError('BAD_VALUE', 'session record: too many archived sessions');
  const w = new Writer().u8(SESSION_RECORD_VERSION).u8(record.previous.length);
  const parts = [record.current, ...record.previous].map(encodeSession);
  for (const p of parts) w.bytes(p);
  const out = w.finish();
  wipe(...parts);
  return out;
}

/**
 * Parses `encodeSessionRecord` output; rejects other versions (including the version-1 bare
 * session of earlier builds) with DecodeError BAD_VERSION, too many or duplicate sessions with
 * BAD_VALUE, and trailing bytes.
 * PROTOCOL.md §6.3 (SessionRecord).
 */
export function decodeSessionRecord(bytes: Uint8Array): SessionRecord {
  const r = new Reader(bytes, 'session record');
  const version = r.u8();
  if (version !== SESSION_RECORD_VERSION)
    throw new DecodeError('BAD_VERSION', `session record: unsupported version ${version}`);
  const n = r.u8();
  if (n > MAX_ARCHIVED_SESSIONS)
    throw new DecodeError('BAD_VALUE', `session record: ${n} archived sessions`);
  const parts: Uint8Array[] = [];
  for (let i = 0; i <= n; i++) parts.push(r.bytes());
  r.end();
  const sessions: Session[] = [];
  try {
    for (const p of parts) {
      const s = decodeSession(p);
      sessions.push(s);
      if (sessions.slice(0, -1).some((t) => bytesEqual(t.handshakeId, s.handshakeId)))
        throw new DecodeError('BAD_VALUE', 'session record: two sessions of one handshake');
    }
  } catch (e) {
    for (const s of sessions) wipeSession(s);
    throw e;
  } finally {
    wipe(...parts);
  }
  return { current: sessions[0], previous: sessions.slice(1) };
}

/**
 * Wipes every session of a dropped record (call after its successor is persisted).
 * PROTOCOL.md §6.3.
 */
export function wipeSessionRecord(record: SessionRecord): void {
  wipeSession(record.current);
  for (const s of record.previous) wipeSession(s);
}
