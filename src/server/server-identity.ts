/**
 * The server's persistent identity: a hybrid identity (PROTOCOL.md §2.2: X25519, Ed25519 and
 * ML-DSA-65 keys) generated on first start and kept in the store. Devices bind their registration
 * and authentication signatures to SHA-256 of its public encoding (docs/SERVER.md §3), so a
 * signature made for one server is worthless at another. A later issue signs sender certificates
 * with it; today the server only publishes the public half and holds no secret in memory.
 * Side channels: the secret seeds are only passed to key generation and wiped.
 */
import { wipe } from '../util/ct.ts';
import { toHex } from '../util/bytes.ts';
import type { RandomSource } from '../util/random.ts';
import {
  decodeIdentitySecret,
  encodeIdentityPublic,
  encodeIdentitySecret,
  generateIdentity,
} from '../protocol/identity.ts';
import type { Suite } from '../protocol/suite.ts';
import type { ServerStore } from './store.ts';

export interface ServerIdentity {
  /** Public identity, PROTOCOL.md §2.2 encoding (2020 bytes), sent in every CHALLENGE push. */
  readonly publicKey: Uint8Array;
  /** SHA-256(publicKey): the value under every auth and registration transcript. */
  readonly hash: Uint8Array;
  /** First 8 bytes of the hash in hex, for logs. */
  readonly fingerprint: string;
}

/** Loads the stored identity, generating and storing one on first start (atomically). */
export async function loadServerIdentity(
  store: ServerStore,
  suite: Suite,
  random: RandomSource,
): Promise<ServerIdentity> {
  const fresh = generateIdentity(suite, random);
  const candidate = encodeIdentitySecret(fresh);
  const stored = await store.initServerIdentity(candidate);
  const identity = decodeIdentitySecret(suite, stored);
  const publicKey = encodeIdentityPublic(identity.publicKey);
  for (const id of [fresh, identity])
    wipe(id.seeds.dh, id.seeds.classical, id.seeds.pq, id.dh.secretKey, id.sigClassical.secretKey, id.sigPQ.secretKey);
  wipe(candidate, stored);
  const hash = suite.sha256(publicKey);
  return { publicKey, hash, fingerprint: toHex(hash.subarray(0, 8)) };
}
