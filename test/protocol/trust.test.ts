import { describe, expect, test } from 'vitest';
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import { decodeEnvelope, encodeEnvelope, envelopeAD } from '../../src/protocol/envelope.ts';
import { encodeIdentityPublic, generateIdentity } from '../../src/protocol/identity.ts';
import { generatePreKey } from '../../src/protocol/prekeys.ts';
import { acceptIdentityChange, checkIdentity, markVerified, pendingIdentityChange } from '../../src/protocol/trust.ts';
import { MemoryPreKeyStore, MemorySessionStore, MemoryTrustStore } from '../../src/storage/memory.ts';
import { concatBytes } from '../../src/util/bytes.ts';
import { detRandom } from './helpers/det-rng.ts';
import { T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';
import { codeOf } from '../helpers/error-code.ts';

const rnd = detRandom('trust tests');
const id1 = generateIdentity(SUITE, rnd);
const id2 = generateIdentity(SUITE, rnd);

describe('trust store — TOFU and loud identity-change detection (PROTOCOL.md §8)', () => {
  test('first use pins; a match is accepted; a change throws every time until accepted', () => {
    const store = new MemoryTrustStore();
    expect(checkIdentity(store, 'bob', id1.publicKey, T0)).toBe('new');
    expect(checkIdentity(store, 'bob', id1.publicKey, T0 + 1)).toBe('unverified');
    for (let i = 0; i < 3; i++) expect(codeOf(() => checkIdentity(store, 'bob', id2.publicKey, T0 + 2))).toBe('IDENTITY_CHANGED');
    expect(pendingIdentityChange(store, 'bob')?.identity).toEqual(encodeIdentityPublic(id2.publicKey));
    expect(checkIdentity(store, 'bob', id1.publicKey, T0 + 3)).toBe('unverified'); // the old one still matches
    acceptIdentityChange({ trust: store, sessions: new MemorySessionStore() }, 'bob', id2.publicKey, T0 + 4);
    expect(checkIdentity(store, 'bob', id2.publicKey, T0 + 5)).toBe('unverified');
    expect(pendingIdentityChange(store, 'bob')).toBeUndefined();
    expect(codeOf(() => checkIdentity(store, 'bob', id1.publicKey, T0 + 6))).toBe('IDENTITY_CHANGED');
  });

  test('markVerified only for the pinned identity; verification is lost when the identity changes', () => {
    const store = new MemoryTrustStore();
    checkIdentity(store, 'alice', id1.publicKey, T0);
    expect(codeOf(() => markVerified(store, 'alice', id2.publicKey))).toBe('UNTRUSTED_IDENTITY');
    expect(codeOf(() => markVerified(store, 'carol', id1.publicKey))).toBe('UNTRUSTED_IDENTITY');
    markVerified(store, 'alice', id1.publicKey);
    expect(checkIdentity(store, 'alice', id1.publicKey, T0)).toBe('verified');
    acceptIdentityChange({ trust: store, sessions: new MemorySessionStore() }, 'alice', id2.publicKey, T0 + 1);
    expect(checkIdentity(store, 'alice', id2.publicKey, T0 + 2)).toBe('unverified');
  });
});

describe('in-memory stores (src/storage/memory.ts)', () => {
  test('consumed one-time prekeys leave a tombstone; removal does not; secrets are wiped', () => {
    const store = new MemoryPreKeyStore();
    const opk = generatePreKey(SUITE, id1, PREKEY_ROLE.ONE_TIME, 5, T0, rnd);
    const spk = generatePreKey(SUITE, id1, PREKEY_ROLE.SIGNED, 5, T0, rnd);
    store.storePreKey(opk);
    store.storePreKey(spk);
    expect(store.loadPreKey(PREKEY_ROLE.ONE_TIME, 5)).toBe(opk);
    expect(store.loadPreKey(PREKEY_ROLE.SIGNED, 5)).toBe(spk); // ids are per role
    expect(store.listPreKeys(PREKEY_ROLE.SIGNED)).toEqual([spk]);
    store.consumePreKey(PREKEY_ROLE.ONE_TIME, 5);
    expect(store.loadPreKey(PREKEY_ROLE.ONE_TIME, 5)).toBeUndefined();
    expect(store.isConsumed(PREKEY_ROLE.ONE_TIME, 5)).toBe(true);
    expect(opk.keyPair.secretKey.every((b) => b === 0)).toBe(true);
    store.removePreKey(PREKEY_ROLE.SIGNED, 5);
    expect(store.isConsumed(PREKEY_ROLE.SIGNED, 5)).toBe(false);
  });

  test('session store keeps copies (callers cannot mutate stored bytes)', () => {
    const store = new MemorySessionStore();
    const bytes = Uint8Array.of(1, 2, 3);
    store.storeSession('x', bytes);
    bytes[0] = 9;
    const out = store.loadSession('x')!;
    expect(out).toEqual(Uint8Array.of(1, 2, 3));
    out[1] = 9;
    expect(store.loadSession('x')).toEqual(Uint8Array.of(1, 2, 3));
    store.deleteSession('x');
    expect(store.loadSession('x')).toBeUndefined();
  });
});

describe('envelope codec (PROTOCOL.md §6.1)', () => {
  test('layout, strictness, and the per-envelope AD', () => {
    const message = Uint8Array.of(1, 2, 3);
    const handshake = Uint8Array.of(7, 7);
    const pre = encodeEnvelope({ type: 1, handshake, message });
    expect(Array.from(pre)).toEqual([1, 1, 0, 0, 0, 2, 7, 7, 0, 0, 0, 3, 1, 2, 3]);
    expect(decodeEnvelope(pre)).toEqual({ type: 1, handshake, message });
    const msg = encodeEnvelope({ type: 2, message });
    expect(decodeEnvelope(msg)).toEqual({ type: 2, message });
    expect(codeOf(() => encodeEnvelope({ type: 2, handshake, message } as never))).toBe('BAD_VALUE');
    expect(codeOf(() => encodeEnvelope({ type: 1, message } as never))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(...msg, 0)))).toBe('TRAILING_BYTES');
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(1, 3, 0, 0, 0, 0)))).toBe('BAD_TAG');
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(1, 1, 0, 0, 0x10, 1)))).toBe('BAD_VALUE'); // header > 4096
    const ad = Uint8Array.of(9);
    expect(envelopeAD(SUITE, ad, { type: 2 })).toEqual(Uint8Array.of(9, 1, 2));
    expect(envelopeAD(SUITE, ad, { type: 1, handshake })).toEqual(concatBytes(Uint8Array.of(9, 1, 1), SUITE.sha256(handshake)));
  });
});
