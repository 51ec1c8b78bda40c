/**
 * `npm start [-- --trace]`: a narrated Alice ↔ Bob conversation on pqmsg's own primitives, in
 * memory (no server yet): hybrid identities, signed prekey bundles, the PQXDH handshake, messages
 * both ways including a lost and a reordered one, a replay, a stolen session state and the
 * recovery, both devices starting a session at once, and the safety-number comparison. `--trace` prints every KDF step with its spec
 * section and short fingerprints (never whole secrets). docs/PROTOCOL.md is the reference.
 */
import { defaultSuite as suite } from '../protocol/default-suite.ts';
import { encodeBundle, verifyBundle, type PreKeyBundle } from '../protocol/bundle.ts';
import { HYBRID_SIGNATURE_BYTES, PREKEY_ROLE } from '../protocol/constants.ts';
import { decodeEnvelope } from '../protocol/envelope.ts';
import { encodeIdentityPublic, generateIdentity } from '../protocol/identity.ts';
import type { IdentityKeyPair } from '../protocol/identity.ts';
import {
  generateOneTimePreKeys,
  generatePreKey,
  publicPreKey,
  type PreKeyRecord,
} from '../protocol/prekeys.ts';
import { safetyNumber, compareScannable } from '../protocol/safety-number.ts';
import { decryptMessage } from '../protocol/session.ts';
import {
  receiveMessage,
  sendMessage,
  startSession,
  type ProtocolContext,
} from '../protocol/session-cipher.ts';
import { decodeSessionRecord } from '../protocol/session-state-codec.ts';
import { acceptIdentityChange } from '../protocol/trust.ts';
import {
  MemoryIdentityStore,
  MemoryPreKeyStore,
  MemorySessionStore,
  MemoryTrustStore,
} from '../storage/memory.ts';
import { copyBytes, toHex, utf8 } from '../util/bytes.ts';
import { defaultRandom } from '../util/random.ts';
import { c, chapter, fail, fp, note, ok, quote, say, size, tracePrinter } from './ui.ts';
import type { Actor } from './ui.ts';

const TRACE = process.argv.includes('--trace');
const now = Date.now();

interface Device {
  name: Actor;
  address: string;
  identity: IdentityKeyPair;
  ctx: ProtocolContext;
}

function makeDevice(name: Actor, address: string): Device {
  const identity = generateIdentity(suite, defaultRandom);
  const ctx: ProtocolContext = {
    suite,
    identity: new MemoryIdentityStore(identity, address),
    prekeys: new MemoryPreKeyStore(),
    sessions: new MemorySessionStore(),
    trust: new MemoryTrustStore(),
    random: defaultRandom,
    ...(TRACE ? { trace: tracePrinter(name) } : {}),
  };
  return { name, address, identity, ctx };
}

/** Delivers an envelope and narrates the result (or the typed error). */
function deliver(to: Device, from: Device, envelope: Uint8Array): Uint8Array | undefined {
  try {
    const { plaintext, newSession, promoted } = receiveMessage(to.ctx, from.address, envelope, now);
    const fresh = newSession ? c.dim('  (new session from the PQXDH header)') : '';
    const archived = promoted ? c.dim('  (on an archived session, now current)') : '';
    ok(`${to.name} decrypts ${quote(plaintext)}${fresh}${archived}`);
    return plaintext;
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    fail(`${to.name} rejects it: ${c.red(code)} ${c.dim((e as Error).message)}`);
    return undefined;
  }
}

function send(from: Device, to: Device, text: string): Uint8Array {
  const envelope = sendMessage(from.ctx, to.address, utf8(text));
  const e = decodeEnvelope(envelope);
  const kind = e.handshake ? c.yellow('PREKEY') : c.green('MESSAGE');
  const what = c.dim(`${kind} envelope, ${size(envelope.length)}`);
  say(from.name, `sends ${quote(utf8(text))}  ${what}`);
  return envelope;
}

console.log(c.bold('\npqmsg — a post-quantum end-to-end encrypted conversation, narrated'));
const PRIMITIVES = 'X25519, ML-KEM-768, Ed25519 + ML-DSA-65, ChaCha20-Poly1305, HKDF-SHA256';
console.log(c.dim(`primitives: ${suite.name}'s own (${PRIMITIVES})`));
if (!TRACE)
  console.log(c.dim('run `npm start -- --trace` to see each KDF step and its spec section'));

