/**
 * The deterministic transcripts behind test/vectors/pqxdh-transcript.json (PROTOCOL.md §9): fixed
 * RNG → identities, prekeys, bundle, PQXDH, and the first four messages (two PREKEY envelopes from
 * Alice, Bob's reply, Alice's next message), with every traced intermediate value in hex; and
 * test/vectors/triple-ratchet-transcript.json.gz: the same start, continued as an alternating
 * conversation until both sides have completed two post-quantum epochs (PROTOCOL.md §9.2).
 * Regenerate (only when the protocol deliberately changes): npx tsx test/protocol/helpers/transcript.ts --write
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { encodeBundle, verifyBundle, type PreKeyBundle } from '../../../src/protocol/bundle.ts';
import { PREKEY_ROLE } from '../../../src/protocol/constants.ts';
import { encodeIdentityPublic, generateIdentity } from '../../../src/protocol/identity.ts';
import { generatePreKey, publicPreKey } from '../../../src/protocol/prekeys.ts';
import { encodeEnvelope, type Envelope } from '../../../src/protocol/envelope.ts';
import { decryptMessage, encryptMessage, initiateSession, readPreKeyMessage, respondToPreKeyMessage, type Session } from '../../../src/protocol/session.ts';
import { encodeSession } from '../../../src/protocol/session-state-codec.ts';
import type { Suite } from '../../../src/protocol/suite.ts';
import { recordSteps, type Step as TraceStep } from './trace-steps.ts';
import { toHex, utf8 } from '../../../src/util/bytes.ts';
import { detRandom } from './det-rng.ts';

export const TRANSCRIPT_FILE = new URL('../../vectors/pqxdh-transcript.json', import.meta.url);
export const TRANSCRIPT_RNG_LABEL = 'pqmsg v1 transcript';
export const TRIPLE_TRANSCRIPT_FILE = new URL('../../vectors/triple-ratchet-transcript.json.gz', import.meta.url);
/** Messages after the first four in the triple-ratchet transcript (alternating, Bob first). */
export const TRIPLE_EXTRA_MESSAGES = 160;
const CREATED_AT = Date.UTC(2026, 0, 1);

type Step = TraceStep<'alice' | 'bob'>;

export interface Transcript {
  description: string;
  rng: string;
  createdAt: number;
  alice: { identity: string };
  bob: { identity: string; bundle: string };
  messages: { from: 'alice' | 'bob'; plaintext: string; envelope: string }[];
  steps: Step[];
  finalSessions: { alice: string; bob: string };
}

/** The triple-ratchet transcript: every message, the PQ ratchet's steps and each message's keys. */
export interface TripleTranscript {
  description: string;
  rng: string;
  messages: Transcript['messages'];
  /** Every 'pqmsg v2 PQ ratchet' trace step (key sampling, c₁/c₂, epoch completion with k_e). */
  pqSteps: Step[];
  /** Per message, sender's and receiver's derivation: mk (DR), pq_mk (PQ ratchet), AEAD key, nonce. */
  messageKeys: Step[];
  epochs: { alice: number; bob: number };
  finalSessions: { alice: string; bob: string };
}

/** Runs the fixed scenario on `suite` and returns the transcript (all bytes as lower-case hex). */
export function makeTranscript(suite: Suite, label = TRANSCRIPT_RNG_LABEL): Transcript {
  return scenario(suite, label, 0).transcript;
}

/**
 * The fixed scenario continued for TRIPLE_EXTRA_MESSAGES alternating messages (PROTOCOL.md §9.2).
 */
export function makeTripleRatchetTranscript(suite: Suite, label = TRANSCRIPT_RNG_LABEL): TripleTranscript {
  const { transcript, a, b } = scenario(suite, label, TRIPLE_EXTRA_MESSAGES);
  const senderKeys = transcript.steps.filter((s) => s.step.startsWith('message keys') && s.values.pq_mk);
  return {
    description:
      `pqmsg v2 triple-ratchet transcript: the PQXDH transcript's session continued for ${TRIPLE_EXTRA_MESSAGES} more ` +
      'alternating messages; both sides complete at least two ML-KEM-768 epochs (docs/PROTOCOL.md §9.2)',
    rng: transcript.rng,
    messages: transcript.messages,
    pqSteps: transcript.steps.filter((s) => s.section.startsWith('pqmsg v2 PQ ratchet')),
    messageKeys: senderKeys, // the sender's and the receiver's derivation of every message
    epochs: { alice: a.ratchet.pq.epoch, bob: b.ratchet.pq.epoch },
    finalSessions: transcript.finalSessions,
  };
}

