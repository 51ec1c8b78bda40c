/**
 * Every public decoder and every protocol function that takes untrusted bytes rejects a value
 * that is not a Uint8Array with a typed error (CryptoError BAD_TYPE, docs/ARCHITECTURE.md §3),
 * never a TypeError: the Reader checks its input. Below `receiveMessage` the session layers take
 * a decoded Envelope, never bytes (test/architecture.test.ts checks their signatures).
 */
import { describe, expect, test } from 'vitest';
import { decodeBundle } from '../../src/protocol/bundle.ts';
import { decodeEnvelope } from '../../src/protocol/envelope.ts';
import { decodeIdentityPublic, decodeIdentitySecret } from '../../src/protocol/identity.ts';
import { decodeHandshakeHeader } from '../../src/protocol/pqxdh.ts';
import { decodePreKeyRecord } from '../../src/protocol/prekeys.ts';
import { ratchetDecrypt } from '../../src/protocol/ratchet/double-ratchet.ts';
import { decodeHeader } from '../../src/protocol/ratchet/header.ts';
import { parseMessage } from '../../src/protocol/ratchet/message.ts';
import { decodeRatchetState } from '../../src/protocol/ratchet/state-codec.ts';
import { receiveMessage, startSession } from '../../src/protocol/session-cipher.ts';
import { decodeSession, decodeSessionRecord } from '../../src/protocol/session-state-codec.ts';
import { Reader } from '../../src/wire/codec.ts';
import { decodeDistribution } from '../../src/protocol/groups/distribution.ts';
import { decodeGroupState } from '../../src/protocol/groups/group-state-codec.ts';
import { decodeGroupHeader } from '../../src/protocol/groups/group-header.ts';
import { decodeGroupChange } from '../../src/protocol/groups/membership.ts';
import { decodeGroupMessage } from '../../src/protocol/groups/sender-key.ts';
import { codeOf } from '../helpers/error-code.ts';
import { detRandom } from './helpers/det-rng.ts';
import { fetchBundle, makeDevice, T0 } from './helpers/fixtures.ts';
import { SUITE } from './helpers/suites.ts';

const rnd = detRandom('decoder types');
const alice = makeDevice(SUITE, 'alice.1', rnd);
const bob = makeDevice(SUITE, 'bob.1', rnd);
startSession(alice.ctx, 'bob.1', fetchBundle(bob), T0);
const record = decodeSessionRecord(alice.ctx.sessions.loadSession('bob.1')!);

const NOT_BYTES: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['string', 'AAECAw=='],
  ['array', [1, 2, 3]],
  ['object', { length: 3, 0: 1, 1: 2, 2: 3 }],
  ['number', 42],
  ['ArrayBuffer', new ArrayBuffer(8)],
];

const DECODERS: [string, (x: never) => unknown][] = [
  ['Reader', (x) => new Reader(x)],
  ['decodeBundle', (x) => decodeBundle(x)],
  ['decodeEnvelope', (x) => decodeEnvelope(x)],
  ['decodeHandshakeHeader', (x) => decodeHandshakeHeader(x)],
  ['decodeSession', (x) => decodeSession(x)],
  ['decodeSessionRecord', (x) => decodeSessionRecord(x)],
  ['decodePreKeyRecord', (x) => decodePreKeyRecord(x)],
  ['decodeIdentityPublic', (x) => decodeIdentityPublic(x)],
  ['decodeIdentitySecret', (x) => decodeIdentitySecret(SUITE, x)],
  ['decodeGroupMessage', (x) => decodeGroupMessage(x)],
  ['decodeGroupHeader', (x) => decodeGroupHeader(x)],
  ['decodeDistribution', (x) => decodeDistribution(x)],
  ['decodeGroupChange', (x) => decodeGroupChange(x)],
  ['decodeGroupState', (x) => decodeGroupState(x)],
  ['decodeRatchetState', (x) => decodeRatchetState(x)],
  ['decodeHeader', (x) => decodeHeader(x)],
  ['parseMessage', (x) => parseMessage(x)],
  ['ratchetDecrypt', (x) => ratchetDecrypt(SUITE, record.current.ratchet, x, record.current.ad, rnd)],
  ['receiveMessage (no session)', (x) => receiveMessage(bob.ctx, 'alice.1', x, T0)],
  ['receiveMessage (session)', (x) => receiveMessage(alice.ctx, 'bob.1', x, T0)],
];

describe('decoders reject non-byte input with a typed error (docs/ARCHITECTURE.md §3)', () => {
  test('7 non-byte values × every public decoder → CryptoError BAD_TYPE', () => {
    let checked = 0;
    for (const [name, decode] of DECODERS)
      for (const [kind, value] of NOT_BYTES) {
        expect(`${name}(${kind}): ${codeOf(() => decode(value as never))}`).toBe(`${name}(${kind}): BAD_TYPE`);
        checked++;
      }
    expect(checked).toBe(20 * 7);
    expect(alice.ctx.sessions.loadSession('bob.1')).toBeDefined();
    expect(bob.ctx.sessions.loadSession('alice.1')).toBeUndefined();
  });
});
