/**
 * The first chapters of `npm start`: the real product, as a user would type it. A real
 * `pqmsg server` child process on a loopback port (SQLite file in a temporary directory) and real
 * `pqmsg` CLI processes for Alice and Bob (each with its own account directory via PQMSG_HOME):
 * init + register, three messages while Bob is offline with a server restart (SIGTERM, same
 * database file) in the middle, Bob's `receive`, his reply, and the safety-number comparison.
 * Node-only (child processes, temporary files). docs/CLIENT.md and docs/SERVER.md describe the
 * verbs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { c, chapter, fail, note, ok, say } from './ui.ts';
import type { Actor } from './ui.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
const START_TIMEOUT_MS = 60_000;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** `pqmsg server --db DB --host 127.0.0.1 --port PORT`; resolves on its `listening on` line. */
function startServer(db: string, port: number): Promise<Server> {
  const args = ['server', '--db', db, '--host', '127.0.0.1', '--port', String(port)];
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => log.push(l));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return new Promise((res, rawRej) => {
    const late = () => rej(new Error(`server did not start:\n${log.join('\n')}`));
    const timer = setTimeout(late, START_TIMEOUT_MS);
    /** A server that did not start is killed, so nothing outlives the demo. */
    function rej(e: Error): void {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rawRej(e);
    }
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (ws:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) res({ url: m[1], child, exited });
      else rej(new Error(`unexpected first line from the server: ${line}`));
    });
    void exited.then((code) => rej(new Error(`server exited with ${code}:\n${log.join('\n')}`)));
  });
}

/** SIGTERM (a clean shutdown); resolves with the exit code. */
function stopServer(server: Server): Promise<number | null> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return server.exited;
}

/** Runs `pqmsg ARGS…` with PQMSG_HOME=home to completion. */
function pqmsg(home: string, args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PQMSG_HOME: home, PQMSG_PASSPHRASE: '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((res, rej) => {
    child.once('error', rej);
    child.once('close', (status) => res({ status, stdout, stderr }));
  });
}

