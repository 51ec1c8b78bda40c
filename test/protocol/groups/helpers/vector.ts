/**
 * The committed group-message vector (test/vectors/group-message.json, PROTOCOL.md §15.10):
 * deterministic randomness (det-rng.ts, label "pqmsg group vector") drives alice's identity, her
 * create change for group "friends" with bob, her first sender chain and its distribution, and
 * her first (sealed) group message; bob's side applies the change and the distribution and
 * decrypts. Every intermediate value of the §15.2 key schedule, the header key and the opened
 * header and body are recorded.
 */
import { resolve } from 'node:path';
import { encodeIdentityPublic, generateIdentity } from '../../../../src/protocol/identity.ts';
import { decodeDistribution, distributionOf, encodeDistribution } from '../../../../src/protocol/groups/distribution.ts';
import { createGroup, decryptGroupMessage, encryptGroupMessage, receiveChange, receiveDistribution } from '../../../../src/protocol/groups/group-state.ts';
import { decodeGroupChange, encodeGroupChange } from '../../../../src/protocol/groups/membership.ts';
import { encodeGroupHeader } from '../../../../src/protocol/groups/group-header.ts';
import { decodeGroupMessage, groupMessageKeys, kdfSenderChain } from '../../../../src/protocol/groups/sender-key.ts';
import { HYBRID_SIGNATURE_BYTES } from '../../../../src/protocol/constants.ts';
import type { Suite } from '../../../../src/protocol/suite.ts';
import { toHex, utf8 } from '../../../../src/util/bytes.ts';
import { detRandom } from '../../helpers/det-rng.ts';

export const VECTOR_FILE = resolve(__dirname, '../../../vectors/group-message.json');

export interface GroupVector {
  readonly label: string;
  readonly alice: { readonly address: string; readonly identity: string };
  readonly bob: { readonly address: string; readonly identity: string };
  readonly change: string;
  readonly distribution: string;
  readonly chain: {
    readonly chainId: number;
    readonly CK0: string;
    readonly HK: string;
    readonly seed0: string;
    readonly CK1: string;
    readonly key0: string;
    readonly nonce0: string;
  };
  readonly plaintext: string;
  readonly message: {
    /** The 89-byte header before sealing. */
    readonly header: string;
    readonly headerNonce: string;
    readonly sealedHeader: string;
    readonly body: string;
    /** The signature inside the body (after the content). */
    readonly signature: string;
    readonly encoded: string;
  };
  readonly bobDecrypts: { readonly sender: string; readonly plaintext: string };
}

export function makeGroupVector(suite: Suite): GroupVector {
  const rnd = detRandom('pqmsg group vector');
  const alice = generateIdentity(suite, rnd);
  const bob = generateIdentity(suite, rnd);
  const created = createGroup(suite, alice, 'alice.1', 'friends', ['bob'], rnd);
  const own = created.state.own!;
  const distribution = encodeDistribution(distributionOf(suite, alice, created.state.membership.groupId, own, rnd));
  const { seed, next } = kdfSenderChain(suite, own.chainKey);
  const { key, nonce } = groupMessageKeys(suite, seed);
  const plaintext = utf8('hello group');
  const sent = encryptGroupMessage(suite, created.state, plaintext, rnd);
  const m = decodeGroupMessage(sent.message);
  const inner = suite.aead.open(key, nonce, m.body, m.prefix);
  const header = encodeGroupHeader({ groupId: created.state.membership.groupId, sender: 'alice.1', chainId: own.chainId, iteration: 0 });
  const change = encodeGroupChange(created.change);
  let atBob = receiveChange(suite, undefined, 'bob.1', decodeGroupChange(change), alice.publicKey, rnd).state;
  atBob = receiveDistribution(suite, atBob, 'alice.1', alice.publicKey, decodeDistribution(distribution));
  const opened = decryptGroupMessage(suite, atBob, m);
  return {
    label: 'pqmsg group vector',
    alice: { address: 'alice.1', identity: toHex(encodeIdentityPublic(alice.publicKey)) },
    bob: { address: 'bob.1', identity: toHex(encodeIdentityPublic(bob.publicKey)) },
    change: toHex(change),
    distribution: toHex(distribution),
    chain: {
      chainId: own.chainId,
      CK0: toHex(own.chainKey),
      HK: toHex(own.headerKey),
      seed0: toHex(seed),
      CK1: toHex(next),
      key0: toHex(key),
      nonce0: toHex(nonce),
    },
    plaintext: toHex(plaintext),
    message: {
      header: toHex(header),
      headerNonce: toHex(m.nonce),
      sealedHeader: toHex(m.sealedHeader),
      body: toHex(m.body),
      signature: toHex(inner.subarray(inner.length - HYBRID_SIGNATURE_BYTES)),
      encoded: toHex(sent.message),
    },
    bobDecrypts: { sender: opened.sender, plaintext: toHex(opened.plaintext) },
  };
}
