/**
 * pqmsg v2 post-quantum ratchet constants: chunk and message sizes, payload layouts, KDF labels
 * and bounds. docs/PROTOCOL.md §5.12 is the normative text for every value.
 * ML-KEM Braid rev. 1 (signal.org/docs/specifications/mlkembraid) and Signal's SPQR
 * (`SparsePostQuantumRatchet`): the labels are pqmsg's, the structure theirs.
 * Side channels: constants only.
 */
import { utf8 } from '../../util/bytes.ts';

/**
 * Bytes of payload per chunk. 48 B (24 GF(2¹⁶) symbols) keeps the PQ message at 59 bytes (≤ 64
 * added per message) while cutting an epoch's longest payload, the 1152-byte ek vector, to 24
 * chunks (36 with SPQR's 32 B): every payload of ML-KEM-768 then fills whole chunks except c₂.
 */
export const PQ_CHUNK_BYTES = 48;

/** The PQ message inside every header: epoch u32 ‖ counter u32 ‖ kind u8 ‖ index u16 ‖ chunk. */
export const PQ_MESSAGE_BYTES = 4 + 4 + 1 + 2 + PQ_CHUNK_BYTES;

/** What a PQ message's chunk carries. */
export const CHUNK_KIND = Object.freeze({
  /** No chunk (index 0, chunk all zero): nothing to send in this phase. */
  NONE: 0,
  /** ρ ‖ H(ek) ‖ MAC (96 B, 2 chunks), from the keyholder. */
  EK_HEADER: 1,
  /** ByteEncode₁₂(t̂) (1152 B, 24 chunks), from the keyholder. */
  EK_VECTOR: 2,
  /** c₁ (960 B, 20 chunks), from the encapsulator. */
  CT1: 3,
  /** c₂ ‖ MAC (160 B, 4 chunks), from the encapsulator. */
  CT2: 4,
});
export type ChunkKind = (typeof CHUNK_KIND)[keyof typeof CHUNK_KIND];

/** HMAC-SHA256 tags on the ek header and the ciphertext (not truncated). */
export const MAC_BYTES = 32;
/** Epoch secrets, chain keys, roots and PQ message keys. */
export const PQ_KEY_BYTES = 32;

/** Payload sizes in bytes, by chunk kind (ML-KEM-768: FIPS 203 §8 Table 3). */
export const PAYLOAD_BYTES: Readonly<Record<number, number>> = Object.freeze({
  [CHUNK_KIND.EK_HEADER]: 64 + MAC_BYTES,
  [CHUNK_KIND.EK_VECTOR]: 1152,
  [CHUNK_KIND.CT1]: 960,
  [CHUNK_KIND.CT2]: 128 + MAC_BYTES,
});

/** SK ‖ … → RK₀ ‖ PQ₀: splits the PQXDH root key between the two ratchets. */
export const TRIPLE_RATCHET_INIT_INFO = utf8('pqmsg v2 triple ratchet init');
/** PQ₀ → root ‖ A→B chain ‖ B→A chain of epoch 0. */
export const CHAIN_START_INFO = utf8('pqmsg v2 pq chain start');
/** PQ₀ → authenticator root ‖ MAC key of epoch 0. */
export const AUTH_START_INFO = utf8('pqmsg v2 pq auth start');
/** ML-KEM shared secret → epoch secret (‖ u32 epoch). */
export const EPOCH_SECRET_INFO = utf8('pqmsg v2 pq epoch secret');
/** authenticator root ‖ epoch secret → authenticator root′ ‖ MAC key (‖ u32 epoch). */
export const AUTH_UPDATE_INFO = utf8('pqmsg v2 pq auth update');
/** root, epoch secret → root′ ‖ A→B chain ‖ B→A chain (‖ u32 epoch). */
export const ADD_EPOCH_INFO = utf8('pqmsg v2 pq chain add epoch');
/** HMAC(chain key, this ‖ u32 counter ‖ 0x01 / 0x02) → PQ message key / next chain key. */
export const CHAIN_NEXT_INFO = utf8('pqmsg v2 pq chain next');
/** MAC label over u32 epoch ‖ ρ ‖ H(ek). */
export const MAC_EK_HEADER_LABEL = utf8('pqmsg v2 pq ek header');
/** MAC label over u32 epoch ‖ c₁ ‖ c₂. */
export const MAC_CIPHERTEXT_LABEL = utf8('pqmsg v2 pq ciphertext');

/** Most PQ message keys one message may make the receiver derive on one chain. */
export const MAX_PQ_SKIP = 1000;
/** Most skipped PQ message keys kept in total (over the ≤ 2 receiving chains). */
export const MAX_PQ_SKIPPED_KEYS = 2000;
/** Receiving chains kept: the current epoch's and the previous one's. */
export const MAX_PQ_RECV_CHAINS = 2;
/** Largest counter a PQ chain may use (u32, as the Double Ratchet's, leaving room for +1). */
export const MAX_PQ_COUNTER = 0xfffffffe;
