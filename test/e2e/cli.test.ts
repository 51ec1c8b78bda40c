/**
 * `pqmsg` end to end: a real delivery-service process and real `pqmsg` processes in temporary
 * directories. init → register → contacts add → send → receive (text and --json), offline delivery
 * in order, kill -9 at each crash point (PQMSG_CRASH_AT), a server restart between send and
 * receive, a wrong passphrase, and usage errors that change nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../client/store-helpers.ts';
import {
  fileDigest,
  jsonLines,
  pqmsg,
  pqmsgAll,
  startServerProcess,
  startWatch,
  type ServerProcess,
} from './cli-helpers.ts';

let root: string;
let cleanup: () => void;
let server: ServerProcess;
let port: number;
const alice = () => join(root, 'alice');
const bob = () => join(root, 'bob');

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('e2e'));
  server = await startServerProcess(join(root, 'server.sqlite'));
  port = Number(new URL(server.url).port);
  for (const [dir, name] of [[alice(), 'alice'], [bob(), 'bob']]) {
    const init = pqmsg(dir, ['init', '--name', name, '--no-passphrase']);
    expect(init.status).toBe(0);
    expect(init.stdout).toContain(`created ${name}.1`);
    expect(init.stderr).toContain('no passphrase');
    const reg = pqmsg(dir, ['--json', 'register', '--server', server.url]);
    expect(reg.status).toBe(0);
    expect(jsonLines(reg)[0]).toMatchObject({ type: 'registered', address: `${name}.1`, prekeysUploaded: 202 });
  }
}, 240_000);

afterAll(async () => {
  await server.kill();
  cleanup();
});

/** Bodies of the --json message lines of a run. */
const bodies = (run: ReturnType<typeof pqmsg>) =>
  jsonLines(run).filter((l) => l.type === 'message').map((l) => l.body);

