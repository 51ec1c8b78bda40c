/**
 * Safety numbers: a human-comparable fingerprint of two device identities, modelled on Signal's
 * numeric fingerprint (libsignal `rust/protocol/src/fingerprint.rs`), over EVERY public key of each
 * identity (X25519, Ed25519, ML-DSA-65) rather than one 33-byte key (PROTOCOL.md §7).
 * Per party: K = SHA-512(identity encoding); h₀ = SHA-512(u16 version ‖ K ‖ u32 len(id) ‖ id);
 * hᵢ₊₁ = SHA-512(hᵢ ‖ K) for 5200 iterations; the party's fingerprint is the first 32 bytes.
 * Display: 6 × (5-byte big-endian chunk mod 100000) → 30 digits each; the two strings are sorted
 * and concatenated (order-independent), 60 digits in 12 groups of 5.
 * Scannable payload: version ‖ the two 32-byte fingerprints in sorted order (same on both sides).
 * Side channels: inputs are public keys and public ids; `%` here is on public data.
 */
import { bytesEqual, copyBytes, expectBytes, fromHex, toHex, utf8 } from '../util/bytes.ts';
import { DecodeError } from '../util/errors.ts';
import { Writer } from '../wire/codec.ts';
import {
  SAFETY_NUMBER_ITERATIONS,
  SAFETY_NUMBER_SCANNABLE_VERSION,
  SAFETY_NUMBER_VERSION,
} from './constants.ts';
import { encodeIdentityPublic, type IdentityPublic } from './identity.ts';
import type { Suite } from './suite.ts';

/** One party of a safety-number comparison: a stable id (e.g. its address) and its identity. */
export interface SafetyNumberParty {
  readonly stableId: string;
  readonly identity: IdentityPublic;
}

export interface SafetyNumber {
  /** 60 digits, no separators. */
  readonly digits: string;
  /** 12 groups of 5 digits separated by spaces, for display. */
  readonly display: string;
  /** Compact scannable payload: version ‖ fingerprint ‖ fingerprint (sorted), 65 bytes. */
  readonly scannable: Uint8Array;
  /** The scannable payload as text ('pqmsg-sn1:' + hex), e.g. for a QR code. */
  readonly scannableText: string;
}

const FINGERPRINT_BYTES = 32;
const SCANNABLE_PREFIX = 'pqmsg-sn1:';

/** The 32-byte iterated-hash fingerprint of one party (PROTOCOL.md §7.1). */
export function partyFingerprint(
  suite: Suite,
  party: SafetyNumberParty,
  iterations = SAFETY_NUMBER_ITERATIONS,
): Uint8Array {
  const key = suite.sha512(encodeIdentityPublic(party.identity)); // K commits to every public key
  const id = utf8(party.stableId);
  let h = suite.sha512(new Writer().u16(SAFETY_NUMBER_VERSION).fixed(key).bytes(id).finish());
  const buf = new Uint8Array(h.length + key.length);
  buf.set(key, h.length);
  for (let i = 0; i < iterations; i++) {
    buf.set(h, 0);
    h = suite.sha512(buf); // hᵢ₊₁ = SHA-512(hᵢ ‖ K)
  }
  return copyBytes(h, 0, FINGERPRINT_BYTES);
}

/** 30 decimal digits from the first 30 bytes: six 5-byte big-endian integers, each mod 100000. */
export function displayDigits(fingerprint: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 6; i++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + fingerprint[5 * i + j]; // < 2⁴⁰: exact in float64
    out += String(v % 100000).padStart(5, '0');
  }
  return out;
}

/**
 * The safety number of two parties; the same on both devices whichever is "local".
 * Model: Signal numeric fingerprint (NumericFingerprintGenerator), extended to hybrid identities.
 */
export function safetyNumber(
  suite: Suite,
  a: SafetyNumberParty,
  b: SafetyNumberParty,
): SafetyNumber {
  const fa = partyFingerprint(suite, a);
  const fb = partyFingerprint(suite, b);
  const [da, db] = [displayDigits(fa), displayDigits(fb)];
  const digits = da <= db ? da + db : db + da;
  const [first, second] = toHex(fa) <= toHex(fb) ? [fa, fb] : [fb, fa];
  const w = new Writer().u8(SAFETY_NUMBER_SCANNABLE_VERSION);
  const scannable = w.fixed(first).fixed(second).finish();
  return {
    digits,
    display: digits.match(/.{5}/g)!.join(' '),
    scannable,
    scannableText: SCANNABLE_PREFIX + toHex(scannable),
  };
}

/** Parses a scanned payload (bytes or 'pqmsg-sn1:' text); rejects other versions and lengths. */
export function parseScannable(input: Uint8Array | string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    const hex = input.slice(SCANNABLE_PREFIX.length);
    if (!input.startsWith(SCANNABLE_PREFIX) || !/^[0-9a-f]*$/.test(hex))
      throw new DecodeError('BAD_TAG', 'safety number: not a pqmsg-sn1 payload');
    bytes = fromHex(hex);
  } else {
    expectBytes(input, 'scannable safety number');
    bytes = input;
  }
  if (bytes.length !== 1 + 2 * FINGERPRINT_BYTES)
    throw new DecodeError('BAD_VALUE', `safety number: payload of ${bytes.length} bytes`);
  if (bytes[0] !== SAFETY_NUMBER_SCANNABLE_VERSION)
    throw new DecodeError('BAD_VERSION', `safety number: unsupported version ${bytes[0]}`);
  return bytes;
}

/** True iff a scanned payload matches ours (public data: plain compare after strict parsing). */
export function compareScannable(ours: SafetyNumber, scanned: Uint8Array | string): boolean {
  return bytesEqual(ours.scannable, parseScannable(scanned));
}
