/**
 * Linking a device (docs/CLIENT.md §9; PROTOCOL.md §14.2–§14.4), both sides over a Connection:
 *   new device: `openLink` (deposit the link request, get the code to show) → `awaitAccountData`
 *               (poll until the primary answered, open and check it) → `createLinkedAccount`;
 *   primary:    `linkDevice` (take the request, check it against the code, sign and upload the
 *               new device list, seal the account data, answer) and `removeDevice`.
 * The primary persists nothing before the server accepted the new list, then stores it.
 * Side channels: the ephemeral secrets stay in the protocol's link functions.
 */
import {
  encodeSignedDeviceList,
  initialDeviceList,
  nextDeviceId,
  signDeviceList,
  withDevice,
  withoutDevice,
  type DeviceList,
  type SignedDeviceList,
} from '../protocol/devices/device-list.ts';
import { PRIMARY_DEVICE_ID } from '../protocol/devices/constants.ts';
import {
  createLinkRequest,
  decodeLinkCode,
  encodeLinkCode,
  linkCommitment,
  openAccountData,
  openLinkRequest,
  sealAccountData,
  wipeLinkSecret,
  type AccountData,
  type LinkContact,
  type LinkSecret,
} from '../protocol/devices/link.ts';
import { decodeIdentityPublic, encodeIdentityPublic, type IdentityKeyPair } from '../protocol/identity.ts';
import type { Suite } from '../protocol/suite.ts';
import { ClientError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import { addressOf, identityFingerprint } from './account.ts';
import { DEVICE_TABLE, deviceIdOf } from './device-service.ts';
import { StoredTrust, TABLE, storeIdentity } from './protocol-stores.ts';
import { encodeAccount, encodeContact, type Account } from './records.ts';
import type { SessionService } from './session-service.ts';
import type { ClientStore } from './store.ts';
import type { Connection } from './transport.ts';

/** How often the new device asks the relay for the answer, in ms. */
export const LINK_POLL_MS = 1000;

/** A started link on the new device: its secrets and the 48-byte code to show. */
export interface OpenedLink {
  readonly secret: LinkSecret;
  readonly rendezvousId: Uint8Array;
  readonly code: Uint8Array;
}

/** New device: deposits a fresh link request naming `identity`; returns the code to show. */
export async function openLink(conn: Connection, suite: Suite, random: RandomSource, identity: IdentityKeyPair): Promise<OpenedLink> {
  const secret = createLinkRequest(suite, identity.publicKey, random);
  const { rendezvousId } = await conn.request({ op: 'provisionOpen', linkRequest: secret.request });
  const code = encodeLinkCode({ rendezvousId, commitment: linkCommitment(suite, secret.request) });
  return { secret, rendezvousId, code };
}

/**
 * New device: polls the relay every `pollMs` until the answer arrives (LINK_TIMEOUT after
 * `timeoutMs`), opens it and checks it names this device (PROTOCOL.md §14.3). Wipes the secrets.
 */
export async function awaitAccountData(
  conn: Connection,
  suite: Suite,
  link: OpenedLink,
  identity: IdentityKeyPair,
  opts: { pollMs?: number; timeoutMs: number; now: () => number },
): Promise<AccountData> {
  const deadline = opts.now() + opts.timeoutMs;
  try {
    for (;;) {
      const { linkResponse } = await conn.request({ op: 'provisionPoll', rendezvousId: link.rendezvousId });
      if (linkResponse.length > 0) return openAccountData(suite, link.secret, identity.publicKey, linkResponse);
      if (opts.now() >= deadline) throw new ClientError('LINK_TIMEOUT', 'the primary device did not answer the link request in time');
      await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? LINK_POLL_MS));
    }
  } finally {
    wipeLinkSecret(link.secret);
  }
}

/**
 * New device: creates its account from the account data in ONE transaction: identity, account
 * row (`name.deviceId`), the primary identity, the verified own device list, and each contact with
 * its pinned primary identity. The device then registers (`Sync.open` with `register`).
 */
