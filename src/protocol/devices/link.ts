/**
 * The link channel (PROTOCOL.md §14.2–§14.4): how a new device receives its account from the
 * primary. Modelled on Signal's device provisioning (an ephemeral key in a QR code, the account
 * data encrypted to it through the server's provisioning relay), made hybrid like sealed sender
 * (§13.4) and X-Wing (draft-connolly-cfrg-xwing-kem):
 *   LinkRequest = 0x01 ‖ 0x05 ‖ E ‖ 0x0b ‖ EK ‖ Identity_N        (new device N, deposited)
 *   C = SHA-256(LinkRequest);  code = rendezvousId ‖ C              (typed or scanned)
 *   DH = X25519(x, E),  (CT, SS) = ML-KEM-768.Encaps(EK)            (primary P)
 *   TH = SHA-256(0x01 ‖ 0x05 ‖ X ‖ CT ‖ C)
 *   K  = HKDF-SHA256(ikm = DH ‖ SS, salt = 0³², info = LINK_INFO ‖ TH, L = 32)
 *   LinkResponse = 0x01 ‖ 0x05 ‖ X ‖ CT ‖ ChaCha20-Poly1305(K, 0¹², AccountData, aad = TH)
 * The code commits to both ephemeral keys and N's identity, so the relay cannot swap them.
 * Side channels: e, dk, DH, SS and K are secrets handled by the suite, copied and wiped here;
 * branches are on public lengths and tags only.
 */
