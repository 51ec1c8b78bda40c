/**
 * The session service: one device's contacts, trust decisions and messages on top of the pure
 * protocol (src/protocol) and the sealed store, with every state change that must be atomic in one
 * named transaction (ARCHITECTURE.md §9 rule 3; docs/CLIENT.md "Crash safety"):
 *   `stepAndQueue`   ratchet step + new session + outbox row + history row, before any transmit;
 *   `markDelivered`  outbox row deleted + history row marked delivered, on the server's ack;
 *   `storeThenAck`   decrypt + new session + history row + processed guid, before the ack.
 * The network is not seen here (sync.ts sequences it); time and randomness are injected.
 * Side channels: orchestration on public ids and names; secrets stay in the protocol and store.
 */
import { decodeBundle } from '../protocol/bundle.ts';
import { decodeIdentityPublic } from '../protocol/identity.ts';
import { safetyNumber, type SafetyNumber } from '../protocol/safety-number.ts';
import {
  receiveMessage,
  startSession,
  type ProtocolContext,
} from '../protocol/session-cipher.ts';
import type { Suite } from '../protocol/suite.ts';
import {
  acceptIdentityChange,
  markVerified,
  pendingIdentityChange,
  type TrustStatus,
} from '../protocol/trust.ts';
import { bytesEqual, toHex } from '../util/bytes.ts';
import { ClientError, ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import type { Address } from '../wire/address.ts';
import type { DeliveredMessage } from '../wire/pushes.ts';
import { DEVICE_ID, NAME_RULE, addressOf, identityFingerprint, isValidName, loadAccount } from './account.ts';
import {
  decodeAnyContent,
  encodeAccessKeyContent,
  encodeContent,
  unpadContent,
  type ControlContent,
} from './content.ts';
import type { GroupEvent } from './group-records.ts';
import { isGroupMessage } from '../protocol/groups/sender-key.ts';
import { loadContactSealed, saveContactSealed } from './sealed-state.ts';
import { DeviceDirectory } from './device-service.ts';
import { FanOut } from './fan-out.ts';
import {
  StoredIdentity,
  StoredPreKeys,
  StoredSessions,
  StoredTrust,
  TABLE,
} from './protocol-stores.ts';
import {
  decodeContact,
  decodeHistory,
  decodeOutbox,
  encodeContact,
  encodeHistory,
  encodeOutbox,
  type Account,
  type Contact,
  type HistoryEntry,
  type OutboxEntry,
} from './records.ts';
import type { ClientStore } from './store.ts';

export interface ClientDeps {
  readonly store: ClientStore;
  readonly suite: Suite;
  readonly random: RandomSource;
  /** Milliseconds since the Unix epoch. */
  readonly now: () => number;
}

/** A contact with its trust state, as `contacts list` shows it. */
export interface ContactView extends Contact {
  readonly fingerprint: string;
  readonly verified: boolean;
  readonly identityChanged: boolean;
}

/** What became of one delivered envelope. */
export type DeliveryOutcome =
  /** Decrypted and stored; ack it. `firstContact`: the sender's identity was pinned now. */
  | { readonly kind: 'message'; readonly message: HistoryEntry; readonly firstContact: boolean }
  /** Already processed before (a redelivery after a crash before the ack): ack it silently. */
  | { readonly kind: 'duplicate' }
  /** The sender's identity changed: leave it queued until `contacts trust`. */
  | { readonly kind: 'held'; readonly peer: string; readonly error: ProtocolError }
  /** A group message or group control content, handled by the group service (group-service.ts). */
  | { readonly kind: 'group'; readonly event: GroupEvent }
  /** Undecryptable or malformed: recorded as processed, ack it (it can never succeed). */
  | { readonly kind: 'rejected'; readonly peer: string; readonly error: Error }
  /**
   * A control content (docs/CLIENT.md §8): the peer's access secret, stored; or a cover-traffic
   * dummy, dropped. Processed and acked, never shown and never in the history.
   */
  | { readonly kind: 'control'; readonly peer: string; readonly control: 'accessKey' | 'cover' };

/**
 * What the group service does inside `storeThenAck`'s transaction (docs/CLIENT.md §10): a group
 * message (one upload, PROTOCOL.md §15.4) or a group control content from a pairwise session.
 */
export interface GroupHooks {
  onGroupMessage(envelope: Uint8Array, transportSender?: Address): GroupEvent;
  onControl(peer: string, address: string, content: ControlContent): GroupEvent;
}

const MESSAGE_ID_BYTES = 16;
const pad = (n: number): string => String(n).padStart(16, '0');

export class SessionService {
  readonly store: ClientStore;
  readonly account: Account;
  readonly ctx: ProtocolContext;
  readonly clock: () => number;
  /** Verified device lists of this account and its contacts (docs/CLIENT.md §9). */
  readonly devices: DeviceDirectory;
  private readonly fanOut: FanOut;
  private groupHooks: GroupHooks | undefined;

  constructor(deps: ClientDeps) {
    this.store = deps.store;
    this.clock = deps.now;
    this.account = loadAccount(deps.store);
    this.ctx = {
      suite: deps.suite,
      random: deps.random,
      identity: new StoredIdentity(deps.store, deps.suite, this.account.address),
      prekeys: new StoredPreKeys(deps.store),
      sessions: new StoredSessions(deps.store),
      trust: new StoredTrust(deps.store),
    };
    this.devices = new DeviceDirectory(deps.store, deps.suite, this.ctx.trust, this.account);
    this.fanOut = new FanOut(deps.store, this.ctx);
  }

  /** Attaches the group service: group messages and control contents are handed to it. */
  setGroupHooks(hooks: GroupHooks): void {
    this.groupHooks = hooks;
  }

  // ── contacts and trust ────────────────────────────────────────────────────────────────────

  /** The contact named `name` (UNKNOWN_CONTACT if none). */
  contact(name: string): Contact {
    const bytes = this.store.get(TABLE.CONTACTS, expectName(name));
    if (bytes === undefined) throw new ClientError('UNKNOWN_CONTACT', `no contact named ${name}`);
    return decodeContact(bytes);
  }

  hasSession(name: string, deviceId = DEVICE_ID): boolean {
    return this.ctx.sessions.loadSession(addressOf(expectName(name), deviceId)) !== undefined;
  }

  listContacts(): ContactView[] {
    return this.store.list(TABLE.CONTACTS).map((r) => {
      const c = decodeContact(r.value);
      const trust = this.ctx.trust.loadTrust(c.address);
      return {
        ...c,
        fingerprint: trust ? identityFingerprint(trust.identity) : '',
        verified: trust?.verified ?? false,
        identityChanged: trust?.pendingChange !== undefined,
      };
    });
  }

  /**
   * Starts a session with `name` from its fetched bundle (PQXDH rev. 3 §3.3) and records the
   * contact. Returns 'new' when the identity was pinned now (TOFU). On IDENTITY_CHANGED the pending
   * change is committed (so sending stays blocked) and the error rethrown.
   */
  startSessionWith(name: string, bundleBytes: Uint8Array, deviceId = DEVICE_ID): TrustStatus {
    const address = addressOf(expectName(name), deviceId);
    const bundle = decodeBundle(bundleBytes);
    return this.commitThenThrow(() => {
      const status = startSession(this.ctx, address, bundle, this.clock());
      if (name !== this.account.name) this.ensureContact(name);
      return status;
    });
  }

  /** Accepts `name`'s pending identity change (`contacts trust`): re-pin, drop old sessions. */
  trust(name: string): { fingerprint: string } {
    const { address } = this.contact(name);
    const pending = pendingIdentityChange(this.ctx.trust, address);
    if (pending === undefined)
      throw new ClientError('UNKNOWN_CONTACT', `${name} has no pending identity change to accept`);
    this.store.transaction(() =>
      acceptIdentityChange(this.ctx, address, decodeIdentityPublic(pending.identity), this.clock()),
    );
    return { fingerprint: identityFingerprint(pending.identity) };
  }

  /**
   * The safety number with `name` (PROTOCOL.md §7) over our identity and theirs: the pinned one,
   * or the new one while a change is pending (`changed`).
   */
  safetyNumber(name: string): { safetyNumber: SafetyNumber; changed: boolean } {
    const { address } = this.contact(name);
    const trust = this.ctx.trust.loadTrust(address);
    if (trust === undefined)
      throw new ClientError('UNKNOWN_CONTACT', `no identity pinned for ${name} yet`);
    // While a change is pending, the number is that of the NEW identity: what the user compares
    // before accepting it.
    const theirs = trust.pendingChange?.identity ?? trust.identity;
    const { address: stableId, identity } = this.account;
    const self = { stableId, identity: decodeIdentityPublic(identity) };
    const peer = { stableId: address, identity: decodeIdentityPublic(theirs) };
    const changed = trust.pendingChange !== undefined;
    return { safetyNumber: safetyNumber(this.ctx.suite, self, peer), changed };
  }

  /** Marks `name`'s pinned identity verified (the user compared safety numbers). */
  markVerified(name: string): void {
    const { address } = this.contact(name);
    const trust = this.ctx.trust.loadTrust(address);
    if (trust === undefined) throw new ClientError('UNKNOWN_CONTACT', `nothing pinned for ${name}`);
    if (trust.pendingChange !== undefined)
      throw new ClientError('IDENTITY_CHANGE_PENDING', identityChangedText(name));
    this.store.transaction(() =>
      markVerified(this.ctx.trust, address, decodeIdentityPublic(trust.identity)),
    );
  }

  // ── sending ───────────────────────────────────────────────────────────────────────────────

  /**
   * `stepAndQueue`: encrypts `body` to each of `peerDevices` of `name` and a sent transcript to each
   * of `ownDevices` of this account (Sesame: one session per device pair, docs/CLIENT.md §9) and,
   * in ONE transaction, stores the advanced sessions, the outbox rows and the history row — so a
   * crash afterwards retransmits the same envelopes with the same id and never derives a message
   * key twice (ARCHITECTURE.md §2, persist then send). Refuses (nothing stored) while an identity
   * change of any of those devices is pending.
   */
  stepAndQueue(
    name: string,
    body: string,
    peerDevices: readonly number[] = [DEVICE_ID],
    ownDevices: readonly number[] = [],
    accessKey?: { readonly secret: Uint8Array; readonly epoch: number },
  ): OutboxEntry {
    const { address } = this.contact(name);
    return this.store.transaction(() => {
      if (pendingIdentityChange(this.ctx.trust, address) !== undefined)
        throw new ClientError('IDENTITY_CHANGE_PENDING', identityChangedText(name));
      const id = toHex(this.ctx.random(MESSAGE_ID_BYTES));
      const timestamp = this.clock();
      const text = { id, timestamp, body };
      // With `accessKey`, our delivery access secret rides in the same envelope (CLIENT.md §8).
      const content = accessKey
        ? encodeAccessKeyContent(accessKey.secret, accessKey.epoch, text)
        : encodeContent(text);
      if (accessKey) {
        const known = loadContactSealed(this.store, name);
        saveContactSealed(this.store, name, { ...known, sentEpoch: accessKey.epoch });
      }
      const envelopes = peerDevices.map((d) => this.fanOut.encryptFor(name, d, content));
      const seq = this.nextSequence();
      const historyKey = `${name}/${pad(seq)}`;
      const entry = { direction: 'out' as const, peer: name, id, timestamp, body };
      this.store.put(TABLE.HISTORY, historyKey, encodeHistory({ ...entry, delivered: false }));
      const out: OutboxEntry = { id, peer: name, address, envelopes, content, historyKey };
      this.store.put(TABLE.OUTBOX, pad(seq), encodeOutbox(out));
      this.queueTranscript(name, text, ownDevices);
      return out;
    });
  }

  /**
   * The sent transcript (content kind 4, docs/CLIENT.md §9) of `text` to `name` for this
   * account's other devices `ownDevices`: one ratchet step each, one AUTHENTICATED outbox row,
   * joining the caller's transaction; nothing when there is no other device. Also used by a
   * sealed send (sealed-service.ts), whose transcript goes authenticated too (§8).
   */
  queueTranscript(name: string, text: { id: string; timestamp: number; body: string }, ownDevices: readonly number[]): void {
    if (ownDevices.length === 0) return;
    this.store.transaction(() => {
      const own = this.account.name;
      const transcript = encodeContent({ ...text, sentTo: name });
      const copies = ownDevices.map((d) => this.fanOut.encryptFor(own, d, transcript));
      const sent: OutboxEntry = { id: text.id, peer: own, address: addressOf(own), envelopes: copies, content: transcript, historyKey: '' };
      this.store.put(TABLE.OUTBOX, pad(this.nextSequence()), encodeOutbox(sent));
    });
  }

  /** Re-fans an outbox row to its peer's current `devices` after DEVICE_MISMATCH (FanOut.refan). */
  refanOutbox(outboxKey: string, entry: OutboxEntry, devices: readonly number[]): OutboxEntry {
    return this.fanOut.refan(outboxKey, entry, devices);
  }

  /** Forgets a linked device whose id the verified list gives to another identity (FanOut). */
  forgetReplacedDevice(name: string, deviceId: number, listedHash: Uint8Array): boolean {
    return this.fanOut.forgetReplacedDevice(name, deviceId, listedHash);
  }

  /**
   * Queues a content that is never shown and has no history row — an access secret (docs/CLIENT.md
   * §8), a group change or sender-key distribution (§10) — to the user `name`: one ratchet step per
   * device in `peerDevices` and one outbox row, joining the caller's transaction. THE one function
   * through which such traffic reaches a user: the flush re-fans the row to the user's current
   * device list on DEVICE_MISMATCH (§9), so every device of the user gets it. `name` may be this
   * account (its other devices: group traffic, §10). The sessions must exist (Sync.ensureSession).
   */
  queueToUser(name: string, content: Uint8Array, peerDevices: readonly number[] = [DEVICE_ID]): OutboxEntry {
    const address = name === this.account.name ? addressOf(name) : this.contact(name).address;
    return this.store.transaction(() => {
      const id = toHex(this.ctx.random(MESSAGE_ID_BYTES));
      const envelopes = peerDevices.map((d) => this.fanOut.encryptFor(name, d, content));
      const out: OutboxEntry = { id, peer: name, address, envelopes, content, historyKey: '' };
      this.store.put(TABLE.OUTBOX, pad(this.nextSequence()), encodeOutbox(out));
      return out;
    });
  }


  /** Outbox rows in the order they were queued. */
  outbox(): { key: string; entry: OutboxEntry }[] {
    return this.store.list(TABLE.OUTBOX).map((r) => ({ key: r.key, entry: decodeOutbox(r.value) }));
  }

  /** A message the server refused for good: its outbox row goes, the history row stays. */
  dropFromOutbox(outboxKey: string): void {
    this.store.delete(TABLE.OUTBOX, outboxKey);
  }

  /** `markDelivered`: the server stored the envelope; drop the outbox row, mark the history row. */
  markDelivered(outboxKey: string, entry: OutboxEntry): void {
    this.store.transaction(() => {
      this.store.delete(TABLE.OUTBOX, outboxKey);
      const bytes = this.store.get(TABLE.HISTORY, entry.historyKey);
      if (bytes !== undefined)
        this.store.put(
          TABLE.HISTORY,
          entry.historyKey,
          encodeHistory({ ...decodeHistory(bytes), delivered: true }),
        );
    });
  }

  // ── receiving ─────────────────────────────────────────────────────────────────────────────

  /**
   * `storeThenAck`, first half: processes one delivered envelope. A guid already processed is a
   * 'duplicate'. Otherwise, in ONE transaction: decrypt (PROTOCOL.md §6.2), store the new session,
   * the history row and the processed guid. The caller acknowledges after this returns.
   */
  processDelivery(m: DeliveredMessage, listedHash?: Uint8Array): DeliveryOutcome {
    const guidKey = pad(m.guid);
    if (this.store.get(TABLE.PROCESSED, guidKey) !== undefined) return { kind: 'duplicate' };
    const sender = m.sender.username;
    const address = addressOf(sender, m.sender.deviceId);
    const own = sender === this.account.name;
    // A listed device's identity change is settled by its account's list (Sync.deliver), so no
    // pending change is recorded for it; a contact's primary keeps the user's trust decision (§8).
    const run = <T>(fn: () => T): T => (listedHash === undefined ? this.commitThenThrow(fn) : this.store.transaction(fn));
    if (isGroupMessage(m.envelope)) return this.processGroupDelivery(m.guid, m.envelope, m.sender);
    try {
      return run((): DeliveryOutcome => {
        // First contact is per ACCOUNT: a known contact's (or our own account's) newly linked
        // device pins its identity silently, vouched for by the account's signed list (§9).
        const firstContact = !own && this.store.get(TABLE.CONTACTS, sender) === undefined;
        const { plaintext } = receiveMessage(this.ctx, address, m.envelope, this.clock());
        // docs/CLIENT.md §9: a linked device speaks for its account only if the account's signed
        // list names it with the identity this session is keyed to.
        if (listedHash !== undefined && !bytesEqual(this.fanOut.pinnedHash(sender, m.sender.deviceId), listedHash))
          throw new ProtocolError('BAD_SIGNATURE', `${address} is not on the device list of ${sender} with this identity`);
        return this.storeContent(guidKey, sender, plaintext, firstContact, address);
      });
    } catch (err) {
      if (err instanceof ProtocolError && isTrustRefusal(err))
        return { kind: 'held', peer: sender, error: err };
      if (!(err instanceof Error) || err instanceof ClientError) throw err; // store failures
      this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
      return { kind: 'rejected', peer: sender, error: err };
    }
  }

  /**
   * `storeThenAck`'s first half for a group message (PROTOCOL.md §15.4), delivered sealed (GROUP_SEND_SEALED,
   * no `transportSender`) or by GROUP_SEND: in ONE transaction the group service decrypts and stores
   * it, and the guid is recorded; a refusal (unknown chain, forgery, replay, another uploader than
   * the sender it authenticates) changes no group state, records the guid and is 'rejected'.
   * Also used by sealed-service.ts.
   */
  processGroupDelivery(guid: number, envelope: Uint8Array, transportSender?: Address): DeliveryOutcome {
    const guidKey = pad(guid);
    const peer = transportSender?.username ?? '(sealed)';
    try {
      return this.store.transaction((): DeliveryOutcome => {
        if (this.groupHooks === undefined)
          throw new ProtocolError('NOT_A_MEMBER', 'group message on a client without the group service');
        const event = this.groupHooks.onGroupMessage(envelope, transportSender);
        this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
        return { kind: 'group', event };
      });
    } catch (err) {
      if (!(err instanceof Error) || err instanceof ClientError) throw err; // store failures
      this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
      return { kind: 'rejected', peer, error: err };
    }
  }

  /**
   * Stores what a decrypted plaintext from `sender` holds (inside the caller's transaction): a
   * text goes to the history (a sent transcript, only from this account's own devices, under its
   * recipient: docs/CLIENT.md §9); an access secret to the contact's sealed state (docs/CLIENT.md
   * §8); a cover dummy nowhere. Marks the guid processed. Bad padding or content throws
   * DecodeError (BAD_PADDING…). Also used by sealed-service.ts.
   */
  storeContent(
    guidKey: string,
    sender: string,
    plaintext: Uint8Array,
    firstContact: boolean,
    address = addressOf(sender),
  ): DeliveryOutcome {
    const content = decodeAnyContent(unpadContent(plaintext));
    const own = sender === this.account.name;
    const text = content.kind === 'text' ? content : content.kind === 'accessKey' ? content.text : undefined;
    if (text !== undefined && (text.sentTo !== undefined) !== own)
      throw new ProtocolError('BAD_STATE', own ? 'own device sent a message that is not a sent transcript' : `${sender} sent a transcript`);
    const peer = text?.sentTo ?? sender;
    if (!own || text !== undefined) this.ensureContact(peer); // own devices' group contents: no contact
    this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
    if (content.kind === 'cover') return { kind: 'control', peer, control: 'cover' };
    if (content.kind === 'groupChange' || content.kind === 'senderKey' || content.kind === 'groupWelcome') {
      if (this.groupHooks === undefined)
        throw new ProtocolError('NOT_A_MEMBER', 'group content on a client without the group service');
      return { kind: 'group', event: this.groupHooks.onControl(peer, address, content) };
    }
    if (content.kind === 'accessKey') {
      const known = loadContactSealed(this.store, peer);
      if (content.epoch >= known.accessEpoch)
        saveContactSealed(this.store, peer, {
          ...known,
          accessSecret: content.secret,
          accessEpoch: content.epoch,
        });
    }
    if (text === undefined) return { kind: 'control', peer, control: 'accessKey' };
    const message: HistoryEntry = {
      direction: own ? 'out' : 'in',
      peer,
      id: text.id,
      timestamp: text.timestamp,
      body: text.body,
      delivered: true,
    };
    const historyKey = `${peer}/${pad(this.nextSequence())}`;
    this.store.put(TABLE.HISTORY, historyKey, encodeHistory(message));
    return { kind: 'message', message, firstContact };
  }

  /** A delivery refused before decryption (docs/CLIENT.md §9): recorded as processed, to be acked. */
  rejectDelivery(m: DeliveredMessage, error: ProtocolError): DeliveryOutcome {
    this.store.put(TABLE.PROCESSED, pad(m.guid), new Uint8Array(0));
    return { kind: 'rejected', peer: m.sender.username, error };
  }

  /** The history with `name`, oldest first. */
  history(name: string): HistoryEntry[] {
    this.contact(name);
    return this.store.list(TABLE.HISTORY, `${name}/`).map((r) => decodeHistory(r.value));
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────

  /**
   * Runs `fn` in a transaction; an IDENTITY_CHANGED thrown inside is rethrown only AFTER the
   * transaction committed, so the pending change the protocol recorded is kept (the protocol
   * stores nothing else before throwing it: PROTOCOL.md §8). Any other error rolls back.
   * Also used by sealed-service.ts.
   */
  commitThenThrow<T>(fn: () => T): T {
    let changed: ProtocolError | undefined;
    const out = this.store.transaction(() => {
      try {
        return fn();
      } catch (err) {
        if (err instanceof ProtocolError && err.code === 'IDENTITY_CHANGED') {
          changed = err;
          return undefined;
        }
        throw err;
      }
    });
    if (changed !== undefined) throw changed;
    return out as T;
  }

  /** Records `name` as a contact unless it is one (also used by sealed-service.ts). */
  ensureContact(name: string): void {
    if (this.store.get(TABLE.CONTACTS, name) !== undefined) return;
    const contact = { name, address: addressOf(name), addedAt: this.clock() };
    this.store.put(TABLE.CONTACTS, name, encodeContact(contact));
  }

  /** Next value of the store's sequence counter (orders history and outbox rows). */
  nextSequence(): number {
    const bytes = this.store.get(TABLE.COUNTERS, 'seq');
    const next = (bytes === undefined ? 0 : Number(new TextDecoder().decode(bytes))) + 1;
    this.store.put(TABLE.COUNTERS, 'seq', new TextEncoder().encode(String(next)));
    return next;
  }
}

function expectName(name: string): string {
  if (!isValidName(name))
    throw new ClientError('BAD_NAME', `contact name must be ${NAME_RULE} (got "${name}")`);
  return name;
}

function isTrustRefusal(err: ProtocolError): boolean {
  return err.code === 'IDENTITY_CHANGED' || err.code === 'UNTRUSTED_IDENTITY';
}

function identityChangedText(name: string): string {
  return (
    `the identity of ${name} has CHANGED: compare safety numbers, ` +
    `then accept it with \`pqmsg contacts trust ${name}\``
  );
}

