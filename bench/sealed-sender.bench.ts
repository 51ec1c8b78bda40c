/**
 * Sealed-sender benchmarks (issue 13, PROTOCOL.md §13): seal and open of a sealed envelope around
 * a 1 KiB ratchet message, next to the unsealed path (ratchet encrypt / decrypt on the same
 * session), and the budget the issue sets — one ML-KEM-768 Encaps plus one X25519 — measured in the
 * same process. Lines: 'pqmsg' (the default suite), 'noble-suite' (the same code on @noble/*), and
 * for the send/receive comparisons 'unsealed' (the ratchet alone) and 'budget: …'.
 * Bytes added per message are printed once (they do not vary from run to run).
 */
import { verifyBundle } from '../src/protocol/bundle.ts';
import { ENVELOPE_TYPE, PREKEY_ROLE } from '../src/protocol/constants.ts';
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { decodeEnvelope, encodeEnvelope } from '../src/protocol/envelope.ts';
import { generatePreKey, publicPreKey } from '../src/protocol/prekeys.ts';
import { generateIdentity } from '../src/protocol/identity.ts';
import { issueSenderCertificate } from '../src/protocol/sealed-sender/certificate.ts';
import { sealEnvelope, unsealEnvelope } from '../src/protocol/sealed-sender/seal.ts';
import {
  generateSealedKey,
  publicSealedKey,
  verifySealedKey,
} from '../src/protocol/sealed-sender/sealed-key.ts';
import { openSealed } from '../src/protocol/sealed-sender/sealed-session.ts';
import {
  decryptMessage,
  encryptMessage,
  initiateSession,
  readPreKeyMessage,
  respondToPreKeyMessage,
  type Session,
} from '../src/protocol/session.ts';
import type { Suite } from '../src/protocol/suite.ts';
import { defaultRandom } from '../src/util/random.ts';
import { nobleSuite } from '../test/helpers/noble-suite.ts';
import { fixedInput, type BenchCase } from './harness.ts';

const KIB = 1024;
const NOW = Date.UTC(2026, 0, 1);
const KIB_MESSAGE = fixedInput(KIB);

/** Alice and Bob after a first message and a reply; a MESSAGE from Alice that Bob opens. */
function establishedPair(suite: Suite, message: Uint8Array) {
  const rnd = defaultRandom;
  const alice = generateIdentity(suite, rnd);
  const bob = generateIdentity(suite, rnd);
  const spk = generatePreKey(suite, bob, PREKEY_ROLE.SIGNED, 1, NOW, rnd);
  const pqspk = generatePreKey(suite, bob, PREKEY_ROLE.KEM_LAST_RESORT, 1, NOW, rnd);
  const bundle = {
    identity: bob.publicKey,
    signedPreKey: publicPreKey(spk),
    kemPreKey: publicPreKey(pqspk),
  };
  let a: Session = initiateSession(suite, alice, verifyBundle(suite, bundle, NOW), rnd);
  let out = encryptMessage(suite, a, message, rnd);
  a = out.session;
  const keys = { signedPreKey: spk.keyPair, kemPreKey: pqspk.keyPair };
  const first = readPreKeyMessage(out.envelope);
  let b = respondToPreKeyMessage(suite, bob, first, keys, rnd).session;
  out = encryptMessage(suite, b, message, rnd);
  b = out.session;
  a = decryptMessage(suite, a, out.envelope, rnd).session;
  const next = encryptMessage(suite, a, message, rnd);
  b = decryptMessage(suite, b, next.envelope, rnd).session;
  const second = encryptMessage(suite, next.session, message, rnd);
  return { alice, bob, sender: next.session, receiver: b, inFlight: second.envelope };
}

