/**
 * The PQXDH handshake: Signal's "PQXDH Key Agreement Protocol", revision 3 (2023-05-24, updated
 * 2024-01-23), §3.3 (Sending the initial message) and §3.4 (Receiving the initial message).
 * Differs from the spec: pqkem = ML-KEM-768 (not Kyber-1024); hash = SHA-256; the KDF output is 96
 * bytes split SK ‖ shared_hka ‖ shared_nhkb for the header-encrypted Double Ratchet (PROTOCOL.md
 * §4.3); AD also commits to every identity public key, not only the DH keys (PROTOCOL.md §4.4).
 * Randomness is drawn in a fixed order (EK_A seed, then the ML-KEM message m) so transcripts are
 * reproducible from a deterministic RandomSource.
 * Side channels: DH outputs, SS and the KDF input are secrets handled only by the suite and
 * copied/wiped here; no branch depends on them.
 */
import { concatBytes, copyBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { DecodeError, ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Reader, Writer } from '../wire/codec.ts';
import type { VerifiedBundle } from './bundle.ts';
import {
  KEY_TYPE,
  PQXDH_F,
  PQXDH_INFO,
  PQXDH_OUTPUT_BYTES,
  PREKEY_ROLE,
  PROTOCOL_VERSION,
  SIZES,
  type PreKeyRole,
} from './constants.ts';
import {
  encodeIdentityPublic,
  expectTag,
  readIdentityPublic,
  type IdentityKeyPair,
  type IdentityPublic,
} from './identity.ts';
import { expectRole } from './prekeys.ts';
import type { KeyPair, Suite } from './suite.ts';
import type { Trace, TraceEvent } from './trace.ts';

const SECTION_SEND = 'PQXDH rev. 3 §3.3';

type Values = TraceEvent['values'];

/** Reports a step with COPIES of its values: the originals are wiped right after. */
function emit(trace: Trace | undefined, section: string, step: string, values: Values): void {
  if (!trace) return;
  const copies: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(values)) copies[k] = copyBytes(v);
  trace({ step, section, values: copies });
}

const AD_STEP = 'AD = version ‖ EncodeEC(IK_A) ‖ EncodeEC(IK_B) ‖ H(ID_A) ‖ H(ID_B)';
const KDF_STEP = 'PQXDH KDF: SK ‖ shared_hka ‖ shared_nhkb = HKDF(F ‖ DH1 ‖ … ‖ SS)';
const SECTION_RECV = 'PQXDH rev. 3 §3.4';

/** The handshake part of Alice's initial message (PQXDH rev. 3 §3.3): IK_A, EK_A, CT, ids. */
export interface HandshakeHeader {
  /** IK_A: Alice's complete public identity. */
  readonly identity: IdentityPublic;
  /** EK_A public key. */
  readonly ephemeralKey: Uint8Array;
  readonly signedPreKeyId: number;
  /** KEM_ONE_TIME (PQOPK) or KEM_LAST_RESORT (PQSPK). */
  readonly kemPreKeyRole: PreKeyRole;
  readonly kemPreKeyId: number;
  /** OPK_B id, when Alice used one. */
  readonly oneTimePreKeyId?: number;
  /** CT = ML-KEM-768 ciphertext to PQPK_B. */
  readonly kemCipherText: Uint8Array;
}

/** What PQXDH hands to the Double Ratchet: SK, the two initial header keys, and AD. */
export interface HandshakeSecrets {
  readonly sk: Uint8Array;
  readonly sharedHka: Uint8Array;
  readonly sharedNhkb: Uint8Array;
  /** Session associated data: binds both identities (PROTOCOL.md §4.4). Public. */
  readonly ad: Uint8Array;
}

/**
 * AD = version ‖ EncodeEC(IK_A) ‖ EncodeEC(IK_B) ‖ SHA-256(Identity_A) ‖ SHA-256(Identity_B).
 * PQXDH rev. 3 §3.3 (AD = EncodeEC(IK_A) ‖ EncodeEC(IK_B)).
 * Differs from the spec: the SHA-256 of each complete identity encoding (DH, Ed25519 and ML-DSA-65
 * keys) is appended, so the signing keys are bound too without a 4 KB AD on every message.
 */
