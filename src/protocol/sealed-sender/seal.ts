/**
 * The sealed envelope (PROTOCOL.md §13.4): an outer layer, addressed to one recipient device, that
 * hides who sent the pairwise envelope inside. Signal's sealed sender v1 (libsignal
 * `sealed_sender.rs`: an ephemeral X25519 key agreed with the recipient's identity key) made hybrid
 * in the manner of X-Wing (draft-connolly-cfrg-xwing-kem) and PQXDH rev. 3 §3.3: the key is
 *   DH = X25519(e, IK_B),  (CT, SS) = ML-KEM-768.Encaps(ek_S, m)       ek_S: §13.3 sealed key
 *   TH = SHA-256(header ‖ SHA-256(Identity_B) ‖ SHA-256(ek_S))         header = the public prefix
 *   K  = HKDF-SHA256(ikm = DH ‖ SS, salt = 0³², info = label ‖ TH, L = 32)
 * and the body is ChaCha20-Poly1305(K, nonce 0¹², pad(content), aad = TH): K is fresh per envelope.
 * TH binds the version, the key id, E, CT and both recipient keys, so no part moves between
 * envelopes or recipients, and K stays secret unless BOTH DH and SS are known.
 * Content = 0x01 ‖ content type 0x01 ‖ SenderCertificate (§13.2) ‖ bytes(envelope (§6.1)).
 * Side channels: DH, SS, K and the padded plaintext are secrets handled by the suite, copied and
 * wiped here; branches are on public lengths and header fields only.
 */
