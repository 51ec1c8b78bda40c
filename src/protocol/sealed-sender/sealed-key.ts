/**
 * A device's sealed-sender KEM key (PROTOCOL.md §13.3): an ML-KEM-768 key signed by the device's
 * hybrid identity (§2.3), published by the directory next to the prekeys, to which every sealed
 * envelope for the device encapsulates. Shaped like a signed prekey (§3.1; PQXDH rev. 3 §3.2) but
 * under its own label, so neither signature can stand in for the other.
 *   payload = 0x01 ‖ 0x0B ‖ u32 id ‖ u64 createdAt (ms) ‖ ek (1184)
 *   signed  = SHA-256(Identity_owner) ‖ payload        (label "pqmsg v1 sealed sender key")
 *   SealedKey = payload ‖ hybrid signature (3373)       = 4571 bytes
 * Rotation and the sender's freshness check follow the SPK policy (§3.3).
 * Side channels: the secret key is produced by the suite and copied; no branch on it.
 */
import { concatBytes, expectBytes, expectLength } from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import {
  HYBRID_SIGNATURE_BYTES,
  KEY_TYPE,
  MAX_CLOCK_SKEW_MS,
  MAX_SIGNED_PREKEY_AGE_MS,
  SIZES,
} from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import {
  encodeIdentityPublic,
  expectTag,
  type IdentityKeyPair,
  type IdentityPublic,
} from '../identity.ts';
import type { KeyPair, Suite } from '../suite.ts';
import { SEALED_SENDER_VERSION, SIGNATURE_LABEL_SEALED_KEY } from './constants.ts';

