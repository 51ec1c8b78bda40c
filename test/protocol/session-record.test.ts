import { describe, expect, test } from 'vitest';
import { MAX_ARCHIVED_SESSIONS, PREKEY_ROLE, SESSION_RECORD_VERSION } from '../../src/protocol/constants.ts';
import { decodeEnvelope } from '../../src/protocol/envelope.ts';
import { addSession, decryptWithRecord, type SessionRecord } from '../../src/protocol/session-record.ts';
import { receiveMessage, sendMessage, startSession } from '../../src/protocol/session-cipher.ts';
import {
  decodeSessionRecord,
  encodeSession,
  encodeSessionRecord,
  wipeSessionRecord,
} from '../../src/protocol/session-state-codec.ts';
import type { Suite } from '../../src/protocol/suite.ts';
import { toHex, utf8 } from '../../src/util/bytes.ts';
import { Writer } from '../../src/wire/codec.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0, type Device } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';
import { codeOf } from '../helpers/error-code.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const record = (d: Device, peer: string): SessionRecord => decodeSessionRecord(d.ctx.sessions.loadSession(peer)!);
const currentId = (d: Device, peer: string): string => toHex(record(d, peer).current.handshakeId);

/** Everything a rejected message must leave unchanged: the record, trust, one-time prekeys. */
function snapshot(d: Device, peer: string): string {
  const s = d.ctx.sessions.loadSession(peer);
  const t = d.ctx.trust.loadTrust(peer);
  const live = [PREKEY_ROLE.ONE_TIME, PREKEY_ROLE.KEM_ONE_TIME].map((r) => d.ctx.prekeys.listPreKeys(r).map((k) => k.id).join(','));
  return `${s ? toHex(s) : '-'}|${t ? toHex(t.identity) + t.verified + (t.pendingChange ? 'pending' : '') : '-'}|${live}`;
}

describe('session records — simultaneous initiation (PROTOCOL.md §6.2; libsignal archived states)', () => {
  test('both start at once, messages cross, then a long conversation both ways: every message decrypts and the sessions converge', () => {
    const rnd = detRandom('record: simultaneous');
    const alice = makeDevice(SUITE, 'alice.1', rnd, { oneTime: 1, kemOneTime: 1 });
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 1, kemOneTime: 1 });
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    startSession(bob.ctx, 'alice.1', fetchBundle(alice), T0);
    const hA = currentId(alice, 'bob.1');
    const hB = currentId(bob, 'alice.1');
    expect(hA).not.toBe(hB);

    // First messages cross: each side accepts the other's handshake as a new session.
    const a1 = sendMessage(alice.ctx, 'bob.1', utf8('a1'));
    const b1 = sendMessage(bob.ctx, 'alice.1', utf8('b1'));
    expect([decodeEnvelope(a1).type, decodeEnvelope(b1).type]).toEqual([1, 1]);
    const ra1 = receiveMessage(bob.ctx, 'alice.1', a1, T0);
    const rb1 = receiveMessage(alice.ctx, 'bob.1', b1, T0);
    expect([text(ra1.plaintext), ra1.newSession, text(rb1.plaintext), rb1.newSession]).toEqual(['a1', true, 'b1', true]);
    expect(currentId(alice, 'bob.1')).toBe(hB);
    expect(currentId(bob, 'alice.1')).toBe(hA);
    expect(record(alice, 'bob.1').previous.map((s) => toHex(s.handshakeId))).toEqual([hA]);

    // Second messages cross too (each now on the peer's handshake): both decrypt by promotion.
    const a2 = sendMessage(alice.ctx, 'bob.1', utf8('a2'));
    const b2 = sendMessage(bob.ctx, 'alice.1', utf8('b2'));
    const ra2 = receiveMessage(bob.ctx, 'alice.1', a2, T0);
    const rb2 = receiveMessage(alice.ctx, 'bob.1', b2, T0);
    expect([text(ra2.plaintext), ra2.promoted, text(rb2.plaintext), rb2.promoted]).toEqual(['a2', true, 'b2', true]);

    // A long conversation with bursts, crossings and lock-step turns: nothing fails.
    let sent = 4;
    let delivered = 4;
    let promotions = 0;
    const deliver = (to: Device, from: string, env: Uint8Array, expected: string) => {
      const r = receiveMessage(to.ctx, from, env, T0);
      expect(text(r.plaintext)).toBe(expected);
      promotions += Number(r.promoted);
      delivered++;
    };
    const pattern = [1, 2, 0, 3, 1, 1, 2, 0, 1, 3, 2, 1, 0, 1, 1, 2, 3, 1, 0, 2];
    for (let round = 0; round < 30; round++) {
      const p = pattern[round % pattern.length];
      const fromA = Array.from({ length: p === 0 ? 1 : p }, (_, i) => `a ${round}.${i}`);
      const fromB = Array.from({ length: p === 3 ? 0 : 2 - (p % 2) }, (_, i) => `b ${round}.${i}`);
      const envA = fromA.map((m) => sendMessage(alice.ctx, 'bob.1', utf8(m)));
      sent += fromA.length + fromB.length;
      const lockStep = p === 1; // Bob reads Alice's messages before replying; else they cross
      if (lockStep) envA.forEach((e, i) => deliver(bob, 'alice.1', e, fromA[i]));
      const envB = fromB.map((m) => sendMessage(bob.ctx, 'alice.1', utf8(m)));
      if (!lockStep) envA.forEach((e, i) => deliver(bob, 'alice.1', e, fromA[i]));
      for (let j = envB.length - 1; j >= 0; j--) deliver(alice, 'bob.1', envB[j], fromB[j]); // reordered
    }
    expect(delivered).toBe(sent);
    expect(sent).toBeGreaterThan(80);
    // Converged: one handshake on both sides, the other archived; no session was lost.
    expect(currentId(alice, 'bob.1')).toBe(currentId(bob, 'alice.1'));
    for (const [d, peer] of [[alice, 'bob.1'], [bob, 'alice.1']] as const) {
      const r = record(d, peer);
      expect(r.previous).toHaveLength(1);
      expect([toHex(r.current.handshakeId), toHex(r.previous[0].handshakeId)].sort()).toEqual([hA, hB].sort());
      expect(r.current.pendingHandshake).toBeNull();
    }
    expect(promotions).toBeLessThan(6); // convergence is quick: promotions stop once a turn is answered
  });
});

