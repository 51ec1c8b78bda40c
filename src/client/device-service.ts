/**
 * This device's view of device lists (docs/CLIENT.md §9; PROTOCOL.md §14.1): the verified signed
 * list of every account it talks to — its own included — kept in the sealed store, each verified
 * against that account's PINNED primary identity (a contact's `name.1` trust pin; for the own
 * account, this device's identity on the primary, or the primary identity received when linking)
 * and never rolled back. A contact's list that changes is recorded as a change to show, like an
 * identity change. Without a list an account has its primary only.
 * Side channels: public data only (lists, identity hashes).
 */
import {
  decodeSignedDeviceList,
  encodeSignedDeviceList,
  verifyDeviceList,
  type DeviceEntry,
  type SignedDeviceList,
} from '../protocol/devices/device-list.ts';
import { PRIMARY_DEVICE_ID } from '../protocol/devices/constants.ts';
import { decodeIdentityPublic, encodeIdentityPublic, type IdentityPublic } from '../protocol/identity.ts';
import type { Suite } from '../protocol/suite.ts';
import type { TrustStore } from '../protocol/store.ts';
import { bytesEqual } from '../util/bytes.ts';
import { ClientError } from '../util/errors.ts';
import { addressOf, deviceIdOfAddress } from './account.ts';
import type { Account } from './records.ts';
import type { ClientStore } from './store.ts';

/** Tables of this file (sealed like every other table). */
export const DEVICE_TABLE = Object.freeze({
  /** username → verified SignedDeviceList (PROTOCOL.md §14.1 encoding). */
  LISTS: 'device-lists',
  /** username → '' while a contact's changed list has not been acknowledged. */
  CHANGED: 'device-lists-changed',
  /** 'primary' → the own account's primary identity (§2.2), on a linked device. */
  SELF: 'device-self',
});

/** What `acceptList` did with a fetched list. */
export type ListUpdate = 'unchanged' | 'updated' | 'first';

/** The device id part of this device's protocol address `name.deviceId`. */
export function deviceIdOf(account: Account): number {
  return deviceIdOfAddress(account.address);
}

export class DeviceDirectory {
  constructor(
    private readonly store: ClientStore,
    private readonly suite: Suite,
    private readonly trust: TrustStore,
    private readonly account: Account,
  ) {}

  get deviceId(): number {
    return deviceIdOf(this.account);
  }

  /** The pinned primary identity of `name`, or undefined before first contact. */
  primaryIdentity(name: string): IdentityPublic | undefined {
    if (name === this.account.name) {
      if (this.deviceId === PRIMARY_DEVICE_ID) return decodeIdentityPublic(this.account.identity);
      const own = this.store.get(DEVICE_TABLE.SELF, 'primary');
      if (own === undefined) throw new ClientError('STORE_CORRUPT', 'linked device without its primary identity');
      return decodeIdentityPublic(own);
    }
    const pin = this.trust.loadTrust(addressOf(name, PRIMARY_DEVICE_ID));
    return pin === undefined ? undefined : decodeIdentityPublic(pin.identity);
  }

  /** The stored verified list of `name`, if any. */
  knownList(name: string): SignedDeviceList | undefined {
    const bytes = this.store.get(DEVICE_TABLE.LISTS, name);
    return bytes === undefined ? undefined : decodeSignedDeviceList(bytes);
  }

  /**
   * The devices of `name` this device knows: its verified list, or the primary alone (with the
   * hash of its pinned identity, empty before first contact).
   */
  devicesOf(name: string): DeviceEntry[] {
    const list = this.knownList(name);
    if (list !== undefined) return [...list.list.devices];
    const primary = this.primaryIdentity(name);
    const identityHash = primary === undefined ? new Uint8Array(0) : this.suite.sha256(encodeIdentityPublic(primary));
    return [{ deviceId: PRIMARY_DEVICE_ID, identityHash }];
  }

  /** True iff `name`'s known devices include `deviceId`. */
  lists(name: string, deviceId: number): boolean {
    return this.devicesOf(name).some((d) => d.deviceId === deviceId);
  }

  /**
   * Verifies a fetched list against `name`'s pinned primary (ProtocolError BAD_SIGNATURE) and the
   * known version (DEVICE_LIST_ROLLBACK), and stores it. An empty fetch (no list uploaded) keeps
   * what is known. A contact's list whose devices changed is flagged (`changedLists`).
   */
  acceptList(name: string, bytes: Uint8Array): ListUpdate {
    if (bytes.length === 0) return 'unchanged';
    const primary = this.primaryIdentity(name);
    if (primary === undefined) throw new ClientError('UNKNOWN_CONTACT', `no primary identity pinned for ${name} yet`);
    const signed = decodeSignedDeviceList(bytes);
    const known = this.knownList(name);
    verifyDeviceList(this.suite, primary, name, signed, known);
    if (known !== undefined && known.list.version === signed.list.version) return 'unchanged';
    this.store.transaction(() => {
      this.store.put(DEVICE_TABLE.LISTS, name, encodeSignedDeviceList(signed));
      const before = known?.list.devices ?? [];
      if (name !== this.account.name && !sameDevices(before, signed.list.devices) && known !== undefined)
        this.store.put(DEVICE_TABLE.CHANGED, name, new Uint8Array(0));
    });
    return known === undefined ? 'first' : 'updated';
  }

  /** Stores a list this device signed itself (the primary) or received when linking. */
  storeOwnList(signed: SignedDeviceList): void {
    this.store.put(DEVICE_TABLE.LISTS, this.account.name, encodeSignedDeviceList(signed));
  }

  /** Contacts whose device list changed since the user last looked (`devices list --of NAME`). */
  changedLists(): string[] {
    return this.store.list(DEVICE_TABLE.CHANGED).map((r) => r.key);
  }

  acknowledgeChange(name: string): void {
    this.store.delete(DEVICE_TABLE.CHANGED, name);
  }
}

function sameDevices(a: readonly DeviceEntry[], b: readonly DeviceEntry[]): boolean {
  return a.length === b.length && a.every((d, i) => d.deviceId === b[i].deviceId && bytesEqual(d.identityHash, b[i].identityHash));
}
