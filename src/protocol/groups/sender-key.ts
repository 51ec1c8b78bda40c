/**
 * Sender chains and sealed group messages (docs/PROTOCOL.md §15.2–§15.4), after Signal's Sender
 * Keys (libsignal `sender_keys.rs`, `group_cipher.rs`): one symmetric KDF chain per member device,
 * CK → (seed = HMAC-SHA256(CK, 0x01), CK' = HMAC-SHA256(CK, 0x02)), each seed expanded by HKDF
 * into a ChaCha20-Poly1305 key and nonce (RFC 8439). Differs from Signal: every group message
 * carries the HYBRID signature (Ed25519 ‖ ML-DSA-65, PROTOCOL.md §2.3) of its chain's signing key,
 * so a quantum adversary cannot forge a member's message; and the message is SEALED: its header
 * (group, sender, chain, iteration) is encrypted under the chain's header key (group-header.ts)
 * and the signature travels inside the body's AEAD, so the server sees neither sender nor group:
 *   message = 0x02 ‖ 0x10 ‖ nonce (24) ‖ sealed header (105)
 *             ‖ ChaCha20-Poly1305(key_n, nonce_n, content ‖ signature (3373), AD = the 131 bytes before)
 * Receiving is transactional: state in, new state out; nothing changes unless the header, the
 * body's AEAD and the signature all check. Skipped keys are bounded per chain (MAX_GROUP_SKIP).
 * Side channels: chain, header and message keys reach only HMAC/HKDF/AEAD; branches are on public
 * iteration counters and chain ids; keys this module owns are wiped after use.
 */
import { concatBytes, copyBytes, expectLength } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, KEY_TYPE, SIZES } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import { expectTag } from '../identity.ts';
import type { KeyPair, Suite } from '../suite.ts';
import {
  CHAIN_KEY_BYTES,
  GROUP_AEAD_KEY_BYTES,
  GROUP_AEAD_NONCE_BYTES,
  GROUP_AEAD_TAG_BYTES,
  GROUP_FORMAT_VERSION,
  GROUP_HEADER_NONCE_BYTES,
  GROUP_MESSAGE_KEYS_INFO,
  GROUP_MESSAGE_KEYS_SALT,
  GROUP_MESSAGE_TYPE,
  HEADER_KEY_BYTES,
  MAX_GROUP_SKIP,
  SEALED_GROUP_HEADER_BYTES,
  SENDER_CHAIN_KEY_SEED,
  SENDER_MESSAGE_KEY_SEED,
  SIGNATURE_LABEL_GROUP_MESSAGE,
} from './constants.ts';
import { encodeGroupHeader, GROUP_MESSAGE_PREFIX, sealGroupHeader, type GroupHeader } from './group-header.ts';

/** The public half of a chain's hybrid signing key. */
export interface SigningKeyPublic {
  readonly signingKeyClassical: Uint8Array;
  readonly signingKeyPQ: Uint8Array;
}

/** A chain's hybrid signing key: Ed25519 and ML-DSA-65 pairs, derived from its seeds when used. */
export interface SigningKeyPair {
  readonly publicKey: SigningKeyPublic;
  readonly sigClassical: KeyPair;
  readonly sigPQ: KeyPair;
}

/** The two 32-byte seeds a chain's signing key is derived from (what is stored). */
export interface SigningSeeds {
  readonly classical: Uint8Array;
  readonly pq: Uint8Array;
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
  /** HK: seals every header of this chain (§15.4); handed out with the chain (§15.5). */
  readonly headerKey: Uint8Array;
  /** Seeds of the chain's signing key; signingKeyFromSeeds derives the key pair when it signs. */
  readonly signingSeeds: SigningSeeds;
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
  /** HK: opens the headers of this chain, and only them (the receiver's trial, §15.4). */
  readonly headerKey: Uint8Array;
  readonly signingKey: SigningKeyPublic;
  /** Seeds of skipped iterations, ascending, at most MAX_GROUP_SKIP. */
  readonly skipped: readonly SkippedKey[];
}

/** A group message as the server sees it (§15.4), split but not opened. */
export interface GroupMessage {
  readonly nonce: Uint8Array;
  readonly sealedHeader: Uint8Array;
  /** ChaCha20-Poly1305 of content ‖ signature, tag included. */
  readonly body: Uint8Array;
  /** 0x02 ‖ 0x10 ‖ nonce ‖ sealed header: the body's associated data (131 bytes). */
  readonly prefix: Uint8Array;
}

/** Largest group message body accepted (content + signature + tag), bytes. */
const MAX_GROUP_BODY_BYTES = 256 * 1024;
/** Smallest body: an empty content, the signature and the tag. */
const MIN_GROUP_BODY_BYTES = HYBRID_SIGNATURE_BYTES + GROUP_AEAD_TAG_BYTES;
const PREFIX_BYTES = GROUP_MESSAGE_PREFIX.length + GROUP_HEADER_NONCE_BYTES + SEALED_GROUP_HEADER_BYTES;