export function associatedData(
  suite: Suite,
  initiator: IdentityPublic,
  responder: IdentityPublic,
): Uint8Array {
  return new Writer()
    .u8(PROTOCOL_VERSION)
    .u8(KEY_TYPE.X25519)
    .fixed(initiator.dhKey)
    .u8(KEY_TYPE.X25519)
    .fixed(responder.dhKey)
    .fixed(suite.sha256(encodeIdentityPublic(initiator)))
    .fixed(suite.sha256(encodeIdentityPublic(responder)))
    .finish();
}

/**
 * SK ‖ shared_hka ‖ shared_nhkb = HKDF-SHA256(IKM = F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, salt = 0³²,
 * info = "pqmsg_v1_X25519_SHA-256_ML-KEM-768", L = 96).
 * PQXDH rev. 3 §2.2 (KDF) and §3.3 (SK = KDF(DH1 ‖ DH2 ‖ DH3 ‖ DH4 ‖ SS)).
 */
function kdf(
  suite: Suite,
  dhs: Uint8Array[],
  ss: Uint8Array,
  section: string,
  trace?: Trace,
): { sk: Uint8Array; sharedHka: Uint8Array; sharedNhkb: Uint8Array } {
  const ikm = concatBytes(PQXDH_F, ...dhs, ss);
  const okm = suite.hkdf(ikm, new Uint8Array(SIZES.HASH), PQXDH_INFO, PQXDH_OUTPUT_BYTES);
  const sk = copyBytes(okm, 0, 32);
  const sharedHka = copyBytes(okm, 32, 64);
  const sharedNhkb = copyBytes(okm, 64, 96);
  const values = { IKM: ikm, SK: sk, shared_hka: sharedHka, shared_nhkb: sharedNhkb };
  emit(trace, section, KDF_STEP, values);
  wipe(ikm, okm);
  return { sk, sharedHka, sharedNhkb };
}

/**
 * Alice's side: ephemeral key, DH1–DH4, ML-KEM-768 encapsulation to PQPK_B, KDF, AD.
 * PQXDH rev. 3 §3.3 (Sending the initial message).
 * The bundle must come from `verifyBundle`; EK_A's secret, the DH outputs and SS are wiped.
 */
