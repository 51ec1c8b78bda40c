/**
 * pqmsg v1 Double Ratchet constants: the message version byte, KDF info strings, field sizes and
 * the skipped-message-key bounds. docs/PROTOCOL.md is the normative text for every value.
 * Double Ratchet rev. 1 (Perrin, Marlinspike, 2016-11-20), §4 (header encryption), §5.2
 * (recommended algorithms), §6.4 (deletion of skipped message keys).
 * Side channels: constants only.
 */
import { utf8 } from '../../util/bytes.ts';
import { PQ_MESSAGE_BYTES } from '../pq-ratchet/constants.ts';

/**
 * First byte of every ratchet message; authenticated by both the header and the body AEAD.
 * 0x02 is pqmsg v2, the triple ratchet (the header carries a PQ message); v1 (0x01) is refused.
 */
export const RATCHET_MESSAGE_VERSION = 0x02;

/** First byte of a serialized RatchetState (state-codec.ts); 0x02 adds the PQ ratchet state. */
export const RATCHET_STATE_VERSION = 0x02;

/** KDF_RK_HE info string: HKDF-SHA256(salt = RK, IKM = DH output) → RK′ ‖ CK ‖ NHK. */
export const KDF_RK_INFO = utf8('pqmsg v1 ratchet KDF_RK');

/**
 * Message-key expansion info string: HKDF-SHA256(salt = pq_mk, IKM = mk) → key ‖ nonce, where
 * pq_mk is the post-quantum ratchet's key for the same message (KDF_HYBRID, DR rev. 4 §6).
 */
export const MESSAGE_KEYS_INFO = utf8('pqmsg v2 ratchet message keys');

/** KDF_CK constants (Double Ratchet rev. 1 §5.2): mk = HMAC(ck, 0x01), ck′ = HMAC(ck, 0x02). */
export const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
export const CHAIN_KEY_SEED = Uint8Array.of(0x02);

/** Root, chain, message and header keys are all 32 bytes. */
export const KEY_BYTES = 32;
/** X25519 public key (the ratchet key in the header), RFC 7748 §5. */
export const DH_PUBLIC_BYTES = 32;
/** ChaCha20-Poly1305 nonce (RFC 8439 §2.8), derived from mk. */
export const MESSAGE_NONCE_BYTES = 12;
/** XChaCha20-Poly1305 nonce (draft-irtf-cfrg-xchacha §2), drawn at random for each header. */
export const HEADER_NONCE_BYTES = 24;
/** Poly1305 tag appended by both AEADs. */
export const TAG_BYTES = 16;
/** Plaintext header: DHs public key ‖ PN (u32 BE) ‖ N (u32 BE) ‖ PQ message (59 bytes). */
export const HEADER_BYTES = DH_PUBLIC_BYTES + 4 + 4 + PQ_MESSAGE_BYTES;
/** Encrypted header as it appears on the wire: version ‖ header nonce ‖ sealed header. */
export const ENC_HEADER_BYTES = 1 + HEADER_NONCE_BYTES + HEADER_BYTES + TAG_BYTES;
/** Shortest valid message: an encrypted header and the tag of an empty body. */
export const MIN_MESSAGE_BYTES = ENC_HEADER_BYTES + TAG_BYTES;

/**
 * Largest message number a sender may use. Counters are u32 on the wire; keeping N ≤ 2³² − 2
 * means Ns, Nr and PN (= N + 1 at most) always fit a u32 in the serialized state too.
 */
export const MAX_COUNTER = 0xfffffffe;

/** Bounds on the skipped-message-key store (Double Ratchet rev. 1 §3.5 MAX_SKIP, §6.4). */
export interface RatchetLimits {
  /** Most message keys one header may make the receiver derive and store on one chain. */
  readonly maxSkip: number;
  /** Most skipped message keys kept in total; the oldest are evicted first. */
  readonly maxSkippedKeys: number;
  /** Most distinct header keys (chains) in the store; bounds trial decryptions per message. */
  readonly maxSkippedChains: number;
}

/**
 * The v1 bounds (justified in docs/PROTOCOL.md): a jump of at most 1000 per chain, at most
 * 2000 stored keys over at most 5 chains, so one message costs at most 2000 HMAC chain steps and
 * 7 header trial decryptions, and a session stores at most 2000 skipped message keys.
 */
export const DEFAULT_LIMITS: RatchetLimits = Object.freeze({
  maxSkip: 1000,
  maxSkippedKeys: 2000,
  maxSkippedChains: 5,
});

/** Double Ratchet rev. 1 §3.5: the per-jump bound MAX_SKIP. */
export const MAX_SKIP = DEFAULT_LIMITS.maxSkip;
