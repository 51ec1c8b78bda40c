/**
 * The visualizer's model: Alice and Bob as two in-memory devices running src/protocol unchanged
 * (session-cipher.ts over storage/memory.ts), a network of envelopes in flight that the reader
 * can deliver in any order, drop, replay or forge, and every trace event (protocol/trace.ts) of
 * the last action, kept per device for the panels. Views of the state are decoded from the
 * stored session record, exactly what a device would persist (PROTOCOL.md §6.3).
 * Side channels: a teaching page; it shows only short fingerprints (see `fp`), never keys.
 */
import { sha256 } from '../src/hash/index.ts';
import { verifyBundle, type PreKeyBundle } from '../src/protocol/bundle.ts';
import { PREKEY_ROLE } from '../src/protocol/constants.ts';
import { defaultSuite as suite } from '../src/protocol/default-suite.ts';
import { generateIdentity, type IdentityKeyPair } from '../src/protocol/identity.ts';
import { generateOneTimePreKeys, generatePreKey, publicPreKey } from '../src/protocol/prekeys.ts';
import type { RatchetState } from '../src/protocol/ratchet/state.ts';
import { safetyNumber, type SafetyNumber } from '../src/protocol/safety-number.ts';
import {
  receiveMessage,
  sendMessage,
  startSession,
  type ProtocolContext,
} from '../src/protocol/session-cipher.ts';
import { decodeSessionRecord } from '../src/protocol/session-state-codec.ts';
import type { TraceEvent } from '../src/protocol/trace.ts';
import {
  MemoryIdentityStore,
  MemoryPreKeyStore,
  MemorySessionStore,
  MemoryTrustStore,
} from '../src/storage/memory.ts';
import { copyBytes, toHex } from '../src/util/bytes.ts';
import { defaultRandom } from '../src/util/random.ts';

export type Name = 'Alice' | 'Bob';

/** Short fingerprint: first 4 bytes of SHA-256, as `--trace` prints it (safe for secrets). */
export function fp(value: Uint8Array): string {
  return toHex(sha256(value).subarray(0, 4));
}

export interface Device {
  readonly name: Name;
  readonly address: string;
  readonly identity: IdentityKeyPair;
  readonly ctx: ProtocolContext;
  /** Trace events of the latest action on this device. */
  events: TraceEvent[];
  /** The PQXDH steps of this device's latest handshake (kept for the key-agreement panel). */
  handshake: TraceEvent[];
  /** Fingerprints of every root key this device has held, oldest first (the root chain). */
  roots: string[];
  /** What this device received, newest last. */
  inbox: { text: string; ok: boolean }[];
}

export type EnvelopeStatus = 'in flight' | 'lost' | 'delivered' | 'refused';

/** An envelope on the network, as the server would relay it. */
export interface Packet {
  readonly id: number;
  readonly from: Name;
  readonly to: Name;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly forged: boolean;
  status: EnvelopeStatus;
  /** The error code when refused. */
  error?: string;
}

function makeDevice(name: Name, address: string): Device {
  const identity = generateIdentity(suite, defaultRandom);
  const device: Device = {
    name,
    address,
    identity,
    events: [],
    handshake: [],
    roots: [],
    inbox: [],
    ctx: {
      suite,
      identity: new MemoryIdentityStore(identity, address),
      prekeys: new MemoryPreKeyStore(),
      sessions: new MemorySessionStore(),
      trust: new MemoryTrustStore(),
      random: defaultRandom,
      trace: (e) => device.events.push(e),
    },
  };
  return device;
}

const errorCode = (e: unknown): string => (e as { code?: string }).code ?? String(e);

/** The conversation: two devices, Bob's published bundle, the network. */
export class Conversation {
  alice?: Device;
  bob?: Device;
  bundle?: PreKeyBundle;
  /** The tampered bundle's refusal, once tried. */
  tamperError?: string;
  sessionStarted = false;
  readonly network: Packet[] = [];
  private nextId = 1;

  /** Hybrid identities for both devices (PROTOCOL.md §3.1). */
  createIdentities(): void {
    this.alice = makeDevice('Alice', 'alice.1');
    this.bob = makeDevice('Bob', 'bob.1');
  }

  /** Bob signs and publishes his prekeys; the server hands out one bundle. PQXDH rev. 3 §3.2. */
  publishBundle(now: number): void {
    const bob = this.need('Bob');
    const rnd = defaultRandom;
    const spk = generatePreKey(suite, bob.identity, PREKEY_ROLE.SIGNED, 1, now, rnd);
    const pqspk = generatePreKey(suite, bob.identity, PREKEY_ROLE.KEM_LAST_RESORT, 1, now, rnd);
    const { ONE_TIME } = PREKEY_ROLE;
    const [opk] = generateOneTimePreKeys(suite, bob.identity, ONE_TIME, 100, 1, now, rnd);
    const kemOne = PREKEY_ROLE.KEM_ONE_TIME;
    const [pqopk] = generateOneTimePreKeys(suite, bob.identity, kemOne, 200, 1, now, rnd);
    for (const r of [spk, pqspk, opk, pqopk]) bob.ctx.prekeys.storePreKey(r);
    this.bundle = {
      identity: bob.identity.publicKey,
      signedPreKey: publicPreKey(spk),
      kemPreKey: publicPreKey(pqopk),
      oneTimePreKey: publicPreKey(opk),
    };
    verifyBundle(suite, this.bundle, now);
  }

