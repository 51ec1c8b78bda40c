/**
 * The signed device list (PROTOCOL.md §14.1): which devices an account has, each named by its id
 * and the SHA-256 of its identity (§2.2), under a version counter, signed by the PRIMARY device's
 * hybrid identity (§2.3, label "pqmsg v1 device list"). Sesame (Signal, rev. 2, 2017) keeps device
 * records per user; here the set itself is authenticated, so neither the server nor a quantum
 * adversary can add a device to someone's account, and a version never goes back.
 *   payload = 0x01 ‖ bytes(username) ‖ u64 version ‖ u8 n ‖ n × (u32 deviceId ‖ SHA-256(Identity))
 *   SignedDeviceList = payload ‖ hybrid signature
 * Entries are sorted by strictly increasing deviceId; the first is the primary (device 1).
 * Side channels: public data only; the primary's signing keys only reach the suite.
 */
import { bytesEqual, copyBytes, expectBytes, expectLength, utf8 } from '../../util/bytes.ts';
import { DecodeError, ProtocolError } from '../../util/errors.ts';
import type { RandomSource } from '../../util/random.ts';
import { Reader, Writer } from '../../wire/codec.ts';
import { HYBRID_SIGNATURE_BYTES, SIZES } from '../constants.ts';
import { hybridSign, hybridVerify } from '../hybrid-signature.ts';
import { encodeIdentityPublic, type IdentityKeyPair, type IdentityPublic } from '../identity.ts';
import type { Suite } from '../suite.ts';
import {
  DEVICES_VERSION,
  MAX_DEVICE_ID,
  MAX_DEVICES,
  MAX_DEVICES_USERNAME_BYTES,
  PRIMARY_DEVICE_ID,
  SIGNATURE_LABEL_DEVICE_LIST,
} from './constants.ts';

/** One listed device: its id and SHA-256 of its identity encoding (§2.2). */
export interface DeviceEntry {
  readonly deviceId: number;
  readonly identityHash: Uint8Array;
}

/** An account's device list (unsigned). */
export interface DeviceList {
  readonly username: string;
  /** Increases by one with every change the primary signs (u64). */
  readonly version: number;
  /** Sorted by deviceId; devices[0] is the primary. */
  readonly devices: readonly DeviceEntry[];
}

