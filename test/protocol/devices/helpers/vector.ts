/**
 * The deterministic multi-device vector behind test/vectors/devices.json (PROTOCOL.md §14.5):
 * fixed RNG → Alice's primary and new-device identities and a contact's identity, the link
 * request and code, the signed device list v2 naming the new device, and the link response with
 * every traced key-schedule value on both sides. Regenerate (only when the format deliberately
 * changes): npx tsx test/protocol/devices/helpers/vector.ts --write
 */
import { writeFileSync } from 'node:fs';
import {
  encodeSignedDeviceList,
  initialDeviceList,
  nextDeviceId,
  signDeviceList,
  withDevice,
} from '../../../../src/protocol/devices/device-list.ts';
import {
  createLinkRequest,
  encodeLinkCode,
  linkCommitment,
  openAccountData,
  openLinkRequest,
  sealAccountData,
} from '../../../../src/protocol/devices/link.ts';
import { encodeIdentityPublic, generateIdentity } from '../../../../src/protocol/identity.ts';
import type { Suite } from '../../../../src/protocol/suite.ts';
import { recordSteps, type Step as TraceStep } from '../../helpers/trace-steps.ts';
import { toHex } from '../../../../src/util/bytes.ts';
import { detRandom } from '../../helpers/det-rng.ts';

export const VECTOR_FILE = new URL('../../../vectors/devices.json', import.meta.url);
export const VECTOR_RNG_LABEL = 'pqmsg v1 devices';
const RENDEZVOUS_ID = '000102030405060708090a0b0c0d0e0f';

type Step = TraceStep<'primary' | 'new'>;

export interface DevicesVector {
  description: string;
  rng: string;
  primary: { identity: string };
  newDevice: { identity: string; ephemeralSecret: string; kemSecret: string };
  contact: { name: string; identity: string };
  deviceListV1: string;
  deviceListV2: string;
  linkRequest: string;
  linkCode: string;
  linkResponse: string;
  steps: Step[];
}

/** Runs the fixed scenario on `suite`; every byte string is lower-case hex. */
export function makeVector(suite: Suite, label = VECTOR_RNG_LABEL): DevicesVector {
  const random = detRandom(label);
  const { steps, tracer } = recordSteps<Step['actor']>();
  // Draw order is normative: primary, new device, contact identities; list v1 signature; link
  // request (e seed, d‖z); list v2 signature; link response (x seed, m).
  const primary = generateIdentity(suite, random);
  const device = generateIdentity(suite, random);
  const carol = generateIdentity(suite, random);
  const v1 = initialDeviceList(suite, 'alice', primary.publicKey);
  const s1 = signDeviceList(suite, primary, v1, random);
  const secret = createLinkRequest(suite, device.publicKey, random);
  const code = { rendezvousId: Uint8Array.from(Buffer.from(RENDEZVOUS_ID, 'hex')), commitment: linkCommitment(suite, secret.request) };
  const request = openLinkRequest(suite, code, secret.request);
  const deviceId = nextDeviceId(v1);
  const s2 = signDeviceList(suite, primary, withDevice(suite, v1, deviceId, request.identity), random);
  const account = {
    username: 'alice',
    deviceId,
    primaryIdentity: primary.publicKey,
    deviceList: s2,
    contacts: [{ name: 'carol', identity: carol.publicKey }],
  };
  const response = sealAccountData(suite, code, request, account, random, tracer('primary'));
  openAccountData(suite, secret, device.publicKey, response, tracer('new'));
  return {
    description:
      'pqmsg v1 devices: alice links a second device; device lists v1 and v2 and the link channel with every key-schedule value (docs/PROTOCOL.md §14.5)',
    rng: `SHA-256(u32be(len(label)) ‖ label ‖ u64be(i)), i = 0, 1, …, label = "${label}"`,
    primary: { identity: toHex(encodeIdentityPublic(primary.publicKey)) },
    newDevice: {
      identity: toHex(encodeIdentityPublic(device.publicKey)),
      ephemeralSecret: toHex(secret.ephemeral.secretKey),
      kemSecret: toHex(secret.kem.secretKey),
    },
    contact: { name: 'carol', identity: toHex(encodeIdentityPublic(carol.publicKey)) },
    deviceListV1: toHex(encodeSignedDeviceList(s1)),
    deviceListV2: toHex(encodeSignedDeviceList(s2)),
    linkRequest: toHex(secret.request),
    linkCode: toHex(encodeLinkCode(code)),
    linkResponse: toHex(response),
    steps,
  };
}

if (process.argv.includes('--write')) {
  const { defaultSuite } = await import('../../../../src/protocol/default-suite.ts');
  const json = JSON.stringify(makeVector(defaultSuite), null, 1) + '\n';
  writeFileSync(VECTOR_FILE, json);
  console.log(`wrote ${json.length} bytes to ${VECTOR_FILE.pathname}`);
}
