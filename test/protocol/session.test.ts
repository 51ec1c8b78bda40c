import { describe, expect, test } from 'vitest';
import { ENVELOPE_TYPE, PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { decodeEnvelope, encodeEnvelope } from '../../src/protocol/envelope.ts';
import { decryptMessage } from '../../src/protocol/session.ts';
import { receiveMessage, sendMessage, startSession } from '../../src/protocol/session-cipher.ts';
import { decodeSession, decodeSessionRecord, encodeSession, encodeSessionRecord } from '../../src/protocol/session-state-codec.ts';
import { acceptIdentityChange } from '../../src/protocol/trust.ts';
import { encodeIdentityPublic } from '../../src/protocol/identity.ts';
import { safetyNumber } from '../../src/protocol/safety-number.ts';
import { utf8 } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';
import { codeOf } from '../helpers/error-code.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('session orchestration — PQXDH rev. 3 §3.3/§3.4 + Double Ratchet', () => {
  test('full conversation both ways; PREKEY header repeated until the first reply', () => {
    const rnd = detRandom('session: conversation');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 2, kemOneTime: 2 });
    expect(startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0)).toBe('new');

    const a1 = sendMessage(alice.ctx, 'bob.1', utf8('hello 1'));
    const a2 = sendMessage(alice.ctx, 'bob.1', utf8('hello 2'));
    expect(decodeEnvelope(a1).type).toBe(1);
    expect(decodeEnvelope(a2).type).toBe(1);
    expect(decodeEnvelope(a2).handshake).toEqual(decodeEnvelope(a1).handshake);

    const r1 = receiveMessage(bob.ctx, 'alice.1', a1, T0);
    expect(text(r1.plaintext)).toBe('hello 1');
    expect(r1.newSession).toBe(true);
    const r2 = receiveMessage(bob.ctx, 'alice.1', a2, T0); // repeat of the same handshake
    expect(text(r2.plaintext)).toBe('hello 2');
    expect(r2.newSession).toBe(false);

    const b1 = sendMessage(bob.ctx, 'alice.1', utf8('hi alice'));
    expect(decodeEnvelope(b1).type).toBe(2);
    expect(text(receiveMessage(alice.ctx, 'bob.1', b1, T0).plaintext)).toBe('hi alice');
    const a3 = sendMessage(alice.ctx, 'bob.1', utf8('after reply'));
    expect(decodeEnvelope(a3).type).toBe(2); // handshake no longer repeated
    expect(text(receiveMessage(bob.ctx, 'alice.1', a3, T0).plaintext)).toBe('after reply');

    let count = 0;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) {
        const m = `a→b ${round}.${i}`;
        expect(text(receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8(m)), T0).plaintext)).toBe(m);
        const n = `b→a ${round}.${i}`;
        expect(text(receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8(n)), T0).plaintext)).toBe(n);
        count += 2;
      }
    }
    expect(count).toBe(24);
    // Bob's one-time prekeys named by the handshake were consumed, the others remain.
    expect(bob.ctx.prekeys.isConsumed(PREKEY_ROLE.ONE_TIME, 100)).toBe(true);
    expect(bob.ctx.prekeys.isConsumed(PREKEY_ROLE.KEM_ONE_TIME, 200)).toBe(true);
    expect(bob.ctx.prekeys.loadPreKey(PREKEY_ROLE.ONE_TIME, 101)).toBeDefined();
  });

  test('a lost first message does not kill the session (the second carries the handshake)', () => {
    const rnd = detRandom('session: lost first');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1, kemOneTime: 1 });
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    sendMessage(alice.ctx, 'bob.1', utf8('lost'));
    const a2 = sendMessage(alice.ctx, 'bob.1', utf8('second'));
    const r = receiveMessage(bob.ctx, 'alice.1', a2, T0);
    expect(r.newSession).toBe(true);
    expect(text(r.plaintext)).toBe('second');
    const b1 = sendMessage(bob.ctx, 'alice.1', utf8('reply'));
    expect(text(receiveMessage(alice.ctx, 'bob.1', b1, T0).plaintext)).toBe('reply');
  });

  test('one-time prekey reuse: a second handshake naming a consumed OPK/PQOPK fails with PREKEY_REUSED', () => {
    const rnd = detRandom('session: reuse');
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1, kemOneTime: 1 });
    const bundle = fetchBundle(bob);
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const carol = makeDevice(SUITE, 'carol.1', rnd);
    startSession(alice.ctx, 'bob.1', bundle, T0);
    startSession(carol.ctx, 'bob.1', bundle, T0); // a malicious server hands out the same bundle twice
    expect(receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('a')), T0).newSession).toBe(true);
    const fromCarol = sendMessage(carol.ctx, 'bob.1', utf8('c'));
    expect(codeOf(() => receiveMessage(bob.ctx, 'carol.1', fromCarol, T0))).toBe('PREKEY_REUSED');
    expect(bob.ctx.sessions.loadSession('carol.1')).toBeUndefined();
    // An unknown prekey id is PREKEY_NOT_FOUND.
    const dave = makeDevice(SUITE, 'dave.1', rnd);
    startSession(dave.ctx, 'bob.1', { ...fetchBundle(bob) }, T0);
    bob.ctx.prekeys.removePreKey(PREKEY_ROLE.SIGNED, 1);
    expect(codeOf(() => receiveMessage(bob.ctx, 'dave.1', sendMessage(dave.ctx, 'bob.1', utf8('d')), T0))).toBe('PREKEY_NOT_FOUND');
  });

  test('a forged PREKEY message consumes nothing, pins nothing, stores nothing', () => {
    const rnd = detRandom('session: forged prekey');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1, kemOneTime: 1 });
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const a1 = sendMessage(alice.ctx, 'bob.1', utf8('genuine'));
    const forged = a1.slice();
    forged[forged.length - 1] ^= 1;
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', forged, T0))).toBe('DECRYPT_FAILED');
    expect(bob.ctx.prekeys.isConsumed(PREKEY_ROLE.ONE_TIME, 100)).toBe(false);
    expect(bob.ctx.trust.loadTrust('alice.1')).toBeUndefined();
    expect(bob.ctx.sessions.loadSession('alice.1')).toBeUndefined();
    expect(text(receiveMessage(bob.ctx, 'alice.1', a1, T0).plaintext)).toBe('genuine');
  });

  test('identity change is detected loudly on both sides until explicitly accepted', () => {
    const rnd = detRandom('session: identity change');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('1')), T0);
    // Bob reinstalls: new identity, new prekeys. Alice's next handshake must fail loudly.
    const bob2 = makeDevice(SUITE, 'bob.1', rnd);
    expect(codeOf(() => startSession(alice.ctx, 'bob.1', fetchBundle(bob2), T0 + 1))).toBe('IDENTITY_CHANGED');
    expect(codeOf(() => startSession(alice.ctx, 'bob.1', fetchBundle(bob2), T0 + 2))).toBe('IDENTITY_CHANGED'); // sticky
    expect(alice.ctx.trust.loadTrust('bob.1')?.pendingChange).toBeDefined();
    acceptIdentityChange(alice.ctx, 'bob.1', bob2.identity.publicKey, T0 + 3);
    expect(startSession(alice.ctx, 'bob.1', fetchBundle(bob2), T0 + 4)).toBe('unverified');
    // Receiving side: Alice reinstalls and writes to Bob (who pinned her old identity).
    const alice2 = makeDevice(SUITE, 'alice.1', rnd);
    startSession(alice2.ctx, 'bob.1', fetchBundle(bob), T0 + 5);
    const env = sendMessage(alice2.ctx, 'bob.1', utf8('new me'));
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', env, T0 + 6))).toBe('IDENTITY_CHANGED');
    acceptIdentityChange(bob.ctx, 'alice.1', alice2.identity.publicKey, T0 + 7);
    expect(text(receiveMessage(bob.ctx, 'alice.1', env, T0 + 8).plaintext)).toBe('new me');
  });

  test('accepting a changed identity drops the old identity\'s sessions: its MESSAGEs no longer decrypt', () => {
    const rnd = detRandom('session: retire old identity');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('a1')), T0);
    receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8('b1')), T0);
    const alice2 = makeDevice(SUITE, 'alice.1', rnd); // A': a new identity at the same address
    startSession(alice2.ctx, 'bob.1', fetchBundle(bob), T0 + 1);
    const first = sendMessage(alice2.ctx, 'bob.1', utf8('new me'));
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', first, T0 + 2))).toBe('IDENTITY_CHANGED');
    acceptIdentityChange(bob.ctx, 'alice.1', alice2.identity.publicKey, T0 + 3);
    expect(bob.ctx.sessions.loadSession('alice.1')).toBeUndefined(); // only A's session existed
    expect(receiveMessage(bob.ctx, 'alice.1', first, T0 + 4).newSession).toBe(true);
    const record = bob.ctx.sessions.loadSession('alice.1')!;
    expect(decodeSessionRecord(record).previous).toHaveLength(0);
    // Old A keeps writing on its session: nothing of Bob's decrypts it any more, nothing changes.
    const stale = sendMessage(alice.ctx, 'bob.1', utf8('still old A'));
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', stale, T0 + 5))).toBe('DECRYPT_FAILED');
    expect(bob.ctx.sessions.loadSession('alice.1')).toEqual(record);
    // Bob's reply goes to A' only.
    const reply = sendMessage(bob.ctx, 'alice.1', utf8('to A prime'));
    expect(codeOf(() => receiveMessage(alice.ctx, 'bob.1', reply, T0 + 6))).toBe('DECRYPT_FAILED');
    expect(text(receiveMessage(alice2.ctx, 'bob.1', reply, T0 + 6).plaintext)).toBe('to A prime');
  });

  test('a session whose peer is not the pinned identity can neither send nor accept (UNTRUSTED_IDENTITY)', () => {
    const rnd = detRandom('session: untrusted session');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('a1')), T0);
    const pending = sendMessage(alice.ctx, 'bob.1', utf8('a2'));
    const alice2 = makeDevice(SUITE, 'alice.1', rnd);
    // The pin moves to A' without touching the session store (e.g. a trust store restored apart).
    const pin = { identity: encodeIdentityPublic(alice2.identity.publicKey), verified: false, firstSeen: T0 + 1 };
    bob.ctx.trust.storeTrust('alice.1', pin);
    const before = bob.ctx.sessions.loadSession('alice.1')!;
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', pending, T0 + 2))).toBe('UNTRUSTED_IDENTITY');
    expect(codeOf(() => sendMessage(bob.ctx, 'alice.1', utf8('to whom?')))).toBe('UNTRUSTED_IDENTITY');
    expect(bob.ctx.sessions.loadSession('alice.1')).toEqual(before);
    expect(bob.ctx.trust.loadTrust('alice.1')).toEqual(pin);
    // Re-accepting A keeps A's session (nothing dropped) and it works again.
    acceptIdentityChange(bob.ctx, 'alice.1', alice.identity.publicKey, T0 + 3);
    expect(bob.ctx.sessions.loadSession('alice.1')).toEqual(before);
    expect(text(receiveMessage(bob.ctx, 'alice.1', pending, T0 + 4).plaintext)).toBe('a2');
  });

  test('PROTOCOL.md §11 limitation: a relabelled first PREKEY pins Alice under another address; safety numbers expose it', () => {
    const rnd = detRandom('session: address relabel');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    const carol = makeDevice(SUITE, 'carol.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const env = sendMessage(alice.ctx, 'bob.1', utf8('from alice'));
    // A malicious server delivers it as coming from carol.1: nothing in the handshake binds addresses.
    expect(receiveMessage(bob.ctx, 'carol.1', env, T0).newSession).toBe(true);
    expect(bob.ctx.trust.loadTrust('carol.1')?.identity).toEqual(encodeIdentityPublic(alice.identity.publicKey));
    // The defence: the number Bob shows for carol.1 differs from the one Carol's device shows.
    const bobSide = safetyNumber(SUITE, { stableId: 'bob.1', identity: bob.identity.publicKey }, { stableId: 'carol.1', identity: alice.identity.publicKey });
    const carolSide = safetyNumber(SUITE, { stableId: 'carol.1', identity: carol.identity.publicKey }, { stableId: 'bob.1', identity: bob.identity.publicKey });
    expect(bobSide.digits).not.toBe(carolSide.digits);
  });

  test('post-compromise security: a stolen state follows the session only until Bob\'s fresh ratchet key round-trips', () => {
    const rnd = detRandom('session: pcs');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const hop = (from: typeof alice, to: typeof alice, toAddr: string, fromAddr: string, t: string) => {
      const env = sendMessage(from.ctx, toAddr, utf8(t));
      expect(text(receiveMessage(to.ctx, fromAddr, env, T0).plaintext)).toBe(t);
      return env;
    };
    hop(alice, bob, 'bob.1', 'alice.1', 'a0');
    hop(bob, alice, 'alice.1', 'bob.1', 'b0');
    hop(alice, bob, 'bob.1', 'alice.1', 'a1'); // Bob takes a DH step: his current ratchet key predates the theft
    let eve = decodeSessionRecord(bob.ctx.sessions.loadSession('alice.1')!).current;
    const eveReads = (env: Uint8Array): string => {
      const out = decryptMessage(SUITE, eve, decodeEnvelope(env), rnd);
      eve = out.session;
      return text(out.plaintext);
    };
    expect(eveReads(hop(alice, bob, 'bob.1', 'alice.1', 'secret 1'))).toBe('secret 1');
    hop(bob, alice, 'alice.1', 'bob.1', 'reply 1'); // still Bob's pre-theft ratchet key
    expect(eveReads(hop(alice, bob, 'bob.1', 'alice.1', 'secret 2'))).toBe('secret 2');
    hop(bob, alice, 'alice.1', 'bob.1', 'reply 2'); // a ratchet key generated after the theft
    const before = encodeSession(eve);
    for (const t of ['secret 3', 'secret 4']) {
      const env = hop(alice, bob, 'bob.1', 'alice.1', t);
      expect(codeOf(() => eveReads(env))).toBe('DECRYPT_FAILED');
      expect(encodeSession(eve)).toEqual(before);
    }
  });

  test('session serialization round-trips exactly and the decoded session keeps working', () => {
    const rnd = detRandom('session: serialization');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1 });
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const pending = alice.ctx.sessions.loadSession('bob.1')!;
    expect(encodeSessionRecord(decodeSessionRecord(pending))).toEqual(pending);
    const pendingSession = encodeSession(decodeSessionRecord(pending).current);
    expect(encodeSession(decodeSession(pendingSession))).toEqual(pendingSession);
    receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('x')), T0);
    receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8('y')), T0);
    for (const bytes of [alice.ctx.sessions.loadSession('bob.1')!, bob.ctx.sessions.loadSession('alice.1')!]) {
      const record = decodeSessionRecord(bytes);
      expect(encodeSessionRecord(record)).toEqual(bytes);
      expect(record.previous).toHaveLength(0);
      expect(record.current.pendingHandshake).toBeNull();
    }
    const bytes = bob.ctx.sessions.loadSession('alice.1')!;
    const bad: [Uint8Array, string][] = [
      [bytes.subarray(0, bytes.length - 1), 'TRUNCATED'],
      [Uint8Array.of(...bytes, 0), 'TRAILING_BYTES'],
      [Uint8Array.of(9, ...bytes.subarray(1)), 'BAD_VERSION'],
    ];
    for (const [b, expected] of bad) expect(codeOf(() => decodeSessionRecord(b))).toBe(expected);
  });

  test('receiving without a session, or a bad envelope, fails with a typed error', () => {
    const rnd = detRandom('session: errors');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const a1 = sendMessage(alice.ctx, 'bob.1', utf8('x'));
    receiveMessage(bob.ctx, 'alice.1', a1, T0);
    const b1 = sendMessage(bob.ctx, 'alice.1', utf8('y'));
    const eve = makeDevice(SUITE, 'eve.1', rnd);
    expect(codeOf(() => receiveMessage(eve.ctx, 'bob.1', b1, T0))).toBe('BAD_STATE');
    expect(codeOf(() => sendMessage(eve.ctx, 'bob.1', utf8('z')))).toBe('BAD_STATE');
    const wrongVersion = b1.slice();
    wrongVersion[0] = 2;
    expect(codeOf(() => receiveMessage(alice.ctx, 'bob.1', wrongVersion, T0))).toBe('BAD_VERSION');
    const wrongType = b1.slice();
    wrongType[1] = 7;
    expect(codeOf(() => receiveMessage(alice.ctx, 'bob.1', wrongType, T0))).toBe('BAD_TAG');
    // Stripping the handshake from a PREKEY envelope (type flip) changes the AD: DECRYPT_FAILED.
    const a2bytes = sendMessage(alice.ctx, 'bob.1', utf8('w')); // Alice has not read b1: still PREKEY
    const a2 = decodeEnvelope(a2bytes);
    expect(a2.handshake).toBeDefined();
    const stripped = encodeEnvelope({ type: ENVELOPE_TYPE.MESSAGE, message: a2.message });
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', stripped, T0))).toBe('DECRYPT_FAILED');
    expect(text(receiveMessage(bob.ctx, 'alice.1', a2bytes, T0).plaintext)).toBe('w');
  });
});
