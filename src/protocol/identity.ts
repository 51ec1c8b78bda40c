/**
 * Per-device hybrid identities: an X25519 identity DH key (IK, used in PQXDH DH1/DH2) and two
 * signing keys, Ed25519 and ML-DSA-65, that together sign prekeys (PROTOCOL.md §2.2).
 * Signal's PQXDH rev. 3 §2.3 uses one XEdDSA key for both roles; pqmsg keeps DH and signing keys
 * separate so that the post-quantum signature has a key of its own.
 * Side channels: secret keys are only passed to the suite; encodings handle public keys only
 * (the secret encoding copies seeds, no branch on their values).
 */
import { concatBytes, copyBytes, expectLength } from '../util/bytes.ts';
import { wipe } from '../util/ct.ts';
import { DecodeError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { Reader, Writer } from '../wire/codec.ts';
import { KEY_TYPE, PROTOCOL_VERSION, SIZES } from './constants.ts';
import type { KeyPair, Suite } from './suite.ts';

/** The public half of a device identity: every key a peer must pin and compare. */
export interface IdentityPublic {
  /** IK: X25519 identity DH key. */
  readonly dhKey: Uint8Array;
  /** Ed25519 verification key (classical half of the hybrid signature). */
  readonly signingKeyClassical: Uint8Array;
  /** ML-DSA-65 verification key (post-quantum half of the hybrid signature). */
  readonly signingKeyPQ: Uint8Array;
}

/** A device identity with its secrets; `seeds` are what is stored (keys are re-derived). */
export interface IdentityKeyPair {
  readonly publicKey: IdentityPublic;
  readonly dh: KeyPair;
  readonly sigClassical: KeyPair;
  readonly sigPQ: KeyPair;
  readonly seeds: {
    readonly dh: Uint8Array;
    readonly classical: Uint8Array;
    readonly pq: Uint8Array;
  };
}

/** Length of `encodeIdentityPublic` output: version, then three type-tagged keys. */
export const IDENTITY_PUBLIC_BYTES =
  1 + (1 + SIZES.X25519_PUBLIC) + (1 + SIZES.ED25519_PUBLIC) + (1 + SIZES.ML_DSA_65_PUBLIC);

const IDENTITY_SECRET_BYTES = 1 + 3 * SIZES.SEED;

/** Derives an identity from its three 32-byte seeds (deterministic). */
export function identityFromSeeds(
  suite: Suite,
  seeds: { dh: Uint8Array; classical: Uint8Array; pq: Uint8Array },
): IdentityKeyPair {
  expectLength(seeds.dh, SIZES.SEED, 'identity DH seed');
  expectLength(seeds.classical, SIZES.SEED, 'identity Ed25519 seed');
  expectLength(seeds.pq, SIZES.SEED, 'identity ML-DSA-65 seed');
  const dh = suite.dh.keygen(seeds.dh);
  const sigClassical = suite.sigClassical.keygen(seeds.classical);
  const sigPQ = suite.sigPQ.keygen(seeds.pq);
  return {
    publicKey: {
      dhKey: dh.publicKey,
      signingKeyClassical: sigClassical.publicKey,
      signingKeyPQ: sigPQ.publicKey,
    },
    dh,
    sigClassical,
    sigPQ,
    seeds: { dh: copyBytes(seeds.dh), classical: copyBytes(seeds.classical), pq: copyBytes(seeds.pq) },
  };
}

/** Generates a device identity, drawing three seeds from `random` (DH, Ed25519, ML-DSA). */
export function generateIdentity(suite: Suite, random: RandomSource): IdentityKeyPair {
  const seeds = { dh: random(SIZES.SEED), classical: random(SIZES.SEED), pq: random(SIZES.SEED) };
  const id = identityFromSeeds(suite, seeds);
  wipe(seeds.dh, seeds.classical, seeds.pq);
  return id;
}

/** Encodes the public identity: version ‖ 0x05 ‖ IK ‖ 0x21 ‖ Ed25519 key ‖ 0x22 ‖ ML-DSA-65 key. */
export function encodeIdentityPublic(id: IdentityPublic): Uint8Array {
  expectLength(id.dhKey, SIZES.X25519_PUBLIC, 'identity X25519 key');
  expectLength(id.signingKeyClassical, SIZES.ED25519_PUBLIC, 'identity Ed25519 key');
  expectLength(id.signingKeyPQ, SIZES.ML_DSA_65_PUBLIC, 'identity ML-DSA-65 key');
  return new Writer()
    .u8(PROTOCOL_VERSION)
    .u8(KEY_TYPE.X25519)
    .fixed(id.dhKey)
    .u8(KEY_TYPE.ED25519)
    .fixed(id.signingKeyClassical)
    .u8(KEY_TYPE.ML_DSA_65)
    .fixed(id.signingKeyPQ)
    .finish();
}

/** Reads an encoded public identity from a Reader (strict version and type tags). */
export function readIdentityPublic(r: Reader): IdentityPublic {
  expectVersion(r.u8(), 'identity');
  expectTag(r.u8(), KEY_TYPE.X25519, 'identity DH key');
  const dhKey = r.fixed(SIZES.X25519_PUBLIC);
  expectTag(r.u8(), KEY_TYPE.ED25519, 'identity Ed25519 key');
  const signingKeyClassical = r.fixed(SIZES.ED25519_PUBLIC);
  expectTag(r.u8(), KEY_TYPE.ML_DSA_65, 'identity ML-DSA-65 key');
  const signingKeyPQ = r.fixed(SIZES.ML_DSA_65_PUBLIC);
  return { dhKey, signingKeyClassical, signingKeyPQ };
}

/** Decodes `encodeIdentityPublic` output; rejects bad versions, tags, lengths, trailing bytes. */
export function decodeIdentityPublic(bytes: Uint8Array): IdentityPublic {
  expectLength(bytes, IDENTITY_PUBLIC_BYTES, 'encoded identity');
  const r = new Reader(bytes, 'identity');
  const id = readIdentityPublic(r);
  r.end();
  return id;
}

/** Encodes an identity's secrets for storage: version ‖ DH seed ‖ Ed25519 seed ‖ ML-DSA-65 seed. */
export function encodeIdentitySecret(id: IdentityKeyPair): Uint8Array {
  return concatBytes(Uint8Array.of(PROTOCOL_VERSION), id.seeds.dh, id.seeds.classical, id.seeds.pq);
}

/** Decodes `encodeIdentitySecret` output and re-derives every key. */
export function decodeIdentitySecret(suite: Suite, bytes: Uint8Array): IdentityKeyPair {
  expectLength(bytes, IDENTITY_SECRET_BYTES, 'encoded identity secret');
  const r = new Reader(bytes, 'identity secret');
  expectVersion(r.u8(), 'identity secret');
  const dh = r.fixed(SIZES.SEED);
  const classical = r.fixed(SIZES.SEED);
  const seeds = { dh, classical, pq: r.fixed(SIZES.SEED) };
  r.end();
  const id = identityFromSeeds(suite, seeds);
  wipe(seeds.dh, seeds.classical, seeds.pq);
  return id;
}

/** True if two public identities are the same device identity (public data: plain compare). */
export function identitiesEqual(a: IdentityPublic, b: IdentityPublic): boolean {
  const ea = encodeIdentityPublic(a);
  const eb = encodeIdentityPublic(b);
  return ea.length === eb.length && ea.every((v, i) => v === eb[i]);
}

/** Throws DecodeError('BAD_VERSION') unless `v` is the v1 version byte. */
export function expectVersion(v: number, what: string): void {
  if (v !== PROTOCOL_VERSION)
    throw new DecodeError('BAD_VERSION', `${what}: unsupported version ${v}`);
}

/** Throws DecodeError('BAD_TAG') unless `tag` is the expected key-type or role tag. */
export function expectTag(tag: number, expected: number, what: string): void {
  if (tag !== expected)
    throw new DecodeError('BAD_TAG', `${what}: unexpected type tag 0x${tag.toString(16)}`);
}
