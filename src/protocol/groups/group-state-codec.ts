/**
 * Serialization of one device's group state (group-state.ts) for the client's sealed store
 * (docs/PROTOCOL.md §15.8). Secrets: this device's chain key and signing seeds, the received
 * chain keys and skipped seeds; the store seals the whole value (docs/CLIENT.md §3).
 *   state  = 0x02 ‖ bytes(self) ‖ roster ‖ u8 hasPrevious [roster ‖ changeHash (32)]
 *            ‖ u8 hasOwn [u32 chainId ‖ u32 epoch ‖ u32 iteration ‖ CK (32) ‖ HK (32)
 *            ‖ Ed25519 seed (32) ‖ ML-DSA-65 seed (32)] ‖ u16 senders × (bytes(sender) ‖ u8 chains × chain)
 *   roster = groupId (16) ‖ bytes(name) ‖ u32 version ‖ u16 n ‖ n × bytes(member)
 *   chain  = u32 chainId ‖ u32 epoch ‖ u32 iteration ‖ CK (32) ‖ HK (32) ‖ signing key (§15.5)
 *            ‖ u16 k ‖ k × (u32 iteration ‖ seed (32))
 * Version 1 (before header keys) is refused (BAD_VERSION). Decoding derives no key: this
 * device's signing key is derived from its seeds only when it signs, so a receiver can decode
 * every group it is in to find a message's chain (PROTOCOL.md §15.4) at little cost.
 * Side channels: secrets are copied, never branched on; the decoder branches on lengths and tags.
 */
import { DecodeError } from '../../util/errors.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { SIZES } from '../constants.ts';
import {
  CHAIN_KEY_BYTES,
  GROUP_ID_BYTES,
  GROUP_STATE_VERSION,
  HEADER_KEY_BYTES,
  MAX_GROUP_MEMBERS,
  MAX_GROUP_NAME_BYTES,
  MAX_GROUP_SKIP,
  MAX_MEMBER_NAME_BYTES,
  MAX_SENDER_CHAINS,
} from './constants.ts';
import type { GroupState, SenderChains } from './group-state.ts';
import type { Membership, Roster } from './membership.ts';
import {
  readSigningKeyPublic,
  writeSigningKeyPublic,
  type OwnSenderChain,
  type ReceivedSenderChain,
} from './sender-key.ts';
import { decodeUtf8 } from './names.ts';

const enc = new TextEncoder();
const HASH_BYTES = 32;
/** Senders kept per group: every device of every member user, generously bounded. */
const MAX_SENDERS = 16 * MAX_GROUP_MEMBERS;

function writeRoster(w: Writer, r: Roster): Writer {
  w.fixed(r.groupId).bytes(enc.encode(r.name)).u32(r.version).u16(r.members.length);
  for (const m of r.members) w.bytes(enc.encode(m));
  return w;
}

function readRoster(r: Reader): Roster {
  const groupId = r.fixed(GROUP_ID_BYTES);
  const name = decodeUtf8(r.bytes(MAX_GROUP_NAME_BYTES), 'group name');
  const version = r.u32();
  const n = r.u16();
  if (n > MAX_GROUP_MEMBERS) throw new DecodeError('BAD_VALUE', `group state: ${n} members`);
  const members: string[] = [];
  for (let i = 0; i < n; i++) members.push(decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group member'));
  return { groupId, name, version, members };
}

function writeChain(w: Writer, c: ReceivedSenderChain): Writer {
  w.u32(c.chainId).u32(c.epoch).u32(c.iteration).fixed(c.chainKey).fixed(c.headerKey);
  writeSigningKeyPublic(w, c.signingKey).u16(c.skipped.length);
  for (const k of c.skipped) w.u32(k.iteration).fixed(k.seed);
  return w;
}

function readChain(r: Reader): ReceivedSenderChain {
  const chainId = r.u32();
  const epoch = r.u32();
  const iteration = r.u32();
  const chainKey = r.fixed(CHAIN_KEY_BYTES);
  const headerKey = r.fixed(HEADER_KEY_BYTES);
  const signingKey = readSigningKeyPublic(r);
  const k = r.u16();
  if (k > MAX_GROUP_SKIP) throw new DecodeError('BAD_VALUE', `group state: ${k} skipped keys`);
  const skipped = [];
  for (let i = 0; i < k; i++) skipped.push({ iteration: r.u32(), seed: r.fixed(CHAIN_KEY_BYTES) });
  return { chainId, epoch, iteration, chainKey, headerKey, signingKey, skipped };
}

/** Encodes a group state for storage (§15.8). */
export function encodeGroupState(s: GroupState): Uint8Array {
  const w = new Writer().u8(GROUP_STATE_VERSION).bytes(enc.encode(s.self));
  writeRoster(w, s.membership);
  const prev = s.membership.previous;
  w.u8(prev ? 1 : 0);
  if (prev) writeRoster(w, prev.roster).fixed(prev.changeHash);
  w.u8(s.own ? 1 : 0);
  if (s.own) {
    const o = s.own;
    w.u32(o.chainId).u32(o.epoch).u32(o.iteration).fixed(o.chainKey).fixed(o.headerKey);
    w.fixed(o.signingSeeds.classical).fixed(o.signingSeeds.pq);
  }
  w.u16(s.received.length);
  for (const sc of s.received) {
    w.bytes(enc.encode(sc.sender)).u8(sc.chains.length);
    for (const c of sc.chains) writeChain(w, c);
  }
  return w.finish();
}

/** Decodes a stored group state (§15.8) strictly; version 2 only. */
export function decodeGroupState(bytes: Uint8Array): GroupState {
  const r = new Reader(bytes, 'group state');
  const v = r.u8();
  if (v !== GROUP_STATE_VERSION) throw new DecodeError('BAD_VERSION', `group state: unsupported version ${v}`);
  const self = decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group state self');
  const roster = readRoster(r);
  const hasPrev = flag(r.u8());
  const membership: Membership = hasPrev
    ? { ...roster, previous: { roster: readRoster(r), changeHash: r.fixed(HASH_BYTES) } }
    : roster;
  let own: OwnSenderChain | undefined;
  if (flag(r.u8())) {
    const chainId = r.u32();
    const epoch = r.u32();
    const iteration = r.u32();
    const chainKey = r.fixed(CHAIN_KEY_BYTES);
    const headerKey = r.fixed(HEADER_KEY_BYTES);
    const signingSeeds = { classical: r.fixed(SIZES.SEED), pq: r.fixed(SIZES.SEED) };
    own = { chainId, epoch, iteration, chainKey, headerKey, signingSeeds };
  }
  const n = r.u16();
  if (n > MAX_SENDERS) throw new DecodeError('BAD_VALUE', `group state: ${n} senders`);
  const received: SenderChains[] = [];
  for (let i = 0; i < n; i++) {
    const sender = decodeUtf8(r.bytes(MAX_MEMBER_NAME_BYTES), 'group state sender');
    const k = r.u8();
    if (k > MAX_SENDER_CHAINS) throw new DecodeError('BAD_VALUE', `group state: ${k} chains of one sender`);
    const chains = [];
    for (let j = 0; j < k; j++) chains.push(readChain(r));
    received.push({ sender, chains });
  }
  r.end();
  return own ? { membership, self, own, received } : { membership, self, received };
}

function flag(v: number): boolean {
  if (v > 1) throw new DecodeError('BAD_VALUE', `group state: flag ${v}`);
  return v === 1;
}