import { bytesEqual, concatBytes, copyBytes, expectBytes, expectLength, utf8 } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { KEY_TYPE, SIZES } from '../constants.ts';
import {
  IDENTITY_PUBLIC_BYTES,
  decodeIdentityPublic,
  encodeIdentityPublic,
  expectTag,
  type IdentityPublic,
} from '../identity.ts';
import type { KeyPair, Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import {
  DEVICES_VERSION,
  LINK_CODE_BYTES,
  LINK_INFO,
  MAX_ACCOUNT_DATA_BYTES,
  MAX_DEVICES_USERNAME_BYTES,
  MAX_LINK_CONTACTS,
  RENDEZVOUS_ID_BYTES,
} from './constants.ts';
import {
  decodeSignedDeviceList,
  encodeSignedDeviceList,
  identityHash,
  listsDevice,
  verifyDeviceList,
  type SignedDeviceList,
} from './device-list.ts';

const SECTION = 'PROTOCOL.md §14.3';
const NONCE = new Uint8Array(12); // K is fresh per link, so the all-zero nonce is used once

/** LinkRequest length: version, tag, E, tag, EK, identity. */
export const LINK_REQUEST_BYTES = 2 + SIZES.X25519_PUBLIC + 1 + SIZES.ML_KEM_768_PUBLIC + IDENTITY_PUBLIC_BYTES;

/** Header of a LinkResponse: version, tag, X, CT. */
const LINK_RESPONSE_HEADER_BYTES = 2 + SIZES.X25519_PUBLIC + SIZES.ML_KEM_768_CIPHERTEXT;

/** The new device's side of a link: its ephemeral key pairs and the request it deposits. */
export interface LinkSecret {
  /** e / E: ephemeral X25519. */
  readonly ephemeral: KeyPair;
  /** dk / EK: ephemeral ML-KEM-768. */
  readonly kem: KeyPair;
  /** The LinkRequest encoding (public). */
  readonly request: Uint8Array;
}

/** A decoded LinkRequest. */
export interface LinkRequest {
  readonly ephemeralKey: Uint8Array;
  readonly kemKey: Uint8Array;
  readonly identity: IdentityPublic;
}

/** A contact as the primary hands it over: name and pinned (primary) identity. */
export interface LinkContact {
  readonly name: string;
  readonly identity: IdentityPublic;
}

/** Everything the new device needs (PROTOCOL.md §14.4). */
export interface AccountData {
  readonly username: string;
  /** The id the primary assigned to the new device (listed in `deviceList`). */
  readonly deviceId: number;
  readonly primaryIdentity: IdentityPublic;
  readonly deviceList: SignedDeviceList;
  readonly contacts: readonly LinkContact[];
}

/** The link code: the relay's rendezvous id and the commitment C to the request. */
export interface LinkCode {
  readonly rendezvousId: Uint8Array;
  readonly commitment: Uint8Array;
}

/**
 * Starts a link on the new device: draws the X25519 seed (32 bytes), then the ML-KEM-768 seed
 * d‖z (64 bytes), and encodes the LinkRequest naming `identity`. PROTOCOL.md §14.2.
 */
export function createLinkRequest(suite: Suite, identity: IdentityPublic, random: RandomSource): LinkSecret {
  const eSeed = random(SIZES.SEED);
  const kemSeed = random(SIZES.KEM_SEED);
  const ephemeral = suite.dh.keygen(eSeed);
  const kem = suite.kem.keygen(kemSeed);
  wipe(eSeed, kemSeed);
  const request = new Writer()
    .u8(DEVICES_VERSION)
    .u8(KEY_TYPE.X25519)
    .fixed(ephemeral.publicKey)
    .u8(KEY_TYPE.ML_KEM_768)
    .fixed(kem.publicKey)
    .fixed(encodeIdentityPublic(identity))
    .finish();
  return { ephemeral, kem, request };
}

/** Strict decoder of a LinkRequest (tags, lengths, identity encoding). PROTOCOL.md §14.2. */
export function decodeLinkRequest(bytes: Uint8Array): LinkRequest {
  expectLength(bytes, LINK_REQUEST_BYTES, 'link request');
  const r = new Reader(bytes, 'link request');
  expectDevicesVersion(r.u8(), 'link request');
  expectTag(r.u8(), KEY_TYPE.X25519, 'link request E');
  const ephemeralKey = copyBytes(r.fixed(SIZES.X25519_PUBLIC));
  expectTag(r.u8(), KEY_TYPE.ML_KEM_768, 'link request EK');
  const kemKey = copyBytes(r.fixed(SIZES.ML_KEM_768_PUBLIC));
  const identity = decodeIdentityPublic(copyBytes(r.fixed(IDENTITY_PUBLIC_BYTES)));
  r.end();
  return { ephemeralKey, kemKey, identity };
}

/** C = SHA-256(LinkRequest). PROTOCOL.md §14.2. */
export function linkCommitment(suite: Suite, request: Uint8Array): Uint8Array {
  return suite.sha256(request);
}

/** code = rendezvousId (16) ‖ C (32): 48 bytes. PROTOCOL.md §14.2. */
export function encodeLinkCode(code: LinkCode): Uint8Array {
  expectLength(code.rendezvousId, RENDEZVOUS_ID_BYTES, 'link code rendezvous id');
  expectLength(code.commitment, SIZES.HASH, 'link code commitment');
  return concatBytes(code.rendezvousId, code.commitment);
}

export function decodeLinkCode(bytes: Uint8Array): LinkCode {
  expectLength(bytes, LINK_CODE_BYTES, 'link code');
  return {
    rendezvousId: copyBytes(bytes, 0, RENDEZVOUS_ID_BYTES),
    commitment: copyBytes(bytes, RENDEZVOUS_ID_BYTES),
  };
}

/**
 * The primary's check of the deposited request against the code: SHA-256(request) = C, else
 * ProtocolError LINK_COMMITMENT (the relay or a third party swapped it). PROTOCOL.md §14.2.
 */
export function openLinkRequest(suite: Suite, code: LinkCode, request: Uint8Array): LinkRequest {
  expectBytes(request, 'link request');
  if (!bytesEqual(linkCommitment(suite, request), code.commitment))
    throw new ProtocolError('LINK_COMMITMENT', 'link: the deposited request does not match the link code (PROTOCOL.md §14.2)');
  return decodeLinkRequest(request);
}

/** AccountData = 0x01 ‖ bytes(username) ‖ u32 deviceId ‖ Identity_P ‖ bytes(SignedDeviceList) ‖ u16 n ‖ n × (bytes(name) ‖ Identity). */
export function encodeAccountData(a: AccountData): Uint8Array {
  if (a.contacts.length > MAX_LINK_CONTACTS)
    throw new DecodeError('BAD_VALUE', `account data: more than ${MAX_LINK_CONTACTS} contacts`);
  const w = new Writer().u8(DEVICES_VERSION).bytes(expectName(a.username, 'username')).u32(a.deviceId);
  w.fixed(encodeIdentityPublic(a.primaryIdentity)).bytes(encodeSignedDeviceList(a.deviceList));
  w.u16(a.contacts.length);
  for (const c of a.contacts) w.bytes(expectName(c.name, 'contact name')).fixed(encodeIdentityPublic(c.identity));
  return w.finish();
}

export function decodeAccountData(bytes: Uint8Array): AccountData {
  const r = new Reader(bytes, 'account data');
  expectDevicesVersion(r.u8(), 'account data');
  const username = readName(r, 'username');
  const deviceId = r.u32();
  const primaryIdentity = decodeIdentityPublic(copyBytes(r.fixed(IDENTITY_PUBLIC_BYTES)));
  const deviceList = decodeSignedDeviceList(copyBytes(r.bytes(MAX_ACCOUNT_DATA_BYTES)));
  const n = r.u16();
  if (n > MAX_LINK_CONTACTS) throw new DecodeError('BAD_VALUE', `account data: ${n} contacts`);
  const contacts: LinkContact[] = [];
  for (let i = 0; i < n; i++) {
    const name = readName(r, 'contact name');
    contacts.push({ name, identity: decodeIdentityPublic(copyBytes(r.fixed(IDENTITY_PUBLIC_BYTES))) });
  }
  r.end();
  return { username, deviceId, primaryIdentity, deviceList, contacts };
}

/** TH = SHA-256(0x01 ‖ 0x05 ‖ X ‖ CT ‖ C). PROTOCOL.md §14.3. */
export function linkTranscriptHash(suite: Suite, header: Uint8Array, commitment: Uint8Array): Uint8Array {
  return suite.sha256(concatBytes(header, commitment));
}

/**
 * The primary answers a verified request: draws the X25519 seed x (32 bytes), then the ML-KEM
 * message m (32 bytes), derives K and seals `account` (PROTOCOL.md §14.3). Returns the
 * LinkResponse the relay carries back.
 */
export function sealAccountData(
  suite: Suite,
  code: LinkCode,
  request: LinkRequest,
  account: AccountData,
  random: RandomSource,
  trace?: Trace,
): Uint8Array {
  const owned: Uint8Array[] = [];
  try {
    const plaintext = encodeAccountData(account);
    owned.push(plaintext);
    const xSeed = random(SIZES.SEED);
    owned.push(xSeed);
    const x = suite.dh.keygen(xSeed);
    owned.push(x.secretKey);
    const dh = suite.dh.getSharedSecret(x.secretKey, request.ephemeralKey); // DH(x, E)
    owned.push(dh);
    const m = random(32);
    owned.push(m);
    const { cipherText, sharedSecret } = suite.kem.encapsulate(request.kemKey, m);
    owned.push(sharedSecret);
    emit(trace, 'X, DH = X25519(x, E); (CT, SS) = ML-KEM-768.Encaps(EK)', {
      X: x.publicKey,
      DH: dh,
      CT: cipherText,
      SS: sharedSecret,
    });
    const header = new Writer().u8(DEVICES_VERSION).u8(KEY_TYPE.X25519).fixed(x.publicKey).fixed(cipherText).finish();
    const th = linkTranscriptHash(suite, header, code.commitment);
    emit(trace, 'TH = SHA-256(header ‖ C)', { TH: th });
    const k = linkKeySchedule(suite, dh, sharedSecret, th, trace);
    owned.push(k);
    return concatBytes(header, suite.aead.seal(k, NONCE, plaintext, th));
  } finally {
    wipe(...owned);
  }
}

/**
 * The new device opens the LinkResponse with its ephemeral secrets, then checks that the account
 * data is coherent: the device list verifies under the primary identity it carries and lists the
 * assigned device id with this device's identity (ProtocolError BAD_SIGNATURE otherwise).
 * AEAD failure throws CryptoError AUTH_FAILED and releases nothing. PROTOCOL.md §14.3–§14.4.
 */
export function openAccountData(
  suite: Suite,
  secret: LinkSecret,
  ownIdentity: IdentityPublic,
  response: Uint8Array,
  trace?: Trace,
): AccountData {
  expectBytes(response, 'link response');
  if (response.length < LINK_RESPONSE_HEADER_BYTES + 16)
    throw new DecodeError('TRUNCATED', 'link response: shorter than header and tag');
  const r = new Reader(response, 'link response');
  expectDevicesVersion(r.u8(), 'link response');
  expectTag(r.u8(), KEY_TYPE.X25519, 'link response X');
  const xPublic = r.fixed(SIZES.X25519_PUBLIC);
  const cipherText = r.fixed(SIZES.ML_KEM_768_CIPHERTEXT);
  const body = r.fixed(r.remaining);
  r.end();
  const header = response.subarray(0, LINK_RESPONSE_HEADER_BYTES);
  const owned: Uint8Array[] = [];
  let plaintext: Uint8Array;
  try {
    const dh = suite.dh.getSharedSecret(secret.ephemeral.secretKey, xPublic); // DH(e, X)
    owned.push(dh);
    const ss = suite.kem.decapsulate(cipherText, secret.kem.secretKey);
    owned.push(ss);
    emit(trace, 'DH = X25519(e, X); SS = ML-KEM-768.Decaps(dk, CT)', { DH: dh, SS: ss });
    const th = linkTranscriptHash(suite, header, linkCommitment(suite, secret.request));
    emit(trace, 'TH = SHA-256(header ‖ C)', { TH: th });
    const k = linkKeySchedule(suite, dh, ss, th, trace);
    owned.push(k);
    plaintext = suite.aead.open(k, NONCE, body, th);
  } finally {
    wipe(...owned);
  }
  try {
    const account = decodeAccountData(plaintext);
    verifyDeviceList(suite, account.primaryIdentity, account.username, account.deviceList);
    if (!listsDevice(account.deviceList.list, account.deviceId, identityHash(suite, ownIdentity)))
      throw new ProtocolError('BAD_SIGNATURE', `link: the device list does not name this device as ${account.deviceId}`);
    return account;
  } finally {
    wipe(plaintext);
  }
}

/** Wipes the new device's ephemeral secrets once the link is done or abandoned. */
export function wipeLinkSecret(secret: LinkSecret): void {
  wipe(secret.ephemeral.secretKey, secret.kem.secretKey);
}

/** K = HKDF-SHA256(DH ‖ SS, 0³², LINK_INFO ‖ TH, 32). PROTOCOL.md §14.3. */
function linkKeySchedule(suite: Suite, dh: Uint8Array, ss: Uint8Array, th: Uint8Array, trace?: Trace): Uint8Array {
  const ikm = concatBytes(dh, ss);
  const k = suite.hkdf(ikm, new Uint8Array(SIZES.HASH), concatBytes(LINK_INFO, th), 32);
  emit(trace, 'K = HKDF(DH ‖ SS, 0³², info ‖ TH, 32)', { IKM: ikm, K: k });
  wipe(ikm);
  return k;
}

function emit(trace: Trace | undefined, step: string, values: Record<string, Uint8Array>): void {
  if (trace === undefined) return;
  const copies: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(values)) copies[k] = copyBytes(v);
  trace({ step, section: SECTION, values: copies });
}

function expectDevicesVersion(v: number, what: string): void {
  if (v !== DEVICES_VERSION) throw new DecodeError('BAD_VERSION', `${what}: unsupported version ${v}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function expectName(name: string, what: string): Uint8Array {
  const b = utf8(name);
  if (b.length === 0 || b.length > MAX_DEVICES_USERNAME_BYTES)
    throw new DecodeError('BAD_VALUE', `account data: ${what} must be 1–32 bytes`);
  return b;
}

function readName(r: Reader, what: string): string {
  const raw = r.bytes(MAX_DEVICES_USERNAME_BYTES);
  if (raw.length === 0) throw new DecodeError('BAD_VALUE', `account data: empty ${what}`);
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw new DecodeError('BAD_VALUE', `account data: ${what} is not valid UTF-8`);
  }
}
