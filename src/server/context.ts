/**
 * What every request handler gets (docs/ARCHITECTURE.md §9 rule 1): the store, the clock, the limits, the suite
 * (public-key verification and SHA-256 only) and the server's public identity; plus the state of
 * the connection the request came on, and the outcome type the socket layer turns into frames.
 */
import type { Suite } from '../protocol/suite.ts';
import type { RandomSource } from '../util/random.ts';
import type { Address } from '../wire/address.ts';
import type { Response, PreKeyCounts } from '../wire/responses.ts';
import type { ServerLimits } from './limits.ts';
import { TokenBucket } from './rate-limit.ts';
import type { ServerIdentity } from './server-identity.ts';
import type { ServerStore } from './store.ts';

/** The server clock: ms since the Unix epoch. Injected, so tests can move time. */
export type Clock = () => number;

export interface ServerContext {
  readonly store: ServerStore;
  readonly clock: Clock;
  readonly limits: ServerLimits;
  readonly suite: Suite;
  readonly identity: ServerIdentity;
  /** Fresh public randomness (provisioning rendezvous ids, docs/SERVER.md §13). */
  readonly random: RandomSource;
}

/** Per-connection state the handlers read: the challenge, the device once authenticated, the buckets. */
export interface Session {
  readonly challenge: Uint8Array;
  /** Set by the first REGISTER or AUTHENTICATE: each challenge is answered at most once. */
  challengeUsed: boolean;
  device?: Address;
  /** The client's IP address, for the per-IP sealed-send rate (docs/SERVER.md §12). */
  readonly remote?: string;
  readonly buckets: { send: TokenBucket; bundle: TokenBucket; request: TokenBucket };
}

/** A handler's result: the response plus what the socket layer must do about it. */
export interface Outcome {
  readonly response: Response;
  /** The connection now belongs to this device (REGISTER, AUTHENTICATE). */
  readonly authenticated?: Address;
  /** Mailboxes that gained a message: deliver to them if connected. */
  readonly deliver?: readonly Address[];
  /** An owner whose one-time prekey stock fell below the low-water mark. */
  readonly preKeysLow?: { readonly owner: Address; readonly counts: PreKeyCounts };
}

/** A new connection's session with full buckets. */
export function newSession(limits: ServerLimits, challenge: Uint8Array, now: number, remote?: string): Session {
  return {
    challenge,
    ...(remote !== undefined ? { remote } : {}),
    challengeUsed: false,
    buckets: {
      send: new TokenBucket(limits.sendRate, now),
      bundle: new TokenBucket(limits.bundleRate, now),
      request: new TokenBucket(limits.requestRate, now),
    },
  };
}