export interface SignedDeviceList {
  readonly list: DeviceList;
  readonly signature: Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** SHA-256 of an identity's §2.2 encoding: how a device list names a device. */
export function identityHash(suite: Suite, identity: IdentityPublic): Uint8Array {
  return suite.sha256(encodeIdentityPublic(identity));
}

/** The signed payload of `list` (PROTOCOL.md §14.1); DecodeError BAD_VALUE for an ill-formed list. */
export function deviceListPayload(list: DeviceList): Uint8Array {
  expectWellFormed(list);
  const w = new Writer().u8(DEVICES_VERSION).bytes(utf8(list.username)).u64(list.version);
  w.u8(list.devices.length);
  for (const d of list.devices) w.u32(d.deviceId).fixed(d.identityHash);
  return w.finish();
}

/** The first list of an account: the primary alone, version 1 (PROTOCOL.md §14.1). */
export function initialDeviceList(suite: Suite, username: string, primary: IdentityPublic): DeviceList {
  const devices = [{ deviceId: PRIMARY_DEVICE_ID, identityHash: identityHash(suite, primary) }];
  return { username, version: 1, devices };
}

/** `list` with device `deviceId` (identity `identity`) added, version + 1. */
export function withDevice(suite: Suite, list: DeviceList, deviceId: number, identity: IdentityPublic): DeviceList {
  if (list.devices.some((d) => d.deviceId === deviceId))
    throw new DecodeError('BAD_VALUE', `device list: device ${deviceId} is already listed`);
  const entry = { deviceId, identityHash: identityHash(suite, identity) };
  const devices = [...list.devices, entry].sort((a, b) => a.deviceId - b.deviceId);
  const next = { username: list.username, version: list.version + 1, devices };
  expectWellFormed(next);
  return next;
}

/** `list` without device `deviceId`, version + 1; the primary cannot be removed. */
export function withoutDevice(list: DeviceList, deviceId: number): DeviceList {
  if (deviceId === PRIMARY_DEVICE_ID)
    throw new DecodeError('BAD_VALUE', 'device list: the primary device cannot be removed');
  if (!list.devices.some((d) => d.deviceId === deviceId))
    throw new DecodeError('BAD_VALUE', `device list: device ${deviceId} is not listed`);
  const devices = list.devices.filter((d) => d.deviceId !== deviceId);
  return { username: list.username, version: list.version + 1, devices };
}

/** The id a newly linked device gets: one more than the highest listed (§14.1). */
export function nextDeviceId(list: DeviceList): number {
  return Math.max(...list.devices.map((d) => d.deviceId)) + 1;
}

/**
 * Signs `list` with the primary identity (PROTOCOL.md §14.1). The list must name `primary` as
 * device 1, so a list never claims a primary other than the key that signed it.
 */
export function signDeviceList(
  suite: Suite,
  primary: IdentityKeyPair,
  list: DeviceList,
  random: RandomSource,
): SignedDeviceList {
  const payload = deviceListPayload(list);
  if (!bytesEqual(list.devices[0].identityHash, identityHash(suite, primary.publicKey)))
    throw new DecodeError('BAD_VALUE', 'device list: device 1 must be the signing primary identity');
  return { list, signature: hybridSign(suite, primary, SIGNATURE_LABEL_DEVICE_LIST, payload, random) };
}

/**
 * Verifies a device list against the pinned primary identity (PROTOCOL.md §14.1): the hybrid
 * signature, device 1 = SHA-256(primary), the account name, and — when a version is already known
 * — that the version strictly increases (ProtocolError DEVICE_LIST_ROLLBACK; an equal version
 * must carry the identical payload). Throws BAD_SIGNATURE on a bad signature or primary.
 */
export function verifyDeviceList(
  suite: Suite,
  primary: IdentityPublic,
  username: string,
  signed: SignedDeviceList,
  known?: SignedDeviceList,
): DeviceList {
  const { list } = signed;
  if (list.username !== username)
    throw new ProtocolError('BAD_SIGNATURE', `device list: names account ${list.username}, expected ${username}`);
  const payload = deviceListPayload(list);
  if (!bytesEqual(list.devices[0].identityHash, identityHash(suite, primary)))
    throw new ProtocolError('BAD_SIGNATURE', 'device list: device 1 is not the pinned primary identity');
  if (!hybridVerify(suite, primary, SIGNATURE_LABEL_DEVICE_LIST, payload, signed.signature))
    throw new ProtocolError('BAD_SIGNATURE', 'device list: hybrid signature does not verify (PROTOCOL.md §14.1)');
  if (known !== undefined) {
    const same = bytesEqual(deviceListPayload(known.list), payload); // a re-signed identical list
    if (list.version < known.list.version || (list.version === known.list.version && !same))
      throw new ProtocolError(
        'DEVICE_LIST_ROLLBACK',
        `device list: version ${list.version} does not supersede known version ${known.list.version}`,
      );
  }
  return list;
}

/** True iff `list` names device `deviceId` with exactly this identity hash. */
export function listsDevice(list: DeviceList, deviceId: number, hash: Uint8Array): boolean {
  const entry = list.devices.find((d) => d.deviceId === deviceId);
  return entry !== undefined && bytesEqual(entry.identityHash, hash);
}

/** payload ‖ signature. */
export function encodeSignedDeviceList(s: SignedDeviceList): Uint8Array {
  expectLength(s.signature, HYBRID_SIGNATURE_BYTES, 'device list signature');
  return new Writer().fixed(deviceListPayload(s.list)).fixed(s.signature).finish();
}

/** Strict decoder of `encodeSignedDeviceList` output (no trailing bytes, well-formed entries). */
export function decodeSignedDeviceList(bytes: Uint8Array): SignedDeviceList {
  expectBytes(bytes, 'signed device list');
  const r = new Reader(bytes, 'device list');
  const version = r.u8();
  if (version !== DEVICES_VERSION)
    throw new DecodeError('BAD_VERSION', `device list: unsupported version ${version}`);
  let username: string;
  try {
    username = strictUtf8.decode(r.bytes(MAX_DEVICES_USERNAME_BYTES));
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('BAD_VALUE', 'device list: username is not valid UTF-8');
  }
  const listVersion = r.u64();
  const n = r.u8();
  const devices: DeviceEntry[] = [];
  for (let i = 0; i < n; i++) devices.push({ deviceId: r.u32(), identityHash: copyBytes(r.fixed(SIZES.HASH)) });
  const signature = copyBytes(r.fixed(HYBRID_SIGNATURE_BYTES));
  r.end();
  const list = { username, version: listVersion, devices };
  expectWellFormed(list);
  return { list, signature };
}

/** 1–MAX_DEVICES entries, ids strictly increasing from the primary, hashes of 32 bytes. */
function expectWellFormed(list: DeviceList): void {
  const name = utf8(list.username);
  if (name.length === 0 || name.length > MAX_DEVICES_USERNAME_BYTES)
    throw new DecodeError('BAD_VALUE', 'device list: username must be 1–32 bytes');
  if (!Number.isSafeInteger(list.version) || list.version < 1)
    throw new DecodeError('BAD_VALUE', 'device list: version must be a positive integer');
  const n = list.devices.length;
  if (n === 0 || n > MAX_DEVICES)
    throw new DecodeError('BAD_VALUE', `device list: ${n} devices (1–${MAX_DEVICES} allowed)`);
  if (list.devices[0].deviceId !== PRIMARY_DEVICE_ID)
    throw new DecodeError('BAD_VALUE', 'device list: the first entry must be the primary device 1');
  for (let i = 0; i < n; i++) {
    const d = list.devices[i];
    expectLength(d.identityHash, SIZES.HASH, 'device list identity hash');
    if (!Number.isInteger(d.deviceId) || d.deviceId < 1 || d.deviceId > MAX_DEVICE_ID)
      throw new DecodeError('BAD_VALUE', `device list: device id ${d.deviceId} out of range`);
    if (i > 0 && d.deviceId <= list.devices[i - 1].deviceId)
      throw new DecodeError('BAD_VALUE', 'device list: device ids must be strictly increasing');
  }
}