import { concatBytes, copyBytes, expectBytes, expectLength } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { CryptoError, DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { KEY_TYPE, PROTOCOL_VERSION, SIZES } from '../constants.ts';
import {
  encodeIdentityPublic,
  expectTag,
  expectVersion,
  type IdentityKeyPair,
  type IdentityPublic,
} from '../identity.ts';
import type { Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import {
  readSenderCertificate,
  writeSenderCertificate,
  type SenderCertificate,
} from './certificate.ts';
import {
  ENVELOPE_TYPE_SEALED,
  MAX_SEALED_INNER_BYTES,
  SEALED_CONTENT_TYPE,
  SEALED_SENDER_INFO,
  SEALED_SENDER_VERSION,
  SEALED_SIZES,
} from './constants.ts';
import { pad, unpad } from './padding.ts';
import type { SealedKeyRecord, VerifiedSealedKey } from './sealed-key.ts';

const SECTION = 'PROTOCOL.md §13.4';
const TH_STEP = 'TH = SHA-256(header ‖ H(Identity_B) ‖ H(ek_S))';
const NONCE = new Uint8Array(12); // K is used once, so the all-zero nonce is never repeated

/** What is sealed: the sender's certificate and the pairwise envelope it sends (§6.1, encoded). */
export interface SealedContent {
  readonly certificate: SenderCertificate;
  readonly envelope: Uint8Array;
}

/** The recipient device: its identity (IK_B) and its verified sealed-sender KEM key. */
export interface SealedRecipient {
  readonly identity: IdentityPublic;
  readonly sealedKey: VerifiedSealedKey;
}

/** The public fields of a sealed envelope's header. */
export interface SealedHeader {
  readonly sealedKeyId: number;
  /** E: the sender's ephemeral X25519 public key. */
  readonly ephemeralKey: Uint8Array;
  /** CT: the ML-KEM-768 ciphertext to the sealed-sender key. */
  readonly kemCipherText: Uint8Array;
}

/** Content = version ‖ content type (ENVELOPE) ‖ certificate ‖ bytes(envelope). §13.4. */
export function encodeSealedContent(c: SealedContent): Uint8Array {
  expectBytes(c.envelope, 'sealed content envelope');
  const w = new Writer().u8(SEALED_SENDER_VERSION).u8(SEALED_CONTENT_TYPE.ENVELOPE);
  return writeSenderCertificate(w, c.certificate).bytes(c.envelope).finish();
}

/** Decodes `encodeSealedContent` output (strict: version, content type, no trailing bytes). */
export function decodeSealedContent(bytes: Uint8Array): SealedContent {
  const r = new Reader(bytes, 'sealed content');
  const version = r.u8();
  if (version !== SEALED_SENDER_VERSION)
    throw new DecodeError('BAD_VERSION', `sealed content: unsupported version ${version}`);
  const type = r.u8();
  if (type !== SEALED_CONTENT_TYPE.ENVELOPE)
    throw new DecodeError('BAD_TAG', `sealed content: unknown content type ${type}`);
  const certificate = readSenderCertificate(r);
  const envelope = r.bytes(MAX_SEALED_INNER_BYTES);
  r.end();
  return { certificate, envelope };
}

/** header = version ‖ 0x03 (SEALED) ‖ u32 sealedKeyId ‖ 0x05 ‖ E (32) ‖ CT (1088): 1127 bytes. */
export function encodeSealedHeader(h: SealedHeader): Uint8Array {
  expectLength(h.ephemeralKey, SIZES.X25519_PUBLIC, 'sealed envelope E');
  expectLength(h.kemCipherText, SIZES.ML_KEM_768_CIPHERTEXT, 'sealed envelope CT');
  return new Writer()
    .u8(PROTOCOL_VERSION)
    .u8(ENVELOPE_TYPE_SEALED)
    .u32(h.sealedKeyId)
    .u8(KEY_TYPE.X25519)
    .fixed(h.ephemeralKey)
    .fixed(h.kemCipherText)
    .finish();
}

/** Splits a sealed envelope into its header (decoded and as bytes) and body; no crypto yet. */
export function parseSealedEnvelope(bytes: Uint8Array): {
  header: SealedHeader;
  headerBytes: Uint8Array;
  body: Uint8Array;
} {
  const r = new Reader(bytes, 'sealed envelope');
  expectVersion(r.u8(), 'sealed envelope');
  const type = r.u8();
  if (type !== ENVELOPE_TYPE_SEALED)
    throw new DecodeError('BAD_TAG', `sealed envelope: type ${type} is not SEALED`);
  const sealedKeyId = r.u32();
  expectTag(r.u8(), KEY_TYPE.X25519, 'sealed envelope E');
  const ephemeralKey = r.fixed(SIZES.X25519_PUBLIC);
  const kemCipherText = r.fixed(SIZES.ML_KEM_768_CIPHERTEXT);
  // The body is the rest: at least the tag and one byte (the padding marker).
  if (r.remaining < SEALED_SIZES.TAG + 1)
    throw new DecodeError('TRUNCATED', 'sealed envelope: body shorter than tag + padding');
  const body = r.fixed(r.remaining);
  r.end();
  const headerBytes = bytes.subarray(0, SEALED_SIZES.HEADER);
  return { header: { sealedKeyId, ephemeralKey, kemCipherText }, headerBytes, body };
}

/** TH = SHA-256(header ‖ SHA-256(Identity_B) ‖ SHA-256(ek_S)). PROTOCOL.md §13.4. */
export function sealedTranscriptHash(
  suite: Suite,
  headerBytes: Uint8Array,
  recipient: IdentityPublic,
  sealedKey: Uint8Array,
): Uint8Array {
  const idHash = suite.sha256(encodeIdentityPublic(recipient));
  return suite.sha256(concatBytes(headerBytes, idHash, suite.sha256(sealedKey)));
}

/** K = HKDF-SHA256(DH ‖ SS, 0³², label ‖ TH, 32). PROTOCOL.md §13.4 (PQXDH rev. 3 §2.2 style). */
function sealedKeySchedule(
  suite: Suite,
  dh: Uint8Array,
  ss: Uint8Array,
  th: Uint8Array,
  trace?: Trace,
): Uint8Array {
  const ikm = concatBytes(dh, ss);
  const k = suite.hkdf(ikm, new Uint8Array(SIZES.HASH), concatBytes(SEALED_SENDER_INFO, th), 32);
  emit(trace, 'K = HKDF(DH ‖ SS, 0³², info ‖ TH, 32)', { IKM: ikm, K: k });
  wipe(ikm);
  return k;
}

/**
 * Seals `content` to `recipient`: draws the ephemeral X25519 seed, then the ML-KEM message m
 * (32 bytes each), derives K and encrypts the padded content. Returns header ‖ body.
 * PROTOCOL.md §13.4 (Signal sealed sender v1 `sealed_sender_encrypt`, hybrid).
 */
export function sealEnvelope(
  suite: Suite,
  recipient: SealedRecipient,
  content: SealedContent,
  random: RandomSource,
  trace?: Trace,
): Uint8Array {
  const owned: Uint8Array[] = [];
  try {
    const plaintext = pad(encodeSealedContent(content));
    owned.push(plaintext);
    const eSeed = random(SIZES.SEED);
    owned.push(eSeed);
    const e = suite.dh.keygen(eSeed);
    owned.push(e.secretKey);
    const dh = suite.dh.getSharedSecret(e.secretKey, recipient.identity.dhKey); // DH(e, IK_B)
    owned.push(dh);
    const m = random(32);
    owned.push(m);
    const { cipherText, sharedSecret } = suite.kem.encapsulate(recipient.sealedKey.publicKey, m);
    owned.push(sharedSecret);
    emit(trace, 'E, DH = X25519(e, IK_B); (CT, SS) = ML-KEM-768.Encaps(ek_S)', {
      E: e.publicKey,
      DH: dh,
      CT: cipherText,
      SS: sharedSecret,
    });
    const headerBytes = encodeSealedHeader({
      sealedKeyId: recipient.sealedKey.id,
      ephemeralKey: e.publicKey,
      kemCipherText: cipherText,
    });
    const th = sealedTranscriptHash(
      suite,
      headerBytes,
      recipient.identity,
      recipient.sealedKey.publicKey,
    );
    emit(trace, TH_STEP, { TH: th });
    const k = sealedKeySchedule(suite, dh, sharedSecret, th, trace);
    owned.push(k);
    return concatBytes(headerBytes, suite.aead.seal(k, NONCE, plaintext, th));
  } finally {
    wipe(...owned);
  }
}

/**
 * Opens a sealed envelope with the recipient's identity and the sealed-sender key it names
 * (`sealedKeys(id)`; PREKEY_NOT_FOUND if unknown), strips the padding and decodes the content.
 * The certificate is NOT checked here (sealed-session.ts does that). A forged or altered envelope
 * fails with DECRYPT_FAILED; bad padding with BAD_PADDING. PROTOCOL.md §13.4, §13.6 steps 1–2.
 */
export function unsealEnvelope(
  suite: Suite,
  local: IdentityKeyPair,
  sealedKeys: (id: number) => SealedKeyRecord | undefined,
  bytes: Uint8Array,
  trace?: Trace,
): SealedContent {
  const { header, headerBytes, body } = parseSealedEnvelope(bytes);
  const record = sealedKeys(header.sealedKeyId);
  if (record === undefined)
    throw new ProtocolError('PREKEY_NOT_FOUND', `no sealed-sender key ${header.sealedKeyId}`);
  const owned: Uint8Array[] = [];
  try {
    const dh = suite.dh.getSharedSecret(local.dh.secretKey, header.ephemeralKey); // DH(IK_B, E)
    owned.push(dh);
    const ss = suite.kem.decapsulate(header.kemCipherText, record.keyPair.secretKey);
    owned.push(ss);
    emit(trace, 'DH = X25519(IK_B, E); SS = ML-KEM-768.Decaps(dk_S, CT)', { DH: dh, SS: ss });
    const th = sealedTranscriptHash(suite, headerBytes, local.publicKey, record.publicKey);
    emit(trace, TH_STEP, { TH: th });
    const k = sealedKeySchedule(suite, dh, ss, th, trace);
    owned.push(k);
    let padded: Uint8Array;
    try {
      padded = suite.aead.open(k, NONCE, body, th);
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'AUTH_FAILED')
        throw new ProtocolError('DECRYPT_FAILED', 'sealed envelope: authentication failed');
      throw e;
    }
    owned.push(padded);
    const content = unpad(padded);
    owned.push(content);
    return decodeSealedContent(content);
  } finally {
    wipe(...owned);
  }
}

/** Reports a step with copies of its values (the originals are wiped right after). */
function emit(trace: Trace | undefined, step: string, values: Record<string, Uint8Array>): void {
  if (!trace) return;
  const copies: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(values)) copies[k] = copyBytes(v);
  trace({ step, section: SECTION, values: copies });
}