export function pqxdhInitiate(
  suite: Suite,
  alice: IdentityKeyPair,
  bundle: VerifiedBundle,
  random: RandomSource,
  trace?: Trace,
): { header: HandshakeHeader; secrets: HandshakeSecrets } {
  const s = SECTION_SEND;
  // Every secret temporary is wiped on success and on every error path ("Alice deletes her
  // ephemeral private key and the DH outputs", and SS, m): `owned` collects them as they appear.
  const owned: Uint8Array[] = [];
  try {
    const ekSeed = random(SIZES.SEED);
    owned.push(ekSeed);
    const ek = suite.dh.keygen(ekSeed); // EK_A
    owned.push(ek.secretKey);
    emit(trace, s, 'EK_A ← GENERATE_KEYPAIR()', { EK_A: ek.publicKey });
    const spk = bundle.signedPreKey.publicKey;
    const dh = (secret: Uint8Array, pub: Uint8Array): Uint8Array => {
      const out = suite.dh.getSharedSecret(secret, pub);
      owned.push(out);
      return out;
    };
    // DH1 = DH(IK_A, SPK_B)
    const dh1 = dh(alice.dh.secretKey, spk);
    emit(trace, s, 'DH1 = DH(IK_A, SPK_B)', { DH1: dh1 });
    // DH2 = DH(EK_A, IK_B)
    const dh2 = dh(ek.secretKey, bundle.identity.dhKey);
    emit(trace, s, 'DH2 = DH(EK_A, IK_B)', { DH2: dh2 });
    // DH3 = DH(EK_A, SPK_B)
    const dh3 = dh(ek.secretKey, spk);
    emit(trace, s, 'DH3 = DH(EK_A, SPK_B)', { DH3: dh3 });
    const dhs = [dh1, dh2, dh3];
    if (bundle.oneTimePreKey) {
      // DH4 = DH(EK_A, OPK_B)
      const dh4 = dh(ek.secretKey, bundle.oneTimePreKey.publicKey);
      emit(trace, s, 'DH4 = DH(EK_A, OPK_B)', { DH4: dh4 });
      dhs.push(dh4);
    }
    // (CT, SS) = PQKEM-ENC(PQPK_B)
    const m = random(32);
    owned.push(m);
    const { cipherText, sharedSecret } = suite.kem.encapsulate(bundle.kemPreKey.publicKey, m);
    owned.push(sharedSecret);
    emit(trace, s, '(CT, SS) = PQKEM-ENC(PQPK_B)', { CT: cipherText, SS: sharedSecret });
    const keys = kdf(suite, dhs, sharedSecret, s, trace);
    const ad = associatedData(suite, alice.publicKey, bundle.identity);
    emit(trace, s, AD_STEP, { AD: ad });
    const header: HandshakeHeader = {
      identity: alice.publicKey,
      ephemeralKey: ek.publicKey,
      signedPreKeyId: bundle.signedPreKey.id,
      kemPreKeyRole: bundle.kemPreKey.role,
      kemPreKeyId: bundle.kemPreKey.id,
      ...(bundle.oneTimePreKey ? { oneTimePreKeyId: bundle.oneTimePreKey.id } : {}),
      kemCipherText: cipherText,
    };
    return { header, secrets: { ...keys, ad } };
  } finally {
    wipe(...owned);
  }
}

/** Bob's prekey secrets named by a handshake header. */
export interface ResponderKeys {
  /** SPK_B. */
  readonly signedPreKey: KeyPair;
  /** PQSPK_B or PQOPK_B (its ML-KEM-768 decapsulation key). */
  readonly kemPreKey: KeyPair;
  /** OPK_B, required iff the header names one. */
  readonly oneTimePreKey?: KeyPair;
}

/**
 * Bob's side: recomputes DH1–DH4 and SS = PQKEM-DEC(PQPK_B, CT), then the same KDF and AD.
 * PQXDH rev. 3 §3.4 (Receiving the initial message).
 * Throws CryptoError('LOW_ORDER') for a degenerate EK_A and BAD_LENGTH for malformed inputs.
 */
export function pqxdhRespond(
  suite: Suite,
  bob: IdentityKeyPair,
  header: HandshakeHeader,
  keys: ResponderKeys,
  trace?: Trace,
): HandshakeSecrets {
  const s = SECTION_RECV;
  expectLength(header.ephemeralKey, SIZES.X25519_PUBLIC, 'EK_A');
  expectLength(header.kemCipherText, SIZES.ML_KEM_768_CIPHERTEXT, 'PQXDH KEM ciphertext');
  expectLength(header.identity.dhKey, SIZES.X25519_PUBLIC, 'IK_A');
  if (header.oneTimePreKeyId !== undefined && !keys.oneTimePreKey)
    throw new ProtocolError('PREKEY_NOT_FOUND', 'PQXDH: header names OPK_B but no key was given');
  const spk = keys.signedPreKey.secretKey;
  // DH outputs and SS are wiped on success and on every error path (LOW_ORDER on DH2–DH4, …).
  const owned: Uint8Array[] = [];
  const dh = (secret: Uint8Array, pub: Uint8Array): Uint8Array => {
    const out = suite.dh.getSharedSecret(secret, pub);
    owned.push(out);
    return out;
  };
  try {
    // DH1 = DH(SPK_B, IK_A)
    const dh1 = dh(spk, header.identity.dhKey);
    emit(trace, s, 'DH1 = DH(SPK_B, IK_A)', { DH1: dh1 });
    // DH2 = DH(IK_B, EK_A)
    const dh2 = dh(bob.dh.secretKey, header.ephemeralKey);
    emit(trace, s, 'DH2 = DH(IK_B, EK_A)', { DH2: dh2 });
    // DH3 = DH(SPK_B, EK_A)
    const dh3 = dh(spk, header.ephemeralKey);
    emit(trace, s, 'DH3 = DH(SPK_B, EK_A)', { DH3: dh3 });
    const dhs = [dh1, dh2, dh3];
    if (keys.oneTimePreKey && header.oneTimePreKeyId !== undefined) {
      // DH4 = DH(OPK_B, EK_A)
      const dh4 = dh(keys.oneTimePreKey.secretKey, header.ephemeralKey);
      emit(trace, s, 'DH4 = DH(OPK_B, EK_A)', { DH4: dh4 });
      dhs.push(dh4);
    }
    // SS = PQKEM-DEC(PQPK_B, CT)
    const ss = suite.kem.decapsulate(header.kemCipherText, keys.kemPreKey.secretKey);
    owned.push(ss);
    emit(trace, s, 'SS = PQKEM-DEC(PQPK_B, CT)', { SS: ss });
    const out = kdf(suite, dhs, ss, s, trace);
    const ad = associatedData(suite, header.identity, bob.publicKey);
    emit(trace, s, AD_STEP, { AD: ad });
    return { ...out, ad };
  } finally {
    wipe(...owned);
  }
}

