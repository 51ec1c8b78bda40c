import { describe, expect, test } from 'vitest';
import { defaultSuite as suite } from '../../../src/protocol/default-suite.ts';
import {
  decodeSignedDeviceList,
  encodeSignedDeviceList,
  identityHash,
  initialDeviceList,
  listsDevice,
  nextDeviceId,
  signDeviceList,
  verifyDeviceList,
  withDevice,
  withoutDevice,
} from '../../../src/protocol/devices/device-list.ts';
import { MAX_DEVICES } from '../../../src/protocol/devices/constants.ts';
import { generateIdentity } from '../../../src/protocol/identity.ts';
import { codeOf } from '../../helpers/error-code.ts';
import { detRandom } from '../helpers/det-rng.ts';

const random = detRandom('device list tests');
const primary = generateIdentity(suite, random);
const laptop = generateIdentity(suite, random);
const tablet = generateIdentity(suite, random);
const stranger = generateIdentity(suite, random);

const v1 = initialDeviceList(suite, 'alice', primary.publicKey);
const v2 = withDevice(suite, v1, nextDeviceId(v1), laptop.publicKey);
const v3 = withDevice(suite, v2, nextDeviceId(v2), tablet.publicKey);
const s1 = signDeviceList(suite, primary, v1, random);
const s2 = signDeviceList(suite, primary, v2, random);
const s3 = signDeviceList(suite, primary, v3, random);

describe('PROTOCOL.md §14.1 — signed device list', () => {
  test('versions and ids: v1 lists the primary, each add assigns max+1 and bumps the version', () => {
    expect(v1.devices.map((d) => d.deviceId)).toEqual([1]);
    expect(v3.devices.map((d) => d.deviceId)).toEqual([1, 2, 3]);
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    const v4 = withoutDevice(v3, 2);
    expect([v4.version, v4.devices.map((d) => d.deviceId)]).toEqual([4, [1, 3]]);
    expect(nextDeviceId(v4)).toBe(4);
    expect(listsDevice(v3, 2, identityHash(suite, laptop.publicKey))).toBe(true);
    expect(listsDevice(v3, 2, identityHash(suite, tablet.publicKey))).toBe(false);
    expect(listsDevice(v4, 2, identityHash(suite, laptop.publicKey))).toBe(false);
  });

  test('encode/decode round-trips byte for byte; the layout is payload ‖ 3373-byte signature', () => {
    const bytes = encodeSignedDeviceList(s3);
    expect(bytes.length).toBe(1 + 4 + 5 + 8 + 1 + 3 * 36 + 3373);
    expect(encodeSignedDeviceList(decodeSignedDeviceList(bytes))).toEqual(bytes);
    expect(Array.from(bytes.subarray(0, 7))).toEqual([1, 0, 0, 0, 5, 0x61, 0x6c]);
  });

  test('verifies under the pinned primary; a newer version supersedes, an equal identical one is accepted', () => {
    expect(verifyDeviceList(suite, primary.publicKey, 'alice', s1).version).toBe(1);
    expect(verifyDeviceList(suite, primary.publicKey, 'alice', s3, s2).version).toBe(3);
    expect(verifyDeviceList(suite, primary.publicKey, 'alice', s2, s2).version).toBe(2);
    const resigned = signDeviceList(suite, primary, v2, random); // hedged ML-DSA: other signature bytes
    expect(resigned.signature).not.toEqual(s2.signature);
    expect(verifyDeviceList(suite, primary.publicKey, 'alice', resigned, s2).version).toBe(2);
  });

  test('rollback: an older version, or the same version with other contents, is DEVICE_LIST_ROLLBACK', () => {
    expect(codeOf(() => verifyDeviceList(suite, primary.publicKey, 'alice', s2, s3))).toBe('DEVICE_LIST_ROLLBACK');
    const other = signDeviceList(suite, primary, withDevice(suite, v1, 2, tablet.publicKey), random);
    expect(other.list.version).toBe(2);
    expect(codeOf(() => verifyDeviceList(suite, primary.publicKey, 'alice', other, s2))).toBe('DEVICE_LIST_ROLLBACK');
  });

  test('tampering: every flipped payload or signature byte position tried fails (BAD_SIGNATURE or decode error)', () => {
    const bytes = encodeSignedDeviceList(s2);
    const positions = [16, 17, 20, 40, 60, bytes.length - 3373, bytes.length - 3373 + 64, bytes.length - 1];
    let refused = 0;
    for (const i of positions) {
      const t = bytes.slice();
      t[i] ^= 1;
      const code = codeOf(() => verifyDeviceList(suite, primary.publicKey, 'alice', decodeSignedDeviceList(t)));
      expect(['BAD_SIGNATURE', 'BAD_VALUE']).toContain(code);
      refused++;
    }
    expect(refused).toBe(positions.length);
  });

  test('a list signed by another key, naming another primary or another account is refused', () => {
    const forged = { list: v2, signature: signDeviceList(suite, primary, v2, random).signature.slice() };
    forged.signature[0] ^= 0x80;
    expect(codeOf(() => verifyDeviceList(suite, primary.publicKey, 'alice', forged))).toBe('BAD_SIGNATURE');
    const byStranger = signDeviceList(suite, stranger, initialDeviceList(suite, 'alice', stranger.publicKey), random);
    expect(codeOf(() => verifyDeviceList(suite, primary.publicKey, 'alice', byStranger))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyDeviceList(suite, primary.publicKey, 'bob', s2))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => signDeviceList(suite, stranger, v2, random))).toBe('BAD_VALUE');
  });

  test('ill-formed lists are refused when built and when decoded', () => {
    expect(codeOf(() => withoutDevice(v3, 1))).toBe('BAD_VALUE');
    expect(codeOf(() => withoutDevice(v3, 9))).toBe('BAD_VALUE');
    expect(codeOf(() => withDevice(suite, v3, 2, stranger.publicKey))).toBe('BAD_VALUE');
    let full = v1;
    for (let i = 2; i <= MAX_DEVICES; i++) full = withDevice(suite, full, i, stranger.publicKey);
    expect(full.devices.length).toBe(MAX_DEVICES);
    expect(codeOf(() => withDevice(suite, full, MAX_DEVICES + 1, stranger.publicKey))).toBe('BAD_VALUE');
    const bytes = encodeSignedDeviceList(s3);
    const swapped = bytes.slice();
    swapped[19 + 36 + 3] = 9; // device 2 → 9, then 3 follows: not increasing
    expect(codeOf(() => decodeSignedDeviceList(swapped))).toBe('BAD_VALUE');
    expect(codeOf(() => decodeSignedDeviceList(bytes.subarray(0, bytes.length - 1)))).toBe('TRUNCATED');
    expect(codeOf(() => decodeSignedDeviceList(new Uint8Array([...bytes, 0])))).toBe('TRAILING_BYTES');
    const v = bytes.slice();
    v[0] = 2;
    expect(codeOf(() => decodeSignedDeviceList(v))).toBe('BAD_VERSION');
  });
});
