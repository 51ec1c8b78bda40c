/**
 * Sealed sender on the client (docs/CLIENT.md §8, PROTOCOL.md §13) on top of the session service:
 * our delivery access secret (shared with contacts in ACCESS_KEY contents, rotated by
 * `contacts remove`), our sealed-sender KEM key (rotated weekly, old ones kept for in-flight
 * messages), our sender certificate (renewed before expiry), the contacts' access secrets and
 * sealed keys, the sealed outbox, and the receipt of sealed messages. Each state change that must
 * be atomic is one store transaction, as in session-service.ts:
 *   `queueSealed`   ratchet step + session + sealed outbox row [+ history row], before transmit;
 *   `processSealed` open + certificate + decrypt + session + history/control + processed guid.
 * The network is not seen here (sync.ts and sealed-send.ts sequence it).
 * Side channels: orchestration on public ids and names; secrets stay in the protocol and store.
 */
import { decodeIdentityPublic, type IdentityPublic } from '../protocol/identity.ts';
import {
  accessKeyVerifier,
  combineVerifiers,
  deriveAccessKey,
} from '../protocol/sealed-sender/access-key.ts';
import {
  decodeSenderCertificate,
  verifySenderCertificate,
  type SenderCertificate,
} from '../protocol/sealed-sender/certificate.ts';
import {
  decodeSealedKey,
  decodeSealedKeyRecord,
  encodeSealedKey,
  encodeSealedKeyRecord,
  generateSealedKey,
  publicSealedKey,
  verifySealedKey,
  type VerifiedSealedKey,
} from '../protocol/sealed-sender/sealed-key.ts';
import { isGroupMessage } from '../protocol/groups/sender-key.ts';
import { receiveSealed, sendSealed } from '../protocol/sealed-sender/sealed-session.ts';
import { DAY_MS, MAX_SIGNED_PREKEY_AGE_MS } from '../protocol/constants.ts';
import { pendingIdentityChange } from '../protocol/trust.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { ClientError, ProtocolError } from '../util/errors.ts';
import type { SealedDeliveredMessage } from '../wire/pushes.ts';
import type { AccessMode } from '../wire/requests.ts';
import { DEVICE_ID, addressOf, isValidName, loadAccount } from './account.ts';
import { deviceIdOf } from './device-service.ts';
import {
  encodeAccessKeyContent,
  encodeContent,
  padContent,
} from './content.ts';
import { TABLE } from './protocol-stores.ts';
import {
  decodeHistory,
  decodeOutbox,
  encodeHistory,
  encodeOutbox,
  type OutboxEntry,
  type OutboxEnvelope,
} from './records.ts';
import {
  deleteContactSealed,
  deleteKeyRecord,
  listKeyRecords,
  loadAccess,
  loadBlob,
  loadContactSealed,
  loadCurrentKey,
  loadDeviceSealedKey,
  loadKeyRecord,
  saveAccess,
  saveBlob,
  saveContactSealed,
  saveCurrentKey,
  saveDeviceSealedKey,
  saveKeyRecord,
  type SelfAccess,
} from './sealed-state.ts';
import type { DeliveryOutcome, SessionService } from './session-service.ts';

/** The sealed outbox: envelopes to transmit over the anonymous connection, in queue order. */
export const SEALED_OUTBOX = 'outbox-sealed';

/** A new sealed-sender key every 7 days (the signed-prekey rotation period, PROTOCOL.md §3.3). */
export const SEALED_KEY_ROTATE_MS = 7 * DAY_MS;

/**
 * A superseded sealed key is kept until no sender may still seal to it: senders accept a key up to
 * MAX_SIGNED_PREKEY_AGE_MS (37 days) old, so it is deleted 37 days after its creation + 7.
 */
export const SEALED_KEY_KEEP_MS = MAX_SIGNED_PREKEY_AGE_MS + 7 * DAY_MS;

/** The certificate is renewed once less than half its 24 h lifetime is left. */
export const CERTIFICATE_RENEW_BEFORE_MS = 12 * 60 * 60 * 1000;

const MESSAGE_ID_BYTES = 16;
const pad = (n: number): string => String(n).padStart(16, '0');

/** Why a message to a contact cannot go sealed (yet): the CLI says so under --debug. */
export type SealedBlocker =
  | 'no access key from the contact yet'
  | 'no sealed-sender key of the contact'
  | 'no valid sender certificate'
  | 'the server identity is not known';

export class SealedService {
  /** Certificates verified in this process (PROTOCOL.md §13.2 cache). */
  private readonly verified = new Set<string>();