function scenario(
  suite: Suite,
  label: string,
  extra: number,
): { transcript: Transcript; a: Session; b: Session } {
  const random = detRandom(label);
  const { steps, tracer } = recordSteps<Step['actor']>();
  const ta = tracer('alice');
  const tb = tracer('bob');
  // Draw order is normative for the vectors: Alice's identity, Bob's identity, SPK, PQSPK, OPK, PQOPK.
  const alice = generateIdentity(suite, random);
  const bob = generateIdentity(suite, random);
  const spk = generatePreKey(suite, bob, PREKEY_ROLE.SIGNED, 1, CREATED_AT, random);
  const pqspk = generatePreKey(suite, bob, PREKEY_ROLE.KEM_LAST_RESORT, 1, CREATED_AT, random);
  const opk = generatePreKey(suite, bob, PREKEY_ROLE.ONE_TIME, 100, CREATED_AT, random);
  const pqopk = generatePreKey(suite, bob, PREKEY_ROLE.KEM_ONE_TIME, 200, CREATED_AT, random);
  void pqspk;
  const bundle: PreKeyBundle = {
    identity: bob.publicKey,
    signedPreKey: publicPreKey(spk),
    kemPreKey: publicPreKey(pqopk),
    oneTimePreKey: publicPreKey(opk),
  };
  const messages: Transcript['messages'] = [];
  let a: Session = initiateSession(suite, alice, verifyBundle(suite, bundle, CREATED_AT), random, ta);
  const send = (from: 'alice' | 'bob', s: Session, text: string): [Session, Envelope] => {
    const out = encryptMessage(suite, s, utf8(text), random, from === 'alice' ? ta : tb);
    messages.push({ from, plaintext: text, envelope: toHex(encodeEnvelope(out.envelope)) });
    return [out.session, out.envelope];
  };
  let e1: Envelope, e2: Envelope, e3: Envelope, e4: Envelope;
  [a, e1] = send('alice', a, 'Hello Bob! (1, carries the PQXDH header)');
  [a, e2] = send('alice', a, 'Still me (2, repeats the header)');
  const keys = { signedPreKey: spk.keyPair, kemPreKey: pqopk.keyPair, oneTimePreKey: opk.keyPair };
  let b = respondToPreKeyMessage(suite, bob, readPreKeyMessage(e1), keys, random, tb).session;
  b = decryptMessage(suite, b, e2, random, tb).session;
  [b, e3] = send('bob', b, 'Hi Alice (3, first reply: a DH ratchet step)');
  a = decryptMessage(suite, a, e3, random, ta).session;
  [a, e4] = send('alice', a, 'Got it (4, no header any more)');
  b = decryptMessage(suite, b, e4, random, tb).session;
  for (let i = 0; i < extra; i++) {
    let e: Envelope;
    if (i % 2 === 0) {
      [b, e] = send('bob', b, `Bob ${i + 5}`);
      a = decryptMessage(suite, a, e, random, ta).session;
    } else {
      [a, e] = send('alice', a, `Alice ${i + 5}`);
      b = decryptMessage(suite, b, e, random, tb).session;
    }
  }
  const transcript: Transcript = {
    description:
      'pqmsg v2 deterministic transcript (v1 handshake, triple ratchet): identities, bundle, PQXDH, 4 messages; every traced value is hex (docs/PROTOCOL.md §9)',
    rng: `SHA-256(u32be(len(label)) ‖ label ‖ u64be(i)), i = 0, 1, …, label = "${label}"`,
    createdAt: CREATED_AT,
    alice: { identity: toHex(encodeIdentityPublic(alice.publicKey)) },
    bob: { identity: toHex(encodeIdentityPublic(bob.publicKey)), bundle: toHex(encodeBundle(bundle)) },
    messages,
    steps,
    finalSessions: { alice: toHex(encodeSession(a)), bob: toHex(encodeSession(b)) },
  };
  return { transcript, a, b };
}

if (process.argv.includes('--write')) {
  const { defaultSuite } = await import('../../../src/protocol/default-suite.ts');
  const json = JSON.stringify(makeTranscript(defaultSuite), null, 1) + '\n';
  writeFileSync(TRANSCRIPT_FILE, json);
  console.log(`wrote ${json.length} bytes to ${TRANSCRIPT_FILE.pathname}`);
  const triple = JSON.stringify(makeTripleRatchetTranscript(defaultSuite), null, 1) + '\n';
  writeFileSync(TRIPLE_TRANSCRIPT_FILE, gzipSync(triple, { level: 9 })); // 164 messages: committed compressed
  console.log(`wrote ${triple.length} bytes (gzip) to ${TRIPLE_TRANSCRIPT_FILE.pathname}`);
}
