/**
 * Test fixtures: devices with identities and stores, a tiny "server" that hands out bundles and
 * deletes the one-time prekeys it gives away, and a trace recorder.
 */
import { PREKEY_ROLE } from '../../../src/protocol/constants.ts';
import type { PreKeyBundle } from '../../../src/protocol/bundle.ts';
import { generateIdentity, type IdentityKeyPair } from '../../../src/protocol/identity.ts';
import { generateOneTimePreKeys, generatePreKey, publicPreKey, type PreKeyRecord } from '../../../src/protocol/prekeys.ts';
import type { ProtocolContext } from '../../../src/protocol/session-cipher.ts';
import type { Suite } from '../../../src/protocol/suite.ts';
import type { TraceEvent } from '../../../src/protocol/trace.ts';
import type { RandomSource } from '../../../src/util/random.ts';
import {
  MemoryIdentityStore,
  MemoryPreKeyStore,
  MemorySessionStore,
  MemoryTrustStore,
} from '../../../src/storage/memory.ts';

export const T0 = Date.UTC(2026, 0, 1);

export interface Device {
  address: string;
  identity: IdentityKeyPair;
  ctx: ProtocolContext & { prekeys: MemoryPreKeyStore; trust: MemoryTrustStore; sessions: MemorySessionStore };
  signedPreKey: PreKeyRecord;
  lastResort: PreKeyRecord;
  /** One-time prekeys not yet handed out by the "server". */
  serverOneTime: PreKeyRecord[];
  serverKemOneTime: PreKeyRecord[];
}

export function makeDevice(
  suite: Suite,
  address: string,
  random: RandomSource,
  opts: { oneTime?: number; kemOneTime?: number; now?: number } = {},
): Device {
  const now = opts.now ?? T0;
  const identity = generateIdentity(suite, random);
  const prekeys = new MemoryPreKeyStore();
  const signedPreKey = generatePreKey(suite, identity, PREKEY_ROLE.SIGNED, 1, now, random);
  const lastResort = generatePreKey(suite, identity, PREKEY_ROLE.KEM_LAST_RESORT, 1, now, random);
  const serverOneTime = generateOneTimePreKeys(suite, identity, PREKEY_ROLE.ONE_TIME, 100, opts.oneTime ?? 0, now, random);
  const serverKemOneTime = generateOneTimePreKeys(suite, identity, PREKEY_ROLE.KEM_ONE_TIME, 200, opts.kemOneTime ?? 0, now, random);
  for (const r of [signedPreKey, lastResort, ...serverOneTime, ...serverKemOneTime]) prekeys.storePreKey(r);
  const ctx = {
    suite,
    identity: new MemoryIdentityStore(identity, address),
    prekeys,
    sessions: new MemorySessionStore(),
    trust: new MemoryTrustStore(),
    random,
  };
  return { address, identity, ctx, signedPreKey, lastResort, serverOneTime, serverKemOneTime };
}

/** The server's answer to "fetch a bundle": hands out (and forgets) one OPK and one PQOPK if left. */
export function fetchBundle(d: Device): PreKeyBundle {
  const opk = d.serverOneTime.shift();
  const pqopk = d.serverKemOneTime.shift();
  return {
    identity: d.identity.publicKey,
    signedPreKey: publicPreKey(d.signedPreKey),
    kemPreKey: publicPreKey(pqopk ?? d.lastResort),
    ...(opk ? { oneTimePreKey: publicPreKey(opk) } : {}),
  };
}

/** Collects trace events. */
export function recorder(): { events: TraceEvent[]; trace: (e: TraceEvent) => void } {
  const events: TraceEvent[] = [];
  return { events, trace: (e) => events.push(e) };
}
