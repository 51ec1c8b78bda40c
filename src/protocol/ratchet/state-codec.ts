/**
 * Versioned binary serialization of a RatchetState, with an exact round trip, and its wipe.
 * Layout (docs/PROTOCOL.md, "State serialization"): version ‖ flags ‖ DHs ‖ [DHr] ‖ RK ‖
 * [CKs] ‖ [CKr] ‖ Ns ‖ Nr ‖ PN ‖ [HKs] ‖ [HKr] ‖ NHKs ‖ NHKr ‖ MKSKIPPED, in the order of
 * Double Ratchet rev. 1 §4.3; integers are big-endian. The decoder accepts exactly the states the
 * ratchet can reach: known flags, bounded and ordered skipped keys, no trailing bytes.
 * Side channels: secrets are copied, never branched on. The output holds every secret of the
 * session: store it encrypted at rest, and wipe the bytes when done.
 */
import { Reader, Writer } from '../../wire/codec.ts';
import { expectBytes, expectLength } from '../../util/bytes.ts';
import { DecodeError } from '../../util/errors.ts';
import { DEFAULT_LIMITS, DH_PUBLIC_BYTES, KEY_BYTES, RATCHET_STATE_VERSION } from './constants.ts';
import type { SkippedKeys } from './skipped-keys.ts';
import type { RatchetState } from './state.ts';
import { readPqState, writePqState } from '../pq-ratchet/state-codec.ts';

export { wipeRatchetState } from './state.ts';

/** X25519 secret keys are 32 bytes (RFC 7748 §5). */
const DH_SECRET_BYTES = 32;

const FLAG_DH_RECV = 0x01; // DHr present
const FLAG_SENDING = 0x02; // CKs and HKs present
const FLAG_RECEIVING = 0x04; // CKr and HKr present
const KNOWN_FLAGS = FLAG_DH_RECV | FLAG_SENDING | FLAG_RECEIVING;

/**
 * Serializes a state; throws (BAD_LENGTH, BAD_VALUE) on a state the ratchet cannot produce.
 * Double Ratchet rev. 1 §4.3 (State variables), in the layout of docs/PROTOCOL.md §5.11.
 */
export function encodeRatchetState(state: Readonly<RatchetState>): Uint8Array {
  const sending = pairPresence(state.chainKeySend, state.headerKeySend, 'sending');
  const receiving = pairPresence(state.chainKeyRecv, state.headerKeyRecv, 'receiving');
  const flags =
    (state.dhRecv !== null ? FLAG_DH_RECV : 0) |
    (sending ? FLAG_SENDING : 0) |
    (receiving ? FLAG_RECEIVING : 0);
  checkFlags(flags, state.skipped.length > 0);
  const w = new Writer().u8(RATCHET_STATE_VERSION).u8(flags);
  w.fixed(key(state.dhSend.secretKey, DH_SECRET_BYTES, 'DHs secret key'));
  w.fixed(key(state.dhSend.publicKey, DH_PUBLIC_BYTES, 'DHs public key'));
  if (state.dhRecv !== null) w.fixed(key(state.dhRecv, DH_PUBLIC_BYTES, 'DHr'));
  w.fixed(key(state.rootKey, KEY_BYTES, 'RK'));
  if (sending) w.fixed(key(state.chainKeySend!, KEY_BYTES, 'CKs'));
  if (receiving) w.fixed(key(state.chainKeyRecv!, KEY_BYTES, 'CKr'));
  w.u32(state.nSend).u32(state.nRecv).u32(state.prevChainLength);
  if (sending) w.fixed(key(state.headerKeySend!, KEY_BYTES, 'HKs'));
  if (receiving) w.fixed(key(state.headerKeyRecv!, KEY_BYTES, 'HKr'));
  w.fixed(key(state.nextHeaderKeySend, KEY_BYTES, 'NHKs'));
  w.fixed(key(state.nextHeaderKeyRecv, KEY_BYTES, 'NHKr'));
  encodeSkipped(w, state.skipped);
  writePqState(w, state.pq);
  return w.finish();
}

/**
 * Parses a serialized state. Double Ratchet rev. 1 §4.3; docs/PROTOCOL.md §5.11.
 * Throws DecodeError: BAD_VERSION (unknown state version), TRUNCATED,
 * TRAILING_BYTES, or BAD_VALUE (unknown flags, inconsistent presence, skipped keys out of bounds
 * or out of order).
 */
