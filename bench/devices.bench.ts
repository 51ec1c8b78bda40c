/**
 * Sesame fan-out cost (docs/CLIENT.md §9; PROTOCOL.md §14.5): one 100-byte text sent to an account
 * with 1…6 devices — a ratchet step and an envelope per device on established sessions, then the
 * SEND_MULTI frame that carries them (docs/SERVER.md §13.3). ops/s is sender CPU per message; the
 * frame size (in the op name) is the upload. A session is first answered once by each device, so
 * the envelopes are MESSAGE envelopes (no PQXDH header), the steady state.
 */
import { defaultSuite } from '../src/protocol/default-suite.ts';
import { receiveMessage, sendMessage, startSession } from '../src/protocol/session-cipher.ts';
import { encodeIdentityPublic } from '../src/protocol/identity.ts';
import { encodeFrame } from '../src/wire/frame.ts';
import { defaultRandom } from '../src/util/random.ts';
import { fetchBundle, makeDevice, T0 } from '../test/protocol/helpers/fixtures.ts';
import type { BenchCase } from './harness.ts';

const BODY = new Uint8Array(100).fill(0x61);

/** Alice with sessions to `n` devices of bob, each answered once. */
function setup(n: number) {
  const alice = makeDevice(defaultSuite, 'alice.1', defaultRandom);
  const bobs = Array.from({ length: n }, (_, i) => makeDevice(defaultSuite, `bob.${i + 1}`, defaultRandom));
  for (const bob of bobs) {
    startSession(alice.ctx, bob.address, fetchBundle(bob), T0);
    const first = sendMessage(alice.ctx, bob.address, BODY);
    receiveMessage(bob.ctx, alice.address, first, T0);
    receiveMessage(alice.ctx, bob.address, sendMessage(bob.ctx, alice.address, BODY), T0);
  }
  const hashes = bobs.map((b) => defaultSuite.sha256(encodeIdentityPublic(b.identity.publicKey)));
  const send = () => {
    const messages = bobs.map((b, i) => ({
      deviceId: i + 1,
      identityHash: hashes[i],
      clientMessageId: new Uint8Array(16),
      envelope: sendMessage(alice.ctx, b.address, BODY),
    }));
    return encodeFrame({ kind: 'request', id: 1, request: { op: 'sendMulti', to: 'bob', messages } });
  };
  return { send, frameBytes: send().length };
}

export async function cases(): Promise<BenchCase[]> {
  return [1, 2, 3, 4, 5, 6].map((n) => {
    const { send, frameBytes } = setup(n);
    return {
      area: 'devices',
      op: `fan-out of one 100-byte text to ${n} device${n > 1 ? 's' : ''} (SEND_MULTI frame ${frameBytes} B)`,
      impls: { pqmsg: send },
    };
  });
}
