/**
 * Sender certificates (PROTOCOL.md §13.2): the delivery service's hybrid signature binding a
 * sender's username, device id and identity to an expiry 24 hours ahead. Signal's
 * SenderCertificate (libsignal `sealed_sender.rs`; signal.org/blog/sealed-sender, 2018) with the
 * server's Ed25519 ‖ ML-DSA-65 signature (§2.3) in place of XEdDSA, the sender identity as its
 * SHA-256 (the recipient compares it with the full identity of the session that decrypts), and
 * no trust-root chain: the client pins the server's identity when it registers.
 *   payload = 0x01 ‖ bytes(username) ‖ u32 deviceId ‖ SHA-256(Identity_sender)
 *           ‖ u64 expires (ms) ‖ SHA-256(Identity_server)
 *   SenderCertificate = payload ‖ hybrid signature (label "pqmsg v1 sender certificate")
 * Side channels: public data only; the server's signing keys only reach the suite.
 */
import {
  bytesEqual,
  concatBytes,
  expectBytes,
  expectLength,
  toHex,
  utf8,
} from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, SIZES } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import { encodeIdentityPublic, type IdentityKeyPair, type IdentityPublic } from '../identity.ts';
import type { Suite } from '../suite.ts';
import {
  MAX_CERTIFICATE_USERNAME_BYTES,
  SEALED_SENDER_VERSION,
  SENDER_CERTIFICATE_LIFETIME_MS,
  SIGNATURE_LABEL_SENDER_CERTIFICATE,
} from './constants.ts';

/** A sender certificate as issued by the delivery service and carried in sealed content. */
export interface SenderCertificate {
  /** The sender's account name (UTF-8, 1–32 bytes). */
  readonly username: string;
  /** The sender's device id (u32). */
  readonly deviceId: number;
  /** SHA-256 of the sender device's identity encoding (§2.2). */
  readonly identityHash: Uint8Array;
  /** Expiry, ms since the Unix epoch: valid while now < expires. */
  readonly expires: number;
  /** SHA-256 of the issuing server's identity encoding (§2.2): which key must have signed. */
  readonly serverHash: Uint8Array;
  /** The server's hybrid signature over the payload (§2.3). */
  readonly signature: Uint8Array;
}

/**
 * Certificates whose signature has verified, keyed by the hex SHA-256 of Identity_server ‖ the
 * certificate's encoding; a `Set<string>` fits. The receiver owns it and bounds it (certificates
 * live 24 h, so clearing it daily suffices). PROTOCOL.md §13.2.
 */
export interface VerifiedCertificateCache {
  has(key: string): boolean;
  add(key: string): void;
}