/** The seal/open/send/receive closures for `suite`, around messages of plaintext `message`. */
export function setup(suite: Suite, message: Uint8Array = KIB_MESSAGE) {
  const rnd = defaultRandom;
  const server = generateIdentity(suite, rnd);
  const { alice, bob, sender, receiver, inFlight } = establishedPair(suite, message);
  const sealedKey = generateSealedKey(suite, bob, 1, NOW, rnd);
  const recipient = {
    identity: bob.publicKey,
    sealedKey: verifySealedKey(suite, bob.publicKey, publicSealedKey(sealedKey), NOW),
  };
  const subject = { username: 'alice', deviceId: 1, identity: alice.publicKey };
  const certificate = issueSenderCertificate(suite, server, subject, NOW, rnd);
  const keys = () => sealedKey;
  const content = { certificate, envelope: encodeEnvelope(inFlight) };
  const sealed = sealEnvelope(suite, recipient, content, rnd);

  const seal = () => sealEnvelope(suite, recipient, content, rnd);
  const unseal = () => unsealEnvelope(suite, bob, keys, sealed);
  const open = () => openSealed(suite, bob, keys, server.publicKey, sealed, NOW);
  const cache = new Set<string>();
  const openCached = () =>
    openSealed(suite, bob, keys, server.publicKey, sealed, NOW, undefined, cache);
  /** Pure send from a fixed session: ratchet encrypt, then (sealed) seal. */
  const encrypt = (s: Session) => encodeEnvelope(encryptMessage(suite, s, message, rnd).envelope);
  const sendUnsealed = () => encrypt(sender);
  const sendSealed = () =>
    sealEnvelope(suite, recipient, { certificate, envelope: encrypt(sender) }, rnd);
  /** Pure receive on a fixed session: (sealed) open + certificate check, then ratchet decrypt. */
  const receiveUnsealed = () =>
    decryptMessage(suite, receiver, decodeEnvelope(content.envelope), rnd).plaintext;
  const receiveSealed = () => {
    const opened = openSealed(suite, bob, keys, server.publicKey, sealed, NOW);
    return decryptMessage(suite, receiver, opened.envelope, rnd).plaintext;
  };
  const receiveSealedCached = () => {
    const opened = openCached();
    return decryptMessage(suite, receiver, opened.envelope, rnd).plaintext;
  };
  /** The issue's budget: one ML-KEM-768 Encaps and one X25519 (a DH; keygen separately). */
  const m = fixedInput(32, 3);
  const eSecret = fixedInput(32, 4);
  const budgetEncapsDh = () => {
    suite.kem.encapsulate(recipient.sealedKey.publicKey, m);
    return suite.dh.getSharedSecret(eSecret, bob.publicKey.dhKey);
  };
  const budgetEncapsKeygenDh = () => {
    suite.kem.encapsulate(recipient.sealedKey.publicKey, m);
    suite.dh.keygen(eSecret);
    return suite.dh.getSharedSecret(eSecret, bob.publicKey.dhKey);
  };
  const sizes = { unsealed: content.envelope.length, sealed: sealed.length };
  return {
    seal, unseal, open, openCached, sendUnsealed, sendSealed, receiveUnsealed, receiveSealed,
    receiveSealedCached,
    budgetEncapsDh, budgetEncapsKeygenDh, sizes,
  };
}

export async function cases(): Promise<BenchCase[]> {
  const ours = setup(defaultSuite);
  const noble = setup(nobleSuite);
  const empty = encodeEnvelope({ type: ENVELOPE_TYPE.MESSAGE, message: new Uint8Array(0) });
  console.log(
    `sealed sender · bytes per 1 KiB message: unsealed ${ours.sizes.unsealed}, ` +
      `sealed ${ours.sizes.sealed}, added ${ours.sizes.sealed - ours.sizes.unsealed} ` +
      `(inner envelope framing alone: ${empty.length})\n`,
  );
  return [
    {
      area: 'sealed-sender',
      op: 'seal (X25519 keygen + DH, ML-KEM-768 Encaps, HKDF, pad, AEAD)',
      size: KIB,
      impls: { pqmsg: ours.seal, 'noble-suite': noble.seal },
    },
    {
      area: 'sealed-sender',
      op: 'unseal (DH, ML-KEM-768 Decaps, HKDF, AEAD, unpad; no certificate check)',
      size: KIB,
      impls: { pqmsg: ours.unseal, 'noble-suite': noble.unseal },
    },
    {
      area: 'sealed-sender',
      op: 'open = unseal + certificate check (Ed25519 + ML-DSA-65 verify)',
      size: KIB,
      impls: {
        pqmsg: ours.open,
        'noble-suite': noble.open,
        'certificate cached': ours.openCached,
      },
    },
    {
      area: 'sealed-sender',
      op: 'send: ratchet encrypt + seal, against ratchet encrypt alone and the budget',
      size: KIB,
      impls: {
        pqmsg: ours.sendSealed,
        unsealed: ours.sendUnsealed,
        'budget: Encaps + X25519': ours.budgetEncapsDh,
        'Encaps + X25519 keygen + DH': ours.budgetEncapsKeygenDh,
      },
    },
    {
      area: 'sealed-sender',
      op: 'receive: open + ratchet decrypt, against ratchet decrypt alone',
      size: KIB,
      impls: {
        pqmsg: ours.receiveSealed,
        'certificate cached': ours.receiveSealedCached,
        unsealed: ours.receiveUnsealed,
      },
    },
  ];
}