/**
 * Encodes a handshake header (PROTOCOL.md §4.5): identity ‖ 0x05 ‖ EK_A ‖ u32 spkId ‖ u8 kemRole
 * ‖ u32 kemId ‖ u8 hasOPK ‖ [u32 opkId] ‖ CT.
 */
export function encodeHandshakeHeader(h: HandshakeHeader): Uint8Array {
  expectLength(h.ephemeralKey, SIZES.X25519_PUBLIC, 'EK_A');
  expectLength(h.kemCipherText, SIZES.ML_KEM_768_CIPHERTEXT, 'PQXDH KEM ciphertext');
  const w = new Writer()
    .fixed(encodeIdentityPublic(h.identity))
    .u8(KEY_TYPE.X25519)
    .fixed(h.ephemeralKey)
    .u32(h.signedPreKeyId)
    .u8(h.kemPreKeyRole)
    .u32(h.kemPreKeyId)
    .u8(h.oneTimePreKeyId === undefined ? 0 : 1);
  if (h.oneTimePreKeyId !== undefined) w.u32(h.oneTimePreKeyId);
  return w.fixed(h.kemCipherText).finish();
}

/** Decodes `encodeHandshakeHeader` output: strict tags, roles, flags, lengths; no extra bytes. */
export function decodeHandshakeHeader(bytes: Uint8Array): HandshakeHeader {
  const r = new Reader(bytes, 'handshake header');
  const identity = readIdentityPublic(r);
  expectTag(r.u8(), KEY_TYPE.X25519, 'EK_A');
  const ephemeralKey = r.fixed(SIZES.X25519_PUBLIC);
  const signedPreKeyId = r.u32();
  const kemPreKeyRole = expectRole(r.u8());
  if (kemPreKeyRole !== PREKEY_ROLE.KEM_ONE_TIME && kemPreKeyRole !== PREKEY_ROLE.KEM_LAST_RESORT)
    expectTag(kemPreKeyRole, PREKEY_ROLE.KEM_LAST_RESORT, 'handshake KEM prekey role');
  const kemPreKeyId = r.u32();
  const flag = r.u8();
  if (flag > 1)
    throw new DecodeError('BAD_VALUE', `handshake header: one-time prekey flag ${flag}`);
  const oneTimePreKeyId = flag === 1 ? r.u32() : undefined;
  const kemCipherText = r.fixed(SIZES.ML_KEM_768_CIPHERTEXT);
  r.end();
  return {
    identity,
    ephemeralKey,
    signedPreKeyId,
    kemPreKeyRole,
    kemPreKeyId,
    ...(oneTimePreKeyId !== undefined ? { oneTimePreKeyId } : {}),
    kemCipherText,
  };
}