const shellWord = (w: string) => (/^[\w.:/=-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
/** A QR-code line of `contacts verify` (block characters or terminal escapes): not shown. */
const isQrLine = (l: string) => /[▀▄█]|\x1b\[/.test(l);

/** Prints `actor$ pqmsg ARGS…` and the run's output (stderr dimmed); throws unless it exits 0. */
function show(actor: Actor, args: string[], run: Run): Run {
  const prompt = `${actor.toLowerCase()}$`;
  console.log(`  ${c.bold(prompt)} pqmsg ${args.map(shellWord).join(' ')}`);
  const lines = run.stdout.split('\n').filter((l) => l.trim() !== '');
  const qr = lines.filter(isQrLine).length;
  for (const l of lines.filter((l) => !isQrLine(l))) console.log(`      ${l.trim()}`);
  if (qr > 0) console.log(c.dim(`      (a QR code of ${qr} lines to scan instead)`));
  for (const l of run.stderr.split('\n').filter((l) => l.trim() !== ''))
    console.log(c.dim(`      ${l.trim()}`));
  if (run.status !== 0) throw new Error(`pqmsg ${args.join(' ')} exited with ${run.status}`);
  return run;
}

/** Runs one `pqmsg` command in an actor's account directory and prints it. */
async function type(actor: Actor, home: string, args: string[]): Promise<Run> {
  return show(actor, args, await pqmsg(home, args));
}

/** The message bodies of `receive --json` output, in the order printed. */
function bodies(run: Run): string[] {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; body?: string })
    .filter((l) => l.type === 'message')
    .map((l) => String(l.body));
}

/** The 60-digit safety number in `contacts verify` text output. */
const safetyDigits = (run: Run) => /(\d{5}(?: \d{5}){11})/.exec(run.stdout)?.[1];

/** The real-product chapters; the server process and temporary directories are gone on return. */
export async function realProductChapters(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'pqmsg-demo-'));
  const alice = join(root, 'alice');
  const bob = join(root, 'bob');
  const db = join(root, 'server.sqlite');
  let server: Server | undefined;
  const onSignal = () => {
    if (server) server.child.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    chapter(
      'The real product: a server and two accounts',
      'These first chapters run the shipped product: a `pqmsg server` process (a delivery ' +
        'service on a SQLite file) and the `pqmsg` command a user types, each run a separate ' +
        'process with its own account directory. The server stores and forwards encrypted ' +
        'envelopes and public prekeys; it never sees a private key or a plaintext.',
    );
    server = await startServer(db, 0);
    const port = Number(new URL(server.url).port);
    say('Server', `listening on ${server.url} ${c.dim(`(database ${db})`)}`);
    const inits = await Promise.all([
      pqmsg(alice, ['init', '--name', 'alice', '--no-passphrase']),
      pqmsg(bob, ['init', '--name', 'bob', '--no-passphrase']),
    ]);
    show('Alice', ['init', '--name', 'alice', '--no-passphrase'], inits[0]);
    show('Bob', ['init', '--name', 'bob', '--no-passphrase'], inits[1]);
    note('A real user would set a passphrase; the demo skips it so nothing waits for a terminal.');
    const regs = await Promise.all([
      pqmsg(alice, ['register', '--server', server.url]),
      pqmsg(bob, ['register', '--server', server.url]),
    ]);
    show('Alice', ['register', '--server', server.url], regs[0]);
    show('Bob', ['register', '--server', server.url], regs[1]);

    chapter(
      'Bob is offline; the server restarts in between',
      'Alice writes three messages while Bob’s device is off. After the second one the ' +
        'operator stops the server (SIGTERM) and starts it again on the same database file: ' +
        'what it had accepted is on disk.',
    );
    await type('Alice', alice, ['contacts', 'add', 'bob']);
    const written = [
      'Hi Bob, are you there?',
      'The meeting moved to 3 pm.',
      'Bring the slides, please.',
    ];
    await type('Alice', alice, ['send', 'bob', written[0]]);
    await type('Alice', alice, ['send', 'bob', written[1]]);
    const code = await stopServer(server);
    say('Server', `${c.yellow('stopped')} with SIGTERM ${c.dim(`(exit code ${code})`)}`);
    server = await startServer(db, port);
    say('Server', `started again on the same file, ${server.url}`);
    await type('Alice', alice, ['send', 'bob', written[2]]);

    chapter(
      'Bob comes online',
      'One `receive` fetches the mailbox, decrypts each envelope in the order the server ' +
        'stored it, and acknowledges it only after the message is in Bob’s local store.',
    );
    const received = bodies(await type('Bob', bob, ['receive', '--json']));
    if (received.length === written.length && received.every((b, i) => b === written[i]))
      ok('all three offline messages arrived, in the order Alice wrote them, after the restart');
    else {
      fail(`expected ${JSON.stringify(written)}, received ${JSON.stringify(received)}`);
      throw new Error('the offline messages did not arrive in order');
    }
    await type('Bob', bob, ['send', 'alice', 'Got all three. See you at 3!']);
    await type('Alice', alice, ['receive']);

    chapter(
      'Comparing safety numbers',
      'Both devices derive the same 60-digit number from both identities. Alice and Bob ' +
        'read it to each other (or scan the code), then each marks the other as verified.',
    );
    const aliceView = await type('Alice', alice, ['contacts', 'verify', 'bob', '--yes']);
    const bobView = await type('Bob', bob, ['contacts', 'verify', 'alice', '--yes']);
    const same = safetyDigits(aliceView);
    if (same !== undefined && same === safetyDigits(bobView))
      ok('the same safety number on both devices: no key was swapped in between');
    else {
      fail('the safety numbers differ');
      throw new Error('the safety numbers differ');
    }
    const last = await stopServer(server);
    say('Server', `stopped ${c.dim(`(exit code ${last})`)}; the temporary directory is removed`);
    note('The chapters below take the protocol apart in memory: what each step defends against.');
  } finally {
    process.removeListener('SIGINT', onSignal);
    if (server) await stopServer(server);
    rmSync(root, { recursive: true, force: true });
  }
}
