/**
 * Real processes for the e2e tests: the delivery service (`pqmsg server`) and `pqmsg` runs
 * (`node --import tsx src/cli/main.ts --dir DIR …`), each with its exit code or killing signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');

export interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pqmsg --dir DIR ARGS…` to completion. */
export function pqmsg(
  dir: string,
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, '--dir', dir, ...args], {
    cwd: ROOT,
    env: { ...process.env, PQMSG_PASSPHRASE: '', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export interface Watcher {
  /** Resolves with the next --json line on stdout (lines are queued as they arrive). */
  nextLine(): Promise<Record<string, unknown>>;
  /** SIGINT; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `pqmsg --dir DIR --json watch` in the background. */
export function startWatch(dir: string): Watcher {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--dir', dir, '--json', 'watch'], {
    cwd: ROOT,
    env: { ...process.env, PQMSG_PASSPHRASE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: ((l: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(record);
    else lines.push(record);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    nextLine: () => {
      const l = lines.shift();
      return l ? Promise.resolve(l) : new Promise((r) => waiters.push(r));
    },
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Runs `pqmsg --dir DIR …` once per argument list, a few at a time; results in order. */
export async function pqmsgAll(dir: string, argLists: string[][], parallel = 3): Promise<Run[]> {
  const out: Run[] = new Array(argLists.length);
  let next = 0;
  const worker = async () => {
    while (next < argLists.length) {
      const i = next++;
      out[i] = await new Promise<Run>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--dir', dir, ...argLists[i]], {
          cwd: ROOT,
          env: { ...process.env, PQMSG_PASSPHRASE: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.once('error', fail);
        child.once('close', (status, signal) => done({ status, signal, stdout, stderr }));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

/** The JSON lines of a --json run. */
export function jsonLines(run: Run): Record<string, unknown>[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/** Starts `pqmsg server` on 127.0.0.1:`port` (0: any) with the SQLite file `db`. */
export async function startServerProcess(db: string, port = 0): Promise<ServerProcess> {
  const args = ['--json', 'server', '--db', db, '--port', String(port), '--log-level', 'silent'];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** SHA-256 of a file's bytes (and of its WAL, if any): "nothing changed" checks. */
export function fileDigest(dir: string): string {
  const h = createHash('sha256');
  for (const f of ['store.sqlite', 'store.sqlite-wal']) {
    const p = join(dir, f);
    if (existsSync(p)) h.update(readFileSync(p));
  }
  return h.digest('hex');
}

/** `pqmsg --json link` in the background: its JSON lines and its exit code. */
export function startLink(dir: string, url: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--dir', dir, '--json', 'link', '--server', url, '--no-passphrase', '--timeout', '120'], {
    cwd: ROOT,
    env: { ...process.env, PQMSG_PASSPHRASE: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(JSON.parse(l) as Record<string, unknown>);
    wake?.();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    lines,
    async line(i: number): Promise<Record<string, unknown>> {
      while (lines.length <= i) await new Promise<void>((r) => (wake = r));
      return lines[i];
    },
    exited,
  };
}
