/**
 * Conformance of the §6.3 serialization with docs/PROTOCOL.md: the expected bytes of a
 * SessionState and a SessionRecord are assembled by hand from the document's layout (and the §2.2
 * identity and §4.4 AD layouts, with @noble's SHA-256), then compared with encodeSession /
 * encodeSessionRecord. The ratchet part is embedded as encodeRatchetState's output: its own
 * layout (§5.11) is checked by test/protocol/ratchet/state-codec.test.ts.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, test } from 'vitest';
import type { IdentityPublic } from '../../src/protocol/identity.ts';
import { encodeRatchetState } from '../../src/protocol/ratchet/state-codec.ts';
import type { Session } from '../../src/protocol/session.ts';
import { receiveMessage, sendMessage, startSession } from '../../src/protocol/session-cipher.ts';
import {
  decodeSessionRecord,
  encodeSession,
  encodeSessionRecord,
} from '../../src/protocol/session-state-codec.ts';
import { concatBytes, utf8 } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';

const u8 = (x: number) => Uint8Array.of(x);
const u32be = (x: number) => Uint8Array.of(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
/** bytes(x) = u32 length ‖ x (§1.1). */
const lp = (x: Uint8Array) => concatBytes(u32be(x.length), x);

/** §2.2: 0x01 ‖ 0x05 ‖ IK ‖ 0x21 ‖ Ed25519 key ‖ 0x22 ‖ ML-DSA-65 key (2020 bytes). */
function identityBytes(id: IdentityPublic): Uint8Array {
  const out = concatBytes(u8(1), u8(0x05), id.dhKey, u8(0x21), id.signingKeyClassical, u8(0x22), id.signingKeyPQ);
  expect(out).toHaveLength(2020);
  return out;
}

/** §6.3 SessionState, by hand. */
function sessionBytes(s: Session): Uint8Array {
  const role = s.role === 'initiator' ? 1 : 2;
  const pending = s.pendingHandshake ? concatBytes(u8(1), lp(s.pendingHandshake)) : u8(0);
  return concatBytes(u8(0x02), u8(role), identityBytes(s.remoteIdentity), lp(s.ad), s.handshakeId, pending, lp(encodeRatchetState(s.ratchet)));
}

describe('PROTOCOL.md §6.3 — session and session-record layout, built from the document', () => {
  test('initiator (pending header, one archived session) and responder records match byte for byte', () => {
    const rnd = detRandom('session layout');
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const first = sendMessage(alice.ctx, 'bob.1', utf8('one'));
    receiveMessage(bob.ctx, 'alice.1', first, T0);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0 + 1); // archives the first session

    const aliceBytes = alice.ctx.sessions.loadSession('bob.1')!;
    const a = decodeSessionRecord(aliceBytes);
    expect(a.previous).toHaveLength(1);
    expect(a.current.role).toBe('initiator');
    expect(a.current.pendingHandshake).not.toBeNull();
    // §6.2: handshakeId = SHA-256(handshake header); §4.4: AD = 0x01 ‖ 0x05 ‖ IK_A ‖ 0x05 ‖ IK_B ‖ H(Id_A) ‖ H(Id_B).
    expect(a.current.handshakeId).toEqual(sha256(a.current.pendingHandshake!));
    const ad = concatBytes(
      u8(1), u8(0x05), alice.identity.publicKey.dhKey, u8(0x05), bob.identity.publicKey.dhKey,
      sha256(identityBytes(alice.identity.publicKey)), sha256(identityBytes(bob.identity.publicKey)),
    );
    expect(a.current.ad).toEqual(ad);
    expect(a.previous[0].ad).toEqual(ad);
    const curA = sessionBytes(a.current);
    expect(encodeSession(a.current)).toEqual(curA);
    // SessionRecord = 0x03 ‖ n ‖ bytes(current) ‖ n × bytes(archived), most recent first.
    const expectedA = concatBytes(u8(0x03), u8(1), lp(curA), lp(sessionBytes(a.previous[0])));
    expect(aliceBytes).toEqual(expectedA);
    expect(encodeSessionRecord(a)).toEqual(expectedA);

    const bobBytes = bob.ctx.sessions.loadSession('alice.1')!;
    const b = decodeSessionRecord(bobBytes);
    expect(b.current.role).toBe('responder');
    expect(b.current.pendingHandshake).toBeNull();
    expect(b.current.handshakeId).toEqual(a.previous[0].handshakeId);
    const curB = sessionBytes(b.current);
    expect(curB[1]).toBe(2); // role byte: responder
    expect(curB[2 + 2020 + 4 + ad.length + 32]).toBe(0); // hasPending = 0
    expect(bobBytes).toEqual(concatBytes(u8(0x03), u8(0), lp(curB)));
    expect(encodeSessionRecord(b)).toEqual(bobBytes);
  });
});
