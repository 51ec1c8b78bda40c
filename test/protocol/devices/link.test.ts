import { describe, expect, test } from 'vitest';
import { defaultSuite as suite } from '../../../src/protocol/default-suite.ts';
import {
  decodeSignedDeviceList,
  initialDeviceList,
  nextDeviceId,
  signDeviceList,
  withDevice,
} from '../../../src/protocol/devices/device-list.ts';
import {
  LINK_REQUEST_BYTES,
  createLinkRequest,
  decodeAccountData,
  decodeLinkCode,
  decodeLinkRequest,
  encodeAccountData,
  encodeLinkCode,
  linkCommitment,
  openAccountData,
  openLinkRequest,
  sealAccountData,
  type AccountData,
} from '../../../src/protocol/devices/link.ts';
import { encodeIdentityPublic, generateIdentity } from '../../../src/protocol/identity.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';

const random = detRandom('link tests');
const primary = generateIdentity(suite, random);
const device = generateIdentity(suite, random);
const carol = generateIdentity(suite, random);
const v1 = initialDeviceList(suite, 'alice', primary.publicKey);
const rendezvousId = random(16);

function link() {
  const secret = createLinkRequest(suite, device.publicKey, random);
  const code = { rendezvousId, commitment: linkCommitment(suite, secret.request) };
  const request = openLinkRequest(suite, code, secret.request);
  const deviceId = nextDeviceId(v1);
  const account: AccountData = {
    username: 'alice',
    deviceId,
    primaryIdentity: primary.publicKey,
    deviceList: signDeviceList(suite, primary, withDevice(suite, v1, deviceId, request.identity), random),
    contacts: [{ name: 'carol', identity: carol.publicKey }],
  };
  return { secret, code, request, account, response: sealAccountData(suite, code, request, account, random) };
}

describe('PROTOCOL.md §14.2–§14.4 — link channel', () => {
  test('the new device receives exactly the account data the primary sealed', () => {
    const { secret, account, response } = link();
    const opened = openAccountData(suite, secret, device.publicKey, response);
    expect(encodeAccountData(opened)).toEqual(encodeAccountData(account));
    expect(opened.contacts.map((c) => encodeIdentityPublic(c.identity))).toEqual([encodeIdentityPublic(carol.publicKey)]);
  });

  test('the code is 48 bytes and round-trips; the request has its fixed length', () => {
    const { secret, code } = link();
    expect(secret.request.length).toBe(LINK_REQUEST_BYTES);
    const bytes = encodeLinkCode(code);
    expect(bytes.length).toBe(48);
    expect(encodeLinkCode(decodeLinkCode(bytes))).toEqual(bytes);
    expect(codeOf(() => decodeLinkCode(bytes.subarray(1)))).toBe('BAD_LENGTH');
  });

  test('a request swapped at the relay (other keys or another identity) fails the commitment check', () => {
    const { code } = link();
    const other = createLinkRequest(suite, carol.publicKey, random);
    expect(codeOf(() => openLinkRequest(suite, code, other.request))).toBe('LINK_COMMITMENT');
  });

  test('every tampered region of the response fails AEAD (AUTH_FAILED): X, CT, body, tag', () => {
    const { secret, response } = link();
    let refused = 0;
    for (const i of [2, 20, 40, 600, 1122, 1130, response.length - 1]) {
      const t = response.slice();
      t[i] ^= 1;
      expect(codeOf(() => openAccountData(suite, secret, device.publicKey, t))).toBe('AUTH_FAILED');
      refused++;
    }
    expect(refused).toBe(7);
  });

  test('another link request cannot open the response (its keys and commitment differ)', () => {
    const { response } = link();
    const other = createLinkRequest(suite, device.publicKey, random);
    expect(codeOf(() => openAccountData(suite, other, device.publicKey, response))).toBe('AUTH_FAILED');
  });

  test('the account data must list this device with this identity (BAD_SIGNATURE otherwise)', () => {
    const { secret, code, request, account } = link();
    const wrongId = { ...account, deviceId: 3 };
    const response = sealAccountData(suite, code, request, wrongId, random);
    expect(codeOf(() => openAccountData(suite, secret, device.publicKey, response))).toBe('BAD_SIGNATURE');
    const byStranger = { ...account, primaryIdentity: carol.publicKey };
    const response2 = sealAccountData(suite, code, request, byStranger, random);
    expect(codeOf(() => openAccountData(suite, secret, device.publicKey, response2))).toBe('BAD_SIGNATURE');
  });

  test('every decoder of §14 refuses a value that is not a Uint8Array with BAD_TYPE (docs/ARCHITECTURE.md §3)', () => {
    const { secret, code } = link();
    const notBytes: unknown[] = [null, undefined, 'AAEC', [1, 2, 3], { length: 1, 0: 1 }, 42, new ArrayBuffer(8)];
    const decoders: ((x: never) => unknown)[] = [
      (x) => decodeSignedDeviceList(x),
      (x) => decodeLinkRequest(x),
      (x) => decodeLinkCode(x),
      (x) => decodeAccountData(x),
      (x) => openLinkRequest(suite, code, x),
      (x) => openAccountData(suite, secret, device.publicKey, x),
    ];
    let n = 0;
    for (const decode of decoders)
      for (const x of notBytes) {
        expect(codeOf(() => decode(x as never))).toBe('BAD_TYPE');
        n++;
      }
    expect(n).toBe(42);
  });

  test('strict decoders: truncated, trailing and bad tags are typed errors', () => {
    const { secret, account, response } = link();
    expect(codeOf(() => decodeLinkRequest(secret.request.subarray(1)))).toBe('BAD_LENGTH');
    const badTag = secret.request.slice();
    badTag[1] = 0x0b;
    expect(codeOf(() => decodeLinkRequest(badTag))).toBe('BAD_TAG');
    const data = encodeAccountData(account);
    expect(codeOf(() => decodeAccountData(new Uint8Array([...data, 0])))).toBe('TRAILING_BYTES');
    expect(codeOf(() => decodeAccountData(data.subarray(0, data.length - 1)))).toBe('TRUNCATED');
    expect(codeOf(() => openAccountData(suite, secret, device.publicKey, response.subarray(0, 100)))).toBe('TRUNCATED');
  });
});