// 1. Identities ------------------------------------------------------------------------------
chapter(
  'Identities',
  'Each device has a hybrid identity: an X25519 key for the handshake and two signing ' +
  'keys, Ed25519 (classical) and ML-DSA-65 (post-quantum). Every signature must verify ' +
  'under BOTH.',
);
const alice = makeDevice('Alice', 'alice.1');
const bob = makeDevice('Bob', 'bob.1');
for (const d of [alice, bob]) {
  const id = d.identity.publicKey;
  const enc = encodeIdentityPublic(id);
  const sig = `Ed25519 ${fp(id.signingKeyClassical)}, ML-DSA-65 ${fp(id.signingKeyPQ)}`;
  const keys = `X25519 ${fp(id.dhKey)}, ${sig}`;
  say(d.name, `identity ${fp(enc)}: ${keys} ${c.dim(`(${size(enc.length)})`)}`);
}

// 2. Prekeys ---------------------------------------------------------------------------------
chapter(
  'Prekeys and the bundle',
  'Bob is offline, so he publishes signed prekeys in advance: a signed X25519 prekey ' +
  '(rotated weekly), a last-resort ML-KEM-768 prekey, and batches of one-time X25519 ' +
  'and ML-KEM-768 prekeys. The server hands each one-time key out once.',
);
const spk = generatePreKey(suite, bob.identity, PREKEY_ROLE.SIGNED, 1, now, defaultRandom);
const { KEM_LAST_RESORT, ONE_TIME, KEM_ONE_TIME } = PREKEY_ROLE;
const pqspk = generatePreKey(suite, bob.identity, KEM_LAST_RESORT, 1, now, defaultRandom);
const rnd = defaultRandom;
const opks = generateOneTimePreKeys(suite, bob.identity, ONE_TIME, 100, 3, now, rnd);
const pqopks = generateOneTimePreKeys(suite, bob.identity, KEM_ONE_TIME, 200, 3, now, rnd);
for (const r of [spk, pqspk, ...opks, ...pqopks]) bob.ctx.prekeys.storePreKey(r);
const sigSize = size(HYBRID_SIGNATURE_BYTES);
say('Bob', `signs 8 prekeys (each signature ${sigSize}: Ed25519 ‖ ML-DSA-65) and uploads them`);
const server = { opks: [...opks], pqopks: [...pqopks] };
const fetchBundle = (): PreKeyBundle => {
  const opk = server.opks.shift() as PreKeyRecord | undefined;
  const pq = (server.pqopks.shift() as PreKeyRecord | undefined) ?? pqspk;
  return {
    identity: bob.identity.publicKey,
    signedPreKey: publicPreKey(spk),
    kemPreKey: publicPreKey(pq),
    ...(opk ? { oneTimePreKey: publicPreKey(opk) } : {}),
  };
};
const bundle = fetchBundle();
const ids =
  `SPK #${bundle.signedPreKey.id}, PQOPK #${bundle.kemPreKey.id}, OPK #${bundle.oneTimePreKey?.id}`;
const gone = `${size(encodeBundle(bundle).length)}; the server deletes those one-time keys`;
say('Server', `gives Alice Bob's bundle: ${ids} ${c.dim(`(${gone})`)}`);

// 3. Verify + handshake ----------------------------------------------------------------------
chapter(
  'Verifying the bundle, then PQXDH',
  'Alice checks both signature halves on every prekey before she uses any of them ' +
  '(PQXDH rev. 3 §3.3). Then DH1..DH4 and an ML-KEM-768 encapsulation feed HKDF: an ' +
  'attacker must break X25519 AND ML-KEM-768 to learn the session key.',
);
const badSignature = copyBytes(bundle.kemPreKey.signature);
badSignature[100] ^= 1; // a byte inside the ML-DSA-65 half
const forged = { ...bundle, kemPreKey: { ...bundle.kemPreKey, signature: badSignature } };
try {
  verifyBundle(suite, forged, now);
} catch (e) {
  const code = c.red((e as { code: string }).code);
  say('Alice', `a bundle whose ML-DSA-65 half was tampered with: ${code} — refused`);
}
say('Alice', 'verifies every signature in the real bundle, then runs PQXDH');
const status = startSession(alice.ctx, bob.address, bundle, now);
const pinned = status === 'new' ? 'pinned on first use (TOFU)' : status;
ok(`bundle verified; Bob's identity ${pinned}; session created`);

