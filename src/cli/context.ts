/**
 * What every `pqmsg` verb shares: the global options (--dir, --json, --server, --debug), opening
 * and unlocking the store in the account directory, the passphrase (PQMSG_PASSPHRASE or a prompt
 * that does not echo), the session service and a server connection. Heavy modules (the protocol
 * suite with ML-DSA/ML-KEM, the WebSocket transport, Argon2id) are imported only when a verb
 * needs them, so `pqmsg whoami` starts fast.
 * Test-only hook: PQMSG_CRASH_AT=<crash point> (src/client/crash-points.ts) makes the process
 * SIGKILL itself at that point (docs/CLIENT.md "Crash safety").
 * Side channels: the passphrase is held in a JS string (cannot be wiped; docs/SECURITY.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SessionService } from '../client/session-service.ts';
import type { ClientStore } from '../client/store.ts';
import type { Sync, SyncOptions } from '../client/sync.ts';
import type { GroupService } from '../client/group-service.ts';
import type { GroupSync } from '../client/group-sync.ts';
import type { CrashHook, CrashPoint } from '../client/crash-points.ts';
import { ClientError } from '../util/errors.ts';
import { UsageError } from './exit-codes.ts';
import { createPrinter, outputOptions, type Printer } from './output.ts';

export interface GlobalOptions {
  readonly dir?: string;
  readonly json?: boolean;
  readonly server?: string;
  readonly debug?: boolean;
}

export const STORE_FILE = 'store.sqlite';
export const KEY_FILE = 'store.key';

/** The account directory: --dir, else $PQMSG_HOME, else ~/.pqmsg. */
export function accountDir(opts: GlobalOptions): string {
  return opts.dir ?? process.env.PQMSG_HOME ?? join(homedir(), '.pqmsg');
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function outputFor(cmd: Command): Printer {
  return createPrinter(outputOptions(cmd));
}

/** Opens and unlocks the existing store (NOT_INITIALIZED, WRONG_PASSPHRASE). */
export async function openStore(opts: GlobalOptions): Promise<ClientStore> {
  const dir = accountDir(opts);
  const path = join(dir, STORE_FILE);
  if (!existsSync(path))
    throw new ClientError(
      'NOT_INITIALIZED',
      `no pqmsg account in ${dir} (run \`pqmsg init --name NAME\`)`,
    );
  const [{ SqliteRowStore }, { readKdf, unlockStore }, { defaultRandom }] = await Promise.all([
    import('../client/sqlite-store.ts'),
    import('../client/unlock.ts'),
    import('../util/random.ts'),
  ]);
  const rows = new SqliteRowStore(path, { create: false });
  try {
    const kdf = readKdf(rows);
    const secret =
      kdf.kind === 'keyfile'
        ? { kind: 'keyfile' as const, key: new Uint8Array(readFileSync(join(dir, KEY_FILE))) }
        : { kind: 'passphrase' as const, passphrase: await passphrase(false) };
    return await unlockStore(rows, secret, defaultRandom);
  } catch (err) {
    rows.close();
    throw err;
  }
}

/** Creates the directory (0700) and writes a random key file (0600) for `init --no-passphrase`. */
export function writeKeyFile(dir: string, key: Uint8Array): string {
  const path = join(dir, KEY_FILE);
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  return path;
}

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * The session service over an unlocked store, with the shipped protocol suite and the group
 * service attached (so every verb that receives handles group traffic: docs/CLIENT.md §10).
 */
export async function openService(store: ClientStore): Promise<SessionService> {
  const [{ SessionService }, { GroupService }, { defaultSuite }, { defaultRandom }] = await Promise.all([
    import('../client/session-service.ts'),
    import('../client/group-service.ts'),
    import('../protocol/default-suite.ts'),
    import('../util/random.ts'),
  ]);
  const service = new SessionService({ store, suite: defaultSuite, random: defaultRandom, now: Date.now });
  GROUPS.set(service, new GroupService(service));
  return service;
}

const GROUPS = new WeakMap<SessionService, GroupService>();

/** The group service openService attached to `service`. */
export function groupsOf(service: SessionService): GroupService {
  const groups = GROUPS.get(service);
  if (groups === undefined) throw new Error('groupsOf: the service was not opened by openService');
  return groups;
}

/**
 * Connects like openSync, with group follow-ups: after a delivered group change (or a roster that
 * came with a welcome), this device's chain goes to whoever lacks it and the outboxes are flushed (docs/CLIENT.md §10).
 */
export async function openGroupSync(
  service: SessionService,
  opts: GlobalOptions,
  options: SyncOptions = {},
): Promise<{ sync: Sync; groups: GroupSync }> {
  const { GroupSync } = await import('../client/group-sync.ts');
  let groups: GroupSync | undefined;
  const sync = await openSync(service, opts, {
    ...options,
    afterDelivery: async (o) => {
      // a change, or a welcome that brought a roster (PROTOCOL.md §15.12): our chain may be due
      if (o.kind === 'group' && (o.event.type === 'change' || (o.event.type === 'senderKey' && o.event.roster !== undefined)))
        await groups?.settle();
    },
  });
  groups = new GroupSync(sync, groupsOf(service), crashHook());
  return { sync, groups };
}

/** Connects to --server (or the registered server) and authenticates. */
export async function openSync(
  service: SessionService,
  opts: GlobalOptions,
  options: SyncOptions & { register?: boolean } = {},
): Promise<Sync> {
  const [{ Sync }, { connectWebSocket }] = await Promise.all([
    import('../client/sync.ts'),
    import('../client/ws-transport.ts'),
  ]);
  const url = opts.server ?? service.account.server;
  if (!url) throw new UsageError('no server: pass --server URL');
  // Sealed sender by default (docs/CLIENT.md §8); a verb may turn it off.
  return Sync.open(service, connectWebSocket, url, { crash: crashHook(), sealed: true, ...options });
}

/** Runs `fn` on the unlocked store and closes it afterwards. */
export async function withStore<T>(
  opts: GlobalOptions,
  fn: (store: ClientStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(opts);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** Runs `fn` on the session service of the unlocked store and closes the store afterwards. */
export async function withService<T>(opts: GlobalOptions, fn: (service: SessionService) => Promise<T>): Promise<T> {
  return withStore(opts, async (store) => fn(await openService(store)));
}

/** The PQMSG_CRASH_AT hook (test only): SIGKILL at the named crash point. */
export function crashHook(): CrashHook | undefined {
  const at = process.env.PQMSG_CRASH_AT as CrashPoint | undefined;
  if (!at) return undefined;
  return (point) => {
    if (point === at) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * The passphrase: PQMSG_PASSPHRASE if set, else read from the terminal without echo (raw mode);
 * with `confirm`, asked twice. Without a terminal and without the variable: a usage error.
 */
export async function passphrase(confirm: boolean): Promise<string> {
  const fromEnv = process.env.PQMSG_PASSPHRASE;
  if (fromEnv !== undefined) {
    if (fromEnv === '') throw new UsageError('PQMSG_PASSPHRASE is empty');
    return fromEnv;
  }
  if (!process.stdin.isTTY)
    throw new UsageError('no terminal to ask for the passphrase: set PQMSG_PASSPHRASE');
  const first = await promptHidden('passphrase: ');
  if (first === '') throw new UsageError('empty passphrase');
  if (confirm && (await promptHidden('again: ')) !== first)
    throw new UsageError('the two passphrases differ');
  return first;
}

/** Reads one line from the TTY in raw mode, echoing nothing; Ctrl-C aborts. */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Asks a yes/no question on the terminal (echoed); false without a terminal. */
export async function confirmOnTty(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
