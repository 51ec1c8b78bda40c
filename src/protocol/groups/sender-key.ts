/**
 * Sender chains and group messages (docs/PROTOCOL.md §15.2–§15.4), after Signal's Sender Keys
 * (libsignal `sender_keys.rs`, `group_cipher.rs`): one symmetric KDF chain per member device,
 * CK → (seed = HMAC-SHA256(CK, 0x01), CK' = HMAC-SHA256(CK, 0x02)), each seed expanded by HKDF
 * into a ChaCha20-Poly1305 key and nonce (RFC 8439). Differs from Signal: every group message
 * carries the HYBRID signature (Ed25519 ‖ ML-DSA-65, PROTOCOL.md §2.3) of its chain's signing key
 * instead of one XEdDSA signature, so a quantum adversary cannot forge a member's message.
 * Receiving is transactional: state in, new state out; nothing changes unless the signature
 * verifies AND the AEAD opens. Skipped keys are bounded per chain (MAX_GROUP_SKIP).
 * Side channels: chain and message keys reach only HMAC/HKDF/AEAD; branches are on public
 * iteration counters and chain ids; keys this module owns are wiped after use.
 */
import { copyBytes, expectLength, utf8 } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, KEY_TYPE, PROTOCOL_VERSION, SIZES } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import { expectTag, expectVersion } from '../identity.ts';
import type { KeyPair, Suite } from '../suite.ts';
import {
  CHAIN_KEY_BYTES,
  GROUP_AEAD_KEY_BYTES,
  GROUP_AEAD_NONCE_BYTES,
  GROUP_ID_BYTES,
  GROUP_MESSAGE_KEYS_INFO,
  GROUP_MESSAGE_KEYS_SALT,
  GROUP_MESSAGE_TYPE,
  MAX_GROUP_SKIP,
  MAX_MEMBER_NAME_BYTES,
  SENDER_CHAIN_KEY_SEED,
  SENDER_MESSAGE_KEY_SEED,
  SIGNATURE_LABEL_GROUP_MESSAGE,
} from './constants.ts';

/** The public half of a chain's hybrid signing key. */
export interface SigningKeyPublic {
  readonly signingKeyClassical: Uint8Array;
  readonly signingKeyPQ: Uint8Array;
}

/** A chain's hybrid signing key: Ed25519 and ML-DSA-65 pairs and the seeds that are stored. */
export interface SigningKeyPair {
  readonly publicKey: SigningKeyPublic;
  readonly sigClassical: KeyPair;
  readonly sigPQ: KeyPair;
  readonly seeds: { readonly classical: Uint8Array; readonly pq: Uint8Array };
}