export function decodeRatchetState(bytes: Uint8Array): RatchetState {
  expectBytes(bytes, 'decodeRatchetState: bytes');
  const r = new Reader(bytes, 'ratchet state');
  const version = r.u8();
  if (version !== RATCHET_STATE_VERSION)
    throw new DecodeError('BAD_VERSION', `ratchet state: unknown version ${version}`);
  const flags = r.u8();
  if ((flags & ~KNOWN_FLAGS) !== 0)
    throw new DecodeError('BAD_VALUE', `ratchet state: unknown flags ${flags}`);
  const secretKey = r.fixed(DH_SECRET_BYTES);
  const publicKey = r.fixed(DH_PUBLIC_BYTES);
  const dhRecv = flags & FLAG_DH_RECV ? r.fixed(DH_PUBLIC_BYTES) : null;
  const rootKey = r.fixed(KEY_BYTES);
  const chainKeySend = flags & FLAG_SENDING ? r.fixed(KEY_BYTES) : null;
  const chainKeyRecv = flags & FLAG_RECEIVING ? r.fixed(KEY_BYTES) : null;
  const nSend = r.u32();
  const nRecv = r.u32();
  const prevChainLength = r.u32();
  const headerKeySend = flags & FLAG_SENDING ? r.fixed(KEY_BYTES) : null;
  const headerKeyRecv = flags & FLAG_RECEIVING ? r.fixed(KEY_BYTES) : null;
  const nextHeaderKeySend = r.fixed(KEY_BYTES);
  const nextHeaderKeyRecv = r.fixed(KEY_BYTES);
  const skipped = decodeSkipped(r);
  const pq = readPqState(r);
  r.end();
  checkFlags(flags, skipped.length > 0);
  return {
    dhSend: { secretKey, publicKey },
    dhRecv,
    rootKey,
    chainKeySend,
    chainKeyRecv,
    nSend,
    nRecv,
    prevChainLength,
    headerKeySend,
    headerKeyRecv,
    nextHeaderKeySend,
    nextHeaderKeyRecv,
    skipped,
    pq,
  };
}

/** MKSKIPPED: u8 chain count, then per chain HK (32) ‖ u16 key count ‖ (N u32 ‖ mk 32)*. */
function encodeSkipped(w: Writer, skipped: SkippedKeys): void {
  checkSkippedShape(skipped.length, skipped.reduce((t, c) => t + c.keys.size, 0));
  w.u8(skipped.length);
  for (const chain of skipped) {
    if (chain.keys.size === 0)
      throw new DecodeError('BAD_VALUE', 'ratchet state: empty skipped chain');
    w.fixed(key(chain.headerKey, KEY_BYTES, 'skipped HK'));
    w.u16(chain.keys.size);
    let prev = -1;
    for (const [n, mk] of chain.keys) {
      if (!(n > prev))
        throw new DecodeError('BAD_VALUE', 'ratchet state: skipped keys out of order');
      prev = n;
      w.u32(n).fixed(key(mk, KEY_BYTES, 'skipped mk'));
    }
  }
}

function decodeSkipped(r: Reader): SkippedKeys {
  const chains = r.u8();
  checkSkippedShape(chains, 0);
  const skipped: SkippedKeys = [];
  let total = 0;
  for (let c = 0; c < chains; c++) {
    const headerKey = r.fixed(KEY_BYTES);
    const count = r.u16();
    total += count;
    if (count === 0) throw new DecodeError('BAD_VALUE', 'ratchet state: empty skipped chain');
    checkSkippedShape(chains, total);
    const keys = new Map<number, Uint8Array>();
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const n = r.u32();
      if (!(n > prev))
        throw new DecodeError('BAD_VALUE', 'ratchet state: skipped keys out of order');
      prev = n;
      keys.set(n, r.fixed(KEY_BYTES));
    }
    skipped.push({ headerKey, keys });
  }
  return skipped;
}

function checkSkippedShape(chains: number, total: number): void {
  if (chains > DEFAULT_LIMITS.maxSkippedChains)
    throw new DecodeError(
      'BAD_VALUE',
      `ratchet state: ${chains} skipped chains exceed ${DEFAULT_LIMITS.maxSkippedChains}`,
    );
  if (total > DEFAULT_LIMITS.maxSkippedKeys)
    throw new DecodeError(
      'BAD_VALUE',
      `ratchet state: ${total} skipped keys exceed ${DEFAULT_LIMITS.maxSkippedKeys}`,
    );
}

/** Chains need the peer's ratchet key; skipped keys only come from a receiving chain. */
function checkFlags(flags: number, hasSkipped: boolean): void {
  if (flags & (FLAG_SENDING | FLAG_RECEIVING) && !(flags & FLAG_DH_RECV))
    throw new DecodeError('BAD_VALUE', 'ratchet state: a chain without the peer ratchet key');
  if (hasSkipped && !(flags & FLAG_RECEIVING))
    throw new DecodeError('BAD_VALUE', 'ratchet state: skipped keys without a receiving chain');
}

function pairPresence(
  chainKey: Uint8Array | null,
  headerKey: Uint8Array | null,
  which: string,
): boolean {
  if ((chainKey === null) !== (headerKey === null))
    throw new DecodeError(
      'BAD_VALUE',
      `ratchet state: ${which} chain key and header key must be both set or both null`,
    );
  return chainKey !== null;
}

function key(bytes: Uint8Array, length: number, what: string): Uint8Array {
  expectLength(bytes, length, `encodeRatchetState: ${what}`);
  return bytes;
}
