/**
 * Spawns a real `pqmsg server` child process (node --import tsx src/cli/main.ts server …) on a
 * database file and loopback port 0, and waits for its `listening on ws://HOST:PORT` line.
 * Stop it with `stop()` (SIGTERM, clean) or `kill9()` (SIGKILL, a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  /** ws://127.0.0.1:PORT as printed. */
  readonly url: string;
  /** The WebSocket endpoint devices connect to. */
  readonly wsUrl: string;
  /** http://127.0.0.1:PORT for /healthz and /metrics. */
  readonly httpUrl: string;
  readonly child: ChildProcess;
  /** stdout lines after the first, and stderr log lines. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL; resolves once the process is gone. */
  kill9(): Promise<void>;
}

export async function spawnServer(db: string, args: string[] = []): Promise<ServerProcess> {
  // PQMSG_CPU_PROF_DIR: each server writes a V8 CPU profile there when it exits cleanly (bench/load.ts, docs/SERVER.md §11).
  const profileDir = process.env.PQMSG_CPU_PROF_DIR;
  const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'src/cli/main.ts', 'server', '--db', db, '--host', '127.0.0.1', '--port', '0', ...args],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${stderr.join('\n')}`)), START_TIMEOUT_MS);
    let first = true;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      if (!first) return void stdout.push(l);
      first = false;
      clearTimeout(timer);
      const m = /^listening on (ws:\/\/127\.0\.0\.1:\d+)$/.exec(l);
      if (m) res(m[1]);
      else rej(new Error(`unexpected first line: ${l}`));
    });
    void exited.then((code) => rej(new Error(`server exited with ${code}:\n${stderr.join('\n')}`)));
  });
  return {
    url,
    wsUrl: `${url}/v1/websocket`,
    httpUrl: url.replace(/^ws:/, 'http:'),
    child,
    exited,
    stdout,
    stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
