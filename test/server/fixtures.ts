/**
 * Devices for the server tests: a hybrid identity with signed prekeys made by src/protocol, encoded
 * as a device uploads them (PROTOCOL.md §3.1), and an in-process handler context on any backend
 * with a clock the test moves.
 */
import { PREKEY_ROLE } from '../../src/protocol/constants.ts';
import {
  defaultSuite,
  encodeIdentityPublic,
  generateIdentity,
  generateOneTimePreKeys,
  generatePreKey,
  hybridSign,
  type IdentityKeyPair,
  type PreKeyRecord,
} from '../../src/protocol/index.ts';
import { writePreKeyPublic } from '../../src/protocol/prekeys.ts';
import { newSession, type ServerContext, type Session } from '../../src/server/context.ts';
import { DEFAULT_LIMITS, type ServerLimits } from '../../src/server/limits.ts';
import { loadServerIdentity } from '../../src/server/server-identity.ts';
import type { ServerStore } from '../../src/server/store.ts';
import { defaultRandom } from '../../src/util/random.ts';
import type { Address } from '../../src/wire/address.ts';
import { SIGNATURE_LABEL_AUTH, SIGNATURE_LABEL_REGISTER, authTranscript, registerTranscript } from '../../src/wire/auth-transcript.ts';
import { Writer } from '../../src/wire/codec.ts';

export const T0 = Date.UTC(2026, 11, 1);

export interface TestDevice {
  readonly address: Address;
  readonly identity: IdentityKeyPair;
  readonly encodedIdentity: Uint8Array;
}

export function newDevice(username: string): TestDevice {
  const identity = generateIdentity(defaultSuite, defaultRandom);
  return { address: { username, deviceId: 1 }, identity, encodedIdentity: encodeIdentityPublic(identity.publicKey) };
}

/** PROTOCOL.md §3.1 PreKey bytes, as uploaded. */
export function encodePreKey(p: PreKeyRecord): Uint8Array {
  return writePreKeyPublic(new Writer(), p).finish();
}

/** SPK, PQSPK and `n` of each one-time kind, with ids from `start`, all signed by `d`. */
export function preKeyBatch(d: TestDevice, n: number, now: number, start = 1): Uint8Array[] {
  const g = (role: (typeof PREKEY_ROLE)[keyof typeof PREKEY_ROLE], id: number) =>
    generatePreKey(defaultSuite, d.identity, role, id, now, defaultRandom);
  const one = (role: typeof PREKEY_ROLE.ONE_TIME | typeof PREKEY_ROLE.KEM_ONE_TIME) =>
    generateOneTimePreKeys(defaultSuite, d.identity, role, start, n, now, defaultRandom);
  return [g(PREKEY_ROLE.SIGNED, start), g(PREKEY_ROLE.KEM_LAST_RESORT, start), ...one(PREKEY_ROLE.ONE_TIME), ...one(PREKEY_ROLE.KEM_ONE_TIME)].map(encodePreKey);
}

export interface Harness {
  readonly ctx: ServerContext;
  now: number;
  session(): Session;
}

/** A handler context on `store` with a movable clock starting at T0. */
export async function harness(store: ServerStore, limits: Partial<ServerLimits> = {}): Promise<Harness> {
  const h = { now: T0 } as Harness & { now: number };
  const identity = await loadServerIdentity(store, defaultSuite, defaultRandom);
  const ctx: ServerContext = { store, clock: () => h.now, limits: { ...DEFAULT_LIMITS, ...limits }, suite: defaultSuite, identity, random: defaultRandom };
  return Object.assign(h, { ctx, session: () => newSession(ctx.limits, defaultRandom(32), h.now) });
}

export function registerSignature(h: Harness, s: Session, d: TestDevice, address = d.address): Uint8Array {
  const t = registerTranscript(h.ctx.identity.hash, s.challenge, address, d.encodedIdentity);
  return hybridSign(defaultSuite, d.identity, SIGNATURE_LABEL_REGISTER, t, defaultRandom);
}

export function authSignature(h: Harness, s: Session, d: TestDevice): Uint8Array {
  const t = authTranscript(h.ctx.identity.hash, s.challenge, d.address);
  return hybridSign(defaultSuite, d.identity, SIGNATURE_LABEL_AUTH, t, defaultRandom);
}
