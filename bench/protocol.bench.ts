/**
 * Protocol benchmarks (issue #6 item 10): a full handshake — bundle verification (both signature
 * halves on SPK, PQPK and OPK), PQXDH initiate, a first 1 KiB message, PQXDH respond + decrypt —
 * and Double Ratchet encrypt / decrypt of 1 KiB messages. Lines: 'pqmsg' (the default suite),
 * 'noble-suite' (the same protocol code on @noble/* primitives) and, where it loads,
 * 'libsignal (native)': Signal's own PQXDH + Double Ratchet in Rust (bench/libsignal.ts;
 * Kyber-1024 + XEdDSA, AES-CBC + HMAC, so a reference line rather than a like-for-like rival).
 */
import { verifyBundle, type PreKeyBundle } from '../src/protocol/bundle.ts';
import { MAX_ARCHIVED_SESSIONS, PREKEY_ROLE } from '../src/protocol/constants.ts';
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { generateIdentity } from '../src/protocol/identity.ts';
import { generatePreKey, publicPreKey } from '../src/protocol/prekeys.ts';
import {
  decryptMessage,
  encryptMessage,
  initiateSession,
  readPreKeyMessage,
  respondToPreKeyMessage,
  type Session,
} from '../src/protocol/session.ts';
import { decryptWithRecord, type SessionRecord } from '../src/protocol/session-record.ts';
import type { Suite } from '../src/protocol/suite.ts';
import { defaultRandom } from '../src/util/random.ts';
import { nobleSuite } from '../test/helpers/noble-suite.ts';
import type { BenchCase } from './harness.ts';

const KIB = 1024;
const message = new Uint8Array(KIB).fill(0x61);

/** Bob's keys and bundle, Alice's identity, and an established session pair (once per suite). */
function setup(suite: Suite) {
  const rnd = defaultRandom;
  const alice = generateIdentity(suite, rnd);
  const bob = generateIdentity(suite, rnd);
  const spk = generatePreKey(suite, bob, PREKEY_ROLE.SIGNED, 1, 0, rnd);
  const pqopk = generatePreKey(suite, bob, PREKEY_ROLE.KEM_ONE_TIME, 1, 0, rnd);
  const opk = generatePreKey(suite, bob, PREKEY_ROLE.ONE_TIME, 1, 0, rnd);
  const bundle: PreKeyBundle = {
    identity: bob.publicKey,
    signedPreKey: publicPreKey(spk),
    kemPreKey: publicPreKey(pqopk),
    oneTimePreKey: publicPreKey(opk),
  };
  const keys = { signedPreKey: spk.keyPair, kemPreKey: pqopk.keyPair, oneTimePreKey: opk.keyPair };

  /** One complete handshake; the protocol is pure, so the same bundle can be reused. */
  const handshake = () => {
    const a = initiateSession(suite, alice, verifyBundle(suite, bundle, 0), rnd);
    const { envelope } = encryptMessage(suite, a, message, rnd);
    return respondToPreKeyMessage(suite, bob, readPreKeyMessage(envelope), keys, rnd).plaintext;
  };

  // An established session: first message, a reply, and Alice's next message (DH steps done).
  let a: Session = initiateSession(suite, alice, verifyBundle(suite, bundle, 0), rnd);
  let out = encryptMessage(suite, a, message, rnd);
  a = out.session;
  let b = respondToPreKeyMessage(suite, bob, readPreKeyMessage(out.envelope), keys, rnd).session;
  out = encryptMessage(suite, b, message, rnd);
  b = out.session;
  a = decryptMessage(suite, a, out.envelope, rnd).session;
  // Alice's first message on her new chain makes Bob take a DH ratchet step; the second does not.
  const first = encryptMessage(suite, a, message, rnd);
  const second = encryptMessage(suite, first.session, message, rnd);
  const fixedA = second.session;
  const bobBeforeStep = b;
  const fixedB = decryptMessage(suite, b, first.envelope, rnd).session;

  /** Pure: encrypt from the same state, decrypt the same message against the same state. */
  const encrypt = () => encryptMessage(suite, fixedA, message, rnd).envelope;
  const decrypt = () => decryptMessage(suite, fixedB, second.envelope, rnd).plaintext;
  const decryptWithStep = () => decryptMessage(suite, bobBeforeStep, first.envelope, rnd).plaintext;
  /** Stateful: one message Alice → Bob per call, states carried forward (as libsignal's). */
  let liveA = fixedA;
  let liveB = fixedB;
  const roundTrip = () => {
    const sent = encryptMessage(suite, liveA, message, rnd);
    liveA = sent.session;
    const got = decryptMessage(suite, liveB, sent.envelope, rnd);
    liveB = got.session;
    return got.plaintext;
  };
  const verify = () => verifyBundle(suite, bundle, 0);
  // A full session record (PROTOCOL.md §6.2): 5 other handshakes' sessions, then Bob's session
  // as the oldest archived one, so a MESSAGE on it is found after 5 failed trials.
  const others = Array.from({ length: MAX_ARCHIVED_SESSIONS }, () => {
    const x = initiateSession(suite, alice, verifyBundle(suite, bundle, 0), rnd);
    const env = encryptMessage(suite, x, message, rnd).envelope;
    return respondToPreKeyMessage(suite, bob, readPreKeyMessage(env), keys, rnd).session;
  });
  const full: SessionRecord = { current: others[0], previous: [...others.slice(1), fixedB] };
  const archived = () => decryptWithRecord(suite, full, second.envelope, rnd).plaintext;
  const forgedMessage = second.envelope.message.slice();
  forgedMessage[4] ^= 1; // in the header nonce: no session's header key opens the header
  const forged = { ...second.envelope, message: forgedMessage };
  const rejectForged = () => {
    try {
      decryptWithRecord(suite, full, forged, rnd);
    } catch (e) {
      return e;
    }
    throw new Error('forged message accepted');
  };
  return { handshake, encrypt, decrypt, decryptWithStep, roundTrip, verify, archived, rejectForged };
}

