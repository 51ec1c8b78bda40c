/**
 * Sealed sender at the session level (PROTOCOL.md §13.6): open a sealed envelope, check its
 * certificate, and decrypt the inner envelope on the session of the certificate's sender, refusing
 * — before anything is stored — when that session's peer identity is not the certified identity.
 * libsignal `sealed_sender_decrypt` (validate the certificate, then "the sender certificate's
 * identity key must match the one in the session") on top of session-record.ts / session-cipher.ts,
 * whose exported functions it composes; it changes neither.
 * Ordering rules as session-cipher.ts: on receive nothing is stored, pinned or consumed unless the
 * inner message decrypted AND its session belongs to the certified identity; on send the session
 * is persisted before the sealed envelope is returned.
 * Side channels: orchestration only; branches on public envelope fields, hashes and store lookups.
 */
import { wipe } from '../../util/ct.ts';
import { ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { ENVELOPE_TYPE } from '../constants.ts';
import { decodeEnvelope, type Envelope } from '../envelope.ts';
import type { IdentityKeyPair, IdentityPublic } from '../identity.ts';
import { decodeHandshakeHeader } from '../pqxdh.ts';
import { receiveMessage, sendMessage, type ProtocolContext } from '../session-cipher.ts';
import {
  decryptWithRecord,
  findSessionByHandshake,
  type SessionRecord,
} from '../session-record.ts';
import {
  decodeSessionRecord,
  encodeSessionRecord,
  wipeSession,
  wipeSessionRecord,
} from '../session-state-codec.ts';
import type { Address } from '../store.ts';
import type { Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import { expectTrustedIdentity } from '../trust.ts';
import {
  certifiesIdentity,
  verifySenderCertificate,
  type SenderCertificate,
  type VerifiedCertificateCache,
} from './certificate.ts';
import { sealEnvelope, unsealEnvelope, type SealedRecipient } from './seal.ts';
import type { SealedKeyRecord } from './sealed-key.ts';

/** Where a device keeps its sealed-sender key records (implemented by the client's store). */
export interface SealedKeyStore {
  /** The record with `id`, or undefined if unknown or deleted. */
  loadSealedKey(id: number): SealedKeyRecord | undefined;
}

/** What a receiver needs besides its ProtocolContext: its sealed keys and the pinned server. */
export interface SealedReceiver {
  readonly sealedKeys: SealedKeyStore;
  /** The delivery service's identity, pinned at registration: the only certificate signer. */
  readonly server: IdentityPublic;
  /** Certificates already verified (skips the hybrid verification, never the expiry check). */
  readonly certificateCache?: VerifiedCertificateCache;
}

/** A sealed envelope opened and its certificate checked; the inner envelope not yet decrypted. */
export interface OpenedSealed {
  readonly certificate: SenderCertificate;
  /** The sender's protocol address, from the certificate: 'username.deviceId'. */
  readonly sender: Address;
  /** The inner pairwise envelope (§6.1), decoded, and as it was sealed. */
  readonly envelope: Envelope;
  readonly envelopeBytes: Uint8Array;
}

/** The protocol address a certificate names: 'username.deviceId' (the client's address form). */
export function certificateAddress(c: SenderCertificate): Address {
  return `${c.username}.${c.deviceId}`;
}

/**
 * Opens a sealed envelope and checks its certificate against the pinned server at `now`
 * (WRONG_SERVER, CERTIFICATE_EXPIRED, BAD_SIGNATURE), then decodes the inner envelope.
 * PROTOCOL.md §13.6 steps 1–3. Pure apart from adding to `cache` (if given) a certificate that
 * verified; reads no store.
 */
export function openSealed(
  suite: Suite,
  local: IdentityKeyPair,
  sealedKeys: (id: number) => SealedKeyRecord | undefined,
  server: IdentityPublic,
  bytes: Uint8Array,
  now: number,
  trace?: Trace,
  cache?: VerifiedCertificateCache,
): OpenedSealed {
  const content = unsealEnvelope(suite, local, sealedKeys, bytes, trace);
  verifySenderCertificate(suite, content.certificate, server, now, cache);
  const envelope = decodeEnvelope(content.envelope);
  if (envelope.type === ENVELOPE_TYPE.PREKEY) {
    // A first message carries the sender's full identity: it must be the certified one.
    const header = decodeHandshakeHeader(envelope.handshake);
    expectCertified(suite, content.certificate, header.identity);
  }
  const sender = certificateAddress(content.certificate);
  return { certificate: content.certificate, sender, envelope, envelopeBytes: content.envelope };
}

/**
 * Decrypts an opened sealed envelope on the sender's session record, transactionally: the session
 * that decrypts must belong to the certified identity, else SENDER_MISMATCH and the input record
 * is untouched (the trial successor is wiped). PROTOCOL.md §13.6 step 4; libsignal
 * `sealed_sender_decrypt`. Pure, as `decryptWithRecord`.
 */
export function decryptSealedWithRecord(
  suite: Suite,
  record: SessionRecord,
  opened: OpenedSealed,
  random: RandomSource,
  trace?: Trace,
): { record: SessionRecord; plaintext: Uint8Array; promoted: boolean } {
  const out = decryptWithRecord(suite, record, opened.envelope, random, trace);
  if (!certifiesIdentity(suite, opened.certificate, out.record.current.remoteIdentity)) {
    wipe(out.plaintext);
    wipeSession(out.record.current); // a fresh successor; the archived sessions are the input's
    throw new ProtocolError('SENDER_MISMATCH', 'sealed message: session identity not certified');
  }
  return out;
}

/**
 * Store-backed sealed receive: open and check (§13.6 steps 1–3), then decrypt on the session
 * record of the certificate's address. A MESSAGE, or a PREKEY of a handshake the record knows,
 * goes through `decryptSealedWithRecord` and the trust check, and only then is the record stored;
 * a PREKEY of a new handshake (whose identity `openSealed` matched to the certificate) goes to
 * `receiveMessage`, which runs PQXDH, pins and stores. PROTOCOL.md §13.6.
 */
export function receiveSealed(
  ctx: ProtocolContext,
  sealed: SealedReceiver,
  bytes: Uint8Array,
  now: number,
): {
  sender: Address;
  certificate: SenderCertificate;
  plaintext: Uint8Array;
  newSession: boolean;
  promoted: boolean;
} {
  const local = ctx.identity.getLocalIdentity();
  const lookup = (id: number) => sealed.sealedKeys.loadSealedKey(id);
  const { server, certificateCache: cache } = sealed;
  const opened = openSealed(ctx.suite, local, lookup, server, bytes, now, ctx.trace, cache);
  const { sender, certificate, envelope } = opened;
  const stored = ctx.sessions.loadSession(sender);
  const old = stored ? decodeSessionRecord(stored) : undefined;
  try {
    const known =
      old !== undefined &&
      (envelope.type === ENVELOPE_TYPE.MESSAGE ||
        findSessionByHandshake(ctx.suite, old, envelope.handshake) >= 0);
    if (!known) {
      if (envelope.type === ENVELOPE_TYPE.MESSAGE)
        throw new ProtocolError('BAD_STATE', `no session with ${sender}`);
      const out = receiveMessage(ctx, sender, opened.envelopeBytes, now);
      return { sender, certificate, ...out };
    }
    const out = decryptSealedWithRecord(ctx.suite, old!, opened, ctx.random, ctx.trace);
    try {
      expectTrustedIdentity(ctx.trust, sender, out.record.current.remoteIdentity);
      ctx.sessions.storeSession(sender, encodeSessionRecord(out.record));
    } catch (err) {
      wipe(out.plaintext);
      throw err;
    } finally {
      wipeSessionRecord(out.record);
    }
    const { plaintext, promoted } = out;
    return { sender, certificate, plaintext, newSession: false, promoted };
  } finally {
    if (old) wipeSessionRecord(old);
  }
}

/**
 * Store-backed sealed send: encrypts to `address` on its current session (persisted first, as
 * `sendMessage`), then seals the envelope with this device's certificate to `recipient`, whose
 * identity must be the one pinned for `address` (UNTRUSTED_IDENTITY otherwise, nothing stored).
 * Random draws: the ratchet's, then the seal's (§13.4). PROTOCOL.md §13.6.
 */
export function sendSealed(
  ctx: ProtocolContext,
  address: Address,
  plaintext: Uint8Array,
  recipient: SealedRecipient,
  certificate: SenderCertificate,
): Uint8Array {
  expectTrustedIdentity(ctx.trust, address, recipient.identity);
  const envelope = sendMessage(ctx, address, plaintext);
  return sealEnvelope(ctx.suite, recipient, { certificate, envelope }, ctx.random, ctx.trace);
}

function expectCertified(
  suite: Suite,
  certificate: SenderCertificate,
  identity: IdentityPublic,
): void {
  if (!certifiesIdentity(suite, certificate, identity))
    throw new ProtocolError('SENDER_MISMATCH', 'sealed message: handshake identity not certified');
}
