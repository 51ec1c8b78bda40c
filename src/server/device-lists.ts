/**
 * Signed device lists on the delivery service (docs/SERVER.md §13.1; PROTOCOL.md §14.1): the
 * primary device (1) uploads its account's list; the server verifies the hybrid signature under
 * device 1's registered identity and that the version increases, stores it, and in the same
 * transaction deletes every registered device the new list no longer names (registration,
 * prekeys, mailbox: a removed device receives nothing afterwards). Anyone authenticated fetches it.
 * The server checks the list only to enforce it; clients verify it themselves against the primary
 * identity they pinned.
 */
import { decodeSignedDeviceList, listsDevice, verifyDeviceList, type DeviceList, type SignedDeviceList } from '../protocol/devices/device-list.ts';
import { PRIMARY_DEVICE_ID } from '../protocol/devices/constants.ts';
import { decodeIdentityPublic } from '../protocol/identity.ts';
import { ProtocolError, ServerError } from '../util/errors.ts';
import type { Address } from '../wire/address.ts';
import type { Request } from '../wire/requests.ts';
import type { Outcome, ServerContext } from './context.ts';

type Upload = Extract<Request, { op: 'uploadDeviceList' }>;
type Fetch = Extract<Request, { op: 'fetchDeviceList' }>;

/** UPLOAD_DEVICE_LIST: primary only; verify, supersede, store, drop removed devices. */
export async function handleUploadDeviceList(ctx: ServerContext, device: Address, req: Upload): Promise<Outcome> {
  if (device.deviceId !== PRIMARY_DEVICE_ID)
    throw new ServerError('NOT_PRIMARY', 'only device 1 (the primary) signs and uploads the device list');
  const primary = await ctx.store.deviceIdentity(device);
  if (primary === undefined) throw new ServerError('DEVICE_REMOVED', 'the uploading device is not registered');
  const known = await storedList(ctx, device.username);
  let signed: SignedDeviceList;
  let list: DeviceList;
  try {
    signed = decodeSignedDeviceList(req.deviceList);
    list = verifyDeviceList(ctx.suite, decodeIdentityPublic(primary), device.username, signed, known);
  } catch (e) {
    if (e instanceof ServerError) throw e;
    const reason = e instanceof ProtocolError || e instanceof Error ? e.message : String(e);
    throw new ServerError('BAD_DEVICE_LIST', `device list refused: ${reason}`);
  }
  if (known !== undefined && list.version === known.list.version)
    throw new ServerError('BAD_DEVICE_LIST', `device list version ${list.version} is already stored`);
  const registered = await ctx.store.registeredDevices(device.username);
  const removed = registered
    .filter((d) => !listsDevice(list, d.deviceId, ctx.suite.sha256(d.identity)))
    .map((d) => d.deviceId);
  await ctx.store.putDeviceList(device.username, { version: list.version, encoded: req.deviceList }, removed);
  return { response: { op: 'uploadDeviceList', version: list.version } };
}

/** FETCH_DEVICE_LIST: the stored signed list, or empty bytes when none was uploaded. */
export async function handleFetchDeviceList(ctx: ServerContext, req: Fetch): Promise<Outcome> {
  const stored = await ctx.store.deviceList(req.username);
  if (stored === undefined && (await ctx.store.registeredDevices(req.username)).length === 0)
    throw new ServerError('UNKNOWN_ADDRESS', `no account ${req.username}`);
  return { response: { op: 'fetchDeviceList', deviceList: stored?.encoded ?? new Uint8Array(0) } };
}

/** The account's stored list, decoded (it was verified when uploaded); undefined if none. */
export async function storedList(ctx: ServerContext, username: string): Promise<SignedDeviceList | undefined> {
  const stored = await ctx.store.deviceList(username);
  return stored === undefined ? undefined : decodeSignedDeviceList(stored.encoded);
}