/** The public, signed sealed-sender key, as the directory publishes it. */
export interface SealedKeyPublic {
  /** u32, chosen by the owner; named by every sealed envelope to this key. */
  readonly id: number;
  readonly createdAt: number;
  /** ML-KEM-768 encapsulation key ek. */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** The owner's record: the public form with the decapsulation key. */
export interface SealedKeyRecord extends SealedKeyPublic {
  readonly keyPair: KeyPair;
}

declare const verified: unique symbol;
/** A sealed-sender key whose signature and age were checked against its owner's identity. */
export type VerifiedSealedKey = SealedKeyPublic & { readonly [verified]: true };

/** Encoded size of a public sealed-sender key. */
export const SEALED_KEY_BYTES = 2 + 4 + 8 + SIZES.ML_KEM_768_PUBLIC + HYBRID_SIGNATURE_BYTES;

/** The signed payload: version ‖ 0x0B ‖ u32 id ‖ u64 createdAt ‖ ek. */
export function sealedKeyPayload(id: number, createdAt: number, publicKey: Uint8Array): Uint8Array {
  expectLength(publicKey, SIZES.ML_KEM_768_PUBLIC, 'sealed-sender key');
  const w = new Writer().u8(SEALED_SENDER_VERSION).u8(KEY_TYPE.ML_KEM_768);
  return w.u32(id).u64(createdAt).fixed(publicKey).finish();
}

function signedMessage(suite: Suite, owner: IdentityPublic, payload: Uint8Array): Uint8Array {
  return concatBytes(suite.sha256(encodeIdentityPublic(owner)), payload);
}

/**
 * Generates and signs a sealed-sender key. Random draws: the ML-KEM seed d ‖ z (64 bytes, FIPS 203
 * Algorithm 16), then the ML-DSA `rnd` (32). PROTOCOL.md §13.3.
 */
export function generateSealedKey(
  suite: Suite,
  identity: IdentityKeyPair,
  id: number,
  now: number,
  random: RandomSource,
): SealedKeyRecord {
  const keyPair = suite.kem.keygen(random(SIZES.KEM_SEED));
  const payload = sealedKeyPayload(id, now, keyPair.publicKey);
  const message = signedMessage(suite, identity.publicKey, payload);
  const signature = hybridSign(suite, identity, SIGNATURE_LABEL_SEALED_KEY, message, random);
  return { id, createdAt: now, publicKey: keyPair.publicKey, signature, keyPair };
}

/** The publishable part of a record (no secret key). */
export function publicSealedKey(record: SealedKeyPublic): SealedKeyPublic {
  const { id, createdAt, publicKey, signature } = record;
  return { id, createdAt, publicKey, signature };
}

/**
 * What a sender checks before sealing to a key: both signature halves under the owner's identity
 * (BAD_SIGNATURE) and the SPK freshness window at `now` — at most 37 days old, at most 1 day in
 * the future (STALE_PREKEY, §3.3). The only producer of `VerifiedSealedKey`. PROTOCOL.md §13.3.
 */
export function verifySealedKey(
  suite: Suite,
  owner: IdentityPublic,
  key: SealedKeyPublic,
  now: number,
): VerifiedSealedKey {
  expectBytes(key.publicKey, 'sealed-sender key');
  const ok =
    key.publicKey.length === SIZES.ML_KEM_768_PUBLIC &&
    hybridVerify(
      suite,
      owner,
      SIGNATURE_LABEL_SEALED_KEY,
      signedMessage(suite, owner, sealedKeyPayload(key.id, key.createdAt, key.publicKey)),
      key.signature,
    );
  if (!ok) throw new ProtocolError('BAD_SIGNATURE', 'sealed-sender key: signature does not verify');
  if (now - key.createdAt > MAX_SIGNED_PREKEY_AGE_MS || key.createdAt - now > MAX_CLOCK_SKEW_MS)
    throw new ProtocolError('STALE_PREKEY', 'sealed-sender key: outside its freshness window');
  return key as VerifiedSealedKey;
}

/** Writes payload ‖ signature. */
export function writeSealedKeyPublic(w: Writer, key: SealedKeyPublic): Writer {
  expectLength(key.signature, HYBRID_SIGNATURE_BYTES, 'sealed-sender key signature');
  return w.fixed(sealedKeyPayload(key.id, key.createdAt, key.publicKey)).fixed(key.signature);
}

/** Reads what `writeSealedKeyPublic` wrote (strict version and key-type tag). */
export function readSealedKeyPublic(r: Reader): SealedKeyPublic {
  const version = r.u8();
  if (version !== SEALED_SENDER_VERSION)
    throw new DecodeError('BAD_VERSION', `sealed-sender key: unsupported version ${version}`);
  expectTag(r.u8(), KEY_TYPE.ML_KEM_768, 'sealed-sender key');
  const id = r.u32();
  const createdAt = r.u64();
  const publicKey = r.fixed(SIZES.ML_KEM_768_PUBLIC);
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  return { id, createdAt, publicKey, signature };
}

/** Encodes the public key for the directory (4571 bytes). */
export function encodeSealedKey(key: SealedKeyPublic): Uint8Array {
  return writeSealedKeyPublic(new Writer(), key).finish();
}

/** Decodes `encodeSealedKey` output; no trailing bytes. */
export function decodeSealedKey(bytes: Uint8Array): SealedKeyPublic {
  const r = new Reader(bytes, 'sealed-sender key');
  const key = readSealedKeyPublic(r);
  r.end();
  return key;
}

/** Encodes the owner's record for storage: public form ‖ bytes(decapsulation key). */
export function encodeSealedKeyRecord(record: SealedKeyRecord): Uint8Array {
  return writeSealedKeyPublic(new Writer(), record).bytes(record.keyPair.secretKey).finish();
}

/** Decodes `encodeSealedKeyRecord` output (strict). */
export function decodeSealedKeyRecord(bytes: Uint8Array): SealedKeyRecord {
  const r = new Reader(bytes, 'sealed-sender key record');
  const pub = readSealedKeyPublic(r);
  const secretKey = r.bytes(4096);
  r.end();
  return { ...pub, keyPair: { publicKey: pub.publicKey, secretKey } };
}