/** Derives a chain signing key from its two 32-byte seeds (RFC 8032 §5.1.5, FIPS 204 Alg 6). */
export function signingKeyFromSeeds(suite: Suite, seeds: SigningSeeds): SigningKeyPair {
  expectLength(seeds.classical, SIZES.SEED, 'chain Ed25519 seed');
  expectLength(seeds.pq, SIZES.SEED, 'chain ML-DSA-65 seed');
  const sigClassical = suite.sigClassical.keygen(seeds.classical);
  const sigPQ = suite.sigPQ.keygen(seeds.pq);
  return { publicKey: { signingKeyClassical: sigClassical.publicKey, signingKeyPQ: sigPQ.publicKey }, sigClassical, sigPQ };
}

/** The public signing key of this device's chain (its secret halves are derived and wiped). */
export function chainSigningKey(suite: Suite, chain: OwnSenderChain): SigningKeyPublic {
  const pair = signingKeyFromSeeds(suite, chain.signingSeeds);
  wipe(pair.sigClassical.secretKey, pair.sigPQ.secretKey);
  return pair.publicKey;
}

/**
 * A fresh sending chain at `epoch` (Sender Keys: random chain id, chain key and signing key; and
 * the header key, §15.4). Draws, in order: 4 bytes (chain id, top bit cleared), 32 (CK),
 * 32 (Ed25519 seed), 32 (ML-DSA seed), 32 (HK).
 */
