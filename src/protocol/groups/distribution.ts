/**
 * The sender-key distribution message (docs/PROTOCOL.md §15.5), after Signal's
 * SenderKeyDistributionMessage (libsignal `protocol.rs`): a member device hands its current chain
 * — group id, epoch, chain id, iteration, chain key, header key and public signing key — to each
 * other member device over their PAIRWISE session, so it is end-to-end encrypted (its
 * post-quantum confidentiality is the session's). Differs from Signal: the device also signs the
 * chain's public part (group id, epoch, chain id, signing key) with its HYBRID identity signature,
 * so the binding of the chain's signing key to the device does not rest on the session's
 * classical identity DH alone; and it carries the chain's header key HK (§15.4), which the
 * receiver keeps to find the chain of a sealed group message.
 *   distribution = 0x02 ‖ groupId (16) ‖ u32 epoch ‖ u32 chainId ‖ u32 iteration ‖ CK (32) ‖ HK (32)
 *                  ‖ 0x21 ‖ Ed25519 key (32) ‖ 0x22 ‖ ML-DSA-65 key (1952) ‖ signature (3373)
 *   signed       = "pqmsg v1 sender key" label (PROTOCOL.md §2.3) over 0x02 ‖ groupId ‖ epoch
 *                  ‖ chainId ‖ signing key
 * Side channels: the chain and header keys are copied, never branched on; ids and epochs are public.
 */
import { expectLength } from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import type { RandomSource } from '../../util/random.ts';
import { HYBRID_SIGNATURE_BYTES } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import type { IdentityKeyPair, IdentityPublic } from '../identity.ts';
import type { Suite } from '../suite.ts';
import {
  CHAIN_KEY_BYTES,
  GROUP_FORMAT_VERSION,
  GROUP_ID_BYTES,
  HEADER_KEY_BYTES,
  MAX_SENDER_CHAINS,
  SIGNATURE_LABEL_SENDER_KEY,
} from './constants.ts';
import {
  chainSigningKey,
  readSigningKeyPublic,
  writeSigningKeyPublic,
  type OwnSenderChain,
  type ReceivedSenderChain,
  type SigningKeyPublic,
} from './sender-key.ts';

export interface SenderKeyDistribution {
  readonly groupId: Uint8Array;
  /** The chain's generation at its sender: 1 for the first chain, +1 at each rotation. */
  readonly epoch: number;
  readonly chainId: number;
  /** The next iteration the sender will use: the receiver cannot read earlier messages. */
  readonly iteration: number;
  readonly chainKey: Uint8Array;
  /** HK: seals the chain's group-message headers (§15.4). */
  readonly headerKey: Uint8Array;
  readonly signingKey: SigningKeyPublic;
  /** The sender device's hybrid identity signature over the chain's public part. */
  readonly signature: Uint8Array;
}

/** The bytes the identity signs: 0x02 ‖ groupId ‖ u32 epoch ‖ u32 chainId ‖ signing key. */
function signedPart(groupId: Uint8Array, epoch: number, chainId: number, signingKey: SigningKeyPublic): Uint8Array {
  expectLength(groupId, GROUP_ID_BYTES, 'group id');
  const w = new Writer().u8(GROUP_FORMAT_VERSION).fixed(groupId).u32(epoch).u32(chainId);
  return writeSigningKeyPublic(w, signingKey).finish();
}

/**
 * The distribution message of this device's current chain, at its current iteration, signed
 * with the device's hybrid identity (PROTOCOL.md §15.5).
 */
export function distributionOf(
  suite: Suite,
  identity: IdentityKeyPair,
  groupId: Uint8Array,
  chain: OwnSenderChain,
  random: RandomSource,
): SenderKeyDistribution {
  const signingKey = chainSigningKey(suite, chain);
  const tbs = signedPart(groupId, chain.epoch, chain.chainId, signingKey);
  return {
    groupId,
    epoch: chain.epoch,
    chainId: chain.chainId,
    iteration: chain.iteration,
    chainKey: chain.chainKey,
    headerKey: chain.headerKey,
    signingKey,
    signature: hybridSign(suite, identity, SIGNATURE_LABEL_SENDER_KEY, tbs, random),
  };
}

/** True iff the distribution's hybrid signature verifies under the sender device's identity. */
export function verifyDistribution(suite: Suite, sender: IdentityPublic, d: SenderKeyDistribution): boolean {
  const tbs = signedPart(d.groupId, d.epoch, d.chainId, d.signingKey);
  return hybridVerify(suite, sender, SIGNATURE_LABEL_SENDER_KEY, tbs, d.signature);
}

/** Encodes a distribution message (§15.5). */
export function encodeDistribution(d: SenderKeyDistribution): Uint8Array {
  expectLength(d.groupId, GROUP_ID_BYTES, 'group id');
  expectLength(d.chainKey, CHAIN_KEY_BYTES, 'chain key');
  expectLength(d.headerKey, HEADER_KEY_BYTES, 'header key');
  const w = new Writer().u8(GROUP_FORMAT_VERSION).fixed(d.groupId).u32(d.epoch).u32(d.chainId).u32(d.iteration);
  return writeSigningKeyPublic(w.fixed(d.chainKey).fixed(d.headerKey), d.signingKey).fixed(d.signature).finish();
}

/**
 * Decodes a distribution message strictly (tags, lengths, no trailing bytes). Version 0x02 only
 * (BAD_VERSION): a 0x01 distribution has no header key, so its chain could never be found.
 */
export function decodeDistribution(bytes: Uint8Array): SenderKeyDistribution {
  const r = new Reader(bytes, 'sender-key distribution');
  const version = r.u8();
  if (version !== GROUP_FORMAT_VERSION)
    throw new DecodeError('BAD_VERSION', `sender-key distribution: unsupported version ${version} (PROTOCOL.md §15.5)`);
  const groupId = r.fixed(GROUP_ID_BYTES);
  const epoch = r.u32();
  const chainId = r.u32();
  const iteration = r.u32();
  const chainKey = r.fixed(CHAIN_KEY_BYTES);
  const headerKey = r.fixed(HEADER_KEY_BYTES);
  const signingKey = readSigningKeyPublic(r);
  const signature = r.fixed(HYBRID_SIGNATURE_BYTES);
  r.end();
  return { groupId, epoch, chainId, iteration, chainKey, headerKey, signingKey, signature };
}

/**
 * Adds a received distribution to one sender device's chains (newest first, at most
 * MAX_SENDER_CHAINS). Accepted only if its epoch is newer than every chain already held from
 * that device: a replayed or stale distribution — the same chain again, or one the sender has
 * rotated away from — is STALE_DISTRIBUTION and changes nothing (§15.5).
 */
export function acceptDistribution(
  chains: readonly ReceivedSenderChain[],
  d: SenderKeyDistribution,
): ReceivedSenderChain[] {
  const newest = chains.reduce((e, c) => Math.max(e, c.epoch), 0);
  if (chains.length > 0 && d.epoch <= newest)
    throw new ProtocolError(
      'STALE_DISTRIBUTION',
      `sender-key distribution of epoch ${d.epoch} is not newer than the held epoch ${newest} (PROTOCOL.md §15.5)`,
    );
  const chain: ReceivedSenderChain = {
    chainId: d.chainId,
    epoch: d.epoch,
    iteration: d.iteration,
    chainKey: d.chainKey,
    headerKey: d.headerKey,
    signingKey: d.signingKey,
    skipped: [],
  };
  return [chain, ...chains].slice(0, MAX_SENDER_CHAINS);
}
