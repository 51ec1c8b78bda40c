/**
 * Public API of the pqmsg protocol (docs/PROTOCOL.md): identities, prekeys and bundles, PQXDH,
 * sessions (pure functions and the store-backed send/receive), serialization, trust, safety
 * numbers, and the default suite. Re-exports only; the Double Ratchet lives in ./ratchet/.
 */
export * from './constants.ts';
export type { Suite, KeyPair, DhScheme, KemScheme, SignatureScheme, AeadScheme } from './suite.ts';
export type { Trace, TraceEvent } from './trace.ts';
export { defaultSuite } from './default-suite.ts';
export {
  generateIdentity,
  identityFromSeeds,
  encodeIdentityPublic,
  decodeIdentityPublic,
  encodeIdentitySecret,
  decodeIdentitySecret,
  identitiesEqual,
  IDENTITY_PUBLIC_BYTES,
  type IdentityKeyPair,
  type IdentityPublic,
} from './identity.ts';
export { hybridSign, hybridVerify } from './hybrid-signature.ts';
export {
  generatePreKey,
  generateOneTimePreKeys,
  publicPreKey,
  verifyPreKey,
  encodePreKeyRecord,
  decodePreKeyRecord,
  needsRotation,
  expiredSignedPreKeys,
  type PreKeyRecord,
  type SignedPreKeyPublic,
  type RotationPolicy,
} from './prekeys.ts';
export {
  encodeBundle,
  decodeBundle,
  verifyBundle,
  type PreKeyBundle,
  type VerifiedBundle,
} from './bundle.ts';
export {
  pqxdhInitiate,
  pqxdhRespond,
  associatedData,
  encodeHandshakeHeader,
  decodeHandshakeHeader,
  type HandshakeHeader,
  type HandshakeSecrets,
  type ResponderKeys,
} from './pqxdh.ts';
export { rotateMediumTermPreKey, replenishOneTimePreKeys } from './prekey-maintenance.ts';
export { encodeEnvelope, decodeEnvelope, type Envelope } from './envelope.ts';
export {
  initiateSession,
  encryptMessage,
  decryptMessage,
  readPreKeyMessage,
  respondToPreKeyMessage,
  type PreKeyMessage,
  type Session,
} from './session.ts';
export {
  addSession,
  findSessionByHandshake,
  encryptWithRecord,
  decryptWithRecord,
  allSessions,
  type SessionRecord,
} from './session-record.ts';
export {
  encodeSession,
  decodeSession,
  wipeSession,
  encodeSessionRecord,
  decodeSessionRecord,
  wipeSessionRecord,
} from './session-state-codec.ts';
export {
  startSession,
  sendMessage,
  receiveMessage,
  type ProtocolContext,
} from './session-cipher.ts';
export type {
  Address,
  IdentityStore,
  PreKeyStore,
  SessionStore,
  TrustStore,
  TrustRecord,
} from './store.ts';
export {
  checkIdentity,
  acceptIdentityChange,
  expectTrustedIdentity,
  markVerified,
  pendingIdentityChange,
  type TrustStatus,
} from './trust.ts';
export {
  safetyNumber,
  partyFingerprint,
  compareScannable,
  parseScannable,
  type SafetyNumber,
  type SafetyNumberParty,
} from './safety-number.ts';
export * from './sealed-sender/index.ts';
export * from './devices/index.ts';