describe('session records — replay of a first message after its session was replaced (PQXDH rev. 3 §4.2)', () => {
  /** Bob has no one-time prekeys: every handshake uses SPK + PQSPK only, the replayable case. */
  function setup(label: string) {
    const rnd = detRandom(label);
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd);
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
    const first = sendMessage(alice.ctx, 'bob.1', utf8('first'));
    expect(decodeEnvelope(first).handshake).toBeDefined();
    expect(receiveMessage(bob.ctx, 'alice.1', first, T0).newSession).toBe(true);
    return { alice, bob, first };
  }
  const replace = (alice: Device, bob: Device) => {
    startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0 + 1);
    const r = receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('new session')), T0 + 1);
    expect(r.newSession).toBe(true);
  };

  test('while the old session still holds that chain: DUPLICATE_MESSAGE, nothing changes, no re-install', () => {
    const { alice, bob, first } = setup('record: replay early');
    replace(alice, bob);
    const current = currentId(bob, 'alice.1');
    const before = snapshot(bob, 'alice.1');
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', first, T0 + 2))).toBe('DUPLICATE_MESSAGE');
    expect(snapshot(bob, 'alice.1')).toBe(before);
    expect(currentId(bob, 'alice.1')).toBe(current);
    // The new session keeps working both ways.
    expect(text(receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8('r')), T0).plaintext)).toBe('r');
    expect(text(receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('s')), T0).plaintext)).toBe('s');
  });

  test('after the old session ratcheted past that chain: DECRYPT_FAILED, nothing changes, no re-install', () => {
    const { alice, bob, first } = setup('record: replay late');
    for (const t of ['b1', 'b2']) {
      receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8(t)), T0);
      receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8(`a after ${t}`)), T0);
    }
    // Replay on the still-current session: rejected by its ratchet as well.
    const onCurrent = snapshot(bob, 'alice.1');
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', first, T0))).toBe('DECRYPT_FAILED');
    expect(snapshot(bob, 'alice.1')).toBe(onCurrent);
    replace(alice, bob);
    const current = currentId(bob, 'alice.1');
    const before = snapshot(bob, 'alice.1');
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', first, T0 + 2))).toBe('DECRYPT_FAILED');
    expect(snapshot(bob, 'alice.1')).toBe(before);
    expect(currentId(bob, 'alice.1')).toBe(current);
    expect(text(receiveMessage(bob.ctx, 'alice.1', sendMessage(alice.ctx, 'bob.1', utf8('s')), T0).plaintext)).toBe('s');
  });
});

