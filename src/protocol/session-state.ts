/**
 * Versioned binary serialization of a Session (PROTOCOL.md §6.3), embedding the ratchet state
 * codec (ratchet/state-codec.ts). Layout:
 *   version ‖ role (1 initiator, 2 responder) ‖ remote identity ‖ u32 len ‖ AD ‖ handshakeId (32)
 *   ‖ u8 hasPending ‖ [u32 len ‖ pending handshake header] ‖ u32 len ‖ ratchet state
 * Decoding is strict (no trailing bytes) and `encodeSession(decodeSession(b))` equals b.
 * Side channels: secrets are copied byte for byte; no branch on them.
 */
import { wipe } from '../util/ct.ts';
import { DecodeError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import { SESSION_STATE_VERSION, SIZES } from './constants.ts';
import { encodeIdentityPublic, readIdentityPublic } from './identity.ts';
import { decodeRatchetState, encodeRatchetState, wipeRatchetState } from './ratchet/state-codec.ts';
import type { Session } from './session.ts';

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
