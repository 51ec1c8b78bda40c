/**
 * Public API of sealed sender (docs/PROTOCOL.md §13): sender certificates, the signed sealed-sender
 * KEM key, the sealed envelope with its padding, and the session-level open/decrypt/send.
 * Re-exports only.
 */
export * from './constants.ts';
export {
  issueSenderCertificate,
  verifySenderCertificate,
  certifiesIdentity,
  encodeSenderCertificate,
  decodeSenderCertificate,
  type SenderCertificate,
  type CertificateSubject,
  type VerifiedCertificateCache,
} from './certificate.ts';
export {
  generateSealedKey,
  publicSealedKey,
  verifySealedKey,
  encodeSealedKey,
  decodeSealedKey,
  encodeSealedKeyRecord,
  decodeSealedKeyRecord,
  SEALED_KEY_BYTES,
  type SealedKeyPublic,
  type SealedKeyRecord,
  type VerifiedSealedKey,
} from './sealed-key.ts';
export { padme, pad, unpad } from './padding.ts';
export {
  sealEnvelope,
  unsealEnvelope,
  parseSealedEnvelope,
  type SealedContent,
  type SealedRecipient,
  type SealedHeader,
} from './seal.ts';
export {
  openSealed,
  decryptSealedWithRecord,
  receiveSealed,
  sendSealed,
  certificateAddress,
  type OpenedSealed,
  type SealedKeyStore,
  type SealedReceiver,
} from './sealed-session.ts';
export {
  deriveAccessKey,
  accessKeyVerifier,
  checkAccessKey,
  ACCESS_KEY_BYTES,
} from './access-key.ts';