// 4. Messages --------------------------------------------------------------------------------
chapter(
  'Messages, a lost one, a reordered burst',
  'Until Bob replies, every message Alice sends repeats the handshake header, so losing ' +
  'the first one does not lose the session. Headers are encrypted: the relay sees ' +
  'neither counters nor ratchet keys.',
);
send(alice, bob, 'Hi Bob! This is the first message.');
say('Network', c.yellow('drops it'));
const m2 = send(alice, bob, 'Did you get my first message?');
deliver(bob, alice, m2);
const r1 = send(bob, alice, 'Only this one, but we are connected now.');
deliver(alice, bob, r1);
note('Bob’s reply carried a new ratchet key: a DH ratchet step on each change of direction.');
const burst = ['one', 'two', 'three'].map((w) => send(alice, bob, `Message ${w}`));
say('Network', c.yellow('delivers them out of order: three, one, two'));
for (const i of [2, 0, 1]) deliver(bob, alice, burst[i]);
say('Network', c.yellow('replays message three'));
deliver(bob, alice, burst[2]);

// 5. Compromise and recovery -----------------------------------------------------------------
chapter(
  'A stolen session, and the recovery',
  'Eve copies Bob’s serialized session state and then follows every message Alice sends ' +
  'him. She reads them as long as Bob’s ratchet key from the time of the theft is in ' +
  'use. Bob’s next reply brings a ratchet key generated after the theft; from then on ' +
  'her copy is useless: post-compromise security.',
);
let eve = decodeSessionRecord(bob.ctx.sessions.loadSession(alice.address)!).current;
const stolenBytes = bob.ctx.sessions.loadSession(alice.address)!.length;
say('Eve', `steals Bob’s session state ${c.dim(`(${size(stolenBytes)})`)} and keeps it up to date`);
const eveRead = (envelope: Uint8Array) => {
  try {
    const out = decryptMessage(suite, eve, decodeEnvelope(envelope), defaultRandom);
    eve = out.session;
    fail(`Eve reads ${quote(out.plaintext)} with the stolen state`);
  } catch (e) {
    const code = (e as { code?: string }).code ?? String(e);
    ok(`Eve’s stolen state no longer opens it: ${c.green(code)}`);
  }
};
const exchange = (text: string, reply: string) => {
  const m = send(alice, bob, text);
  eveRead(m);
  deliver(bob, alice, m);
  if (reply) deliver(alice, bob, send(bob, alice, reply));
};
exchange('The door code is 4711.', 'Noted.');
note('Bob’s reply still used his ratchet key from before the theft, so Eve can follow ' +
  'Alice’s next DH step too.');
exchange('Change of plan: the code is 0815.', 'OK, got it.');
note('This reply carried a ratchet key Bob generated after the theft. Eve cannot compute ' +
  'the next root key.');
exchange('Final code: 2323.', '');

// 5b. The post-quantum ratchet ----------------------------------------------------------------
chapter(
  'The post-quantum ratchet: ML-KEM epochs',
  'Beside the Double Ratchet, every header carries a 59-byte chunk of an ML-KEM-768 ' +
  'encapsulation key or ciphertext (erasure-coded: any large enough set of chunks will do). ' +
  'When an epoch completes, every later message key also depends on a fresh ML-KEM secret, ' +
  'so even an attacker who can compute every X25519 secret loses a stolen state.',
);
const quietCtx = (d: Device): typeof d.ctx => ({ ...d.ctx, trace: undefined });
const pqEpoch = (d: Device, peer: Device): number =>
  decodeSessionRecord(d.ctx.sessions.loadSession(peer.address)!).current.ratchet.pq.epoch;
const epochBefore = Math.max(pqEpoch(alice, bob), pqEpoch(bob, alice));
let chatted = 0;
while (Math.min(pqEpoch(alice, bob), pqEpoch(bob, alice)) <= epochBefore && chatted < 400) {
  const [from, to] = chatted % 2 === 0 ? [alice, bob] : [bob, alice];
  const envelope = sendMessage(quietCtx(from), to.address, utf8(`chat ${chatted}`));
  receiveMessage(quietCtx(to), from.address, envelope, now);
  chatted++;
}
ok(
  `after ${chatted} more short messages both sides complete PQ epoch ` +
    `${Math.min(pqEpoch(alice, bob), pqEpoch(bob, alice))} ${c.dim('(docs/PROTOCOL.md §5.12)')}`,
);

