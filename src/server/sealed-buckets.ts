/**
 * Process-wide token buckets for unauthenticated sealed sends (docs/SERVER.md §12): one per client
 * IP address and one per recipient device, since an anonymous sender has no account to charge and
 * may open many connections. The maps are bounded: past MAX_TRACKED keys the least recently
 * created bucket is forgotten (a forgotten key starts again with a full bucket).
 */
import { formatAddress, type Address } from '../wire/address.ts';
import type { ServerContext } from './context.ts';
import type { RateLimit } from './limits.ts';
import { TokenBucket } from './rate-limit.ts';

/** Most keys tracked per map. */
const MAX_TRACKED = 100_000;

class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  constructor(private readonly limit: RateLimit) {}

  take(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_TRACKED) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = new TokenBucket(this.limit, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}

interface SealedBuckets {
  readonly perIp: KeyedBuckets;
  readonly perRecipient: KeyedBuckets;
}

/** One set of buckets per server context (its lifetime is the process's). */
const byContext = new WeakMap<ServerContext, SealedBuckets>();

function bucketsOf(ctx: ServerContext): SealedBuckets {
  let b = byContext.get(ctx);
  if (b === undefined) {
    b = {
      perIp: new KeyedBuckets(ctx.limits.sealedRatePerIp),
      perRecipient: new KeyedBuckets(ctx.limits.sealedRatePerRecipient),
    };
    byContext.set(ctx, b);
  }
  return b;
}

/** Takes the token of one sealed request from the bucket of `ip`; false if it is empty. */
export function takeSealedIpToken(ctx: ServerContext, ip: string, now: number): boolean {
  return bucketsOf(ctx).perIp.take(ip, now);
}

/** Takes one token from the bucket of recipient device `recipient`; false if it is empty. */
export function takeSealedRecipientToken(ctx: ServerContext, recipient: Address, now: number): boolean {
  return bucketsOf(ctx).perRecipient.take(formatAddress(recipient), now);
}

/**
 * Takes a token from the bucket of `ip` and of each of `recipients`; false if any is empty. The IP
 * bucket is charged first (once per request), so a flood from one address does not drain a
 * recipient's budget.
 */
export function takeSealedTokens(ctx: ServerContext, ip: string, recipients: readonly Address[], now: number): boolean {
  if (!takeSealedIpToken(ctx, ip, now)) return false;
  let all = true;
  for (const r of recipients) if (!takeSealedRecipientToken(ctx, r, now)) all = false;
  return all;
}
