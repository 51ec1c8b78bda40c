/**
 * Forward secrecy and post-compromise security of the ratchet (Double Ratchet rev. 1 §6.1, §6.2),
 * checked on serialized states: the bytes an attacker who steals a device would get.
 */
import { describe, expect, test } from 'vitest';
import {
  ratchetDecrypt,
  ratchetEncrypt,
  type RatchetState,
} from '../../../src/protocol/ratchet/double-ratchet.ts';
import {
  decodeRatchetState,
  encodeRatchetState,
} from '../../../src/protocol/ratchet/state-codec.ts';
import { ENC_HEADER_BYTES, KEY_BYTES } from '../../../src/protocol/ratchet/constants.ts';
import { hDecrypt } from '../../../src/protocol/ratchet/header.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import { Writer } from '../../../src/wire/codec.ts';
import { writePqState } from '../../../src/protocol/pq-ratchet/state-codec.ts';
import { kdfCK, messageKeys } from '../../../src/protocol/ratchet/kdf-chains.ts';
import { concatBytes } from '../../../src/util/bytes.ts';
import { dec, enc, expectCode, newPair, suite } from './helpers.ts';

/**
 * Every 32-byte window of the Double Ratchet part of the serialized states, at every byte offset
 * (the PQ ratchet part, which follows it, is searched in test/protocol/pq-ratchet/adversary.test.ts).
 */
function windows(states: RatchetState[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const s of states) {
    const w = new Writer();
    writePqState(w, s.pq);
    const all = encodeRatchetState(s);
    const bytes = all.subarray(0, all.length - w.finish().length);
    for (let i = 0; i + KEY_BYTES <= bytes.length; i++) out.push(bytes.slice(i, i + KEY_BYTES));
  }
  return out;
}

/** The PQ ratchet's key of each message sent, from the trace: a gift to the searcher, so these
 * tests check the Double Ratchet's own forward secrecy and healing (pq-ratchet/ has its own). */
const pqKeyOf = new WeakMap<Uint8Array, Uint8Array>();

function bodyOpens(w: Uint8Array, message: Uint8Array, ad: Uint8Array): boolean {
  const encHeader = message.subarray(0, ENC_HEADER_BYTES);
  const body = message.subarray(ENC_HEADER_BYTES);
  const pqKey = pqKeyOf.get(message)!;
  // The window as a message key, and as a chain key one step before the message key.
  for (const mk of [w, kdfCK(suite, w).messageKey]) {
    const { key, nonce } = messageKeys(suite, mk, pqKey);
    try {
      suite.aead.open(key, nonce, body, concatBytes(ad, encHeader));
      return true;
    } catch {
      // AUTH_FAILED: this window is not the key (expected for almost every window)
    }
  }
  return false;
}

const headerOpens = (w: Uint8Array, message: Uint8Array) =>
  hDecrypt(suite, w, message.subarray(0, ENC_HEADER_BYTES)) !== null;

function conversation(label: string) {
  const p = newPair(label);
  const st = { alice: p.alice, bob: p.bob };
  const send = (from: 'alice' | 'bob', text: string) => {
    let pqKey: Uint8Array = new Uint8Array(0);
    const trace = (e: TraceEvent) => {
      if (e.values.pq_mk) pqKey = e.values.pq_mk;
    };
    const r = ratchetEncrypt(suite, st[from], enc(text), p.ad, p.random, trace);
    st[from] = r.state;
    pqKeyOf.set(r.message, pqKey);
    return r.message;
  };
  const recv = (to: 'alice' | 'bob', m: Uint8Array) => {
    const r = ratchetDecrypt(suite, st[to], m, p.ad, p.random);
    st[to] = r.state;
    return dec(r.plaintext);
  };
  return { p, st, send, recv };
}