// 6. Simultaneous initiation ------------------------------------------------------------------
chapter(
  'Both start a session at once',
  'Alice and Bob each run PQXDH toward the other at the same moment. Each accepts the ' +
  'other’s handshake as a new session and archives its own; a message that arrives on ' +
  'an archived session still decrypts and makes that session current again, so both ' +
  'sides converge (Signal’s rule) instead of failing until someone starts over.',
);
const aliceSpk = generatePreKey(suite, alice.identity, PREKEY_ROLE.SIGNED, 1, now, rnd);
const alicePqspk = generatePreKey(suite, alice.identity, KEM_LAST_RESORT, 1, now, rnd);
for (const r of [aliceSpk, alicePqspk]) alice.ctx.prekeys.storePreKey(r);
const aliceBundle: PreKeyBundle = {
  identity: alice.identity.publicKey,
  signedPreKey: publicPreKey(aliceSpk),
  kemPreKey: publicPreKey(alicePqspk),
};
startSession(alice.ctx, bob.address, fetchBundle(), now);
startSession(bob.ctx, alice.address, aliceBundle, now);
say('Alice', 'starts a new session with Bob (PQXDH toward his bundle)');
say('Bob', 'starts a new session with Alice at the same moment (PQXDH toward hers)');
const x1 = send(alice, bob, 'Shall we meet at noon?');
const y1 = send(bob, alice, 'Lunch tomorrow?');
say('Network', c.yellow('the two PREKEY envelopes cross'));
deliver(bob, alice, x1);
deliver(alice, bob, y1);
note('Each now sends on the session the OTHER started; those messages cross as well.');
const x2 = send(alice, bob, 'Noon works for me.');
const y2 = send(bob, alice, 'See you then.');
deliver(bob, alice, x2);
deliver(alice, bob, y2);
const x3 = send(alice, bob, 'Great.');
deliver(bob, alice, x3);
deliver(alice, bob, send(bob, alice, 'Converged: we both send on one session now.'));
const currentId = (a: Device, b: Device) =>
  toHex(decodeSessionRecord(a.ctx.sessions.loadSession(b.address)!).current.handshakeId);
if (currentId(alice, bob) === currentId(bob, alice))
  ok('both current sessions come from the same handshake');
else fail('the current sessions differ');

// 7. Safety numbers --------------------------------------------------------------------------
chapter(
  'Safety numbers',
  'Trust on first use is only a start: Alice and Bob compare a 60-digit number (or scan ' +
  'a code) derived from every public key of both identities. The same on both phones; ' +
  'different if anyone in between swapped a key.',
);
const party = (d: Device) => ({ stableId: d.address, identity: d.identity.publicKey });
const aliceView = safetyNumber(suite, party(alice), party(bob));
const bobView = safetyNumber(suite, party(bob), party(alice));
for (const [who, sn] of [['Alice', aliceView], ['Bob', bobView]] as const) {
  const groups = sn.display.split(' ');
  say(who, `${c.bold(groups.slice(0, 6).join(' '))}`);
  say(who, `${c.bold(groups.slice(6).join(' '))}`);
}
if (compareScannable(aliceView, bobView.scannableText))
  ok(`Alice scans Bob’s code ${c.dim(bobView.scannableText.slice(0, 30) + '…')}: match`);
const mallory = generateIdentity(suite, defaultRandom);
const fakeBob = { stableId: bob.address, identity: mallory.publicKey };
const mitm = safetyNumber(suite, party(alice), fakeBob);
if (!compareScannable(mitm, bobView.scannable))
  fail(`had a server swapped in Mallory’s key for Bob’s, Alice would see:\n            ${mitm.display}`);

// 8. Identity change --------------------------------------------------------------------------
chapter(
  'A changed identity is loud',
  'Bob reinstalls pqmsg and gets a new identity. Alice’s device notices that the key it pinned ' +
    'has changed and refuses to continue until she has compared the new safety number.',
);
const bob2 = makeDevice('Bob', 'bob.1');
const spk2 = generatePreKey(suite, bob2.identity, PREKEY_ROLE.SIGNED, 1, now, rnd);
const pq2 = generatePreKey(suite, bob2.identity, KEM_LAST_RESORT, 1, now, rnd);
const bundle2 = {
  identity: bob2.identity.publicKey,
  signedPreKey: publicPreKey(spk2),
  kemPreKey: publicPreKey(pq2),
};
try {
  startSession(alice.ctx, bob.address, bundle2, now);
} catch (e) {
  const alarm = c.red(c.bold(`⚠ ${(e as { code: string }).code}`));
  say('Alice', `${alarm} ${c.dim((e as Error).message)}`);
}
acceptIdentityChange(alice.ctx, bob.address, bob2.identity.publicKey, now);
startSession(alice.ctx, bob.address, bundle2, now);
ok('after comparing the new safety number, Alice accepts the new identity; new session');

const refs = 'Spec: docs/PROTOCOL.md · vectors: test/vectors/pqxdh-transcript.json';
console.log(`\n${c.bold('Done.')} ${c.dim(refs)}\n`);
