/**
 * Prekey bundles (PROTOCOL.md §3.2): what a device publishes and what an initiator fetches —
 * identity, signed X25519 prekey, one ML-KEM-768 prekey (one-time if any remain, else the
 * last-resort one) and optionally a one-time X25519 prekey. PQXDH rev. 3 §3.3 (Sending the initial
 * message): "Alice verifies the prekey signatures and aborts the protocol if verification fails."
 * `verifyBundle` is the only way to obtain a `VerifiedBundle`, and PQXDH only accepts that type,
 * so nothing is encapsulated to an unverified key.
 * Layout: version ‖ identity ‖ SPK ‖ PQPK ‖ u8 hasOPK ‖ [OPK]; each prekey = payload ‖ signature.
 * Side channels: public data only.
 */
import { expectLength } from '../util/bytes.ts';
import { CryptoError, DecodeError, ProtocolError } from '../util/errors.ts';
import { Reader, Writer } from '../wire/codec.ts';
import {
  DAY_MS,
  HYBRID_SIGNATURE_BYTES,
  MAX_CLOCK_SKEW_MS,
  MAX_SIGNED_PREKEY_AGE_MS,
  PREKEY_ROLE,
  PROTOCOL_VERSION,
  SIZES,
} from './constants.ts';
import {
  encodeIdentityPublic,
  expectVersion,
  readIdentityPublic,
  type IdentityPublic,
} from './identity.ts';
import {
  readPreKeyPublic,
  roleKeyType,
  verifyPreKey,
  writePreKeyPublic,
  type SignedPreKeyPublic,
} from './prekeys.ts';
import type { Suite } from './suite.ts';

/** PQXDH rev. 3 §3.2–3.3 bundle: IK_B, SPK_B, PQPK_B (PQOPK_B or PQSPK_B), optional OPK_B. */
export interface PreKeyBundle {
  readonly identity: IdentityPublic;
  /** SPK_B (role SIGNED). */
  readonly signedPreKey: SignedPreKeyPublic;
  /** PQPK_B (role KEM_ONE_TIME or KEM_LAST_RESORT). */
  readonly kemPreKey: SignedPreKeyPublic;
  /** OPK_B (role ONE_TIME), when the server still had one. */
  readonly oneTimePreKey?: SignedPreKeyPublic;
}

declare const verified: unique symbol;
/** A bundle whose every signature, length, role and version has been checked. */
export type VerifiedBundle = PreKeyBundle & { readonly [verified]: true };

/** Encodes a bundle (PROTOCOL.md §3.2). */
export function encodeBundle(b: PreKeyBundle): Uint8Array {
  const w = new Writer().u8(PROTOCOL_VERSION).fixed(encodeIdentityPublic(b.identity));
  writePreKeyPublic(w, b.signedPreKey);
  writePreKeyPublic(w, b.kemPreKey);
  w.u8(b.oneTimePreKey ? 1 : 0);
  if (b.oneTimePreKey) writePreKeyPublic(w, b.oneTimePreKey);
  return w.finish();
}

/** Decodes a bundle strictly (versions, tags, flags, no trailing bytes); does not verify it. */
export function decodeBundle(bytes: Uint8Array): PreKeyBundle {
  const r = new Reader(bytes, 'bundle');
  expectVersion(r.u8(), 'bundle');
  const identity = readIdentityPublic(r);
  const signedPreKey = readPreKeyPublic(r);
  const kemPreKey = readPreKeyPublic(r);
  const flag = r.u8();
  if (flag > 1) throw new DecodeError('BAD_VALUE', `bundle: one-time prekey flag ${flag}`);
  const oneTimePreKey = flag === 1 ? readPreKeyPublic(r) : undefined;
  r.end();
  return oneTimePreKey
    ? { identity, signedPreKey, kemPreKey, oneTimePreKey }
    : { identity, signedPreKey, kemPreKey };
}

