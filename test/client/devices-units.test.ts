/**
 * Client pieces of multiple devices (docs/CLIENT.md §9): the base32 link code, the sent-transcript
 * content, and the device directory's verification, rollback refusal and change flag.
 */
import { describe, expect, test } from 'vitest';
import { createAccount } from '../../src/client/account.ts';
import { decodeContent, encodeContent } from '../../src/client/content.ts';
import { DeviceDirectory, deviceIdOf } from '../../src/client/device-service.ts';
import { formatLinkCode, parseLinkCode } from '../../src/client/link-code.ts';
import { StoredTrust } from '../../src/client/protocol-stores.ts';
import { createStore } from '../../src/client/unlock.ts';
import { defaultSuite as suite } from '../../src/protocol/default-suite.ts';
import {
  encodeSignedDeviceList,
  initialDeviceList,
  signDeviceList,
  withDevice,
  withoutDevice,
} from '../../src/protocol/devices/device-list.ts';
import { encodeIdentityPublic, generateIdentity } from '../../src/protocol/identity.ts';
import { ClientError, DecodeError, ProtocolError } from '../../src/util/errors.ts';
import { defaultRandom } from '../../src/util/random.ts';
import { openRows, tempDir } from './store-helpers.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    if (e instanceof ClientError || e instanceof DecodeError || e instanceof ProtocolError) return e.code;
    return `untyped: ${String(e)}`;
  }
}

describe('link code text (RFC 4648 §6 base32)', () => {
  test('48 bytes ↔ 77 characters, for 200 random codes; spaces, dashes and case are ignored', () => {
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = defaultRandom(48);
      const text = formatLinkCode(bytes);
      expect(text).toMatch(/^[A-Z2-7]{77}$/);
      expect(parseLinkCode(text)).toEqual(bytes);
      expect(parseLinkCode(text.toLowerCase().replace(/(.{7})/g, '$1-'))).toEqual(bytes);
      n++;
    }
    expect(n).toBe(200);
    expect(formatLinkCode(new Uint8Array(48))).toBe('A'.repeat(77));
    expect(formatLinkCode(Uint8Array.of(0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72))).toBe('MZXW6YTBOI'); // RFC 4648 §10
  });

  test('wrong length, letters outside the alphabet and non-zero padding bits are BAD_LINK_CODE', () => {
    const text = formatLinkCode(defaultRandom(48));
    expect(codeOf(() => parseLinkCode(text.slice(1)))).toBe('BAD_LINK_CODE');
    expect(codeOf(() => parseLinkCode(`${text.slice(0, 76)}1`))).toBe('BAD_LINK_CODE');
    expect(codeOf(() => parseLinkCode(`${text.slice(0, 76)}B`))).toBe('BAD_LINK_CODE'); // 4 padding bits: B = 00001
  });
});

describe('sent transcript content', () => {
  test('round-trips with its recipient; a text has none; truncation is a DecodeError', () => {
    const sent = { id: 'ab'.repeat(16), timestamp: 1_765_000_000_000, body: 'héllo', sentTo: 'bob' };
    expect(decodeContent(encodeContent(sent))).toEqual(sent);
    const text = { id: 'cd'.repeat(16), timestamp: 5, body: 'x' };
    expect(decodeContent(encodeContent(text))).toEqual(text);
    const bytes = encodeContent(sent);
    expect(bytes[1]).toBe(4); // kind 4 = sent (content.ts)
    expect(codeOf(() => decodeContent(bytes.subarray(0, bytes.length - 1)))).toBe('TRUNCATED');
  });
});

describe('DeviceDirectory (docs/CLIENT.md §9)', () => {
  test('verifies under the pinned primary, refuses rollback and strangers, flags a changed contact list', async () => {
    const { dir, cleanup } = tempDir('device-directory');
    try {
      const store = await createStore(openRows(dir), { kind: 'keyfile', key: defaultRandom(32) }, undefined, defaultRandom);
      const account = createAccount(store, suite, defaultRandom, 'carol', Date.now());
      const trust = new StoredTrust(store);
      const directory = new DeviceDirectory(store, suite, trust, account);
      expect(deviceIdOf(account)).toBe(1);
      const bob = generateIdentity(suite, defaultRandom);
      const laptop = generateIdentity(suite, defaultRandom);
      const v1 = initialDeviceList(suite, 'bob', bob.publicKey);
      const v2 = withDevice(suite, v1, 2, laptop.publicKey);
      const signed = (l: typeof v1, by = bob) => encodeSignedDeviceList(signDeviceList(suite, by, l, defaultRandom));
      expect(codeOf(() => directory.acceptList('bob', signed(v2)))).toBe('UNKNOWN_CONTACT'); // nothing pinned yet
      trust.storeTrust('bob.1', { identity: encodeIdentityPublic(bob.publicKey), verified: false, firstSeen: 0 });
      expect(directory.devicesOf('bob').map((d) => d.deviceId)).toEqual([1]);
      expect(directory.acceptList('bob', new Uint8Array(0))).toBe('unchanged');
      expect(directory.acceptList('bob', signed(v2))).toBe('first');
      expect(directory.changedLists()).toEqual([]);
      expect(directory.acceptList('bob', signed(v2))).toBe('unchanged');
      expect(codeOf(() => directory.acceptList('bob', signed(v1)))).toBe('DEVICE_LIST_ROLLBACK');
      const stranger = generateIdentity(suite, defaultRandom);
      expect(codeOf(() => directory.acceptList('bob', signed(initialDeviceList(suite, 'bob', stranger.publicKey), stranger)))).toBe('BAD_SIGNATURE');
      expect(directory.acceptList('bob', signed(withoutDevice(v2, 2)))).toBe('updated');
      expect(directory.changedLists()).toEqual(['bob']);
      expect(directory.lists('bob', 2)).toBe(false);
      directory.acknowledgeChange('bob');
      expect(directory.changedLists()).toEqual([]);
      store.close();
    } finally {
      cleanup();
    }
  });
});
