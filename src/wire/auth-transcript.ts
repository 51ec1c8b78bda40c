/**
 * What a device signs to register and to authenticate a connection (docs/SERVER.md §3). Both are
 * hybrid-signed (PROTOCOL.md §2.3) under their own label, so neither can be replayed as the other
 * or as a prekey signature, and both bind the server (hash of its identity) and the connection
 * (the server's fresh challenge), so a signature is good for one connection to one server only.
 *   RegisterTranscript = 0x01 ‖ SHA-256(ServerIdentity) ‖ challenge (32) ‖ Address ‖ Identity_device
 *   AuthTranscript     = 0x01 ‖ SHA-256(ServerIdentity) ‖ challenge (32) ‖ Address
 * Address = bytes(username) ‖ u32 deviceId (address.ts). The caller hashes the server identity.
 * Side channels: public data only.
 */
import { expectLength } from '../util/bytes.ts';
import { Writer } from './codec.ts';
import { writeAddress, type Address } from './address.ts';
import { CHALLENGE_BYTES } from './frame-constants.ts';

/** Hybrid-signature label of the registration transcript. */
export const SIGNATURE_LABEL_REGISTER = 'pqmsg v1 server register';
/** Hybrid-signature label of the connection-authentication transcript. */
export const SIGNATURE_LABEL_AUTH = 'pqmsg v1 server auth';

const TRANSCRIPT_VERSION = 1;

/** The message under a registration signature: it claims `address` for `identity` on this server. */
export function registerTranscript(
  serverIdentityHash: Uint8Array,
  challenge: Uint8Array,
  address: Address,
  identity: Uint8Array,
): Uint8Array {
  return prefix(serverIdentityHash, challenge, address).fixed(identity).finish();
}

/** The message under an authentication signature: this connection belongs to `address`. */
export function authTranscript(
  serverIdentityHash: Uint8Array,
  challenge: Uint8Array,
  address: Address,
): Uint8Array {
  return prefix(serverIdentityHash, challenge, address).finish();
}

function prefix(serverIdentityHash: Uint8Array, challenge: Uint8Array, address: Address): Writer {
  expectLength(serverIdentityHash, 32, 'server identity hash');
  expectLength(challenge, CHALLENGE_BYTES, 'challenge');
  const w = new Writer().u8(TRANSCRIPT_VERSION).fixed(serverIdentityHash).fixed(challenge);
  return writeAddress(w, address);
}