describe('pqmsg end to end (real processes)', () => {
  test('whoami, contacts add pins on first contact, send while offline, receive in order', () => {
    const who = pqmsg(alice(), ['--json', 'whoami']);
    expect(who.status).toBe(0);
    expect(jsonLines(who)[0]).toMatchObject({ type: 'account', address: 'alice.1', server: server.url });
    const add = pqmsg(alice(), ['contacts', 'add', 'bob']);
    expect(add.status).toBe(0);
    expect(add.stdout).toMatch(/first contact, identity pinned/);
    for (const text of ['first', 'second']) expect(pqmsg(alice(), ['send', 'bob', text]).status).toBe(0);
    expect(pqmsg(alice(), ['send', 'bob'], { input: 'third, from stdin\n' }).status).toBe(0);
    const got = pqmsg(bob(), ['--json', 'receive']);
    expect(got.status).toBe(0);
    const lines = jsonLines(got).filter((l) => l.type === 'message');
    expect(lines.map((l) => l.body)).toEqual(['first', 'second', 'third, from stdin']);
    for (const l of lines) expect(l).toMatchObject({ from: 'alice', timestamp: expect.any(Number) });
    expect(got.stderr).toBe(''); // --json: notes stay quiet
    expect(pqmsg(bob(), ['send', 'alice', 'hello alice']).status).toBe(0);
    const text = pqmsg(alice(), ['receive']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/\] bob: hello alice\n$/);
    expect(bodies(pqmsg(bob(), ['--json', 'receive']))).toEqual([]);
  });

  test('contacts verify: the same 60-digit safety number on both sides, verified with --yes', () => {
    const a = jsonLines(pqmsg(alice(), ['--json', 'contacts', 'verify', 'bob', '--yes']))[0];
    const b = jsonLines(pqmsg(bob(), ['--json', 'contacts', 'verify', 'alice']))[0];
    expect(a.safetyNumber).toMatch(/^\d{60}$/);
    expect(b.safetyNumber).toBe(a.safetyNumber);
    expect(a.scannable).toBe(b.scannable);
    expect([a.verified, b.verified]).toEqual([true, false]); // no terminal to confirm on Bob's side
    const text = pqmsg(alice(), ['contacts', 'verify', 'bob']);
    expect(text.stdout).toContain((a.safetyNumber as string).match(/.{5}/g)!.join(' '));
    expect(text.stdout).toContain('▄'); // the QR code
    const list = jsonLines(pqmsg(alice(), ['--json', 'contacts', 'list']));
    expect(list).toEqual([expect.objectContaining({ name: 'bob', verified: true, identityChanged: false })]);
  });

  test('kill -9 of the sender after its commit and after transmit: delivered exactly once', () => {
    // After its commit: the message waits in the outbox; the next run (here `receive`) sends it.
    const a = pqmsg(alice(), ['send', 'bob', 'A'], { env: { PQMSG_CRASH_AT: 'after-send-commit' } });
    expect(a.signal).toBe('SIGKILL');
    expect(pqmsg(alice(), ['receive']).status).toBe(0);
    // After transmit: stored by the server, not marked delivered; the next run resends it (same id).
    const b = pqmsg(alice(), ['send', 'bob', 'B'], { env: { PQMSG_CRASH_AT: 'after-transmit' } });
    expect(b.signal).toBe('SIGKILL');
    expect(pqmsg(alice(), ['send', 'bob', 'C']).status).toBe(0);
    const got = pqmsg(bob(), ['--json', 'receive']);
    expect(got.status).toBe(0);
    expect(bodies(got)).toEqual(['A', 'B', 'C']);
    const history = jsonLines(pqmsg(alice(), ['--json', 'history', 'bob']));
    const sent = history.filter((h) => ['A', 'B', 'C'].includes(String(h.body)));
    expect(sent.map((h) => [h.body, h.delivered])).toEqual([['A', true], ['B', true], ['C', true]]);
  });

  test('kill -9 of the receiver after its commit, before the ack: shown once, stored once', () => {
    expect(pqmsg(alice(), ['send', 'bob', 'ack me'], {}).status).toBe(0);
    const crashed = pqmsg(bob(), ['--json', 'receive'], { env: { PQMSG_CRASH_AT: 'after-receive-commit' } });
    expect(crashed.signal).toBe('SIGKILL');
    expect(bodies(crashed)).toEqual(['ack me']);
    expect(bodies(pqmsg(bob(), ['--json', 'receive']))).toEqual([]);
    const history = jsonLines(pqmsg(bob(), ['--json', 'history', 'alice']));
    expect(history.filter((h) => h.body === 'ack me')).toHaveLength(1);
  });

  test('server restart (kill -9) between send and receive', async () => {
    expect(pqmsg(alice(), ['send', 'bob', 'before the restart']).status).toBe(0);
    await server.kill();
    const down = pqmsg(bob(), ['receive']);
    expect(down.status).toBe(2);
    server = await startServerProcess(join(root, 'server.sqlite'), port);
    expect(bodies(pqmsg(bob(), ['--json', 'receive']))).toEqual(['before the restart']);
  }, 60_000);

  test('watch prints pushed messages and reconnects after a server restart', async () => {
    const watch = startWatch(bob());
    expect(pqmsg(alice(), ['send', 'bob', 'pushed 1']).status).toBe(0);
    expect(await watch.nextLine()).toMatchObject({ type: 'message', from: 'alice', body: 'pushed 1' });
    await server.kill();
    server = await startServerProcess(join(root, 'server.sqlite'), port);
    expect(pqmsg(alice(), ['send', 'bob', 'pushed 2']).status).toBe(0);
    expect(await watch.nextLine()).toMatchObject({ type: 'message', from: 'alice', body: 'pushed 2' });
    expect(await watch.stop()).toBe(0);
  }, 120_000);

  test('another server identity at --server is refused (exit 3)', async () => {
    const other = await startServerProcess(join(root, 'other-server.sqlite'));
    try {
      const r = pqmsg(alice(), ['--server', other.url, 'receive']);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/SERVER_IDENTITY_CHANGED/);
    } finally {
      await other.kill();
    }
  }, 60_000);

  test('a wrong passphrase is exit 3 and changes nothing', () => {
    const carol = join(root, 'carol');
    const env = { PQMSG_PASSPHRASE: 'correct horse' };
    expect(pqmsg(carol, ['init', '--name', 'carol', '--argon2', 'm=256,t=1,p=1'], { env }).status).toBe(0);
    const before = fileDigest(carol);
    const wrong = pqmsg(carol, ['whoami'], { env: { PQMSG_PASSPHRASE: 'battery staple' } });
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    expect(fileDigest(carol)).toBe(before);
    const right = pqmsg(carol, ['--json', 'whoami'], { env });
    expect(jsonLines(right)[0]).toMatchObject({ address: 'carol.1' });
  });

  test('bad arguments to every verb: usage error, exit 1, nothing changed', async () => {
    const before = fileDigest(alice());
    const cases: string[][] = [
      ['init'],
      ['init', '--name', 'Bad Name!'],
      ['init', '--name', 'alice', '--no-passphrase'], // already initialized
      ['register'], // no --server
      ['whoami', 'extra'],
      ['contacts'],
      ['contacts', 'add'],
      ['contacts', 'add', 'NOT valid'],
      ['contacts', 'add', 'alice'], // oneself
      ['contacts', 'verify'],
      ['contacts', 'verify', 'nobody'],
      ['contacts', 'trust', 'nobody'],
      ['contacts', 'list', 'extra'],
      ['send'],
      ['send', 'nobody', 'hi'],
      ['send', 'bob', ''],
      ['receive', 'extra'],
      ['watch', 'extra'],
      ['history'],
      ['history', 'nobody'],
      ['frobnicate'],
    ];
    const runs = await pqmsgAll(alice(), cases);
    for (const [i, args] of cases.entries()) {
      const r = runs[i];
      expect({ args, status: r.status }).toEqual({ args, status: 1 });
      if (args.length === 1 && args[0] === 'contacts') expect(r.stderr).toMatch(/^Usage: pqmsg contacts/);
      else {
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^(pqmsg: [A-Z_]+: |error: )/); // ours, or commander's own
      }
    }
    expect(fileDigest(alice())).toBe(before);
  });

  test('an identity change blocks sending until `contacts trust`, then both directions work', async () => {
    // Bob reinstalls: the operator frees the name (server stopped), a new identity registers it.
    await server.kill();
    const db = new Database(join(root, 'server.sqlite'));
    db.transaction(() => {
      for (const table of ['one_time_prekeys', 'signed_prekeys', 'mailboxes', 'messages', 'devices', 'accounts'])
        db.prepare(`DELETE FROM ${table} WHERE username = ?`).run('bob');
    })();
    db.close();
    server = await startServerProcess(join(root, 'server.sqlite'), port);
    const bob2 = join(root, 'bob2');
    expect(pqmsg(bob2, ['init', '--name', 'bob', '--no-passphrase']).status).toBe(0);
    expect(pqmsg(bob2, ['register', '--server', server.url]).status).toBe(0);
    expect(pqmsg(bob2, ['contacts', 'add', 'alice']).status).toBe(0);
    expect(pqmsg(bob2, ['send', 'alice', 'new phone, same bob']).status).toBe(0);

    const held = pqmsg(alice(), ['--json', 'receive']);
    expect(held.status).toBe(3);
    expect(jsonLines(held)).toEqual([expect.objectContaining({ type: 'held', from: 'bob', code: 'IDENTITY_CHANGED' })]);
    const blocked = pqmsg(alice(), ['send', 'bob', 'are you really bob?']);
    expect(blocked.status).toBe(3);
    expect(blocked.stderr).toMatch(/IDENTITY_CHANGE_PENDING/);
    const list = jsonLines(pqmsg(alice(), ['--json', 'contacts', 'list']));
    expect(list).toEqual([expect.objectContaining({ name: 'bob', identityChanged: true })]);

    expect(pqmsg(alice(), ['contacts', 'trust', 'bob']).status).toBe(0);
    expect(bodies(pqmsg(alice(), ['--json', 'receive']))).toEqual(['new phone, same bob']);
    expect(pqmsg(alice(), ['send', 'bob', 'welcome back']).status).toBe(0);
    expect(bodies(pqmsg(bob2, ['--json', 'receive']))).toEqual(['welcome back']);
  }, 180_000);
});
