/**
 * `pqmsg watch`: stays connected and prints messages as the server pushes them; after a dropped
 * connection or a server shutting down it reconnects with exponential backoff (1 s doubling to
 * 30 s, reset once connected).
 * Ends on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { ClientError, ServerError } from '../../util/errors.ts';
import { globals, openGroupSync, openService, outputFor, withStore } from '../context.ts';
import { flushBestEffort, printSyncEvent } from './receive.ts';

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('stay connected and print messages as they arrive (reconnects with backoff)')
    .action(async (_o: unknown, cmd: Command) => {
      const opts = globals(cmd);
      const out = outputFor(cmd);
      await withStore(opts, async (store) => {
        const service = await openService(store);
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
            await sync.pump('closed');
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

/** A dropped connection or a server going down: worth reconnecting; anything else ends `watch`. */
function isTransient(err: unknown): err is Error {
  return (
    (err instanceof ClientError && err.code === 'NETWORK') ||
    (err instanceof ServerError && err.code === 'SHUTTING_DOWN')
  );
}