export function createLinkedAccount(store: ClientStore, identity: IdentityKeyPair, data: AccountData, now: number): Account {
  const encoded = encodeIdentityPublic(identity.publicKey);
  const account: Account = {
    name: data.username,
    address: addressOf(data.username, data.deviceId),
    identity: encoded,
    fingerprint: identityFingerprint(encoded),
    createdAt: now,
    server: '',
    serverIdentityHash: new Uint8Array(0),
  };
  const trust = new StoredTrust(store);
  store.transaction(() => {
    storeIdentity(store, identity);
    store.put(TABLE.ACCOUNT, 'self', encodeAccount(account));
    store.put(DEVICE_TABLE.SELF, 'primary', encodeIdentityPublic(data.primaryIdentity));
    store.put(DEVICE_TABLE.LISTS, data.username, encodeSignedDeviceList(data.deviceList));
    for (const c of data.contacts) {
      const address = addressOf(c.name, PRIMARY_DEVICE_ID);
      trust.storeTrust(address, { identity: encodeIdentityPublic(c.identity), verified: false, firstSeen: now });
      store.put(TABLE.CONTACTS, c.name, encodeContact({ name: c.name, address, addedAt: now }));
    }
  });
  return account;
}

/**
 * Primary: links the device behind `code` (48 bytes): takes its request from the relay, checks
 * the commitment (ProtocolError LINK_COMMITMENT), signs the list with the new device added and
 * uploads it, then seals and leaves the account data. Returns the new device id and list version.
 */
export async function linkDevice(conn: Connection, service: SessionService, code: Uint8Array): Promise<{ deviceId: number; version: number }> {
  const { identity, suite, random } = primaryContext(service);
  const linkCode = decodeLinkCode(code);
  const { linkRequest } = await conn.request({ op: 'provisionTake', rendezvousId: linkCode.rendezvousId });
  const request = openLinkRequest(suite, linkCode, linkRequest);
  const current = currentOwnList(service);
  const deviceId = nextDeviceId(current);
  const signed = await publishOwnList(conn, service, signDeviceList(suite, identity, withDevice(suite, current, deviceId, request.identity), random));
  const contacts: LinkContact[] = [];
  for (const c of service.listContacts()) {
    const pin = service.ctx.trust.loadTrust(addressOf(c.name, PRIMARY_DEVICE_ID));
    if (pin !== undefined) contacts.push({ name: c.name, identity: decodeIdentityPublic(pin.identity) });
  }
  const account: AccountData = { username: service.account.name, deviceId, primaryIdentity: identity.publicKey, deviceList: signed, contacts };
  const linkResponse = sealAccountData(suite, linkCode, request, account, random);
  await conn.request({ op: 'provisionAnswer', rendezvousId: linkCode.rendezvousId, linkResponse });
  return { deviceId, version: signed.list.version };
}

/** Primary: removes device `deviceId` from the list (the server then deletes it and its mailbox). */
export async function removeDevice(conn: Connection, service: SessionService, deviceId: number): Promise<{ version: number }> {
  const { identity, suite, random } = primaryContext(service);
  const next = withoutDevice(currentOwnList(service), deviceId);
  const signed = await publishOwnList(conn, service, signDeviceList(suite, identity, next, random));
  return { version: signed.list.version };
}

/** The own list this primary knows (refreshed from the server on connect), or the first one. */
function currentOwnList(service: SessionService): DeviceList {
  const { account } = service;
  const known = service.devices.knownList(account.name);
  return known?.list ?? initialDeviceList(service.ctx.suite, account.name, decodeIdentityPublic(account.identity));
}

/** Uploads a signed own list and, once the server accepted it, stores it. */
async function publishOwnList(conn: Connection, service: SessionService, signed: SignedDeviceList): Promise<SignedDeviceList> {
  await conn.request({ op: 'uploadDeviceList', deviceList: encodeSignedDeviceList(signed) });
  service.devices.storeOwnList(signed);
  return signed;
}

function primaryContext(service: SessionService): { identity: IdentityKeyPair; suite: Suite; random: RandomSource } {
  if (deviceIdOf(service.account) !== PRIMARY_DEVICE_ID)
    throw new ClientError('NOT_PRIMARY', 'only the primary device (1) adds or removes devices');
  return { identity: service.ctx.identity.getLocalIdentity(), suite: service.ctx.suite, random: service.ctx.random };
}