  /** The bundle with one bit of its ML-DSA-65 signature half flipped. PQXDH rev. 3 §3.3. */
  tryTamperedBundle(now: number): string {
    const bundle = this.bundle!;
    const signature = copyBytes(bundle.kemPreKey.signature);
    signature[100] ^= 1; // inside the ML-DSA-65 half (Ed25519 ‖ ML-DSA-65)
    try {
      verifyBundle(suite, { ...bundle, kemPreKey: { ...bundle.kemPreKey, signature } }, now);
      this.tamperError = 'ACCEPTED';
    } catch (e) {
      this.tamperError = errorCode(e);
    }
    return this.tamperError;
  }

  /** Alice verifies the bundle and runs PQXDH (the trace panels show each step). §3.3. */
  startHandshake(now: number): void {
    const alice = this.need('Alice');
    alice.events = [];
    startSession(alice.ctx, this.need('Bob').address, this.bundle!, now);
    this.sessionStarted = true;
    this.noteRoot(alice);
  }

  /** Encrypts `text` and puts the envelope on the network. Double Ratchet rev. 1 §4.5. */
  send(from: Name, text: string): Packet {
    const [a, b] = this.pair(from);
    a.events = [];
    const bytes = sendMessage(a.ctx, b.address, new TextEncoder().encode(text));
    this.noteRoot(a);
    const packet: Packet = {
      id: this.nextId++,
      from,
      to: b.name,
      text,
      bytes,
      forged: false,
      status: 'in flight',
    };
    this.network.push(packet);
    return packet;
  }

  /** Delivers a packet (again, for a replay); records plaintext or the typed error. */
  deliver(id: number, now: number): Packet {
    const packet = this.packet(id);
    const [sender, receiver] = this.pair(packet.from);
    receiver.events = [];
    try {
      const out = receiveMessage(receiver.ctx, sender.address, packet.bytes, now);
      const text = new TextDecoder().decode(out.plaintext);
      receiver.inbox.push({ text, ok: true });
      packet.status = 'delivered';
      delete packet.error;
      this.noteRoot(receiver);
    } catch (e) {
      packet.status = 'refused';
      packet.error = errorCode(e);
      receiver.inbox.push({ text: `#${packet.id} refused: ${packet.error}`, ok: false });
    }
    return packet;
  }

  /** The network loses a packet: it stays listed, and may still arrive late. */
  drop(id: number): void {
    this.packet(id).status = 'lost';
  }

  /** A forgery: a copy of packet `id` with one ciphertext bit flipped, put in flight. */
  forge(id: number): Packet {
    const original = this.packet(id);
    const bytes = copyBytes(original.bytes);
    bytes[bytes.length - 20] ^= 0x01; // inside the AEAD ciphertext or tag
    const copy = { id: this.nextId++, bytes, forged: true, status: 'in flight' as const };
    const packet: Packet = { ...original, ...copy };
    delete packet.error;
    this.network.push(packet);
    return packet;
  }

  /** The ratchet state `name` has stored for its peer, decoded; undefined before a session. */
  ratchet(name: Name): RatchetState | undefined {
    const [a, b] = this.pair(name);
    const bytes = a.ctx.sessions.loadSession(b.address);
    return bytes ? decodeSessionRecord(bytes).current.ratchet : undefined;
  }

  /** The safety number as `name` sees it (PROTOCOL.md §7.1). */
  safetyNumber(name: Name): SafetyNumber {
    const [a, b] = this.pair(name);
    const party = (d: Device) => ({ stableId: d.address, identity: d.identity.publicKey });
    return safetyNumber(suite, party(a), party(b));
  }

  device(name: Name): Device | undefined {
    return name === 'Alice' ? this.alice : this.bob;
  }

  private need(name: Name): Device {
    const d = this.device(name);
    if (!d) throw new Error(`${name} has no identity yet`);
    return d;
  }

  private pair(name: Name): [Device, Device] {
    const [a, b] = [this.need('Alice'), this.need('Bob')];
    return name === 'Alice' ? [a, b] : [b, a];
  }

  private packet(id: number): Packet {
    const p = this.network.find((x) => x.id === id);
    if (!p) throw new Error(`no packet #${id}`);
    return p;
  }

  private noteRoot(d: Device): void {
    const pqxdh = d.events.filter((e) => e.section.startsWith('PQXDH'));
    if (pqxdh.length) d.handshake = pqxdh;
    const state = this.ratchet(d.name);
    if (!state) return;
    const root = fp(state.rootKey);
    if (d.roots[d.roots.length - 1] !== root) d.roots.push(root);
  }
}