describe('forward secrecy (Double Ratchet rev. 1 §6.1): delivered messages cannot be reopened', () => {
  test('no 32-byte window of either serialized state opens a delivered message; a skipped one opens until delivered', () => {
    const { p, st, send, recv } = conversation('fs');
    const delivered: Uint8Array[] = [];
    const deliver = (to: 'alice' | 'bob', m: Uint8Array) => {
      recv(to, m);
      delivered.push(m);
    };
    deliver('bob', send('alice', 'a0'));
    deliver('bob', send('alice', 'a1'));
    deliver('alice', send('bob', 'b0'));
    const late = send('alice', 'late');
    deliver('bob', send('alice', 'a2')); // `late` is skipped: its key is stored in Bob's state
    deliver('alice', send('bob', 'b1'));
    deliver('alice', send('bob', 'b2'));

    let ws = windows([st.alice, st.bob]);
    expect(ws.length).toBeGreaterThan(500);
    let trials = 0;
    for (const m of delivered)
      for (const w of ws) {
        expect(bodyOpens(w, m, p.ad)).toBe(false);
        trials++;
      }
    expect(trials).toBe(delivered.length * ws.length);
    // Positive control: the search does find a stored key — the skipped message's.
    expect(ws.some((w) => bodyOpens(w, late, p.ad))).toBe(true);
    deliver('bob', late);
    ws = windows([st.alice, st.bob]);
    for (const m of delivered) for (const w of ws) expect(bodyOpens(w, m, p.ad)).toBe(false);

    // Header keys last a chain. Positive control: the current chain's header key is in the state.
    expect(ws.some((w) => headerOpens(w, delivered[delivered.length - 1]))).toBe(true);
    // After one more round trip every chain above has been replaced and no header opens either.
    deliver('bob', send('alice', 'a3'));
    deliver('alice', send('bob', 'b3'));
    deliver('bob', send('alice', 'a4'));
    ws = windows([st.alice, st.bob]);
    const old = delivered.slice(0, 7);
    for (const m of old)
      for (const w of ws) expect(headerOpens(w, m) || bodyOpens(w, m, p.ad)).toBe(false);
  });
});

describe('post-compromise security (Double Ratchet rev. 1 §6.2): a stolen state heals', () => {
  test('a stolen snapshot of Bob decrypts until Bob’s next DH step, then never again (original pqmsg spec)', () => {
    const { p, st, send, recv } = conversation('pcs');
    recv('bob', send('alice', 'hello'));
    recv('alice', send('bob', 'hi'));
    recv('bob', send('alice', 'how are you'));
    // Eve copies Bob's device state and from now on sees every message sent to Bob.
    let eve = decodeRatchetState(encodeRatchetState(st.bob));
    const eveRandom = (n: number) => new Uint8Array(n).fill(0xee);
    const eveReads = (m: Uint8Array) => {
      const r = ratchetDecrypt(suite, eve, m, p.ad, eveRandom);
      eve = r.state;
      return dec(r.plaintext);
    };
    // Compromised window: Alice's current chain, and her next one (it still uses Bob's stolen key).
    const a1 = send('alice', 'secret 1');
    expect(eveReads(a1)).toBe('secret 1');
    expect(recv('bob', a1)).toBe('secret 1');
    recv('alice', send('bob', 'ok'));
    const a2 = send('alice', 'secret 2');
    expect(eveReads(a2)).toBe('secret 2');
    expect(recv('bob', a2)).toBe('secret 2'); // Bob's DH step: a fresh key Eve never saw
    // One round trip later Eve is locked out, whatever she tries.
    const stolen = decodeRatchetState(encodeRatchetState(eve));
    recv('alice', send('bob', 'fine'));
    for (let i = 3; i < 8; i++) {
      const m = send('alice', `secret ${i}`);
      expectCode(() => ratchetDecrypt(suite, eve, m, p.ad, eveRandom), 'DECRYPT_FAILED');
      expectCode(() => ratchetDecrypt(suite, stolen, m, p.ad, eveRandom), 'DECRYPT_FAILED');
      expect(recv('bob', m)).toBe(`secret ${i}`);
      if (i === 5) recv('alice', send('bob', 'another round'));
    }
  });

  test('a stolen snapshot of Alice stops reading Bob after one round trip', () => {
    const { p, st, send, recv } = conversation('pcs-alice');
    recv('bob', send('alice', 'hello'));
    const eve = decodeRatchetState(encodeRatchetState(st.alice));
    const rnd = (n: number) => new Uint8Array(n).fill(0x5e);
    const b0 = send('bob', 'b0');
    expect(dec(ratchetDecrypt(suite, eve, b0, p.ad, rnd).plaintext)).toBe('b0');
    recv('alice', b0); // Alice's fresh DH key
    recv('bob', send('alice', 'a1'));
    const b1 = send('bob', 'b1');
    expect(recv('alice', b1)).toBe('b1');
    expectCode(() => ratchetDecrypt(suite, eve, b1, p.ad, rnd), 'DECRYPT_FAILED');
  });
});