describe('session records — archive bound, eviction, DoS bound, serialization', () => {
  /** Alice starts 7 sessions in a row (one OPK each); Bob accepts each. Second PREKEYs are held back. */
  function sevenSessions(label: string) {
    const rnd = detRandom(label);
    const alice = makeDevice(SUITE, 'alice.1', rnd);
    const bob = makeDevice(SUITE, 'bob.1', rnd, { oneTime: 7, kemOneTime: 7 });
    const ids: string[] = [];
    const held: Uint8Array[] = [];
    for (let i = 0; i < 7; i++) {
      startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0 + i);
      ids.push(currentId(alice, 'bob.1'));
      const env = sendMessage(alice.ctx, 'bob.1', utf8(`first ${i}`));
      held.push(sendMessage(alice.ctx, 'bob.1', utf8(`second ${i}`)));
      expect(receiveMessage(bob.ctx, 'alice.1', env, T0 + i).newSession).toBe(true);
    }
    return { rnd, alice, bob, ids, held };
  }

  test(`at most ${MAX_ARCHIVED_SESSIONS} archived sessions, most recent first; the oldest is evicted`, () => {
    const { alice, bob, ids, held } = sevenSessions('record: eviction');
    for (const d of [alice, bob]) {
      const r = record(d, d === alice ? 'bob.1' : 'alice.1');
      expect(r.previous).toHaveLength(MAX_ARCHIVED_SESSIONS);
      expect([r.current, ...r.previous].map((s) => toHex(s.handshakeId))).toEqual([...ids].reverse().slice(0, 6));
    }
    // The evicted session's late PREKEY cannot re-run its handshake: its OPK is consumed.
    const before = snapshot(bob, 'alice.1');
    expect(codeOf(() => receiveMessage(bob.ctx, 'alice.1', held[0], T0))).toBe('PREKEY_REUSED');
    expect(snapshot(bob, 'alice.1')).toBe(before);
    // Every archived session still decrypts its late messages, and each one is promoted.
    for (let i = 1; i < 7; i++) {
      const r = receiveMessage(bob.ctx, 'alice.1', held[i], T0);
      expect([text(r.plaintext), r.newSession, r.promoted]).toEqual([`second ${i}`, false, true]); // each was archived by the previous promotion
      expect(currentId(bob, 'alice.1')).toBe(ids[i]);
    }
  });

  test('addSession returns the evicted session; wipeSessionRecord zeroes every root key', () => {
    const { bob } = sevenSessions('record: pure eviction');
    const full = record(bob, 'alice.1');
    const extra = record(bob, 'alice.1').previous[4]; // any session object stands in for a new one
    const { record: next, evicted } = addSession(full, { ...extra, handshakeId: new Uint8Array(32) });
    expect(evicted).toEqual([full.previous[4]]);
    expect(next.previous).toEqual([full.current, ...full.previous.slice(0, 4)]);
    expect(full.previous).toHaveLength(5); // input untouched
    wipeSessionRecord(full);
    for (const s of [full.current, ...full.previous]) expect(s.ratchet.rootKey.every((b) => b === 0)).toBe(true);
  });

  test('DoS bound: a forged MESSAGE costs at most (1 + 5) × 7 header trial decryptions and changes nothing', () => {
    const { alice, bob, held, ids } = sevenSessions('record: dos');
    receiveMessage(alice.ctx, 'bob.1', sendMessage(bob.ctx, 'alice.1', utf8('reply')), T0);
    const genuine = sendMessage(alice.ctx, 'bob.1', utf8('message'));
    expect(decodeEnvelope(genuine).type).toBe(2);
    let opens = 0;
    const counting: Suite = { ...SUITE, xaead: { ...SUITE.xaead, open: (...a) => (opens++, SUITE.xaead.open(...a)) } };
    const forged = genuine.slice();
    forged[10] ^= 1; // inside the encrypted header: no session's header key opens it
    const before = snapshot(bob, 'alice.1');
    const rec = record(bob, 'alice.1');
    const recBytes = encodeSessionRecord(rec);
    expect(codeOf(() => decryptWithRecord(counting, rec, decodeEnvelope(forged), bob.ctx.random))).toBe('DECRYPT_FAILED');
    expect(opens).toBeGreaterThan(6);
    expect(opens).toBeLessThanOrEqual((1 + MAX_ARCHIVED_SESSIONS) * 7);
    expect(encodeSessionRecord(rec)).toEqual(recBytes); // the pure function left its input alone
    expect(snapshot(bob, 'alice.1')).toBe(before);
    // Pure promotion of an archived session (a held-back PREKEY of handshake 3): input untouched.
    const moved = decryptWithRecord(SUITE, rec, decodeEnvelope(held[3]), bob.ctx.random);
    expect([text(moved.plaintext), moved.promoted]).toEqual(['second 3', true]);
    expect(toHex(moved.record.current.handshakeId)).toBe(ids[3]);
    expect(rec.previous.map((x) => toHex(x.handshakeId))).toContain(ids[3]);
    expect(moved.record.previous[0]).toBe(rec.current);
    expect(encodeSessionRecord(rec)).toEqual(recBytes);
    expect(text(receiveMessage(bob.ctx, 'alice.1', genuine, T0).plaintext)).toBe('message');
  });

  test('a record with archived sessions round-trips exactly; other versions and malformed records are typed errors', () => {
    const { bob } = sevenSessions('record: codec');
    const bytes = bob.ctx.sessions.loadSession('alice.1')!;
    const copy = bytes.slice();
    const r = decodeSessionRecord(bytes);
    expect(bytes).toEqual(copy); // the input is not mutated
    expect(r.previous).toHaveLength(5);
    expect(encodeSessionRecord(r)).toEqual(bytes);
    expect(bytes[0]).toBe(SESSION_RECORD_VERSION);
    // The version-1 bare session of earlier builds, and unknown versions: BAD_VERSION.
    expect(codeOf(() => decodeSessionRecord(encodeSession(r.current)))).toBe('BAD_VERSION');
    expect(codeOf(() => decodeSessionRecord(Uint8Array.of(4, ...bytes.subarray(1))))).toBe('BAD_VERSION');
    // A pqmsg v1 record (record version 2, sessions without the PQ ratchet) is refused, not migrated.
    expect(bytes[0]).toBe(3);
    expect(codeOf(() => decodeSessionRecord(Uint8Array.of(2, ...bytes.subarray(1))))).toBe('BAD_VERSION');
    expect(codeOf(() => decodeSessionRecord(bytes.subarray(0, bytes.length - 1)))).toBe('TRUNCATED');
    expect(codeOf(() => decodeSessionRecord(Uint8Array.of(...bytes, 0)))).toBe('TRAILING_BYTES');
    const build = (sessions: Uint8Array[]) => {
      const w = new Writer().u8(SESSION_RECORD_VERSION).u8(sessions.length - 1);
      for (const s of sessions) w.bytes(s);
      return w.finish();
    };
    const enc = [r.current, ...r.previous].map(encodeSession);
    expect(encodeSessionRecord(decodeSessionRecord(build(enc)))).toEqual(bytes);
    expect(codeOf(() => decodeSessionRecord(build([...enc, enc[1]])))).toBe('BAD_VALUE'); // 6 archived
    expect(codeOf(() => decodeSessionRecord(build([enc[0], enc[1], enc[1]])))).toBe('BAD_VALUE'); // same handshake twice
    expect(codeOf(() => encodeSessionRecord({ current: r.current, previous: [...r.previous, r.previous[0]] }))).toBe('BAD_VALUE');
  });
});
