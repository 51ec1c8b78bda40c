/**
 * Worker thread of bench/load.ts: holds the simulated devices' hybrid identities (generated once,
 * then cached with v8.serialize in the temp directory, expanded keys included, so later runs skip
 * key generation) and signs their REGISTER / AUTHENTICATE transcripts (docs/SERVER.md §3), off
 * the load generator's event loop. Messages: {generate: [from, to)} → {identities: Uint8Array};
 * {load: path} → {loaded: n}; {sign: {id, device, register, serverHash, challenge, username}} →
 * {id, signature, identity}.
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import {
  defaultSuite,
  encodeIdentityPublic,
  generateIdentity,
  hybridSign,
  type IdentityKeyPair,
} from '../src/protocol/index.ts';
import { defaultRandom } from '../src/util/random.ts';
import {
  SIGNATURE_LABEL_AUTH,
  SIGNATURE_LABEL_REGISTER,
  authTranscript,
  registerTranscript,
} from '../src/wire/auth-transcript.ts';

let identities: IdentityKeyPair[] = [];

parentPort!.on('message', (m) => {
  if (m.generate) {
    const [from, to] = m.generate as [number, number];
    const made = Array.from({ length: to - from }, () => generateIdentity(defaultSuite, defaultRandom));
    parentPort!.postMessage({ identities: serialize(made) });
  } else if (m.load) {
    identities = deserialize(readFileSync(m.load as string)) as IdentityKeyPair[];
    parentPort!.postMessage({ loaded: identities.length });
  } else if (m.sign) {
    const s = m.sign as { id: number; device: number; register: boolean; serverHash: Uint8Array; challenge: Uint8Array; username: string };
    const identity = identities[s.device];
    const address = { username: s.username, deviceId: 1 };
    const encoded = encodeIdentityPublic(identity.publicKey);
    const signature = s.register
      ? hybridSign(defaultSuite, identity, SIGNATURE_LABEL_REGISTER, registerTranscript(s.serverHash, s.challenge, address, encoded), defaultRandom)
      : hybridSign(defaultSuite, identity, SIGNATURE_LABEL_AUTH, authTranscript(s.serverHash, s.challenge, address), defaultRandom);
    parentPort!.postMessage({ id: s.id, signature, identity: encoded });
  }
});
