/**
 * Cover traffic (docs/CLIENT.md §8): sealed, padded dummy messages to contacts at exponentially
 * distributed intervals — a Poisson process of mean `ratePerHour` — so that when a user really
 * writes is hidden among the dummies (the item 6; Loopix-style "drop" messages, Piotrowska
 * et al., USENIX Security 2017). A dummy is a COVER content (content.ts) whose filler length is
 * drawn like a short text's (0–COVER_MAX_FILLER bytes), sealed and padded like any message, so
 * the server sees the same path (anonymous SEND_SEALED), size bucket and timing law; only the
 * recipient, after decrypting, sees the COVER kind and drops it. Randomness and timers are
 * injected (tests run a seeded schedule).
 * Side channels: the delays and filler are public once sent; no secret is handled here.
 */
import { sha256 } from '../hash/sha256.ts';
import { concatBytes, copyBytes, utf8 } from '../util/bytes.ts';
import type { RandomSource } from '../util/random.ts';
import { encodeCoverContent } from './content.ts';

/** Longest dummy filler: the length of a short text, so dummies share the smallest size buckets. */
export const COVER_MAX_FILLER = 80;

/** A uniform number in [0, 1) from 53 random bits. */
export function uniform(random: RandomSource): number {
  const b = random(7);
  let x = 0;
  for (let i = 0; i < 6; i++) x = x * 256 + b[i]; // 48 bits, exact
  return (x * 32 + (b[6] >> 3)) / 2 ** 53; // + 5 bits = 53, still exact
}

/** The next delay (ms) of a Poisson process of `ratePerHour` events per hour: −ln(1 − U)/λ. */
export function exponentialDelayMs(ratePerHour: number, random: RandomSource): number {
  if (!(ratePerHour > 0)) throw new RangeError('cover rate must be > 0 per hour');
  return (-Math.log(1 - uniform(random)) * 3_600_000) / ratePerHour;
}

/** One dummy's content: COVER with a filler of 0..COVER_MAX_FILLER random bytes. */
export function coverContent(random: RandomSource): Uint8Array {
  const length = Math.floor(uniform(random) * (COVER_MAX_FILLER + 1));
  return encodeCoverContent(random(length));
}

/**
 * A deterministic RandomSource for tests and benchmarks: SHA-256(label ‖ seed ‖ u32 counter)
 * blocks. NOT for keys (it is only used for the cover schedule and filler).
 */
export function seededRandom(seed: string): RandomSource {
  const prefix = concatBytes(utf8('pqmsg cover schedule'), utf8(seed));
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) {
      const c = new Uint8Array(4);
      new DataView(c.buffer).setUint32(0, counter++);
      pool = concatBytes(pool, sha256(concatBytes(prefix, c)));
    }
    const out = copyBytes(pool.subarray(0, n));
    pool = pool.subarray(n);
    return out;
  };
}

export interface CoverDeps {
  readonly ratePerHour: number;
  readonly random: RandomSource;
  /** The contacts a dummy may go to now (those reachable sealed). */
  readonly contacts: () => string[];
  /** Sends one dummy; resolves false if it could not go sealed. */
  readonly send: (name: string, content: Uint8Array) => Promise<boolean>;
  readonly onSent?: (name: string) => void;
  readonly onError?: (err: unknown) => void;
}

/**
 * Runs the schedule until `stop()`: wait an exponential delay, send a dummy to a uniformly chosen
 * contact (skipped when there is none), repeat. One dummy in flight at a time.
 */
export function startCoverTraffic(deps: CoverDeps): { stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void fire(), exponentialDelayMs(deps.ratePerHour, deps.random));
  };
  const fire = async () => {
    const names = deps.contacts();
    if (names.length > 0) {
      const name = names[Math.floor(uniform(deps.random) * names.length)];
      try {
        if (await deps.send(name, coverContent(deps.random))) deps.onSent?.(name);
      } catch (err) {
        deps.onError?.(err);
      }
    }
    schedule();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
