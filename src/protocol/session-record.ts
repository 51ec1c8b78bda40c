/**
 * Session records, pure (PROTOCOL.md §6.2): per peer address the current session plus ≤ 5 archived
 * ones, each known by its handshakeId; modelled on libsignal's SessionRecord (previous sessions,
 * promotion) and Sesame rev. 2's active and inactive sessions. A PREKEY goes to the session of its
 * handshake only (a replay never re-installs a session); a MESSAGE is tried on the current, then
 * the archived sessions, and the one that decrypts becomes current and sends (convergence after
 * simultaneous initiation). Inputs are never mutated; evicted sessions are returned for wiping.
 * Side channels: branches on public envelope fields, handshake hashes and which session's header
 * key opened the (public) header; secrets stay in the ratchet.
 */
import { bytesEqual } from '../util/bytes.ts';
import { ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { MAX_ARCHIVED_SESSIONS } from './constants.ts';
import type { Envelope } from './envelope.ts';
import { decryptMessage, encryptMessage, type Session } from './session.ts';
import type { Suite } from './suite.ts';
import type { Trace } from './trace.ts';

/** The sessions with one peer address (serialize with session-state-codec.ts). */
export interface SessionRecord {
  /** The session that sends, and is tried first on receive. */
  readonly current: Session;
  /** Archived sessions, most recently current first; at most MAX_ARCHIVED_SESSIONS. */
  readonly previous: readonly Session[];
}

/**
 * Makes `session` current and archives the old current session (if any); the oldest archived
 * session beyond MAX_ARCHIVED_SESSIONS is returned in `evicted`.
 * libsignal session_record.rs (promote_state / archive_current_state).
 */
export function addSession(
  record: SessionRecord | undefined,
  session: Session,
): { record: SessionRecord; evicted: Session[] } {
  if (!record) return { record: { current: session, previous: [] }, evicted: [] };
  const archive = [record.current, ...record.previous];
  return {
    record: { current: session, previous: archive.slice(0, MAX_ARCHIVED_SESSIONS) },
    evicted: archive.slice(MAX_ARCHIVED_SESSIONS),
  };
}

/**
 * Index of the session created by the handshake header `handshake` (0 = current, i ≥ 1 =
 * previous[i − 1]), or −1 if no session of the record came from it.
 * PROTOCOL.md §6.2 (handshakeId = SHA-256(handshake header), §4.5).
 */
export function findSessionByHandshake(
  suite: Suite,
  record: SessionRecord,
  handshake: Uint8Array,
): number {
  const id = suite.sha256(handshake);
  return allSessions(record).findIndex((s) => bytesEqual(s.handshakeId, id));
}

/**
 * Encrypts on the current session (the only one that sends), PREKEY while its handshake is
 * pending. Double Ratchet rev. 1 §4.5. Persist the returned record, then encode and send.
 */
export function encryptWithRecord(
  suite: Suite,
  record: SessionRecord,
  plaintext: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): { record: SessionRecord; envelope: Envelope } {
  const out = encryptMessage(suite, record.current, plaintext, random, trace);
  return { record: { current: out.session, previous: record.previous }, envelope: out.envelope };
}

/**
 * Decrypts an envelope on a record, transactionally. A PREKEY envelope goes to the session of its
 * handshake only (BAD_STATE if none: the caller runs PQXDH for a new session). A MESSAGE is tried
 * on the current session, then on each archived one, stopping at the first error other than
 * DECRYPT_FAILED (the header authenticated under that session, e.g. DUPLICATE_MESSAGE); if all
 * fail, the current session's error is thrown. The session that decrypts becomes current.
 * Cost: ≤ 1 + MAX_ARCHIVED_SESSIONS ratchet decryptions (PROTOCOL.md §6.2, §11 DoS bounds).
 * libsignal session_cipher.rs (decrypt_message_with_record); Double Ratchet rev. 1 §4.6.
 */
export function decryptWithRecord(
  suite: Suite,
  record: SessionRecord,
  envelope: Envelope,
  random: RandomSource,
  trace?: Trace,
): { record: SessionRecord; plaintext: Uint8Array; promoted: boolean } {
  const sessions = allSessions(record);
  if (envelope.handshake) {
    const index = findSessionByHandshake(suite, record, envelope.handshake);
    if (index < 0)
      throw new ProtocolError('BAD_STATE', 'prekey message of a handshake this record lacks');
    return decryptAt(suite, sessions, index, envelope, random, trace);
  }
  let first: unknown;
  for (let index = 0; index < sessions.length; index++) {
    try {
      return decryptAt(suite, sessions, index, envelope, random, trace);
    } catch (err) {
      if (!(err instanceof ProtocolError) || err.code !== 'DECRYPT_FAILED') throw err;
      first ??= err;
    }
  }
  throw first;
}

/** Decrypts on sessions[index] and promotes it to current; throws (no effect) on failure. */
function decryptAt(
  suite: Suite,
  sessions: readonly Session[],
  index: number,
  envelope: Envelope,
  random: RandomSource,
  trace?: Trace,
): { record: SessionRecord; plaintext: Uint8Array; promoted: boolean } {
  const { session, plaintext } = decryptMessage(suite, sessions[index], envelope, random, trace);
  const previous = sessions.filter((_, i) => i !== index);
  return { record: { current: session, previous }, plaintext, promoted: index > 0 };
}

/**
 * The record's sessions in trial order: the current one, then the archived ones, most recent first.
 * PROTOCOL.md §6.2 (Receiving, step 3).
 */
export function allSessions(record: SessionRecord): Session[] {
  return [record.current, ...record.previous];
}
