import { describe, expect, test } from 'vitest';
import {
  ratchetDecrypt,
  ratchetDecryptWithLimits,
  ratchetEncrypt,
  ratchetInitAlice,
  ratchetInitBob,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import {
  ENC_HEADER_BYTES,
  MAX_COUNTER,
  MIN_MESSAGE_BYTES,
  RATCHET_MESSAGE_VERSION,
} from '../../../src/protocol/ratchet/constants.ts';
import { hDecrypt, hEncrypt } from '../../../src/protocol/ratchet/header.ts';
import { clonePqState } from '../../../src/protocol/pq-ratchet/state.ts';
import { nextSendKey } from '../../../src/protocol/pq-ratchet/chain.ts';
import { kdfCK, messageKeys } from '../../../src/protocol/ratchet/kdf-chains.ts';
import { concatBytes, toHex } from '../../../src/util/bytes.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import { dec, enc, expectCode, newPair, snapshot, suite } from './helpers.ts';

type Dir = { state: RatchetState };
type Ctx = { random: (n: number) => Uint8Array; ad: Uint8Array };

function send(p: Ctx, from: Dir, text: string): Uint8Array {
  const r = ratchetEncrypt(suite, from.state, enc(text), p.ad, p.random);
  from.state = r.state;
  return r.message;
}

function recv(p: Ctx, to: Dir, message: Uint8Array): string {
  const r = ratchetDecrypt(suite, to.state, message, p.ad, p.random);
  to.state = r.state;
  return dec(r.plaintext);
}

function setup(label: string) {
  const p = newPair(label);
  return { p, A: { state: p.alice }, B: { state: p.bob } };
}

describe('Double Ratchet rev. 1 §4.4–§4.6 — round trips', () => {
  test('single message, then five round trips with a DH step on each change of direction', () => {
    const { p, A, B } = setup('roundtrip');
    expect(recv(p, B, send(p, A, 'hello'))).toBe('hello');
    const roots = new Set<string>([toHex(A.state.rootKey)]);
    for (let i = 0; i < 5; i++) {
      expect(recv(p, A, send(p, B, `b${i}`))).toBe(`b${i}`);
      roots.add(toHex(A.state.rootKey));
      expect(recv(p, B, send(p, A, `a${i}`))).toBe(`a${i}`);
      roots.add(toHex(B.state.rootKey));
    }
    expect(roots.size).toBe(11); // the root key changed on every direction flip
    expect(A.state.nSend).toBe(1);
    expect(B.state.nRecv).toBe(1);
  });

  test('the responder cannot send before the first message (BAD_STATE), and nothing changes', () => {
    const { p, B } = setup('bob-first');
    const before = snapshot(B.state);
    expectCode(() => send(p, B, 'too early'), 'BAD_STATE');
    expect(snapshot(B.state)).toEqual(before);
  });

  test('message layout: version byte, 140-byte encrypted header, body = plaintext + 16', () => {
    const { p, A, B } = setup('layout');
    for (const len of [0, 1, 100, 1024]) {
      const m = ratchetEncrypt(suite, A.state, new Uint8Array(len).fill(7), p.ad, p.random);
      A.state = m.state;
      expect(m.message.length).toBe(MIN_MESSAGE_BYTES + len);
      expect(m.message[0]).toBe(RATCHET_MESSAGE_VERSION);
      const out = ratchetDecrypt(suite, B.state, m.message, p.ad, p.random);
      expect(out.plaintext).toEqual(new Uint8Array(len).fill(7));
    }
  });

  test('header encryption: the ratchet public key and the counters are not visible on the wire', () => {
    const { p, A, B } = setup('hidden-header');
    for (let i = 0; i < 3; i++) {
      const m = send(p, A, 'x');
      expect(toHex(m)).not.toContain(toHex(A.state.dhSend.publicKey));
      // The header opens under Alice's HKs (= Bob's HKr after the first message) with N = i.
      const header = hDecrypt(suite, A.state.headerKeySend!, m.subarray(0, ENC_HEADER_BYTES));
      expect(header).not.toBeNull();
      expect(header!.n).toBe(i);
      expect(header!.dh).toEqual(A.state.dhSend.publicKey);
      recv(p, B, m);
    }
    const reply = send(p, B, 'y');
    expect(toHex(reply)).not.toContain(toHex(B.state.dhSend.publicKey));
  });

  test('message AD = ad ‖ encrypted header: the body opens with the derived key and that AD only', () => {
    const { p, A } = setup('ad-layout');
    const ck = A.state.chainKeySend!.slice();
    const pq = clonePqState(A.state.pq);
    const pqKey = nextSendKey(suite, pq).messageKey; // the PQ ratchet's key for the same message
    const m = send(p, A, 'check');
    const keys = messageKeys(suite, kdfCK(suite, ck).messageKey, pqKey);
    const encHeader = m.subarray(0, ENC_HEADER_BYTES);
    const body = m.subarray(ENC_HEADER_BYTES);
    const opened = suite.aead.open(keys.key, keys.nonce, body, concatBytes(p.ad, encHeader));
    expect(dec(opened)).toBe('check');
    expectCode(() => suite.aead.open(keys.key, keys.nonce, body, p.ad), 'AUTH_FAILED');
  });

  test('a different session AD is rejected (DECRYPT_FAILED) and leaves the state unchanged', () => {
    const { p, A, B } = setup('wrong-ad');
    const m = send(p, A, 'hi');
    const before = snapshot(B.state);
    const otherAd = new Uint8Array(64);
    expectCode(() => ratchetDecrypt(suite, B.state, m, otherAd, p.random), 'DECRYPT_FAILED');
    expect(snapshot(B.state)).toEqual(before);
    expect(recv(p, B, m)).toBe('hi');
  });

  test('inputs are never mutated: state, plaintext, ad and message', () => {
    const { p, A, B } = setup('no-mutation');
    const pt = enc('payload');
    const ad = p.ad.slice();
    const aBefore = snapshot(A.state);
    const { message, state } = ratchetEncrypt(suite, A.state, pt, ad, p.random);
    expect(snapshot(A.state)).toEqual(aBefore);
    expect(pt).toEqual(enc('payload'));
    expect(ad).toEqual(p.ad);
    const msgCopy = message.slice();
    const bBefore = snapshot(B.state);
    const out = ratchetDecrypt(suite, B.state, message, ad, p.random);
    expect(snapshot(B.state)).toEqual(bBefore);
    expect(message).toEqual(msgCopy);
    expect(ad).toEqual(p.ad);
    expect(dec(out.plaintext)).toBe('payload');
    // The new states share no array with the old ones.
    expect(state.rootKey).not.toBe(A.state.rootKey);
    expect(out.state.nextHeaderKeyRecv).not.toBe(B.state.nextHeaderKeyRecv);
  });

  test('argument checks: typed errors for wrong types and lengths', () => {
    const { p, A } = setup('args');
    const spk = suite.dh.keygen(new Uint8Array(32).fill(3));
    const k = new Uint8Array(32);
    const short = new Uint8Array(31);
    expectCode(() => ratchetInitAlice(suite, short, spk.publicKey, k, k, p.random), 'BAD_LENGTH');
    expectCode(() => ratchetInitAlice(suite, k, new Uint8Array(33), k, k, p.random), 'BAD_LENGTH');
    expectCode(() => ratchetInitBob(suite, k, spk, new Uint8Array(16), k), 'BAD_LENGTH');
    const lowOrder = new Uint8Array(32); // u = 0 (RFC 7748 §6.1)
    expectCode(() => ratchetInitAlice(suite, k, lowOrder, k, k, p.random), 'LOW_ORDER');
    const notBytes = [1, 2] as unknown as Uint8Array;
    expectCode(() => ratchetEncrypt(suite, A.state, notBytes, p.ad, p.random), 'BAD_TYPE');
    expectCode(() => ratchetDecrypt(suite, A.state, notBytes, p.ad, p.random), 'BAD_TYPE');
  });
});

describe('Double Ratchet rev. 1 §2.6, §4.6 — out-of-order, late and duplicate messages', () => {
  test('out-of-order within a chain decrypts (original pqmsg spec)', () => {
    const { p, A, B } = setup('ooo');
    const ms = [0, 1, 2, 3, 4].map((i) => send(p, A, `m${i}`));
    for (const i of [3, 0, 4, 2, 1]) expect(recv(p, B, ms[i])).toBe(`m${i}`);
    expect(B.state.skipped).toHaveLength(0);
  });

  test('late messages from earlier chains decrypt after several DH steps', () => {
    const { p, A, B } = setup('late');
    const late0 = send(p, A, 'late-0');
    recv(p, B, send(p, A, 'a1'));
    recv(p, A, send(p, B, 'b0'));
    const late1 = send(p, A, 'late-1');
    recv(p, B, send(p, A, 'a2'));
    recv(p, A, send(p, B, 'b1'));
    recv(p, B, send(p, A, 'a3'));
    expect(B.state.skipped).toHaveLength(2);
    expect(recv(p, B, late1)).toBe('late-1');
    expect(recv(p, B, late0)).toBe('late-0');
    expect(B.state.skipped).toHaveLength(0);
  });

  test('the first message lost: the second one still opens the session', () => {
    const { p, A, B } = setup('first-lost');
    send(p, A, 'lost');
    expect(recv(p, B, send(p, A, 'second'))).toBe('second');
    expect(recv(p, A, send(p, B, 'reply'))).toBe('reply');
  });

  test('duplicates are DUPLICATE_MESSAGE while the chain is known, state unchanged', () => {
    const { p, A, B } = setup('dup');
    const m0 = send(p, A, 'm0');
    const m1 = send(p, A, 'm1');
    const m2 = send(p, A, 'm2');
    recv(p, B, m0);
    recv(p, B, m2); // m1 skipped
    for (const m of [m0, m2]) {
      const before = snapshot(B.state);
      expectCode(() => recv(p, B, m), 'DUPLICATE_MESSAGE'); // current chain, n < Nr
      expect(snapshot(B.state)).toEqual(before);
    }
    // After a DH step the old chain is known only through its skipped key (m1).
    recv(p, A, send(p, B, 'b'));
    recv(p, B, send(p, A, 'a-new-chain'));
    expectCode(() => recv(p, B, m2), 'DUPLICATE_MESSAGE'); // old chain, key gone
    expect(recv(p, B, m1)).toBe('m1');
    // Once its last skipped key is used the chain is forgotten: a replay is indistinguishable
    // from a forgery.
    expectCode(() => recv(p, B, m1), 'DECRYPT_FAILED');
  });

  test('a message replayed in the other direction is DECRYPT_FAILED', () => {
    const { p, A, B } = setup('reflect');
    const m = send(p, A, 'x');
    recv(p, B, m);
    const b = send(p, B, 'y');
    recv(p, A, b);
    expectCode(() => recv(p, A, m), 'DECRYPT_FAILED');
    expectCode(() => recv(p, B, b), 'DECRYPT_FAILED');
  });
});

describe('forgeries are rejected and leave the state byte-identical (Double Ratchet rev. 1 §3.5)', () => {
  test('every single-bit flip of a message, and every truncation', () => {
    const { p, A, B } = setup('flips');
    recv(p, B, send(p, A, 'warm-up'));
    const m = send(p, A, 'target message');
    const before = snapshot(B.state);
    let flips = 0;
    for (let i = 0; i < m.length; i++) {
      for (const bit of [0, 7]) {
        const f = m.slice();
        f[i] ^= 1 << bit;
        expectCode(() => recv(p, B, f), i === 0 ? 'UNKNOWN_VERSION' : 'DECRYPT_FAILED');
        flips++;
      }
    }
    for (let len = 0; len < m.length; len++)
      expectCode(() => recv(p, B, m.slice(0, len)), 'DECRYPT_FAILED');
    expectCode(() => recv(p, B, concatBytes(m, Uint8Array.of(0))), 'DECRYPT_FAILED');
    expect(flips).toBe(2 * m.length);
    expect(snapshot(B.state)).toEqual(before);
    expect(recv(p, B, m)).toBe('target message');
  });

  test('a forged body under a genuine header that would start a DH step leaves no trace', () => {
    const { p, A, B } = setup('forged-ratchet');
    recv(p, B, send(p, A, 'a0'));
    const b = send(p, B, 'b0');
    const forged = b.slice();
    forged[forged.length - 1] ^= 0x80;
    const before = snapshot(A.state);
    expectCode(() => recv(p, A, forged), 'DECRYPT_FAILED');
    expect(snapshot(A.state)).toEqual(before);
    expect(recv(p, A, b)).toBe('b0');
  });
});

describe('malicious peer: a low-order ratchet key (RFC 7748 §6.1)', () => {
  test('a genuine new-chain header carrying the all-zero point fails with LOW_ORDER, state unchanged', () => {
    const { p, A, B } = setup('low-order');
    recv(p, B, send(p, A, 'a0'));
    // Alice's next sending header key is Bob's NHKr: she can start a chain with any DH key.
    const header = { dh: new Uint8Array(32), pn: 1, n: 0, pq: new Uint8Array(59) };
    const encHeader = hEncrypt(suite, A.state.nextHeaderKeySend, header, p.random);
    const before = snapshot(B.state);
    const m = concatBytes(encHeader, new Uint8Array(16));
    expectCode(() => recv(p, B, m), 'LOW_ORDER');
    expect(snapshot(B.state)).toEqual(before);
  });
});

describe('skipped-key bounds (Double Ratchet rev. 1 §3.5 MAX_SKIP, §6.4)', () => {
  test('a jump of MAX_SKIP = 1000 is accepted; 1001 is TOO_MANY_SKIPPED with the state unchanged', () => {
    const { p, A, B } = setup('max-skip');
    const ms: Uint8Array[] = [];
    for (let i = 0; i <= 1001; i++) ms.push(send(p, A, `m${i}`));
    const before = snapshot(B.state);
    expectCode(() => recv(p, B, ms[1001]), 'TOO_MANY_SKIPPED');
    expect(snapshot(B.state)).toEqual(before);
    expect(recv(p, B, ms[1000])).toBe('m1000');
    expect(B.state.skipped[0].keys.size).toBe(1000);
    expect(recv(p, B, ms[1001])).toBe('m1001');
    expect(recv(p, B, ms[0])).toBe('m0');
  });

  test('PN is bounded too: a new chain whose PN jumps past MAX_SKIP is TOO_MANY_SKIPPED', () => {
    const { p, A, B } = setup('pn-skip');
    recv(p, B, send(p, A, 'a0'));
    recv(p, A, send(p, B, 'b0'));
    for (let i = 0; i < 1001; i++) send(p, B, `lost${i}`);
    recv(p, B, send(p, A, 'a1'));
    const jump = send(p, B, 'new chain, PN = 1002');
    expectCode(() => recv(p, A, jump), 'TOO_MANY_SKIPPED');
  });

  test('total bound 2000 with oldest-first eviction, using the v1 limits', () => {
    const { p, A, B } = setup('total-bound');
    // Three chains from Alice; on each Bob receives only the last message, skipping 1000, 1000, 1.
    const chains: Uint8Array[][] = [];
    for (let c = 0; c < 3; c++) {
      const ms: Uint8Array[] = [];
      for (let i = 0; i < (c < 2 ? 1001 : 2); i++) ms.push(send(p, A, `c${c}m${i}`));
      chains.push(ms);
      recv(p, B, ms[ms.length - 1]);
      recv(p, A, send(p, B, `ack${c}`));
    }
    const total = B.state.skipped.reduce((t, c) => t + c.keys.size, 0);
    expect(total).toBe(2000);
    expect(B.state.skipped.map((c) => c.keys.size)).toEqual([999, 1000, 1]);
    expectCode(() => recv(p, B, chains[0][0]), 'DUPLICATE_MESSAGE'); // evicted, chain still known
    expect(recv(p, B, chains[0][1])).toBe('c0m1'); // the next-oldest survived
    expect(recv(p, B, chains[1][0])).toBe('c1m0');
    expect(recv(p, B, chains[2][0])).toBe('c2m0');
  });

  test('chain bound: at most 5 header keys are stored; the oldest chain goes first', () => {
    const { p, A, B } = setup('chain-bound');
    const firsts: Uint8Array[] = [];
    for (let c = 0; c < 6; c++) {
      firsts.push(send(p, A, `c${c}m0`));
      recv(p, B, send(p, A, `c${c}m1`));
      recv(p, A, send(p, B, `ack${c}`));
    }
    expect(B.state.skipped).toHaveLength(5);
    expectCode(() => recv(p, B, firsts[0]), 'DECRYPT_FAILED'); // its header key is gone
    for (let c = 1; c < 6; c++) expect(recv(p, B, firsts[c])).toBe(`c${c}m0`);
  });

  test('ratchetDecryptWithLimits applies tighter limits', () => {
    const { p, A, B } = setup('limits');
    const ms = [0, 1, 2, 3].map((i) => send(p, A, `m${i}`));
    const limits = { maxSkip: 2, maxSkippedKeys: 2, maxSkippedChains: 1 };
    expectCode(
      () => ratchetDecryptWithLimits(suite, B.state, ms[3], p.ad, p.random, limits),
      'TOO_MANY_SKIPPED',
    );
    const r = ratchetDecryptWithLimits(suite, B.state, ms[2], p.ad, p.random, limits);
    expect([...r.state.skipped[0].keys.keys()]).toEqual([0, 1]);
    const bads = [
      { ...limits, maxSkip: 1001 },
      { ...limits, maxSkippedKeys: 0 },
      { ...limits, maxSkippedChains: 1.5 },
    ];
    for (const bad of bads)
      expectCode(
        () => ratchetDecryptWithLimits(suite, B.state, ms[2], p.ad, p.random, bad),
        'BAD_PARAMS',
      );
  });
});

describe('u32 counters (pqmsg: N ≤ 2³² − 2)', () => {
  test('the sender refuses to go past MAX_COUNTER; the receiver accepts N = MAX_COUNTER', () => {
    const { p, A, B } = setup('counter');
    recv(p, B, send(p, A, 'first'));
    const a = { ...A.state, nSend: MAX_COUNTER };
    const b = { ...B.state, nRecv: MAX_COUNTER };
    const { state, message } = ratchetEncrypt(suite, a, enc('last'), p.ad, p.random);
    expect(dec(ratchetDecrypt(suite, b, message, p.ad, p.random).plaintext)).toBe('last');
    const more = enc('one too many');
    expectCode(() => ratchetEncrypt(suite, state, more, p.ad, p.random), 'BAD_STATE');
  });

  test('a genuine header with N = 2³² − 1 is rejected (DECRYPT_FAILED)', () => {
    const { p, A, B } = setup('counter-rx');
    recv(p, B, send(p, A, 'first'));
    const header = { dh: A.state.dhSend.publicKey, pn: 0, n: 0xffffffff, pq: new Uint8Array(59) };
    const encHeader = hEncrypt(suite, A.state.headerKeySend!, header, p.random);
    const b = { ...B.state, nRecv: MAX_COUNTER };
    const m = concatBytes(encHeader, new Uint8Array(16));
    expectCode(() => ratchetDecrypt(suite, b, m, p.ad, p.random), 'DECRYPT_FAILED');
  });
});

describe('trace', () => {
  test('encrypt and a DH step report KDF_CK, KDF_RK, DH and message keys with sections', () => {
    const { p, A, B } = setup('trace');
    const events: TraceEvent[] = [];
    const t = (e: TraceEvent) => events.push(e);
    const m = ratchetEncrypt(suite, A.state, enc('x'), p.ad, p.random, t).message;
    const steps1 = events.map((e) => e.step.split(':')[0]);
    expect(steps1).toEqual(['KDF_CK', 'PQ epoch 1', 'RatchetEncryptHE', 'message keys']);
    events.length = 0;
    ratchetDecrypt(suite, B.state, m, p.ad, p.random, t);
    const steps2 = events.map((e) => e.step.split(':')[0]);
    const dhStep = ['DH(DHs, DHr)', 'KDF_RK'];
    expect(steps2).toEqual([...dhStep, ...dhStep, 'KDF_CK', 'message keys']);
    for (const e of events) expect(e.section).toMatch(/^(Double Ratchet rev\. 1 §|pqmsg v2 PQ ratchet)/);
  });
});