/** This device's own sending chain (PROTOCOL.md §15.2). */
export interface OwnSenderChain {
  /** Random 31-bit chain identifier. */
  readonly chainId: number;
  /** Generation of this device's chains: 1 for the first, +1 at each rotation (§15.5). */
  readonly epoch: number;
  /** Iteration of the next message: CK below is CK_iteration. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signing: SigningKeyPair;
}

/** A skipped message-key seed of a received chain. */
export interface SkippedKey {
  readonly iteration: number;
  readonly seed: Uint8Array;
}

/** Another member device's chain as received in its distribution message (§15.5). */
export interface ReceivedSenderChain {
  readonly chainId: number;
  readonly epoch: number;
  /** Iteration of the next message expected in order: CK below is CK_iteration. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  readonly signingKey: SigningKeyPublic;
  /** Seeds of skipped iterations, ascending, at most MAX_GROUP_SKIP. */
  readonly skipped: readonly SkippedKey[];
}

/** A decoded group message (§15.4). */
export interface GroupMessage {
  readonly groupId: Uint8Array;
  /** The sending device's address `user.deviceId`. */
  readonly sender: string;
  readonly chainId: number;
  readonly iteration: number;
  readonly ciphertext: Uint8Array;
  readonly signature: Uint8Array;
  /** The header bytes (AEAD associated data): version ‖ type ‖ groupId ‖ sender ‖ chainId ‖ iteration. */
  readonly header: Uint8Array;
}

/** Largest group message ciphertext accepted (plaintext + tag), bytes. */
const MAX_GROUP_CIPHERTEXT_BYTES = 256 * 1024;

/** Derives a chain signing key from its two 32-byte seeds (RFC 8032 §5.1.5, FIPS 204 Alg 6). */
export function signingKeyFromSeeds(
  suite: Suite,
  seeds: { classical: Uint8Array; pq: Uint8Array },
): SigningKeyPair {
  expectLength(seeds.classical, SIZES.SEED, 'chain Ed25519 seed');
  expectLength(seeds.pq, SIZES.SEED, 'chain ML-DSA-65 seed');
  const sigClassical = suite.sigClassical.keygen(seeds.classical);
  const sigPQ = suite.sigPQ.keygen(seeds.pq);
  return {
    publicKey: { signingKeyClassical: sigClassical.publicKey, signingKeyPQ: sigPQ.publicKey },
    sigClassical,
    sigPQ,
    seeds: { classical: copyBytes(seeds.classical), pq: copyBytes(seeds.pq) },
  };
}

/**
 * A fresh sending chain at `epoch` (Sender Keys: random chain id, chain key and signing key).
 * Draws, in order: 4 bytes (chain id, top bit cleared), 32 (CK), 32 (Ed25519 seed), 32 (ML-DSA seed).
 */
export function createSenderChain(suite: Suite, random: RandomSource, epoch: number): OwnSenderChain {
  const id = random(4);
  const chainId = (((id[0] & 0x7f) << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0;
  const chainKey = random(CHAIN_KEY_BYTES);
  const seeds = { classical: random(SIZES.SEED), pq: random(SIZES.SEED) };
  const signing = signingKeyFromSeeds(suite, seeds);
  wipe(seeds.classical, seeds.pq);
  return { chainId, epoch, iteration: 0, chainKey, signing };
}

/** KDF_CK of a sender chain (Sender Keys): seed = HMAC(CK, 0x01), CK' = HMAC(CK, 0x02). */
export function kdfSenderChain(suite: Suite, chainKey: Uint8Array): { seed: Uint8Array; next: Uint8Array } {
  return {
    seed: suite.hmac(chainKey, SENDER_MESSAGE_KEY_SEED),
    next: suite.hmac(chainKey, SENDER_CHAIN_KEY_SEED),
  };
}

/** key ‖ nonce = HKDF-SHA256(IKM = seed, salt = 0³², info "pqmsg v1 group message keys", 44). */
export function groupMessageKeys(suite: Suite, seed: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const okm = suite.hkdf(seed, GROUP_MESSAGE_KEYS_SALT, GROUP_MESSAGE_KEYS_INFO, GROUP_AEAD_KEY_BYTES + GROUP_AEAD_NONCE_BYTES);
  const out = { key: copyBytes(okm, 0, GROUP_AEAD_KEY_BYTES), nonce: copyBytes(okm, GROUP_AEAD_KEY_BYTES) };
  wipe(okm);
  return out;
}

/** header = version ‖ 0x10 ‖ groupId (16) ‖ bytes(sender) ‖ u32 chainId ‖ u32 iteration (§15.4). */
export function encodeGroupHeader(groupId: Uint8Array, sender: string, chainId: number, iteration: number): Uint8Array {
  expectLength(groupId, GROUP_ID_BYTES, 'group id');
  const name = utf8(sender);
  if (name.length > MAX_MEMBER_NAME_BYTES) throw new DecodeError('BAD_VALUE', 'group message: sender address too long');
  return new Writer().u8(PROTOCOL_VERSION).u8(GROUP_MESSAGE_TYPE).fixed(groupId).bytes(name).u32(chainId).u32(iteration).finish();
}

/** The bytes the chain's hybrid signature covers: header ‖ bytes(ciphertext). */
function signedPart(header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return new Writer().fixed(header).bytes(ciphertext).finish();
}

/**
 * Encrypts one group message on this device's chain (Sender Keys `group_encrypt`): derives the
 * message key of CK_n, seals with AD = header, signs header ‖ bytes(ciphertext) with the chain's
 * hybrid signing key, and returns the chain advanced to n + 1 with the encoded message
 * header ‖ bytes(ciphertext) ‖ signature (3373 bytes). The old chain key is wiped by the caller
 * once the new state is stored.
 */
export function groupEncrypt(
  suite: Suite,
  chain: OwnSenderChain,
  groupId: Uint8Array,
  sender: string,
  plaintext: Uint8Array,
  random: RandomSource,
): { chain: OwnSenderChain; message: Uint8Array } {
  const { seed, next } = kdfSenderChain(suite, chain.chainKey);
  const { key, nonce } = groupMessageKeys(suite, seed);
  const header = encodeGroupHeader(groupId, sender, chain.chainId, chain.iteration);
  const ciphertext = suite.aead.seal(key, nonce, plaintext, header);
  wipe(seed, key, nonce);
  const tbs = signedPart(header, ciphertext);
  const signature = hybridSign(suite, chain.signing, SIGNATURE_LABEL_GROUP_MESSAGE, tbs, random);
  const message = new Writer().fixed(tbs).fixed(signature).finish();
  return { chain: { ...chain, iteration: chain.iteration + 1, chainKey: next }, message };
}

/** True if `bytes` opens like a group message (version ‖ 0x10), not a §6.1 envelope. */
export function isGroupMessage(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === PROTOCOL_VERSION && bytes[1] === GROUP_MESSAGE_TYPE;
}

/** Decodes a group message strictly (§15.4): version, type, lengths, no trailing bytes. */
export function decodeGroupMessage(bytes: Uint8Array): GroupMessage {
  const r = new Reader(bytes, 'group message');
  expectVersion(r.u8(), 'group message');
  expectTag(r.u8(), GROUP_MESSAGE_TYPE, 'group message type');
  const groupId = r.fixed(GROUP_ID_BYTES);
  const senderBytes = r.bytes(MAX_MEMBER_NAME_BYTES);
  const sender = decodeUtf8(senderBytes, 'group message sender');
  const chainId = r.u32();
  const iteration = r.u32();
  const headerLength = 2 + GROUP_ID_BYTES + 4 + senderBytes.length + 8;
  const ciphertext = r.bytes(MAX_GROUP_CIPHERTEXT_BYTES);
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  r.end();
  const header = copyBytes(bytes, 0, headerLength);
  return { groupId, sender, chainId, iteration, ciphertext, signature, header };
}

/**
 * Decrypts a group message on the sender's chain (Sender Keys `group_decrypt`). Order: the hybrid
 * signature over header ‖ bytes(ciphertext) under the chain's signing key (BAD_SIGNATURE), then
 * the iteration: an earlier one must be a kept skipped key (else DUPLICATE_MESSAGE), a later one
 * at most MAX_GROUP_SKIP ahead (else TOO_MANY_SKIPPED); then the AEAD (AUTH_FAILED). Returns the
 * new chain; on any throw the caller keeps the old one (nothing was changed).
 */
export function groupDecrypt(
  suite: Suite,
  chain: ReceivedSenderChain,
  m: GroupMessage,
): { chain: ReceivedSenderChain; plaintext: Uint8Array } {
  if (m.chainId !== chain.chainId)
    throw new ProtocolError('UNKNOWN_SENDER_CHAIN', 'group message: chain id does not match the chain');
  const tbs = signedPart(m.header, m.ciphertext);
  if (!hybridVerify(suite, chain.signingKey, SIGNATURE_LABEL_GROUP_MESSAGE, tbs, m.signature))
    throw new ProtocolError('BAD_SIGNATURE', 'group message: hybrid signature does not verify (PROTOCOL.md §15.4)');
  let seed: Uint8Array;
  let next: ReceivedSenderChain;
  if (m.iteration < chain.iteration) {
    const kept = chain.skipped.find((k) => k.iteration === m.iteration);
    if (kept === undefined)
      throw new ProtocolError('DUPLICATE_MESSAGE', `group message: iteration ${m.iteration} already received`);
    seed = copyBytes(kept.seed);
    next = { ...chain, skipped: chain.skipped.filter((k) => k !== kept) };
  } else {
    if (m.iteration - chain.iteration > MAX_GROUP_SKIP)
      throw new ProtocolError('TOO_MANY_SKIPPED', `group message: more than ${MAX_GROUP_SKIP} iterations ahead (PROTOCOL.md §15.3)`);
    const skipped = [...chain.skipped];
    let ck = chain.chainKey;
    for (let i = chain.iteration; i < m.iteration; i++) {
      const step = kdfSenderChain(suite, ck);
      skipped.push({ iteration: i, seed: step.seed });
      if (ck !== chain.chainKey) wipe(ck);
      ck = step.next;
    }
    const step = kdfSenderChain(suite, ck);
    if (ck !== chain.chainKey) wipe(ck);
    seed = step.seed;
    const evicted = skipped.splice(0, Math.max(0, skipped.length - MAX_GROUP_SKIP));
    for (const k of evicted) wipe(k.seed);
    next = { ...chain, iteration: m.iteration + 1, chainKey: step.next, skipped };
  }
  const { key, nonce } = groupMessageKeys(suite, seed);
  try {
    const plaintext = suite.aead.open(key, nonce, m.ciphertext, m.header);
    return { chain: next, plaintext };
  } finally {
    wipe(seed, key, nonce);
  }
}

/** Writes a chain's public signing key: 0x21 ‖ Ed25519 key ‖ 0x22 ‖ ML-DSA-65 key. */
export function writeSigningKeyPublic(w: Writer, k: SigningKeyPublic): Writer {
  expectLength(k.signingKeyClassical, SIZES.ED25519_PUBLIC, 'chain Ed25519 key');
  expectLength(k.signingKeyPQ, SIZES.ML_DSA_65_PUBLIC, 'chain ML-DSA-65 key');
  return w.u8(KEY_TYPE.ED25519).fixed(k.signingKeyClassical).u8(KEY_TYPE.ML_DSA_65).fixed(k.signingKeyPQ);
}

/** Reads what writeSigningKeyPublic wrote (strict tags). */
export function readSigningKeyPublic(r: Reader): SigningKeyPublic {
  expectTag(r.u8(), KEY_TYPE.ED25519, 'chain Ed25519 key');
  const signingKeyClassical = r.fixed(SIZES.ED25519_PUBLIC);
  expectTag(r.u8(), KEY_TYPE.ML_DSA_65, 'chain ML-DSA-65 key');
  return { signingKeyClassical, signingKeyPQ: r.fixed(SIZES.ML_DSA_65_PUBLIC) };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 of a decoded name (DecodeError BAD_VALUE otherwise). */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new DecodeError('BAD_VALUE', `${what}: not valid UTF-8`);
  }
}
