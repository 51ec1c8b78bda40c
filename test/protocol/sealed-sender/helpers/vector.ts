/**
 * The deterministic sealed-sender vector behind test/vectors/sealed-sender.json (PROTOCOL.md
 * §13.9): fixed RNG → server, Alice and Bob identities, Bob's sealed-sender key, Alice's sender
 * certificate, and one sealed envelope around a fixed inner envelope, with every traced value of
 * sealing (Alice) and opening (Bob) in hex. Regenerate (only when the format deliberately changes):
 * npx tsx test/protocol/sealed-sender/helpers/vector.ts --write
 */
import { writeFileSync } from 'node:fs';
import { ENVELOPE_TYPE } from '../../../../src/protocol/constants.ts';
import { encodeEnvelope } from '../../../../src/protocol/envelope.ts';
import {
  encodeIdentityPublic,
  encodeIdentitySecret,
  generateIdentity,
} from '../../../../src/protocol/identity.ts';
import {
  encodeSenderCertificate,
  issueSenderCertificate,
} from '../../../../src/protocol/sealed-sender/certificate.ts';
import { sealEnvelope, unsealEnvelope } from '../../../../src/protocol/sealed-sender/seal.ts';
import {
  encodeSealedKey,
  generateSealedKey,
  publicSealedKey,
  verifySealedKey,
} from '../../../../src/protocol/sealed-sender/sealed-key.ts';
import type { Suite } from '../../../../src/protocol/suite.ts';
import { recordSteps, type Step as TraceStep } from '../../helpers/trace-steps.ts';
import { toHex, utf8 } from '../../../../src/util/bytes.ts';
import { detRandom } from '../../helpers/det-rng.ts';

export const VECTOR_FILE = new URL('../../../vectors/sealed-sender.json', import.meta.url);
export const VECTOR_RNG_LABEL = 'pqmsg v1 sealed sender';
const NOW = Date.UTC(2026, 0, 1);
const SEALED_KEY_ID = 7;
const INNER_MESSAGE = 'an opaque ratchet message: the sealed layer does not look inside';

type Step = TraceStep<'alice' | 'bob'>;

export interface SealedSenderVector {
  description: string;
  rng: string;
  now: number;
  server: { identity: string };
  alice: { username: string; deviceId: number; identity: string; certificate: string };
  bob: { identity: string; identitySecret: string; sealedKey: string; sealedKeySecret: string };
  envelope: string;
  sealed: string;
  steps: Step[];
}

/** Runs the fixed scenario on `suite`; every byte string is lower-case hex. */
export function makeVector(suite: Suite, label = VECTOR_RNG_LABEL): SealedSenderVector {
  const random = detRandom(label);
  const { steps, tracer } = recordSteps<Step['actor']>();
  // Draw order is normative for the vector: server, Alice, Bob identities, Bob's sealed-sender
  // key, Alice's certificate, then the seal (e seed, m).
  const server = generateIdentity(suite, random);
  const alice = generateIdentity(suite, random);
  const bob = generateIdentity(suite, random);
  const sealedKey = generateSealedKey(suite, bob, SEALED_KEY_ID, NOW, random);
  const subject = { username: 'alice', deviceId: 1, identity: alice.publicKey };
  const certificate = issueSenderCertificate(suite, server, subject, NOW, random);
  const envelope = encodeEnvelope({ type: ENVELOPE_TYPE.MESSAGE, message: utf8(INNER_MESSAGE) });
  const verified = verifySealedKey(suite, bob.publicKey, publicSealedKey(sealedKey), NOW);
  const recipient = { identity: bob.publicKey, sealedKey: verified };
  const sealed = sealEnvelope(suite, recipient, { certificate, envelope }, random, tracer('alice'));
  unsealEnvelope(suite, bob, () => sealedKey, sealed, tracer('bob'));
  return {
    description:
      'pqmsg v1 sealed sender: one sealed envelope from alice.1 to Bob, with every key-schedule value (docs/PROTOCOL.md §13.9)',
    rng: `SHA-256(u32be(len(label)) ‖ label ‖ u64be(i)), i = 0, 1, …, label = "${label}"`,
    now: NOW,
    server: { identity: toHex(encodeIdentityPublic(server.publicKey)) },
    alice: {
      username: 'alice',
      deviceId: 1,
      identity: toHex(encodeIdentityPublic(alice.publicKey)),
      certificate: toHex(encodeSenderCertificate(certificate)),
    },
    bob: {
      identity: toHex(encodeIdentityPublic(bob.publicKey)),
      identitySecret: toHex(encodeIdentitySecret(bob)),
      sealedKey: toHex(encodeSealedKey(sealedKey)),
      sealedKeySecret: toHex(sealedKey.keyPair.secretKey),
    },
    envelope: toHex(envelope),
    sealed: toHex(sealed),
    steps,
  };
}

if (process.argv.includes('--write')) {
  const { defaultSuite } = await import('../../../../src/protocol/default-suite.ts');
  const json = JSON.stringify(makeVector(defaultSuite), null, 1) + '\n';
  writeFileSync(VECTOR_FILE, json);
  console.log(`wrote ${json.length} bytes to ${VECTOR_FILE.pathname}`);
}