/** The device a certificate is issued for. */
export interface CertificateSubject {
  readonly username: string;
  readonly deviceId: number;
  readonly identity: IdentityPublic;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The signed payload: version ‖ bytes(username) ‖ u32 device ‖ H(ID) ‖ u64 expires ‖ H(server). */
export function certificatePayload(c: Omit<SenderCertificate, 'signature'>): Uint8Array {
  const name = utf8(c.username);
  if (name.length === 0 || name.length > MAX_CERTIFICATE_USERNAME_BYTES)
    throw new DecodeError('BAD_VALUE', 'sender certificate: username must be 1–32 bytes');
  expectLength(c.identityHash, SIZES.HASH, 'sender certificate identity hash');
  expectLength(c.serverHash, SIZES.HASH, 'sender certificate server hash');
  return new Writer()
    .u8(SEALED_SENDER_VERSION)
    .bytes(name)
    .u32(c.deviceId)
    .fixed(c.identityHash)
    .u64(c.expires)
    .fixed(c.serverHash)
    .finish();
}

/**
 * Issues a certificate for `subject`, valid for 24 hours from `now`, signed by the server's
 * identity. Signal sealed sender (SenderCertificate, signed by the server key). Random draws: the
 * ML-DSA `rnd` (32 bytes).
 */
export function issueSenderCertificate(
  suite: Suite,
  server: IdentityKeyPair,
  subject: CertificateSubject,
  now: number,
  random: RandomSource,
): SenderCertificate {
  const fields = {
    username: subject.username,
    deviceId: subject.deviceId,
    identityHash: suite.sha256(encodeIdentityPublic(subject.identity)),
    expires: now + SENDER_CERTIFICATE_LIFETIME_MS,
    serverHash: suite.sha256(encodeIdentityPublic(server.publicKey)),
  };
  const payload = certificatePayload(fields);
  const signature = hybridSign(suite, server, SIGNATURE_LABEL_SENDER_CERTIFICATE, payload, random);
  return { ...fields, signature };
}

/**
 * Checks a certificate against the pinned server identity at time `now`, cheapest check first:
 * the named server is the pinned one (WRONG_SERVER), now < expires (CERTIFICATE_EXPIRED), both
 * signature halves verify (BAD_SIGNATURE). Throws ProtocolError; returns nothing. PROTOCOL.md §13.2
 * (libsignal SenderCertificate::validate: trust root, then expiry). With `cache`, a certificate
 * whose exact bytes verified before under this server skips the signature check only.
 */
export function verifySenderCertificate(
  suite: Suite,
  certificate: SenderCertificate,
  server: IdentityPublic,
  now: number,
  cache?: VerifiedCertificateCache,
): void {
  expectBytes(certificate.serverHash, 'sender certificate server hash');
  if (!bytesEqual(certificate.serverHash, suite.sha256(encodeIdentityPublic(server))))
    throw new ProtocolError('WRONG_SERVER', 'sender certificate: issued by another server');
  if (!(now < certificate.expires))
    throw new ProtocolError('CERTIFICATE_EXPIRED', 'sender certificate: expired');
  const key = cache ? cacheKey(suite, certificate, server) : '';
  if (cache?.has(key)) return;
  const payload = certificatePayload(certificate);
  const label = SIGNATURE_LABEL_SENDER_CERTIFICATE;
  if (!hybridVerify(suite, server, label, payload, certificate.signature))
    throw new ProtocolError('BAD_SIGNATURE', 'sender certificate: signature does not verify');
  cache?.add(key);
}

function cacheKey(suite: Suite, c: SenderCertificate, server: IdentityPublic): string {
  return toHex(suite.sha256(concatBytes(encodeIdentityPublic(server), encodeSenderCertificate(c))));
}

/** True iff `identity` is the identity the certificate names (hashes compared; public data). */
export function certifiesIdentity(
  suite: Suite,
  certificate: SenderCertificate,
  identity: IdentityPublic,
): boolean {
  return bytesEqual(certificate.identityHash, suite.sha256(encodeIdentityPublic(identity)));
}

/** Writes payload ‖ signature (PROTOCOL.md §13.2). */
export function writeSenderCertificate(w: Writer, c: SenderCertificate): Writer {
  expectLength(c.signature, HYBRID_SIGNATURE_BYTES, 'sender certificate signature');
  return w.fixed(certificatePayload(c)).fixed(c.signature);
}

/** Reads what `writeSenderCertificate` wrote: strict version, username length and UTF-8. */
export function readSenderCertificate(r: Reader): SenderCertificate {
  const version = r.u8();
  if (version !== SEALED_SENDER_VERSION)
    throw new DecodeError('BAD_VERSION', `sender certificate: unsupported version ${version}`);
  const name = r.bytes(MAX_CERTIFICATE_USERNAME_BYTES);
  if (name.length === 0) throw new DecodeError('BAD_VALUE', 'sender certificate: empty username');
  let username: string;
  try {
    username = strictUtf8.decode(name);
  } catch {
    throw new DecodeError('BAD_VALUE', 'sender certificate: username is not valid UTF-8');
  }
  const deviceId = r.u32();
  const identityHash = r.fixed(SIZES.HASH);
  const expires = r.u64();
  const serverHash = r.fixed(SIZES.HASH);
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  return { username, deviceId, identityHash, expires, serverHash, signature };
}

/** Encodes a certificate on its own (what the server hands a client). */
export function encodeSenderCertificate(c: SenderCertificate): Uint8Array {
  return writeSenderCertificate(new Writer(), c).finish();
}

/** Decodes `encodeSenderCertificate` output; no trailing bytes. */
export function decodeSenderCertificate(bytes: Uint8Array): SenderCertificate {
  const r = new Reader(bytes, 'sender certificate');
  const c = readSenderCertificate(r);
  r.end();
  return c;
}
