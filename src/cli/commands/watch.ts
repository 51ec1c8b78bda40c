/**
 * `pqmsg watch`: stays connected and prints messages as the server pushes them; after a dropped
 * connection or a server shutting down it reconnects with exponential backoff (1 s doubling to
 * 30 s, reset once connected).
 * With --cover-rate R it also sends sealed, padded dummy messages to contacts reachable sealed at
 * exponentially distributed intervals, R per hour on average (docs/CLIENT.md §8; off by default).
 * Test-only hook: PQMSG_COVER_SEED=<text> makes the schedule and filler deterministic.
 * Ends on SIGINT/SIGTERM.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ClientError, ServerError } from '../../util/errors.ts';
import { globals, openGroupSync, outputFor, withService } from '../context.ts';
import type { Sync } from '../../client/sync.ts';
import { flushBestEffort, printSyncEvent } from './receive.ts';

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('stay connected and print messages as they arrive (reconnects with backoff)')
    .option('--cover-rate <n>', 'send sealed dummy messages to contacts, n per hour on average', rate)
    .action(async (options: { coverRate?: number }, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withService(opts, async (service) => {
        const cover = options.coverRate === undefined ? undefined : await coverSetup(options.coverRate);
        let stopping = false;
        let current: { close(): void } | undefined;
        const stop = () => {
          stopping = true;
          current?.close();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        let delay = BACKOFF_START_MS;
        while (!stopping) {
          try {
            const { sync, groups } = await openGroupSync(service, opts, { onEvent: (e) => printSyncEvent(out, e) });
            current = sync;
            delay = BACKOFF_START_MS;
            out.note(`watching as ${service.account.address} (Ctrl-C to stop)`);
            await flushBestEffort(sync, out);
            await groups.settle();
            const dummies = cover?.start(
              sync,
              (name) => out.print(`cover message sent to ${name}`, { type: 'cover', to: name }),
              (err) => out.note(`cover message not sent: ${(err as Error).message}`),
            );
            try {
              await sync.pump('closed');
            } finally {
              dummies?.stop();
            }
          } catch (err) {
            if (stopping) break;
            if (!isTransient(err)) throw err;
            out.note(`${err.message}; reconnecting in ${delay / 1000} s`);
            await new Promise((r) => setTimeout(r, delay));
            delay = Math.min(2 * delay, BACKOFF_MAX_MS);
          }
        }
      });
    });
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number per hour');
  return n;
}

/** The cover-traffic runner for `ratePerHour`, with OS randomness or the test seed. */
async function coverSetup(ratePerHour: number) {
  const [{ startCoverTraffic, seededRandom }, { defaultRandom }] = await Promise.all([
    import('../../client/cover-traffic.ts'),
    import('../../util/random.ts'),
  ]);
  const seed = process.env.PQMSG_COVER_SEED;
  const random = seed === undefined ? defaultRandom : seededRandom(seed);
  return {
    start(sync: Sync, onSent: (name: string) => void, onError: (err: unknown) => void) {
      return startCoverTraffic({
        ratePerHour,
        random,
        contacts: () =>
          sync.service.listContacts().map((c) => c.name).filter((n) => sync.sealed.reachableSealed(n)),
        send: (name, content) => sync.sendCover(name, content),
        onSent,
        onError,
      });
    },
  };
}

/** A dropped connection or a server going down: worth reconnecting; anything else ends `watch`. */
function isTransient(err: unknown): err is Error {
  return (
    (err instanceof ClientError && err.code === 'NETWORK') ||
    (err instanceof ServerError && err.code === 'SHUTTING_DOWN')
  );
}
