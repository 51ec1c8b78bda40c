/**
 * The sender-key distribution message (docs/PROTOCOL.md §15.5), after Signal's
 * SenderKeyDistributionMessage (libsignal `protocol.rs`): a member device hands its current chain
 * — group id, epoch, chain id, iteration, chain key and public signing key — to each other member
 * device over their PAIRWISE session, so it is end-to-end encrypted and authenticated as coming
 * from that device by the session itself (its post-quantum confidentiality is the session's).
 *   distribution = version ‖ groupId (16) ‖ u32 epoch ‖ u32 chainId ‖ u32 iteration ‖ CK (32)
 *                  ‖ 0x21 ‖ Ed25519 key (32) ‖ 0x22 ‖ ML-DSA-65 key (1952)
 * Side channels: the chain key is copied, never branched on; ids and epochs are public.
 */
import { expectLength } from '../../util/bytes.ts';
import { ProtocolError } from '../../util/errors.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { PROTOCOL_VERSION } from '../constants.ts';
import { expectVersion } from '../identity.ts';
import { CHAIN_KEY_BYTES, GROUP_ID_BYTES, MAX_SENDER_CHAINS } from './constants.ts';
import {
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
  readonly signingKey: SigningKeyPublic;
}

/** The distribution message of this device's current chain, at its current iteration. */
export function distributionOf(groupId: Uint8Array, chain: OwnSenderChain): SenderKeyDistribution {
  return {
    groupId,
    epoch: chain.epoch,
    chainId: chain.chainId,
    iteration: chain.iteration,
    chainKey: chain.chainKey,
    signingKey: chain.signing.publicKey,
  };
}

/** Encodes a distribution message (§15.5). */
export function encodeDistribution(d: SenderKeyDistribution): Uint8Array {
  expectLength(d.groupId, GROUP_ID_BYTES, 'group id');
  expectLength(d.chainKey, CHAIN_KEY_BYTES, 'chain key');
  const w = new Writer().u8(PROTOCOL_VERSION).fixed(d.groupId).u32(d.epoch).u32(d.chainId).u32(d.iteration);
  return writeSigningKeyPublic(w.fixed(d.chainKey), d.signingKey).finish();
}

/** Decodes a distribution message strictly (version, tags, lengths, no trailing bytes). */
export function decodeDistribution(bytes: Uint8Array): SenderKeyDistribution {
  const r = new Reader(bytes, 'sender-key distribution');
  expectVersion(r.u8(), 'sender-key distribution');
  const groupId = r.fixed(GROUP_ID_BYTES);
  const epoch = r.u32();
  const chainId = r.u32();
  const iteration = r.u32();
  const chainKey = r.fixed(CHAIN_KEY_BYTES);
  const signingKey = readSigningKeyPublic(r);
  r.end();
  return { groupId, epoch, chainId, iteration, chainKey, signingKey };
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
    signingKey: d.signingKey,
    skipped: [],
  };
  return [chain, ...chains].slice(0, MAX_SENDER_CHAINS);
}