  constructor(readonly service: SessionService) {}

  private get store() {
    return this.service.store;
  }

  private now(): number {
    return this.service.clock();
  }

  // ── our delivery access ───────────────────────────────────────────────────────────────────

  /** Our access record, created (random secret, epoch 1, mode contacts) on first use. */
  access(): SelfAccess {
    const known = loadAccess(this.store);
    if (known !== undefined) return known;
    const fresh: SelfAccess = {
      secret: this.service.ctx.random(32),
      epoch: 1,
      mode: 'contacts',
      registered: false,
    };
    this.store.transaction(() => saveAccess(this.store, fresh));
    return fresh;
  }

  /** The verifier the server must hold for our current secret (PROTOCOL.md §13.11). */
  verifier(): Uint8Array {
    const suite = this.service.ctx.suite;
    return accessKeyVerifier(suite, deriveAccessKey(suite, this.access().secret));
  }

  markAccessRegistered(epoch: number, mode: AccessMode): void {
    const a = this.access();
    if (a.epoch === epoch && a.mode === mode)
      this.store.transaction(() => saveAccess(this.store, { ...a, registered: true }));
  }

  /** Sets who may send us sealed messages; registered with the server at the next sync. */
  setMode(mode: AccessMode): SelfAccess {
    const a = { ...this.access(), mode, registered: false };
    this.store.transaction(() => saveAccess(this.store, a));
    return a;
  }

  /**
   * `contacts remove NAME`: forgets the contact and rotates our access secret (new secret, epoch
   * + 1, to be registered), so a sealed send with the old key is refused by the server; the new
   * secret goes to the remaining contacts with their next message (`accessKeyDue`).
   */
  removeContact(name: string): SelfAccess {
    this.service.contact(name);
    const a: SelfAccess = {
      ...this.access(),
      secret: this.service.ctx.random(32),
      epoch: this.access().epoch + 1,
      registered: false,
    };
    this.store.transaction(() => {
      this.store.delete(TABLE.CONTACTS, name);
      deleteContactSealed(this.store, name);
      saveAccess(this.store, a);
    });
    return a;
  }

  /**
   * True when our current access secret has not been queued to `name` yet. Never on a linked
   * device: the account's access secret is the primary's (only it registers the verifier,
   * docs/SERVER.md §12), and a linked device's own secret would overwrite it at the contact.
   */
  accessKeyDue(name: string): boolean {
    if (deviceIdOf(this.service.account) !== DEVICE_ID) return false;
    return loadContactSealed(this.store, name).sentEpoch < this.access().epoch;
  }

  // ── our sealed-sender key ─────────────────────────────────────────────────────────────────

  /**
   * Generates a sealed key when there is none or the current one is SEALED_KEY_ROTATE_MS old,
   * deletes records past SEALED_KEY_KEEP_MS, and returns the current key's public encoding if the
   * server does not have it yet (else undefined). PROTOCOL.md §13.3.
   */
  sealedKeyToUpload(): { id: number; encoded: Uint8Array } | undefined {
    const now = this.now();
    const { suite, random } = this.service.ctx;
    return this.store.transaction(() => {
      let current = loadCurrentKey(this.store);
      const record = current && loadKeyRecord(this.store, current.id);
      const createdAt = record ? decodeSealedKeyRecord(record).createdAt : -Infinity;
      if (current === undefined || now - createdAt >= SEALED_KEY_ROTATE_MS) {
        const id = (current?.id ?? 0) + 1;
        const identity = this.service.ctx.identity.getLocalIdentity();
        const fresh = generateSealedKey(suite, identity, id, now, random);
        saveKeyRecord(this.store, id, encodeSealedKeyRecord(fresh));
        saveCurrentKey(this.store, id, false);
        current = { id, uploaded: false };
      }
      for (const k of listKeyRecords(this.store))
        if (k.id !== current.id && now - decodeSealedKeyRecord(k.encoded).createdAt > SEALED_KEY_KEEP_MS)
          deleteKeyRecord(this.store, k.id);
      if (current.uploaded) return undefined;
      const rec = decodeSealedKeyRecord(loadKeyRecord(this.store, current.id)!);
      return { id: current.id, encoded: encodeSealedKey(publicSealedKey(rec)) };
    });
  }

  markKeyUploaded(id: number): void {
    this.store.transaction(() => {
      if (loadCurrentKey(this.store)?.id === id) saveCurrentKey(this.store, id, true);
    });
  }