/**
 * Checks a bundle before any use: mandatory slots, roles, lengths, freshness of the medium-term
 * prekeys at `now` (ms), and both halves of every prekey signature.
 * PQXDH rev. 3 §3.3 (Alice verifies the prekey signatures and aborts on failure); PROTOCOL.md §3.2.
 * Throws CryptoError BAD_TYPE for a missing identity, SPK or KEM prekey (only the OPK is
 * optional), DecodeError('BAD_TAG') for a prekey in the wrong slot, CryptoError BAD_LENGTH for a
 * key of the wrong size, ProtocolError('STALE_PREKEY') for an SPK or PQSPK created more than
 * MAX_SIGNED_PREKEY_AGE_MS before `now` or more than MAX_CLOCK_SKEW_MS after it, and
 * ProtocolError('BAD_SIGNATURE') if any signature half fails.
 */
export function verifyBundle(suite: Suite, bundle: PreKeyBundle, now: number): VerifiedBundle {
  if (typeof bundle !== 'object' || bundle === null)
    throw new CryptoError('BAD_TYPE', 'bundle: expected a PreKeyBundle object');
  if (!Number.isSafeInteger(now) || now < 0)
    throw new CryptoError('BAD_PARAMS', `verifyBundle: now must be a time in ms, got ${now}`);
  const id = bundle.identity;
  if (typeof id !== 'object' || id === null)
    throw new CryptoError('BAD_TYPE', 'bundle: identity missing');
  expectLength(id.dhKey, SIZES.X25519_PUBLIC, 'bundle identity X25519 key');
  expectLength(id.signingKeyClassical, SIZES.ED25519_PUBLIC, 'bundle identity Ed25519 key');
  expectLength(id.signingKeyPQ, SIZES.ML_DSA_65_PUBLIC, 'bundle identity ML-DSA-65 key');
  const slots: [SignedPreKeyPublic | undefined, readonly number[], string, boolean][] = [
    [bundle.signedPreKey, [PREKEY_ROLE.SIGNED], 'signed prekey', true],
    [bundle.kemPreKey, [PREKEY_ROLE.KEM_ONE_TIME, PREKEY_ROLE.KEM_LAST_RESORT], 'KEM prekey', true],
    [bundle.oneTimePreKey, [PREKEY_ROLE.ONE_TIME], 'one-time prekey', false],
  ];
  for (const [prekey, roles, what, mandatory] of slots) {
    if (prekey === undefined && !mandatory) continue;
    if (typeof prekey !== 'object' || prekey === null)
      throw new CryptoError('BAD_TYPE', `bundle: ${what} missing (PROTOCOL.md §3.2)`);
    if (!roles.includes(prekey.role))
      throw new DecodeError('BAD_TAG', `bundle: ${what} has role ${prekey.role}`);
    expectLength(prekey.publicKey, roleKeyType(prekey.role).length, `bundle ${what}`);
    expectLength(prekey.signature, HYBRID_SIGNATURE_BYTES, `bundle ${what} signature`);
    if (!verifyPreKey(suite, bundle.identity, prekey))
      throw new ProtocolError(
        'BAD_SIGNATURE',
        `bundle: ${what} signature does not verify (PQXDH rev. 3 §3.3)`,
      );
    if (isMediumTerm(prekey.role)) expectFresh(prekey, what, now);
  }
  return bundle as VerifiedBundle;
}

function isMediumTerm(role: number): boolean {
  return role === PREKEY_ROLE.SIGNED || role === PREKEY_ROLE.KEM_LAST_RESORT;
}

/** PROTOCOL.md §3.3: a signed createdAt outside [now − max age, now + skew] is refused. */
function expectFresh(prekey: SignedPreKeyPublic, what: string, now: number): void {
  const age = now - prekey.createdAt;
  if (age > MAX_SIGNED_PREKEY_AGE_MS)
    throw new ProtocolError(
      'STALE_PREKEY',
      `bundle: ${what} id ${prekey.id} is ${Math.floor(age / DAY_MS)} days old ` +
        `(limit ${MAX_SIGNED_PREKEY_AGE_MS / DAY_MS} days, PROTOCOL.md §3.3)`,
    );
  if (-age > MAX_CLOCK_SKEW_MS)
    throw new ProtocolError(
      'STALE_PREKEY',
      `bundle: ${what} id ${prekey.id} was created in the future (beyond the clock-skew allowance)`,
    );
}
