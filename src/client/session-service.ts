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
  sendMessage,
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
import { toHex } from '../util/bytes.ts';
import { ClientError, ProtocolError } from '../util/errors.ts';
import type { RandomSource } from '../util/random.ts';
import type { DeliveredMessage } from '../wire/pushes.ts';
import { NAME_RULE, addressOf, identityFingerprint, isValidName, loadAccount } from './account.ts';
import {
  decodeAnyContent,
  encodeContent,
  padContent,
  unpadContent,
  type ControlContent,
} from './content.ts';
import type { GroupEvent } from './group-records.ts';
import { isGroupMessage } from '../protocol/groups/sender-key.ts';
import { loadContactSealed, saveContactSealed } from './sealed-state.ts';
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
  onGroupMessage(m: DeliveredMessage): GroupEvent;
  onControl(peer: string, address: string, content: ControlContent): GroupEvent;
}

const MESSAGE_ID_BYTES = 16;
const pad = (n: number): string => String(n).padStart(16, '0');

export class SessionService {
  readonly store: ClientStore;
  readonly account: Account;
  readonly ctx: ProtocolContext;
  readonly clock: () => number;
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

  hasSession(name: string): boolean {
    return this.ctx.sessions.loadSession(addressOf(expectName(name))) !== undefined;
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
  startSessionWith(name: string, bundleBytes: Uint8Array): TrustStatus {
    const address = addressOf(expectName(name));
    const bundle = decodeBundle(bundleBytes);
    return this.commitThenThrow(() => {
      const status = startSession(this.ctx, address, bundle, this.clock());
      this.ensureContact(name);
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
   * `stepAndQueue`: encrypts `body` to `name` and, in ONE transaction, stores the advanced session,
   * the outbox row and the history row — so a crash afterwards retransmits the same envelope with
   * the same id and never derives a message key twice (ARCHITECTURE.md §2, persist then send).
   * Refuses (nothing stored) while the contact's identity change is pending.
   */
  stepAndQueue(name: string, body: string): OutboxEntry {
    const { address } = this.contact(name);
    return this.store.transaction(() => {
      if (pendingIdentityChange(this.ctx.trust, address) !== undefined)
        throw new ClientError('IDENTITY_CHANGE_PENDING', identityChangedText(name));
      const id = toHex(this.ctx.random(MESSAGE_ID_BYTES));
      const timestamp = this.clock();
      const plaintext = padContent(encodeContent({ id, timestamp, body })); // PROTOCOL.md §13.5
      const envelope = sendMessage(this.ctx, address, plaintext);
      const seq = this.nextSequence();
      const historyKey = `${name}/${pad(seq)}`;
      const entry = { direction: 'out' as const, peer: name, id, timestamp, body };
      this.store.put(TABLE.HISTORY, historyKey, encodeHistory({ ...entry, delivered: false }));
      const out: OutboxEntry = { id, peer: name, address, envelope, historyKey };
      this.store.put(TABLE.OUTBOX, pad(seq), encodeOutbox(out));
      return out;
    });
  }

  /**
   * Sends `plaintext` (a group control content) to the user `name` over the pairwise session:
   * ratchet step + outbox row, joining the caller's transaction. THE one function through which
   * group traffic reaches a user (docs/CLIENT.md §10): today one device per user; a fan-out to
   * every device of the user belongs here. The session must exist (Sync.ensureSession).
   */
  queueToUser(name: string, plaintext: Uint8Array): OutboxEntry {
    const { address } = this.contact(name);
    return this.store.transaction(() => {
      if (pendingIdentityChange(this.ctx.trust, address) !== undefined)
        throw new ClientError('IDENTITY_CHANGE_PENDING', identityChangedText(name));
      const id = toHex(this.ctx.random(MESSAGE_ID_BYTES));
      const envelope = sendMessage(this.ctx, address, padContent(plaintext)); // PROTOCOL.md §13.5
      const out: OutboxEntry = { id, peer: name, address, envelope, historyKey: '' };
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
  processDelivery(m: DeliveredMessage): DeliveryOutcome {
    const guidKey = pad(m.guid);
    if (this.store.get(TABLE.PROCESSED, guidKey) !== undefined) return { kind: 'duplicate' };
    const peer = m.sender.username;
    const address = addressOf(peer, m.sender.deviceId);
    const groups = this.groupHooks;
    try {
      return this.commitThenThrow((): DeliveryOutcome => {
        if (groups !== undefined && isGroupMessage(m.envelope)) {
          const event = groups.onGroupMessage(m);
          this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
          return { kind: 'group', event };
        }
        const firstContact = this.ctx.trust.loadTrust(address) === undefined;
        const { plaintext } = receiveMessage(this.ctx, address, m.envelope, this.clock());
        return this.storeContent(guidKey, peer, plaintext, firstContact, address);
      });
    } catch (err) {
      if (err instanceof ProtocolError && isTrustRefusal(err))
        return { kind: 'held', peer, error: err };
      if (!(err instanceof Error) || err instanceof ClientError) throw err; // store failures
      this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
      return { kind: 'rejected', peer, error: err };
    }
  }

  /**
   * Stores what a decrypted plaintext holds (inside the caller's transaction): a text goes to the
   * history; an access secret to the contact's sealed state (docs/CLIENT.md §8); a cover dummy
   * nowhere; a group change or distribution to the group service (docs/CLIENT.md §10). Marks the guid processed. Bad padding or content throws DecodeError (BAD_PADDING…).
   * Also used by sealed-service.ts.
   */
  storeContent(
    guidKey: string,
    peer: string,
    plaintext: Uint8Array,
    firstContact: boolean,
    address = addressOf(peer),
  ): DeliveryOutcome {
    const content = decodeAnyContent(unpadContent(plaintext));
    this.ensureContact(peer);
    this.store.put(TABLE.PROCESSED, guidKey, new Uint8Array(0));
    if (content.kind === 'cover') return { kind: 'control', peer, control: 'cover' };
    if (content.kind === 'groupChange' || content.kind === 'senderKey') {
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
      return { kind: 'control', peer, control: 'accessKey' };
    }
    const message: HistoryEntry = {
      direction: 'in',
      peer,
      id: content.id,
      timestamp: content.timestamp,
      body: content.body,
      delivered: true,
    };
    const historyKey = `${peer}/${pad(this.nextSequence())}`;
    this.store.put(TABLE.HISTORY, historyKey, encodeHistory(message));
    return { kind: 'message', message, firstContact };
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