  // ── server identity and certificate ───────────────────────────────────────────────────────

  /** Stores the server's full identity once its SHA-256 matches the pin taken at `register`. */
  saveServerIdentity(encoded: Uint8Array): void {
    const pinned = loadAccount(this.store).serverIdentityHash; // re-read: `register` pins it
    if (!bytesEqual(this.service.ctx.suite.sha256(encoded), pinned))
      throw new ClientError('SERVER_IDENTITY_CHANGED', 'the server identity is not the pinned one');
    if (!bytesEqual(loadBlob(this.store, 'server') ?? new Uint8Array(0), encoded))
      this.store.transaction(() => saveBlob(this.store, 'server', encoded));
  }

  serverIdentity(): IdentityPublic | undefined {
    const bytes = loadBlob(this.store, 'server');
    return bytes === undefined ? undefined : decodeIdentityPublic(bytes);
  }

  /** Our certificate if it is valid for at least CERTIFICATE_RENEW_BEFORE_MS more. */
  certificate(margin = 0): SenderCertificate | undefined {
    const bytes = loadBlob(this.store, 'certificate');
    if (bytes === undefined) return undefined;
    const c = decodeSenderCertificate(bytes);
    return this.now() + margin < c.expires ? c : undefined;
  }

  needsCertificate(): boolean {
    return this.certificate(CERTIFICATE_RENEW_BEFORE_MS) === undefined;
  }

  /** Checks a certificate the server issued (signer, expiry, our identity) and stores it. */
  saveCertificate(bytes: Uint8Array): void {
    const server = this.serverIdentity();
    if (server === undefined) throw new ClientError('NOT_REGISTERED', 'server identity not known');
    const c = decodeSenderCertificate(bytes);
    const { suite } = this.service.ctx;
    verifySenderCertificate(suite, c, server, this.now());
    const { name, identity } = this.service.account;
    if (c.username !== name || !bytesEqual(c.identityHash, suite.sha256(identity)))
      throw new ProtocolError('SENDER_MISMATCH', 'the server certified another device');
    this.store.transaction(() => saveBlob(this.store, 'certificate', bytes));
  }

  // ── contacts ──────────────────────────────────────────────────────────────────────────────

  /** The access key to present for `name`, if it shared its secret. */
  accessKeyFor(name: string): Uint8Array | undefined {
    const c = loadContactSealed(this.store, name);
    if (c.accessSecret.length === 0) return undefined;
    return deriveAccessKey(this.service.ctx.suite, c.accessSecret);
  }

  /**
   * The combined access key of a sealed group send (GROUP_SEND_SEALED, PROTOCOL.md §13.11) to the
   * accounts `users`: the XOR of the verifiers of their access keys, each distinct account once;
   * undefined if any user's key is unknown (that send goes authenticated).
   */
  combinedAccessKey(users: readonly string[]): Uint8Array | undefined {
    const verifiers: Uint8Array[] = [];
    for (const name of new Set(users)) {
      const key = this.accessKeyFor(name);
      if (key === undefined) return undefined;
      verifiers.push(accessKeyVerifier(this.service.ctx.suite, key));
    }
    return combineVerifiers(verifiers);
  }

  /** Forgets `name`'s access secret (the server refused it: the contact rotated it). */
  forgetAccessKey(name: string): void {
    const c = loadContactSealed(this.store, name);
    this.store.transaction(() => saveContactSealed(this.store, name, { ...c, accessSecret: new Uint8Array(0) }));
  }

  /** True when the sealed key of `name.deviceId` is missing or no longer fresh: fetch it (FETCH_SEALED_KEY). */
  needsSealedKey(name: string, deviceId = DEVICE_ID): boolean {
    return this.recipientKey(name, deviceId) === undefined;
  }

  /** Verifies the fetched sealed key of `name.deviceId` under that device's pinned identity and stores it. */
  saveSealedKey(name: string, encoded: Uint8Array, deviceId = DEVICE_ID): void {
    const identity = this.pinnedIdentity(name, deviceId);
    verifySealedKey(this.service.ctx.suite, identity, decodeSealedKey(encoded), this.now());
    this.store.transaction(() => {
      if (deviceId !== DEVICE_ID) return saveDeviceSealedKey(this.store, name, deviceId, encoded);
      saveContactSealed(this.store, name, { ...loadContactSealed(this.store, name), sealedKey: encoded });
    });
  }

