/**
 * `npm start -- --trace` end to end (src/demo/main.ts as a child process): the real-product
 * chapters (server process, `pqmsg` CLI runs) deliver Alice's three offline messages to Bob in
 * order across a server restart, the in-process chapters and the KDF trace follow, the exit code
 * is 0, and the temporary directory is gone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Undoes the demo's shell quoting of one argument: 'it'\''s' → it's. */
const unquote = (w: string) => (w.startsWith("'") ? w.slice(1, -1).replace(/'\\''/g, "'") : w);

test('npm start: three offline messages arrive in order after a server restart; exit 0', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', '--trace'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 180_000,
  });
  expect(run.error).toBeUndefined();
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  const lines = run.stdout.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));

  const sends = lines
    .map((l, i) => ({ i, m: /^\s+alice\$ pqmsg send bob (.+)$/.exec(l) }))
    .filter((s) => s.m !== null)
    .map((s) => ({ i: s.i, body: unquote(s.m![1]) }));
  expect(sends).toHaveLength(3);
  const stopped = at(/Server\s+stopped with SIGTERM \(exit code 0\)/);
  const restarted = at(/Server\s+started again on the same file/);
  const receive = at(/^\s+bob\$ pqmsg receive --json$/);
  expect(sends[1].i).toBeLessThan(stopped);
  expect(stopped).toBeLessThan(restarted);
  expect(restarted).toBeLessThan(sends[2].i);
  expect(sends[2].i).toBeLessThan(receive);

  const received = lines
    .slice(receive + 1)
    .filter((l) => /^\s+\{"type":"message"/.test(l))
    .map((l) => JSON.parse(l.trim()) as { from: string; body: string })
    .slice(0, 3);
  expect(received.map((r) => r.from)).toEqual(['alice', 'alice', 'alice']);
  expect(received.map((r) => r.body)).toEqual(sends.map((s) => s.body));
  expect(run.stdout).toMatch(/✔ all three offline messages arrived, in the order Alice wrote them/);
  expect(run.stdout).toMatch(/alice\$ pqmsg receive\n\s+\[[^\]]+\] bob: /);
  expect(run.stdout).toMatch(/✔ the same safety number on both devices/);

  // The in-process chapters still follow, with the --trace KDF steps.
  expect(at(/── \d+\. Identities /)).toBeGreaterThan(receive);
  expect(run.stdout).toMatch(/│ A /);
  expect(run.stdout).toMatch(/\nDone\. /);

  const db = /database (\S+)\/server\.sqlite\)/.exec(run.stdout);
  expect(db).not.toBeNull();
  expect(existsSync(db![1])).toBe(false);
}, 180_000);
