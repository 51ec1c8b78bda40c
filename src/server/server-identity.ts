/**
 * The server's persistent identity: a hybrid identity (PROTOCOL.md §2.2: X25519, Ed25519 and
 * ML-DSA-65 keys) generated on first start and kept in the store. Devices bind their registration
 * and authentication signatures to SHA-256 of its public encoding (docs/SERVER.md §3), so a
 * signature made for one server is worthless at another. It signs sender certificates
 * (PROTOCOL.md §13.2), so the decoded key pair stays in memory until `close` wipes it.
 * Side channels: the secret seeds are only passed to key generation and signing, then wiped.
 */
import { wipe } from '../util/ct.ts';
import { toHex } from '../util/bytes.ts';
import type { RandomSource } from '../util/random.ts';
import {
  type IdentityKeyPair,
  decodeIdentitySecret,
  encodeIdentityPublic,
  encodeIdentitySecret,
  generateIdentity,
} from '../protocol/identity.ts';
import type { Suite } from '../protocol/suite.ts';
import {
  encodeSenderCertificate,
  issueSenderCertificate,
  type CertificateSubject,
} from '../protocol/sealed-sender/certificate.ts';
import type { ServerStore } from './store.ts';

export interface ServerIdentity {
  /** Public identity, PROTOCOL.md §2.2 encoding (2020 bytes), sent in every CHALLENGE push. */
  readonly publicKey: Uint8Array;
  /** SHA-256(publicKey): the value under every auth and registration transcript. */
  readonly hash: Uint8Array;
  /** First 8 bytes of the hash in hex, for logs. */
  readonly fingerprint: string;
  /** Issues a 24 h sender certificate for `subject` at `now` (PROTOCOL.md §13.2), encoded. */
  issueCertificate(subject: CertificateSubject, now: number): Uint8Array;
  /** Wipes the secret keys (server shutdown); signing afterwards is a bug. */
  close(): void;
}

function wipeIdentity(id: IdentityKeyPair): void {
  wipe(id.seeds.dh, id.seeds.classical, id.seeds.pq, id.dh.secretKey, id.sigClassical.secretKey, id.sigPQ.secretKey);
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
  wipeIdentity(fresh);
  wipe(candidate, stored);
  const hash = suite.sha256(publicKey);
  let closed = false;
  return {
    publicKey,
    hash,
    fingerprint: toHex(hash.subarray(0, 8)),
    issueCertificate(subject, now) {
      if (closed) throw new Error('server identity: used after close');
      return encodeSenderCertificate(issueSenderCertificate(suite, identity, subject, now, random));
    },
    close() {
      closed = true;
      wipeIdentity(identity);
    },
  };
}