  /** Why `name`'s devices `devices` cannot be sealed to now, or undefined if they can. */
  blocker(name: string, devices: readonly number[] = [DEVICE_ID]): SealedBlocker | undefined {
    if (this.accessKeyFor(name) === undefined) return 'no access key from the contact yet';
    if (this.serverIdentity() === undefined) return 'the server identity is not known';
    if (this.certificate() === undefined) return 'no valid sender certificate';
    if (devices.length === 0 || devices.some((d) => this.recipientKey(name, d) === undefined))
      return 'no sealed-sender key of the contact';
    return undefined;
  }

  /** `contacts list`: the contact shared its access key (sealed sends possible once keys are fetched). */
  reachableSealed(name: string): boolean {
    return this.accessKeyFor(name) !== undefined;
  }

  private pinnedIdentity(name: string, deviceId = DEVICE_ID): IdentityPublic {
    const trust = this.service.ctx.trust.loadTrust(addressOf(name, deviceId));
    if (trust === undefined) throw new ClientError('UNKNOWN_CONTACT', `no identity pinned for ${addressOf(name, deviceId)}`);
    return decodeIdentityPublic(trust.identity);
  }

  private recipientKey(name: string, deviceId = DEVICE_ID): VerifiedSealedKey | undefined {
    const encoded = deviceId === DEVICE_ID ? loadContactSealed(this.store, name).sealedKey : loadDeviceSealedKey(this.store, name, deviceId);
    if (encoded.length === 0) return undefined;
    try {
      return verifySealedKey(this.service.ctx.suite, this.pinnedIdentity(name, deviceId), decodeSealedKey(encoded), this.now());
    } catch {
      return undefined; // stale, or pinned identity changed: fetch again
    }
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────

  /**
   * `queueSealed`: encrypts `content` to each device `devices` of `name` on its own session
   * (padded, §13.5), seals each envelope with our certificate to that device's sealed key (§13.4)
   * and, in ONE transaction, stores the advanced sessions, the sealed outbox row (one envelope per
   * device, tagged with the SHA-256 of its pinned identity: SEND_SEALED_MULTI, docs/CLIENT.md §9),
   * (for a text) the history row and the authenticated sent transcript to our own other devices
   * `ownDevices`. Throws if `blocker(name, devices)` is set.
   */
  queueSealed(
    name: string,
    content: Uint8Array,
    text?: { id: string; timestamp: number; body: string },
    devices: readonly number[] = [DEVICE_ID],
    ownDevices: readonly number[] = [],
  ): OutboxEntry {
    const { address } = this.service.contact(name);
    const reason = this.blocker(name, devices);
    if (reason !== undefined) throw new ClientError('NOT_REGISTERED', `cannot seal to ${name}: ${reason}`);
    return this.store.transaction(() => {
      if (pendingIdentityChange(this.service.ctx.trust, address) !== undefined)
        throw new ClientError('IDENTITY_CHANGE_PENDING', `the identity of ${name} has CHANGED`);
      const id = text?.id ?? toHex(this.service.ctx.random(MESSAGE_ID_BYTES));
      const envelopes = devices.map((d) => this.sealFor(name, d, content));
      const seq = this.service.nextSequence();
      let historyKey = '';
      if (text !== undefined) {
        historyKey = `${name}/${pad(seq)}`;
        const entry = { direction: 'out' as const, peer: name, ...text, delivered: false };
        this.store.put(TABLE.HISTORY, historyKey, encodeHistory(entry));
        this.service.queueTranscript(name, text, ownDevices);
      }
      const out: OutboxEntry = { id, peer: name, address, envelopes, content, historyKey };
      this.store.put(SEALED_OUTBOX, pad(seq), encodeOutbox(out));
      return out;
    });
  }

  /**
   * One device's sealed envelope of `content` (inside the caller's transaction): a ratchet step on
   * the session with `name.deviceId`, sealed to its sealed key, tagged with SHA-256 of its pinned
   * identity (the stale check of SEND_SEALED_MULTI). Throws while that device's change is pending.
   */
  private sealFor(name: string, deviceId: number, content: Uint8Array): OutboxEnvelope {
    const address = addressOf(name, deviceId);
    if (pendingIdentityChange(this.service.ctx.trust, address) !== undefined)
      throw new ClientError('IDENTITY_CHANGE_PENDING', `the identity of ${address} has CHANGED`);
    const sealedKey = this.recipientKey(name, deviceId);
    const certificate = this.certificate();
    if (sealedKey === undefined || certificate === undefined)
      throw new ClientError('NOT_REGISTERED', `cannot seal to ${address}: no fresh sealed key or certificate`);
    const identity = this.pinnedIdentity(name, deviceId);
    const envelope = sendSealed(this.service.ctx, address, padContent(content), { identity, sealedKey }, certificate);
    const pin = this.service.ctx.trust.loadTrust(address)!;
    return { deviceId, identityHash: this.service.ctx.suite.sha256(pin.identity), envelope };
  }

  /**
   * Brings a sealed outbox row to `name`'s current devices `devices` after DEVICE_MISMATCH
   * (docs/CLIENT.md §9): envelopes of devices no longer current, or sealed to another identity
   * than the pinned one, are dropped; each device without one gets its own sealed envelope of the
   * same content. One transaction; returns the new row. Throws if `blocker(name, devices)` is set.
   */
  refanSealed(outboxKey: string, entry: OutboxEntry, devices: readonly number[]): OutboxEntry {
    const reason = this.blocker(entry.peer, devices);
    if (reason !== undefined) throw new ClientError('NOT_REGISTERED', `cannot seal to ${entry.peer}: ${reason}`);
    return this.store.transaction(() => {
      const pinned = (d: number) => this.service.ctx.trust.loadTrust(addressOf(entry.peer, d));
      const kept = entry.envelopes.filter((e) => {
        const pin = pinned(e.deviceId);
        return devices.includes(e.deviceId) && pin !== undefined && bytesEqual(e.identityHash, this.service.ctx.suite.sha256(pin.identity));
      });
      const added = devices
        .filter((d) => !kept.some((e) => e.deviceId === d))
        .map((d) => this.sealFor(entry.peer, d, entry.content));
      const next = { ...entry, envelopes: [...kept, ...added].sort((a, b) => a.deviceId - b.deviceId) };
      this.store.put(SEALED_OUTBOX, outboxKey, encodeOutbox(next));
      return next;
    });
  }

  /** A sealed text to `name`'s `devices`, carrying our access secret in the same envelope when it is due. */
  queueSealedText(name: string, body: string, devices: readonly number[] = [DEVICE_ID], ownDevices: readonly number[] = []): OutboxEntry {
    const text = { id: toHex(this.service.ctx.random(MESSAGE_ID_BYTES)), timestamp: this.now(), body };
    if (!this.accessKeyDue(name)) return this.queueSealed(name, encodeContent(text), text, devices, ownDevices);
    const a = this.access();
    return this.store.transaction(() => {
      const entry = this.queueSealed(name, encodeAccessKeyContent(a.secret, a.epoch, text), text, devices, ownDevices);
      this.markAccessKeySent(name, a.epoch);
      return entry;
    });
  }

  /** Our access secret and epoch when it is due for `name` (to ride with the next text). */
  dueAccessKey(name: string): { secret: Uint8Array; epoch: number } | undefined {
    if (!this.accessKeyDue(name)) return undefined;
    const { secret, epoch } = this.access();
    return { secret, epoch };
  }

  /** Queues our access secret to `name`'s `devices` sealed, when due. */
  queueAccessKeySealedIfDue(name: string, devices: readonly number[] = [DEVICE_ID]): void {
    if (!this.accessKeyDue(name)) return;
    const a = this.access();
    this.store.transaction(() => {
      this.queueSealed(name, encodeAccessKeyContent(a.secret, a.epoch), undefined, devices);
      this.markAccessKeySent(name, a.epoch);
    });
  }

  /**
   * Queues our access secret alone to `name` on the authenticated path (after a rotation, to a
   * contact we cannot seal to), when due: ratchet step + outbox row, one transaction.
   */
  queueAccessKeyAuthenticatedIfDue(name: string, peerDevices: readonly number[] = [DEVICE_ID]): void {
    if (!this.accessKeyDue(name)) return;
    const a = this.access();
    this.store.transaction(() => {
      this.service.queueToUser(name, encodeAccessKeyContent(a.secret, a.epoch), peerDevices);
      this.markAccessKeySent(name, a.epoch);
    });
  }

  private markAccessKeySent(name: string, epoch: number): void {
    const c = loadContactSealed(this.store, name);
    saveContactSealed(this.store, name, { ...c, sentEpoch: epoch });
  }

  /** Sealed outbox rows in queue order. */
  sealedOutbox(): { key: string; entry: OutboxEntry }[] {
    return this.store.list(SEALED_OUTBOX).map((r) => ({ key: r.key, entry: decodeOutbox(r.value) }));
  }

  dropFromSealedOutbox(key: string): void {
    this.store.delete(SEALED_OUTBOX, key);
  }

  /** The server stored the sealed envelope: drop the row, mark the history row delivered. */
  markSealedDelivered(key: string, entry: OutboxEntry): void {
    this.store.transaction(() => {
      this.store.delete(SEALED_OUTBOX, key);
      const bytes = entry.historyKey === '' ? undefined : this.store.get(TABLE.HISTORY, entry.historyKey);
      if (bytes !== undefined)
        this.store.put(TABLE.HISTORY, entry.historyKey, encodeHistory({ ...decodeHistory(bytes), delivered: true }));
    });
  }

  // ── receiving ─────────────────────────────────────────────────────────────────────────────

  /**
   * `processSealed`: a delivered sealed message. A guid processed before is a 'duplicate'.
   * Otherwise, in ONE transaction: open it, check the certificate against the pinned server, decrypt
   * on the certified sender's session (PROTOCOL.md §13.6), and store the content (history row,
   * access secret or nothing for a cover dummy) and the processed guid. Any refusal (forged,
   * expired, mismatched certificate, another server, truncated or altered envelope, bad padding)
   * is 'rejected': no session, pin or key changes, the guid is recorded, the caller acks.
   */
  processSealed(m: SealedDeliveredMessage): DeliveryOutcome;
  /** With `final` false, a certificate of a device n > 1 that the sender's known list does not name is 'unlisted' (nothing stored): refresh that list, then process again. */
  processSealed(m: SealedDeliveredMessage, final: false): DeliveryOutcome | UnlistedSealed;
  processSealed(m: SealedDeliveredMessage, final = true): DeliveryOutcome | UnlistedSealed {
    const guidKey = pad(m.guid);
    if (this.store.get(TABLE.PROCESSED, guidKey) !== undefined) return { kind: 'duplicate' };
    // a sealed group message (GROUP_SEND_SEALED) authenticates its sender itself (PROTOCOL.md §15.4)
    if (isGroupMessage(m.envelope)) return this.service.processGroupDelivery(m.guid, m.envelope);
    const server = this.serverIdentity();
    const sealedKeys = {
      loadSealedKey: (id: number) => {
        const bytes = loadKeyRecord(this.store, id);
        return bytes === undefined ? undefined : decodeSealedKeyRecord(bytes);
      },
    };
    let peer = '(sealed)';
    try {
      if (server === undefined) throw new ClientError('NOT_REGISTERED', 'server identity not known');
      return this.service.commitThenThrow(() => {
        const receiver = { sealedKeys, server, certificateCache: this.verified };
        const r = receiveSealed(this.service.ctx, receiver, m.envelope, this.now());
        const name = r.certificate.username;
        // A linked device speaks for its account only if the account's verified list names it
        // with the certified identity (docs/CLIENT.md §9).
        const listed = (d: { deviceId: number; identityHash: Uint8Array }) =>
          d.deviceId === r.certificate.deviceId && bytesEqual(d.identityHash, r.certificate.identityHash);
        const speaksFor = r.certificate.deviceId === DEVICE_ID || this.service.devices.devicesOf(name).some(listed);
        if (isValidName(name) && !speaksFor && !final) throw new UnlistedDevice(name); // rolls back
        if (!isValidName(name) || !speaksFor)
          throw new ProtocolError('SENDER_MISMATCH', `sealed message: certificate names ${r.sender}, not a listed device`);
        peer = name;
        const own = name === this.service.account.name;
        const firstContact = r.newSession && !own && this.store.get(TABLE.CONTACTS, name) === undefined;
        return this.service.storeContent(guidKey, name, r.plaintext, firstContact, r.sender);
      });
    } catch (err) {
      if (err instanceof UnlistedDevice) return { kind: 'unlisted', peer: err.peer };
      if (err instanceof ProtocolError && (err.code === 'IDENTITY_CHANGED' || err.code === 'UNTRUSTED_IDENTITY'))
        return { kind: 'held', peer, error: err };
      if (!(err instanceof Error) || (err instanceof ClientError && err.code !== 'NOT_REGISTERED')) throw err;
      this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
      return { kind: 'rejected', peer, error: err };
    }
  }
}

/** A sealed message whose certificate names a linked device the sender's known list lacks. */
export interface UnlistedSealed {
  readonly kind: 'unlisted';
  readonly peer: string;
}

/** Thrown inside processSealed's transaction (rolling it back) for an UnlistedSealed. */
class UnlistedDevice extends Error {
  constructor(readonly peer: string) {
    super(`sealed message from an unlisted device of ${peer}`);
  }
}
