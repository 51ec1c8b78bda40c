/**
 * The Double Ratchet with header encryption: initialization, RatchetEncryptHE, RatchetDecryptHE
 * (transactional) and SkipMessageKeysHE; the DH step itself is in dh-ratchet.ts. In pqmsg v2 it
 * is the triple ratchet: every header carries the post-quantum ratchet's message (pq-ratchet/)
 * and every message key is mixed with that ratchet's key for the same message.
 * Double Ratchet rev. 1 (Perrin, Marlinspike, 2016-11-20), §4.4–§4.6, with the §5.2 KDFs;
 * rev. 4 (2025-11-04) §6 (Triple Ratchet: KDF_HYBRID(ec_mk, pq_mk)).
 * Differs from the spec: (1) skipped keys are tried one header key at a time (≤ 5 chains), not
 * one stored key at a time, and are bounded in total (§6.4); (2) a header that opens under a known
 * key but whose message key is gone is reported as DUPLICATE_MESSAGE; (3) counters are u32.
 * Side channels: no branch on secret bytes; branches on header fields and on which trial key
 * opened the header are public (an observer of the message learns them too).
 * Pure: state in, new state out; randomness only from the RandomSource argument.
 */
import { concatBytes, copyBytes, expectBytes, expectLength } from '../../util/bytes.ts';
import { wipe } from '../../util/ct.ts';
import { CryptoError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import type { KeyPair, Suite } from '../suite.ts';
import type { Trace } from '../trace.ts';
import {
  DEFAULT_LIMITS,
  DH_PUBLIC_BYTES,
  KEY_BYTES,
  MAX_COUNTER,
  type RatchetLimits,
} from './constants.ts';
import { hDecrypt, hEncrypt, type Header } from './header.ts';
import { dh, dhRatchet, generateDH } from './dh-ratchet.ts';
import { kdfCK, kdfRK, messageKeys } from './kdf-chains.ts';
import { encodeMessage, parseMessage } from './message.ts';
import { findCurrentChain, storeSkippedKey, takeSkippedKey } from './skipped-keys.ts';
import { cloneState, wipeRatchetState, type RatchetState } from './state.ts';
import { decodePqMessage, encodePqMessage } from '../pq-ratchet/chunks.ts';
import { pqInit, pqReceive, pqSend } from '../pq-ratchet/epoch.ts';
import { splitRootKey } from '../pq-ratchet/kdf.ts';

export type { RatchetState } from './state.ts';

/**
 * Initializes the initiator's state: a fresh ratchet key pair and a first sending chain toward
 * Bob's ratchet key (his signed prekey). Double Ratchet rev. 1 §4.4 (RatchetInitAliceHE).
 * Differs from the spec (pqmsg v2): SK is first split into the DR's RK₀ and the PQ ratchet's PQ₀
 * (pq-ratchet/kdf.ts splitRootKey); Alice is the keyholder of PQ epoch 1.
 */
export function ratchetInitAlice(
  suite: Suite,
  sk: Uint8Array,
  bobRatchetPublic: Uint8Array,
  sharedHka: Uint8Array,
  sharedNhkb: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): RatchetState {
  expectLength(sk, KEY_BYTES, 'ratchetInitAlice: SK');
  expectLength(bobRatchetPublic, DH_PUBLIC_BYTES, 'ratchetInitAlice: Bob ratchet public key');
  expectLength(sharedHka, KEY_BYTES, 'ratchetInitAlice: shared_hka');
  expectLength(sharedNhkb, KEY_BYTES, 'ratchetInitAlice: shared_nhkb');
  const dhSend = generateDH(suite, random); // state.DHRs = GENERATE_DH()
  let dhOut: Uint8Array;
  try {
    dhOut = dh(suite, dhSend, bobRatchetPublic, trace);
  } catch (e) {
    wipe(dhSend.secretKey); // e.g. LOW_ORDER: a malicious ratchet key in the bundle
    throw e;
  }
  const { rootKey, pqKey } = splitRootKey(suite, sk); // RK₀ ‖ PQ₀ ← HKDF(SK)
  const root = kdfRK(suite, rootKey, dhOut, trace); // RK, CKs, NHKs = KDF_RK_HE(RK₀, DH(DHRs, DHRr))
  const pq = pqInit(suite, pqKey, true);
  wipe(dhOut, rootKey, pqKey);
  return {
    dhSend,
    dhRecv: copyBytes(bobRatchetPublic), // DHRr = bob_dh_public_key
    rootKey: root.rootKey,
    chainKeySend: root.chainKey,
    chainKeyRecv: null,
    nSend: 0,
    nRecv: 0,
    prevChainLength: 0,
    headerKeySend: copyBytes(sharedHka), // HKs = shared_hka
    headerKeyRecv: null,
    nextHeaderKeySend: root.nextHeaderKey,
    nextHeaderKeyRecv: copyBytes(sharedNhkb), // NHKr = shared_nhkb
    skipped: [],
    pq,
  };
}

/**
 * Initializes the responder's state from his ratchet key pair (SPK_B); he can send only after
 * the first message arrives. Double Ratchet rev. 1 §4.4 (RatchetInitBobHE).
 * Differs from the spec (pqmsg v2): RK = RK₀ from splitRootKey(SK), and the PQ ratchet starts
 * from PQ₀ with Bob as the encapsulator of epoch 1.
 */
export function ratchetInitBob(
  suite: Suite,
  sk: Uint8Array,
  bobRatchetKeyPair: KeyPair,
  sharedHka: Uint8Array,
  sharedNhkb: Uint8Array,
  trace?: Trace,
): RatchetState {
  expectLength(sk, KEY_BYTES, 'ratchetInitBob: SK');
  expectBytes(bobRatchetKeyPair?.secretKey, 'ratchetInitBob: ratchet secret key');
  expectLength(bobRatchetKeyPair.publicKey, DH_PUBLIC_BYTES, 'ratchetInitBob: ratchet public key');
  expectLength(sharedHka, KEY_BYTES, 'ratchetInitBob: shared_hka');
  expectLength(sharedNhkb, KEY_BYTES, 'ratchetInitBob: shared_nhkb');
  trace?.({
    step: 'RatchetInitBobHE: RK = SK, NHKs = shared_nhkb, NHKr = shared_hka',
    section: 'Double Ratchet rev. 1 §4.4',
    values: { SK: copyBytes(sk), DHs: copyBytes(bobRatchetKeyPair.publicKey) },
  });
  const { rootKey, pqKey } = splitRootKey(suite, sk); // RK₀ ‖ PQ₀ ← HKDF(SK)
  const pq = pqInit(suite, pqKey, false);
  wipe(pqKey);
  return {
    dhSend: {
      secretKey: copyBytes(bobRatchetKeyPair.secretKey),
      publicKey: copyBytes(bobRatchetKeyPair.publicKey),
    },
    dhRecv: null,
    rootKey, // RK = RK₀
    chainKeySend: null,
    chainKeyRecv: null,
    nSend: 0,
    nRecv: 0,
    prevChainLength: 0,
    headerKeySend: null,
    headerKeyRecv: null,
    nextHeaderKeySend: copyBytes(sharedNhkb), // NHKs = shared_nhkb
    nextHeaderKeyRecv: copyBytes(sharedHka), // NHKr = shared_hka
    skipped: [],
    pq,
  };
}

/**
 * Encrypts one message: steps the sending chain, encrypts the header under HKs and the body
 * under the message key with AD ‖ encrypted header. Pure: the input state is not modified;
 * persist the returned state before sending the message (docs/ARCHITECTURE.md §2).
 * Double Ratchet rev. 1 §4.5 (RatchetEncryptHE).
 */
export function ratchetEncrypt(
  suite: Suite,
  state: Readonly<RatchetState>,
  plaintext: Uint8Array,
  ad: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): { state: RatchetState; message: Uint8Array } {
  expectBytes(plaintext, 'ratchetEncrypt: plaintext');
  expectBytes(ad, 'ratchetEncrypt: ad');
  if (state.chainKeySend === null || state.headerKeySend === null)
    throw new ProtocolError(
      'BAD_STATE',
      'ratchetEncrypt: no sending chain yet (the responder must receive first)',
    );
  if (state.nSend > MAX_COUNTER)
    throw new ProtocolError(
      'BAD_STATE',
      'ratchetEncrypt: sending chain exhausted (u32 message counter)',
    );
  return transaction(state, (next) => {
    // CKs, mk = KDF_CK(CKs)
    const { chainKey, messageKey } = kdfCK(suite, next.chainKeySend!, trace);
    wipe(next.chainKeySend!);
    next.chainKeySend = chainKey;
    // The PQ ratchet's part: its key for this message and the chunk it schedules.
    const pq = pqSend(suite, next.pq, random, trace);
    // header = HEADER(DHRs, PN, Ns) ‖ PQ message; enc_header = HENCRYPT(HKs, header)
    const header: Header = {
      dh: next.dhSend.publicKey,
      pn: next.prevChainLength,
      n: next.nSend,
      pq: encodePqMessage(pq.message),
    };
    const encHeader = hEncrypt(suite, next.headerKeySend!, header, random);
    trace?.({
      step: `RatchetEncryptHE: header (DHs, PN = ${header.pn}, N = ${header.n}) under HKs`,
      section: 'Double Ratchet rev. 1 §4.5',
      values: {
        DHs: copyBytes(header.dh),
        HKs: copyBytes(next.headerKeySend!),
        enc_header: copyBytes(encHeader),
      },
    });
    next.nSend += 1; // Ns += 1
    const keys = messageKeys(suite, messageKey, pq.messageKey, trace); // KDF_HYBRID(mk, pq_mk)
    // ENCRYPT(mk, plaintext, CONCAT(AD, enc_header))
    const body = suite.aead.seal(keys.key, keys.nonce, plaintext, concatBytes(ad, encHeader));
    wipe(messageKey, pq.messageKey, keys.key, keys.nonce);
    return { state: next, message: encodeMessage(encHeader, body) };
  });
}

/**
 * Decrypts one message. Transactional: on any error it throws a typed error and the input state
 * is untouched; on success it returns the successor state. Errors: DECRYPT_FAILED (forged,
 * corrupted, or from an unknown chain), DUPLICATE_MESSAGE (header authentic, key already used or
 * evicted), TOO_MANY_SKIPPED (jump beyond MAX_SKIP), UNKNOWN_VERSION.
 * Double Ratchet rev. 1 §4.6 (RatchetDecryptHE).
 */
export function ratchetDecrypt(
  suite: Suite,
  state: Readonly<RatchetState>,
  message: Uint8Array,
  ad: Uint8Array,
  random: RandomSource,
  trace?: Trace,
): { state: RatchetState; plaintext: Uint8Array } {
  return ratchetDecryptWithLimits(suite, state, message, ad, random, DEFAULT_LIMITS, trace);
}

/**
 * ratchetDecrypt with explicit, tighter skipped-key bounds; tests use small ones to reach the
 * bounds quickly. Limits above DEFAULT_LIMITS are refused (BAD_PARAMS): the state codec would
 * reject the states they allow.
 * Double Ratchet rev. 1 §4.6 (RatchetDecryptHE).
 */
export function ratchetDecryptWithLimits(
  suite: Suite,
  state: Readonly<RatchetState>,
  message: Uint8Array,
  ad: Uint8Array,
  random: RandomSource,
  limits: RatchetLimits,
  trace?: Trace,
): { state: RatchetState; plaintext: Uint8Array } {
  expectBytes(message, 'ratchetDecrypt: message');
  expectBytes(ad, 'ratchetDecrypt: ad');
  checkLimits(limits);
  const { encHeader, body } = parseMessage(message);
  const located = locateHeader(suite, state, encHeader);
  return transaction(state, (next) => {
    const mk = takeMessageKey(suite, next, located, random, limits, trace);
    let pqKey: Uint8Array;
    try {
      pqKey = pqReceive(suite, next.pq, decodePqMessage(located.header.pq), random, trace);
    } catch (e) {
      wipe(mk);
      throw e;
    }
    const keys = messageKeys(suite, mk, pqKey, trace); // KDF_HYBRID(mk, pq_mk)
    wipe(mk, pqKey);
    try {
      // DECRYPT(mk, ciphertext, CONCAT(AD, enc_header))
      const plaintext = suite.aead.open(keys.key, keys.nonce, body, concatBytes(ad, encHeader));
      return { state: next, plaintext };
    } catch (e) {
      if (e instanceof CryptoError && e.code === 'AUTH_FAILED')
        throw new ProtocolError('DECRYPT_FAILED', 'ratchetDecrypt: message authentication failed');
      throw e;
    } finally {
      wipe(keys.key, keys.nonce);
    }
  });
}

/** Limits must be integers within the v1 bounds, so every reachable state stays encodable. */
function checkLimits(limits: RatchetLimits): void {
  const ok = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (
    !ok(limits.maxSkip, 0, DEFAULT_LIMITS.maxSkip) ||
    !ok(limits.maxSkippedKeys, 1, DEFAULT_LIMITS.maxSkippedKeys) ||
    !ok(limits.maxSkippedChains, 1, DEFAULT_LIMITS.maxSkippedChains)
  )
    throw new CryptoError('BAD_PARAMS', 'ratchetDecrypt: limits outside the v1 bounds');
}

/** Runs `step` on a deep copy of `state`; if it throws, wipes the copy and rethrows. */
function transaction<T>(state: Readonly<RatchetState>, step: (next: RatchetState) => T): T {
  const next = cloneState(state);
  try {
    return step(next);
  } catch (e) {
    wipeRatchetState(next);
    throw e;
  }
}

/** Which header key opened the header: the current chain, a stored older chain, or NHKr. */
type Located =
  | { kind: 'current' | 'skipped'; header: Header; chain: number }
  | { kind: 'next'; header: Header };

/**
 * Trial-decrypts the header with HKr, then each older stored header key, then NHKr, on the
 * read-only state: a message no key opens is rejected before the state is copied. `chain` is the
 * index in MKSKIPPED of the header's chain (−1 if it has no stored keys).
 * Double Ratchet rev. 1 §4.6 (TrySkippedMessageKeysHE, DecryptHeader).
 */
function locateHeader(suite: Suite, state: Readonly<RatchetState>, encHeader: Uint8Array): Located {
  const current =
    state.headerKeyRecv === null ? -1 : findCurrentChain(state.skipped, state.headerKeyRecv);
  if (state.headerKeyRecv !== null) {
    const header = hDecrypt(suite, state.headerKeyRecv, encHeader); // HDECRYPT(HKr, enc_header)
    if (header !== null) return { kind: 'current', header, chain: current };
  }
  for (let i = 0; i < state.skipped.length; i++) {
    if (i === current) continue; // already tried as HKr
    const header = hDecrypt(suite, state.skipped[i].headerKey, encHeader);
    if (header !== null) return { kind: 'skipped', header, chain: i };
  }
  const header = hDecrypt(suite, state.nextHeaderKeyRecv, encHeader); // HDECRYPT(NHKr, …)
  if (header === null)
    throw new ProtocolError('DECRYPT_FAILED', 'ratchetDecrypt: header opens under no known key');
  return { kind: 'next', header };
}

/**
 * Finds the message key for a located header, updating `next` (skips, DH step, chain step).
 * Double Ratchet rev. 1 §4.6 (RatchetDecryptHE, SkipMessageKeysHE).
 */
function takeMessageKey(
  suite: Suite,
  next: RatchetState,
  located: Located,
  random: RandomSource,
  limits: RatchetLimits,
  trace?: Trace,
): Uint8Array {
  const { header } = located;
  if (located.kind === 'skipped') return takeOrDuplicate(next, located.chain, header.n);
  if (located.kind === 'current') {
    if (header.n < next.nRecv) return takeOrDuplicate(next, located.chain, header.n);
    checkCounter(header);
    skipMessageKeys(suite, next, header.n, limits, trace); // SkipMessageKeysHE(state, header.n)
    return stepReceivingChain(suite, next, trace);
  }
  // The peer has started a new chain.
  checkCounter(header);
  skipMessageKeys(suite, next, header.pn, limits, trace); // SkipMessageKeysHE(state, header.pn)
  dhRatchet(suite, next, header, random, trace); // DHRatchetHE(state, header)
  skipMessageKeys(suite, next, header.n, limits, trace); // SkipMessageKeysHE(state, header.n)
  return stepReceivingChain(suite, next, trace);
}

function takeOrDuplicate(next: RatchetState, chainIndex: number, n: number): Uint8Array {
  // mk = MKSKIPPED[hk, n]; del MKSKIPPED[hk, n]
  const mk = takeSkippedKey(next.skipped, chainIndex, n);
  if (mk === null)
    throw new ProtocolError(
      'DUPLICATE_MESSAGE',
      'ratchetDecrypt: message already decrypted (or its skipped key was evicted)',
    );
  return mk;
}

function checkCounter(header: Header): void {
  if (header.n > MAX_COUNTER)
    throw new ProtocolError('DECRYPT_FAILED', 'ratchetDecrypt: header counter N out of range');
}

/** CKr, mk = KDF_CK(CKr); Nr += 1. Double Ratchet rev. 1 §4.6 (RatchetDecryptHE). */
function stepReceivingChain(suite: Suite, next: RatchetState, trace?: Trace): Uint8Array {
  const { chainKey, messageKey } = kdfCK(suite, next.chainKeyRecv!, trace);
  wipe(next.chainKeyRecv!);
  next.chainKeyRecv = chainKey;
  next.nRecv += 1;
  return messageKey;
}

/**
 * Derives and stores the receiving chain's keys up to (not including) `until`.
 * Double Ratchet rev. 1 §4.6 (SkipMessageKeysHE): raises if Nr + MAX_SKIP < until.
 */
function skipMessageKeys(
  suite: Suite,
  next: RatchetState,
  until: number,
  limits: RatchetLimits,
  trace?: Trace,
): void {
  if (next.nRecv + limits.maxSkip < until)
    throw new ProtocolError(
      'TOO_MANY_SKIPPED',
      `ratchetDecrypt: header skips more than ${limits.maxSkip} messages`,
    );
  if (next.chainKeyRecv === null) return;
  while (next.nRecv < until) {
    const mk = stepReceivingChain(suite, next, trace); // Nr is the index of mk before the step
    // MKSKIPPED[HKr, Nr] = mk
    storeSkippedKey(next.skipped, next.headerKeyRecv!, next.nRecv - 1, mk, limits);
  }
}
