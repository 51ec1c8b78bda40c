/**
 * The delivery service's limits, each a named constant with its unit and the error code that
 * enforces it (docs/SERVER.md §6). `ServerLimits` is what the logic reads; flags of
 * `pqmsg server` override single fields (tests set small quotas and rates).
 */
import { MAX_ENVELOPE_BYTES } from '../wire/frame-constants.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A token bucket's refill rate (tokens per second) and capacity (tokens). */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface ServerLimits {
  /** Largest envelope of one SEND, bytes → ENVELOPE_TOO_LARGE. */
  readonly maxEnvelopeBytes: number;
  /** Messages one mailbox may hold → MAILBOX_FULL_COUNT. */
  readonly mailboxMaxMessages: number;
  /** Envelope bytes one mailbox may hold → MAILBOX_FULL_BYTES. */
  readonly mailboxMaxBytes: number;
  /** Age after which an undelivered message is deleted, ms (Signal: about 30 days). */
  readonly messageTtlMs: number;
  /** One-time prekeys of each kind a device may keep on the server → PREKEY_STOCK_FULL. */
  readonly maxOneTimePreKeys: number;
  /** Below this many one-time prekeys of a kind, the owner gets a PREKEYS_LOW push. */
  readonly preKeyLowWater: number;
  /** SENDs per connection → RATE_LIMITED_SEND. */
  readonly sendRate: RateLimit;
  /** FETCH_BUNDLEs per connection → RATE_LIMITED_BUNDLE. */
  readonly bundleRate: RateLimit;
  /** Requests of any op per connection → RATE_LIMITED_REQUEST. */
  readonly requestRate: RateLimit;
  /** Requests one connection may have in progress at once → RATE_LIMITED_REQUEST. */
  readonly maxInFlightRequests: number;
  /** Messages read from the store per delivery round. */
  readonly deliveryBatch: number;
  /** SEND_SEALEDs per client IP address, over all its connections → RATE_LIMITED_SEALED (§12). */
  readonly sealedRatePerIp: RateLimit;
  /** SEND_SEALEDs per recipient device, from anyone → RATE_LIMITED_SEALED (docs/SERVER.md §12). */
  readonly sealedRatePerRecipient: RateLimit;
}

export const DEFAULT_LIMITS: ServerLimits = Object.freeze({
  maxEnvelopeBytes: MAX_ENVELOPE_BYTES,
  mailboxMaxMessages: 10_000,
  mailboxMaxBytes: 64 * 1024 * 1024, // 64 MiB
  messageTtlMs: 30 * DAY_MS,
  maxOneTimePreKeys: 1000,
  preKeyLowWater: 10, // Signal clients top up below about 10
  sendRate: Object.freeze({ perSecond: 100, burst: 200 }),
  bundleRate: Object.freeze({ perSecond: 10, burst: 50 }),
  requestRate: Object.freeze({ perSecond: 500, burst: 1000 }),
  maxInFlightRequests: 256,
  deliveryBatch: 100,
  sealedRatePerIp: Object.freeze({ perSecond: 20, burst: 100 }),
  sealedRatePerRecipient: Object.freeze({ perSecond: 10, burst: 100 }),
});


/** How often expired messages are purged, ms. */
export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;