async function loadLibsignal() {
  try {
    const lib = await import('./libsignal.ts');
    const handshake = await lib.libsignalHandshakeFactory();
    return { handshake, ratchet: await lib.libsignalRatchetFactory() };
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    console.log(`@signalapp/libsignal-client: not available (${why})`);
    return null;
  }
}

export async function cases(): Promise<BenchCase[]> {
  const ours = setup(defaultSuite);
  const noble = setup(nobleSuite);
  const lib = await loadLibsignal();
  const native = (fn: (() => Promise<unknown>) | undefined): Record<string, () => unknown> =>
    fn ? { 'libsignal (native)': fn } : {};
  return [
    {
      area: 'protocol',
      op: 'verify bundle (3 hybrid signatures)',
      impls: { pqmsg: ours.verify, 'noble-suite': noble.verify },
    },
    {
      area: 'protocol',
      op: 'handshake: verify + initiate + 1st message + respond',
      size: KIB,
      impls: { pqmsg: ours.handshake, 'noble-suite': noble.handshake, ...native(lib?.handshake) },
    },
    {
      area: 'protocol',
      op: 'ratchet encrypt',
      size: KIB,
      impls: { pqmsg: ours.encrypt, 'noble-suite': noble.encrypt },
    },
    {
      area: 'protocol',
      op: 'ratchet decrypt (same chain)',
      size: KIB,
      impls: { pqmsg: ours.decrypt, 'noble-suite': noble.decrypt },
    },
    {
      area: 'protocol',
      op: 'ratchet decrypt (new chain: DH ratchet step)',
      size: KIB,
      impls: { pqmsg: ours.decryptWithStep, 'noble-suite': noble.decryptWithStep },
    },
    {
      area: 'protocol',
      op: 'ratchet encrypt + decrypt (one message, state carried)',
      size: KIB,
      impls: { pqmsg: ours.roundTrip, 'noble-suite': noble.roundTrip, ...native(lib?.ratchet) },
    },
    {
      area: 'protocol',
      op: 'session record: decrypt on the oldest of 6 sessions',
      size: KIB,
      impls: { pqmsg: ours.archived, 'noble-suite': noble.archived },
    },
    {
      area: 'protocol',
      op: 'session record: reject a forged MESSAGE after 6 sessions (DoS bound)',
      size: KIB,
      impls: { pqmsg: ours.rejectForged, 'noble-suite': noble.rejectForged },
    },
  ];
}
