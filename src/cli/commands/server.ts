/**
 * `pqmsg server`: runs the delivery service (docs/SERVER.md §9) on an SQLite file, or with
 * `--db postgres://…` on PostgreSQL, where several processes may share one database (§10). Prints exactly
 * one line, `listening on ws://HOST:PORT`, once it accepts connections; logs go to stderr as JSON
 * lines; SIGINT/SIGTERM stop it cleanly (in-flight requests answered, store closed).
 */
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_LIMITS, type ServerLimits } from '../../server/limits.ts';
import type { LogLevel } from '../../server/log.ts';
import { DEFAULT_FALLBACK_POLL_MS, isPostgresUrl } from '../../server/pg-config.ts';
import type { SqliteSynchronous } from '../../server/sqlite-store.ts';
import type { ServerStore } from '../../server/store.ts';
import type { WakeBus } from '../../server/wake-bus.ts';
import { MAX_FRAME_BYTES } from '../../wire/frame-constants.ts';
import { createPrinter, outputOptions } from '../output.ts';

const DEFAULT_DB = 'pqmsg-server.sqlite';

function count(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

/** Envelope limit: a MESSAGE push must still fit in one frame (its other fields take < 1 KiB). */
function envelopeBytes(value: string): number {
  const n = count(value);
  if (n > MAX_FRAME_BYTES - 1024) throw new InvalidArgumentError(`expected at most ${MAX_FRAME_BYTES - 1024} bytes`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function port(value: string): number {
  const n = count(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port in 0–65535');
  return n;
}

function level(value: string): LogLevel | 'silent' {
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(value))
    throw new InvalidArgumentError('expected debug, info, warn, error or silent');
  return value as LogLevel | 'silent';
}

function synchronous(value: string): SqliteSynchronous {
  if (value !== 'full' && value !== 'normal') throw new InvalidArgumentError('expected full or normal');
  return value;
}

interface ServerFlags {
  db: string;
  fallbackPollMs: number;
  notify: boolean;
  synchronous: SqliteSynchronous;
  host: string;
  port: number;
  logLevel: LogLevel | 'silent';
  maxEnvelopeBytes?: number;
  mailboxMaxMessages?: number;
  mailboxMaxBytes?: number;
  messageTtlDays?: number;
  maxOneTimePrekeys?: number;
  prekeyLowWater?: number;
  sendRate?: number;
  sendBurst?: number;
  bundleRate?: number;
  bundleBurst?: number;
  requestRate?: number;
  requestBurst?: number;
  sealedIpRate?: number;
  sealedIpBurst?: number;
  sealedRecipientRate?: number;
  sealedRecipientBurst?: number;
}

/** DEFAULT_LIMITS with the flags given on the command line. */
export function limitsFromFlags(f: ServerFlags): ServerLimits {
  const d = DEFAULT_LIMITS;
  return {
    ...d,
    maxEnvelopeBytes: f.maxEnvelopeBytes ?? d.maxEnvelopeBytes,
    mailboxMaxMessages: f.mailboxMaxMessages ?? d.mailboxMaxMessages,
    mailboxMaxBytes: f.mailboxMaxBytes ?? d.mailboxMaxBytes,
    messageTtlMs: f.messageTtlDays !== undefined ? f.messageTtlDays * 86_400_000 : d.messageTtlMs,
    maxOneTimePreKeys: f.maxOneTimePrekeys ?? d.maxOneTimePreKeys,
    preKeyLowWater: f.prekeyLowWater ?? d.preKeyLowWater,
    sendRate: { perSecond: f.sendRate ?? d.sendRate.perSecond, burst: f.sendBurst ?? d.sendRate.burst },
    bundleRate: { perSecond: f.bundleRate ?? d.bundleRate.perSecond, burst: f.bundleBurst ?? d.bundleRate.burst },
    requestRate: { perSecond: f.requestRate ?? d.requestRate.perSecond, burst: f.requestBurst ?? d.requestRate.burst },
    sealedRatePerIp: {
      perSecond: f.sealedIpRate ?? d.sealedRatePerIp.perSecond,
      burst: f.sealedIpBurst ?? d.sealedRatePerIp.burst,
    },
    sealedRatePerRecipient: {
      perSecond: f.sealedRecipientRate ?? d.sealedRatePerRecipient.perSecond,
      burst: f.sealedRecipientBurst ?? d.sealedRatePerRecipient.burst,
    },
  };
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the delivery service (prekey directory and mailboxes) on an SQLite file')
    .option('--db <file|url>', 'SQLite database file, or postgres://[user@]host[:port]/db[?schema=NAME]', DEFAULT_DB)
    .option('--fallback-poll-ms <n>', 'PostgreSQL: how often to look for mail whose wake-up was lost', positive, DEFAULT_FALLBACK_POLL_MS)
    .option('--no-notify', 'PostgreSQL: neither send nor listen for wake-ups (tests the fallback poll)')
    .option('--synchronous <mode>', 'full: commits survive power loss; normal: survive a process crash only', synchronous, 'full')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 picks a free one)', port, 8787)
    .option('--log-level <level>', 'debug | info | warn | error | silent', level, 'info')
    .option('--max-envelope-bytes <n>', 'largest envelope of one send', envelopeBytes)
    .option('--mailbox-max-messages <n>', 'messages one mailbox may hold', count)
    .option('--mailbox-max-bytes <n>', 'envelope bytes one mailbox may hold', count)
    .option('--message-ttl-days <n>', 'days an undelivered message is kept', positive)
    .option('--max-one-time-prekeys <n>', 'one-time prekeys of each kind per device', count)
    .option('--prekey-low-water <n>', 'stock below which the owner is told to replenish', count)
    .option('--send-rate <n>', 'sends per second per connection', positive)
    .option('--send-burst <n>', 'send bucket capacity', count)
    .option('--bundle-rate <n>', 'bundle fetches per second per connection', positive)
    .option('--bundle-burst <n>', 'bundle-fetch bucket capacity', count)
    .option('--request-rate <n>', 'requests per second per connection', positive)
    .option('--request-burst <n>', 'request bucket capacity', count)
    .option('--sealed-ip-rate <n>', 'sealed sends per second per client IP address', positive)
    .option('--sealed-ip-burst <n>', 'per-IP sealed-send bucket capacity', count)
    .option('--sealed-recipient-rate <n>', 'sealed sends per second per recipient device', positive)
    .option('--sealed-recipient-burst <n>', 'per-recipient sealed-send bucket capacity', count)
    .action(async (flags: ServerFlags, cmd: Command) => {
      const out = createPrinter(outputOptions(cmd));
      // Imported here, not at the top, so that the client verbs (whoami…) do not load the server.
      const [{ defaultSuite }, { defaultRandom }, { jsonLogger }, { startServer }, { openSqliteStore }] =
        await Promise.all([
          import('../../protocol/default-suite.ts'),
          import('../../util/random.ts'),
          import('../../server/log.ts'),
          import('../../server/server.ts'),
          import('../../server/sqlite-store.ts'),
        ]);
      const clock = () => Date.now();
      const log = jsonLogger(flags.logLevel, clock);
      let store: ServerStore;
      let bus: WakeBus | undefined;
      if (isPostgresUrl(flags.db)) {
        const [{ openPgStore }, { PgWakeBus }] = await Promise.all([
          import('../../server/pg-store.ts'),
          import('../../server/pg-wake-bus.ts'),
        ]);
        store = await openPgStore(flags.db, (e) => log.log('warn', 'store.connection_lost', { error: e.message }));
        bus = new PgWakeBus(flags.db, { fallbackPollMs: flags.fallbackPollMs, notify: flags.notify, log, random: defaultRandom });
      } else store = await openSqliteStore(flags.db, flags.synchronous);
      const server = await startServer({
        store,
        bus,
        host: flags.host,
        port: flags.port,
        limits: limitsFromFlags(flags),
        clock,
        random: defaultRandom,
        suite: defaultSuite,
        log,
      }).catch(async (e: unknown) => {
        await store.close(); // nothing may keep the process alive after a failed start
        throw e;
      });
      // Handlers first: a signal that arrives right after the line must find them installed.
      const stopped = new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      out.print(`listening on ${server.url}`, { event: 'listening', url: server.url, fingerprint: server.fingerprint });
      await stopped;
    });
}
