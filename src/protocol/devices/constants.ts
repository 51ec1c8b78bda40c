/**
 * Multi-device constants: version bytes, the device-list signature label, the link-channel KDF
 * info, and the limits of both formats. docs/PROTOCOL.md §14 is the normative text for every value.
 * Model: Signal's Sesame (signal.org/docs/specifications/sesame, rev. 2, 2017) for per-device
 * sessions, and Signal's device provisioning for linking, made hybrid (X25519 + ML-KEM-768).
 * Side channels: constants only.
 */
import { utf8 } from '../../util/bytes.ts';
import { SIZES } from '../constants.ts';

/** Version byte of the device list, the link request, the link response and the account data. */
export const DEVICES_VERSION = 1;

/** The primary device: it signs the account's device list (PROTOCOL.md §14.1). */
export const PRIMARY_DEVICE_ID = 1;

/** Hybrid-signature label of a device list (PROTOCOL.md §2.3, §14.1). */
export const SIGNATURE_LABEL_DEVICE_LIST = 'pqmsg v1 device list';

/** HKDF info prefix of the link channel; the transcript hash TH follows it (§14.3). */
export const LINK_INFO = utf8('pqmsg_v1_link_X25519_ML-KEM-768_SHA-256');

/** Most devices one account may list (Signal allows a primary and five linked devices). */
export const MAX_DEVICES = 6;

/** Largest device id: ids are u32 on the wire, but small positive numbers in practice. */
export const MAX_DEVICE_ID = 0x7fffffff;

/** Longest username in a device list or account data, in UTF-8 bytes (the server's limit). */
export const MAX_DEVICES_USERNAME_BYTES = 32;

/** Rendezvous id the provisioning relay assigns to a link request, in bytes (§14.2). */
export const RENDEZVOUS_ID_BYTES = 16;

/** Link code = rendezvous id ‖ SHA-256 commitment to the link request (§14.2). */
export const LINK_CODE_BYTES = RENDEZVOUS_ID_BYTES + SIZES.HASH;

/** Most contacts carried in one account-data message (§14.4). */
export const MAX_LINK_CONTACTS = 4096;

/** Bound on the sealed account data, in bytes. */
export const MAX_ACCOUNT_DATA_BYTES = 4 << 20;