export function createSenderChain(random: RandomSource, epoch: number): OwnSenderChain {
  const id = random(4);
  const chainId = (((id[0] & 0x7f) << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0;
  const chainKey = random(CHAIN_KEY_BYTES);
  const signingSeeds = { classical: random(SIZES.SEED), pq: random(SIZES.SEED) };
  const headerKey = random(HEADER_KEY_BYTES);
  return { chainId, epoch, iteration: 0, chainKey, headerKey, signingSeeds };
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

/** The bytes the chain's hybrid signature covers: 0x02 ‖ 0x10 ‖ header (89) ‖ content. */
function signedPart(header: GroupHeader, content: Uint8Array): Uint8Array {
  return concatBytes(GROUP_MESSAGE_PREFIX, encodeGroupHeader(header), content);
}

/**
 * Encrypts one group message on this device's chain (Sender Keys `group_encrypt`, sealed as in
 * §15.4): seals the header under HK with a fresh nonce, signs 0x02 ‖ 0x10 ‖ header ‖ content with
 * the chain's hybrid signing key, and seals content ‖ signature under the message key of CK_n with
 * AD = everything before the body. Draws the 24-byte nonce, then the signature's 32-byte ML-DSA
 * rnd. Returns the chain advanced to n + 1 and the message (content + 3520 bytes). The old chain
 * key is wiped by the caller once the new state is stored.
 */
export function groupEncrypt(
  suite: Suite,
  chain: OwnSenderChain,
  groupId: Uint8Array,
  sender: string,
  content: Uint8Array,
  random: RandomSource,
): { chain: OwnSenderChain; message: Uint8Array } {
  const header = { groupId, sender, chainId: chain.chainId, iteration: chain.iteration };
  const nonce = random(GROUP_HEADER_NONCE_BYTES); // sealGroupHeader checks its length
  const prefix = concatBytes(GROUP_MESSAGE_PREFIX, nonce, sealGroupHeader(suite, chain.headerKey, nonce, header));
  const signing = signingKeyFromSeeds(suite, chain.signingSeeds);
  const signature = hybridSign(suite, signing, SIGNATURE_LABEL_GROUP_MESSAGE, signedPart(header, content), random);
  wipe(signing.sigClassical.secretKey, signing.sigPQ.secretKey);
  const { seed, next } = kdfSenderChain(suite, chain.chainKey);
  const { key, nonce: bodyNonce } = groupMessageKeys(suite, seed);
  const inner = concatBytes(content, signature);
  const body = suite.aead.seal(key, bodyNonce, inner, prefix);
  wipe(seed, key, bodyNonce, inner);
  return { chain: { ...chain, iteration: chain.iteration + 1, chainKey: next }, message: concatBytes(prefix, body) };
}

/**
 * True if `bytes` is a group message by its type byte (byte 1 = 0x10, disjoint from the §6.1
 * envelope types), whatever its version: decodeGroupMessage then refuses a version other than 0x02.
 */
export function isGroupMessage(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[1] === GROUP_MESSAGE_TYPE;
}

/**
 * Splits a group message strictly (§15.4): version 0x02 (BAD_VERSION: 0x01 is the unsealed format
 * of before), type 0x10 (BAD_TAG), nonce, sealed header, and a body of at least the signature and
 * the tag (TRUNCATED) and at most 256 KiB (BAD_VALUE).
 */
export function decodeGroupMessage(bytes: Uint8Array): GroupMessage {
  const r = new Reader(bytes, 'group message');
  const version = r.u8();
  if (version !== GROUP_FORMAT_VERSION)
    throw new DecodeError('BAD_VERSION', `group message: unsupported version ${version} (PROTOCOL.md §15.4)`);
  expectTag(r.u8(), GROUP_MESSAGE_TYPE, 'group message type');
  const nonce = r.fixed(GROUP_HEADER_NONCE_BYTES);
  const sealedHeader = r.fixed(SEALED_GROUP_HEADER_BYTES);
  if (r.remaining < MIN_GROUP_BODY_BYTES) throw new DecodeError('TRUNCATED', 'group message: body shorter than signature and tag');
  if (r.remaining > MAX_GROUP_BODY_BYTES) throw new DecodeError('BAD_VALUE', `group message: body over ${MAX_GROUP_BODY_BYTES} bytes`);
  const body = r.fixed(r.remaining);
  r.end();
  return { nonce, sealedHeader, body, prefix: copyBytes(bytes, 0, PREFIX_BYTES) };
}

/**
 * A chain stepped to a message's iteration, not yet committed. Seeds `next` no longer holds
 * (evicted, or the one used) stay in the caller's old state, which the caller drops.
 */
interface Step {
  readonly seed: Uint8Array;
  readonly next: ReceivedSenderChain;
  /** Fresh secrets of `next` (new skipped seeds, new CK): wiped if the message is refused. */
  readonly fresh: readonly Uint8Array[];
}

/**
 * The seed of `iteration` on `chain` (§15.3): an earlier iteration must be a kept skipped key
 * (DUPLICATE_MESSAGE), a later one at most MAX_GROUP_SKIP ahead (TOO_MANY_SKIPPED). Nothing of
 * `chain` is modified: the old state stays valid until the caller commits.
 */
function stepTo(suite: Suite, chain: ReceivedSenderChain, iteration: number): Step {
  if (iteration < chain.iteration) {
    const kept = chain.skipped.find((k) => k.iteration === iteration);
    if (kept === undefined)
      throw new ProtocolError('DUPLICATE_MESSAGE', `group message: iteration ${iteration} already received`);
    const next = { ...chain, skipped: chain.skipped.filter((k) => k !== kept) };
    return { seed: copyBytes(kept.seed), next, fresh: [] };
  }
  if (iteration - chain.iteration > MAX_GROUP_SKIP)
    throw new ProtocolError('TOO_MANY_SKIPPED', `group message: more than ${MAX_GROUP_SKIP} iterations ahead (PROTOCOL.md §15.3)`);
  const skipped = [...chain.skipped];
  const fresh: Uint8Array[] = [];
  let ck = chain.chainKey;
  for (let i = chain.iteration; i < iteration; i++) {
    const step = kdfSenderChain(suite, ck);
    skipped.push({ iteration: i, seed: step.seed });
    fresh.push(step.seed);
    if (ck !== chain.chainKey) wipe(ck);
    ck = step.next;
  }
  const step = kdfSenderChain(suite, ck);
  if (ck !== chain.chainKey) wipe(ck);
  fresh.push(step.next);
  skipped.splice(0, Math.max(0, skipped.length - MAX_GROUP_SKIP)); // the oldest are evicted
  const next = { ...chain, iteration: iteration + 1, chainKey: step.next, skipped };
  return { seed: step.seed, next, fresh };
}

/**
 * Decrypts a group message whose header `header` opened under this chain's HK (Sender Keys
 * `group_decrypt`, §15.3–§15.4). Order: the header must name this chain (SENDER_MISMATCH); the
 * iteration's seed (DUPLICATE_MESSAGE, TOO_MANY_SKIPPED); the body's AEAD (AUTH_FAILED); the
 * hybrid signature over 0x02 ‖ 0x10 ‖ header ‖ content under the chain's signing key
 * (BAD_SIGNATURE). Returns the new chain; on any throw the caller keeps the old one (nothing was
 * changed or wiped in it).
 */
export function groupDecrypt(
  suite: Suite,
  chain: ReceivedSenderChain,
  header: GroupHeader,
  m: GroupMessage,
): { chain: ReceivedSenderChain; plaintext: Uint8Array } {
  if (header.chainId !== chain.chainId)
    throw new ProtocolError('SENDER_MISMATCH', 'group message: the header names another chain than the one whose key opened it');
  const step = stepTo(suite, chain, header.iteration);
  const { key, nonce } = groupMessageKeys(suite, step.seed);
  let inner: Uint8Array | undefined;
  try {
    inner = suite.aead.open(key, nonce, m.body, m.prefix);
    const content = copyBytes(inner, 0, inner.length - HYBRID_SIGNATURE_BYTES);
    const signature = inner.subarray(inner.length - HYBRID_SIGNATURE_BYTES);
    if (!hybridVerify(suite, chain.signingKey, SIGNATURE_LABEL_GROUP_MESSAGE, signedPart(header, content), signature)) {
      wipe(content);
      throw new ProtocolError('BAD_SIGNATURE', 'group message: hybrid signature does not verify (PROTOCOL.md §15.4)');
    }
    return { chain: step.next, plaintext: content };
  } catch (e) {
    wipe(...step.fresh);
    throw e;
  } finally {
    wipe(step.seed, key, nonce);
    if (inner !== undefined) wipe(inner);
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
