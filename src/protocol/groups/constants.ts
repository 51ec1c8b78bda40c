/**
 * Constants of pqmsg groups (docs/PROTOCOL.md §15): sizes, KDF inputs, signature labels and the
 * bounds on skipped keys and kept chains. The chain KDF inputs are those of Signal's Sender Keys
 * (libsignal `sender_keys.rs`: HMAC-SHA256(CK, 0x01) seed, HMAC-SHA256(CK, 0x02) next chain key).
 * Side channels: constants only.
 */
import { utf8 } from '../../util/bytes.ts';

/** Random group identifier (PROTOCOL.md §15.1). */
export const GROUP_ID_BYTES = 16;

/** Sender chain key CK (PROTOCOL.md §15.2). */
export const CHAIN_KEY_BYTES = 32;

/** Byte after the version byte of a group message: disjoint from the §6.1 envelope types. */
export const GROUP_MESSAGE_TYPE = 0x10;

/**
 * Version byte of the sealed group message and of the distribution carrying its header key
 * (PROTOCOL.md §15.4, §15.5). Version 0x01 (header in clear, no header key) is refused.
 */
export const GROUP_FORMAT_VERSION = 0x02;

/** KDF_CK inputs (PROTOCOL.md §15.2): message-key seed and next chain key. */
export const SENDER_MESSAGE_KEY_SEED = Uint8Array.of(0x01);
export const SENDER_CHAIN_KEY_SEED = Uint8Array.of(0x02);

/** HKDF info expanding a message-key seed into a ChaCha20-Poly1305 key and nonce (§15.2). */
export const GROUP_MESSAGE_KEYS_INFO = utf8('pqmsg v1 group message keys');

/** HKDF salt of the message keys: 32 zero bytes (RFC 5869 §2.2 default, made explicit). */
export const GROUP_MESSAGE_KEYS_SALT = new Uint8Array(32);

/** AEAD key ‖ nonce expanded per message (RFC 8439: 32-byte key, 12-byte nonce). */
export const GROUP_AEAD_KEY_BYTES = 32;
export const GROUP_AEAD_NONCE_BYTES = 12;
/** Poly1305 tag of both group AEADs (RFC 8439 §2.8). */
export const GROUP_AEAD_TAG_BYTES = 16;

/** Hybrid-signature labels (PROTOCOL.md §2.3 domain separation) of group messages and changes. */
export const SIGNATURE_LABEL_GROUP_MESSAGE = 'pqmsg v1 group message';
export const SIGNATURE_LABEL_GROUP_CHANGE = 'pqmsg v1 group change';
export const SIGNATURE_LABEL_SENDER_KEY = 'pqmsg v1 sender key';
export const SIGNATURE_LABEL_GROUP_ROSTER = 'pqmsg v1 group roster';

/**
 * Skipped-key bound per sender chain (PROTOCOL.md §15.3): a message may be at most this many
 * iterations ahead of its chain (else TOO_MANY_SKIPPED), and at most this many skipped message
 * keys are kept per chain (the oldest is evicted). Signal keeps 2000 (MAX_MESSAGE_KEYS).
 */
export const MAX_GROUP_SKIP = 1000;

/**
 * Chains kept per sender device (the newest ones): late messages on a chain its sender has since
 * rotated still decrypt. Signal keeps 5 (MAX_SENDER_KEY_STATES).
 */
export const MAX_SENDER_CHAINS = 5;

/** Most member users of one group, and the longest group name (UTF-8 bytes). */
export const MAX_GROUP_MEMBERS = 1000;
export const MAX_GROUP_NAME_BYTES = 64;

/** Longest member user name or device address carried in a group encoding (UTF-8 bytes). */
export const MAX_MEMBER_NAME_BYTES = 64;

/** Per-chain header key HK (XChaCha20-Poly1305, PROTOCOL.md §15.4) and the header's random nonce. */
export const HEADER_KEY_BYTES = 32;
export const GROUP_HEADER_NONCE_BYTES = 24;

/**
 * The group header plaintext, fixed-size so that its sealed length says nothing of the sender:
 * groupId (16) ‖ u32 chainId ‖ u32 iteration ‖ u8 len ‖ sender address padded with zeros to 64.
 */
export const GROUP_HEADER_BYTES = GROUP_ID_BYTES + 4 + 4 + 1 + MAX_MEMBER_NAME_BYTES;
/** The sealed header: GROUP_HEADER_BYTES + the Poly1305 tag. */
export const SEALED_GROUP_HEADER_BYTES = GROUP_HEADER_BYTES + GROUP_AEAD_TAG_BYTES;

/** Format version of a stored group state (group-state-codec.ts); 2 adds the header keys. */
export const GROUP_STATE_VERSION = 2;
