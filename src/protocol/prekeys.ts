/**
 * Signed prekeys (PROTOCOL.md §3): the signed X25519 prekey SPK (rotated with a grace period), the
 * signed last-resort ML-KEM-768 prekey PQSPK, and batches of signed one-time X25519 (OPK) and
 * ML-KEM-768 (PQOPK) prekeys. PQXDH rev. 3 §3.2 (Publishing keys) is the model; unlike Signal,
 * pqmsg also signs its one-time X25519 prekeys, and every signature is the hybrid one.
 * Payload: version ‖ role ‖ key-type tag ‖ u32 id ‖ u64 createdAt (ms) ‖ public key; the signed
 * message is SHA-256(owner identity) ‖ payload.
 * Side channels: secret keys are produced by the suite and copied; no branch on them.
 */
import { concatBytes, expectBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { DecodeError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Reader, Writer } from '../wire/codec.ts';
import {
  DEFAULT_ROTATION_POLICY,
  HYBRID_SIGNATURE_BYTES,
  KEY_TYPE,
  PREKEY_ROLE,
  PROTOCOL_VERSION,
  SIGNATURE_LABEL_PREKEY,
  SIZES,
  type PreKeyRole,
} from './constants.ts';
import { hybridSign, hybridVerify } from './hybrid-signature.ts';
import {
  encodeIdentityPublic,
  expectVersion,
  type IdentityKeyPair,
  type IdentityPublic,
} from './identity.ts';
import type { KeyPair, Suite } from './suite.ts';

/** The public, signed form of a prekey, as published in bundles. */
export interface SignedPreKeyPublic {
  readonly role: PreKeyRole;
  /** u32, unique per role for one device. */
  readonly id: number;
  /** Creation time, ms since the Unix epoch (u64 on the wire). */
  readonly createdAt: number;
  readonly publicKey: Uint8Array;
  /** Hybrid signature over `preKeySignedMessage(...)`. */
  readonly signature: Uint8Array;
}

/** A prekey with its secret key, as the owner keeps it in its PreKeyStore. */
export interface PreKeyRecord extends SignedPreKeyPublic {
  readonly keyPair: KeyPair;
}

/** True for the X25519 roles (SPK, OPK); false for the ML-KEM-768 roles (PQSPK, PQOPK). */
export function isDhRole(role: PreKeyRole): boolean {
  return role === PREKEY_ROLE.SIGNED || role === PREKEY_ROLE.ONE_TIME;
}

/** True for the roles a peer may use only once (OPK, PQOPK). */
export function isOneTimeRole(role: PreKeyRole): boolean {
  return role === PREKEY_ROLE.ONE_TIME || role === PREKEY_ROLE.KEM_ONE_TIME;
}

/** Key-type tag and public-key length a role implies. */
export function roleKeyType(role: PreKeyRole): { tag: number; length: number } {
  return isDhRole(role)
    ? { tag: KEY_TYPE.X25519, length: SIZES.X25519_PUBLIC }
    : { tag: KEY_TYPE.ML_KEM_768, length: SIZES.ML_KEM_768_PUBLIC };
}

/** Throws DecodeError('BAD_TAG') unless `role` is one of the four prekey roles. */
export function expectRole(role: number): PreKeyRole {
  if (role < PREKEY_ROLE.SIGNED || role > PREKEY_ROLE.ONE_TIME || !Number.isInteger(role))
    throw new DecodeError('BAD_TAG', `prekey: unknown role ${role}`);
  return role as PreKeyRole;
}

/** The bytes under a prekey's signature: version ‖ role ‖ tag ‖ u32 id ‖ u64 createdAt ‖ key. */
export function preKeyPayload(
  role: PreKeyRole,
  id: number,
  createdAt: number,
  publicKey: Uint8Array,
): Uint8Array {
  const { tag, length } = roleKeyType(role);
  expectLength(publicKey, length, 'prekey public key');
  const w = new Writer().u8(PROTOCOL_VERSION).u8(role).u8(tag);
  return w.u32(id).u64(createdAt).fixed(publicKey).finish();
}

/**
 * The message under a prekey's hybrid signature: SHA-256(owner's identity encoding) ‖ payload.
 * The hash binds the owner's X25519 identity key to its signing keys, so a server cannot pair
 * genuine signed prekeys with an identity DH key of its own (PROTOCOL.md §3.1).
 */
export function preKeySignedMessage(
  suite: Suite,
  owner: IdentityPublic,
  payload: Uint8Array,
): Uint8Array {
  return concatBytes(suite.sha256(encodeIdentityPublic(owner)), payload);
}

/** Generates one signed prekey of `role`, drawing its seed and the ML-DSA `rnd` from `random`. */
export function generatePreKey(
  suite: Suite,
  identity: IdentityKeyPair,
  role: PreKeyRole,
  id: number,
  now: number,
  random: RandomSource,
): PreKeyRecord {
  const seed = random(isDhRole(role) ? SIZES.SEED : SIZES.KEM_SEED);
  const keyPair = isDhRole(role) ? suite.dh.keygen(seed) : suite.kem.keygen(seed);
  wipe(seed); //                                  the key pair holds what it needs of it
  const payload = preKeyPayload(role, id, now, keyPair.publicKey);
  const message = preKeySignedMessage(suite, identity.publicKey, payload);
  const signature = hybridSign(suite, identity, SIGNATURE_LABEL_PREKEY, message, random);
  return { role, id, createdAt: now, publicKey: keyPair.publicKey, signature, keyPair };
}

/** Generates `count` signed one-time prekeys (OPK or PQOPK) with ids startId, startId+1, …. */
export function generateOneTimePreKeys(
  suite: Suite,
  identity: IdentityKeyPair,
  role: typeof PREKEY_ROLE.ONE_TIME | typeof PREKEY_ROLE.KEM_ONE_TIME,
  startId: number,
  count: number,
  now: number,
  random: RandomSource,
): PreKeyRecord[] {
  const out: PreKeyRecord[] = [];
  for (let i = 0; i < count; i++)
    out.push(generatePreKey(suite, identity, role, startId + i, now, random));
  return out;
}

/** The publishable part of a prekey record (no secret key). */
export function publicPreKey(record: SignedPreKeyPublic): SignedPreKeyPublic {
  const { role, id, createdAt, publicKey, signature } = record;
  return { role, id, createdAt, publicKey, signature };
}

/** True iff both halves of `prekey`'s hybrid signature verify under `identity`. */
export function verifyPreKey(
  suite: Suite,
  identity: IdentityPublic,
  prekey: SignedPreKeyPublic,
): boolean {
  expectBytes(prekey.publicKey, 'prekey public key');
  if (prekey.publicKey.length !== roleKeyType(prekey.role).length) return false;
  const payload = preKeyPayload(prekey.role, prekey.id, prekey.createdAt, prekey.publicKey);
  const message = preKeySignedMessage(suite, identity, payload);
  return hybridVerify(suite, identity, SIGNATURE_LABEL_PREKEY, message, prekey.signature);
}

/** Writes the public prekey: its signed payload followed by the fixed-size hybrid signature. */
export function writePreKeyPublic(w: Writer, prekey: SignedPreKeyPublic): Writer {
  expectLength(prekey.signature, HYBRID_SIGNATURE_BYTES, 'prekey signature');
  const payload = preKeyPayload(prekey.role, prekey.id, prekey.createdAt, prekey.publicKey);
  return w.fixed(payload).fixed(prekey.signature);
}

/** Reads what `writePreKeyPublic` wrote; strict version, role and key-type tag. */
export function readPreKeyPublic(r: Reader): SignedPreKeyPublic {
  expectVersion(r.u8(), 'prekey');
  const role = expectRole(r.u8());
  const { tag, length } = roleKeyType(role);
  const t = r.u8();
  if (t !== tag)
    throw new DecodeError('BAD_TAG', `prekey: key type 0x${t.toString(16)} does not fit its role`);
  const id = r.u32();
  const createdAt = r.u64();
  const publicKey = r.fixed(length);
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  return { role, id, createdAt, publicKey, signature };
}

/** Encodes a prekey record with its secret key for storage: public form ‖ bytes(secretKey). */
export function encodePreKeyRecord(record: PreKeyRecord): Uint8Array {
  return writePreKeyPublic(new Writer(), record).bytes(record.keyPair.secretKey).finish();
}

/** Decodes `encodePreKeyRecord` output (strict; no trailing bytes). */
export function decodePreKeyRecord(bytes: Uint8Array): PreKeyRecord {
  const r = new Reader(bytes, 'prekey record');
  const pub = readPreKeyPublic(r);
  const secretKey = r.bytes(4096);
  r.end();
  return { ...pub, keyPair: { publicKey: pub.publicKey, secretKey } };
}

/** Rotation policy for the signed prekey: when to make a new one, how long old ones still work. */
export interface RotationPolicy {
  readonly rotateAfterMs: number;
  readonly graceMs: number;
}

/** True when the newest signed prekey is old enough to be replaced (PROTOCOL.md §3.3). */
export function needsRotation(
  current: { createdAt: number },
  now: number,
  policy: RotationPolicy = DEFAULT_ROTATION_POLICY,
): boolean {
  return now - current.createdAt >= policy.rotateAfterMs;
}

/**
 * Ids of signed prekeys to delete: every key whose successor (the next newer key) was created at
 * least `graceMs` ago. The newest key is never deleted. Late handshakes naming a deleted key fail
 * with PREKEY_NOT_FOUND (PROTOCOL.md §3.3).
 */
export function expiredSignedPreKeys(
  keys: readonly { id: number; createdAt: number }[],
  now: number,
  policy: RotationPolicy = DEFAULT_ROTATION_POLICY,
): number[] {
  const sorted = [...keys].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  const out: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++)
    if (now - sorted[i + 1].createdAt >= policy.graceMs) out.push(sorted[i].id);
  return out;
}
