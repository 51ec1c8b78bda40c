/**
 * Sealed sender end to end (issue 13; docs/CLIENT.md §8, docs/SERVER.md §12) with real processes:
 * a `pqmsg server` on an SQLite file with debug logs, and `pqmsg` runs for alice, bob and carol.
 * - After a sealed exchange nothing the server stored or logged about the sealed messages (the raw
 *   bytes of each mailbox row, the log lines of the connections that carried them, /metrics)
 *   contains the sender's username or identity, and the rows have no sender.
 * - A wrong or missing access key is refused (ACCESS_DENIED); a contact removed with
 *   `contacts remove` (access-key rotation) is refused, the others are not.
 * - `watch --cover-rate`: the recipient sees no dummy; dummies and a real message of the same size
 *   bucket are stored alike, field by field.
 * - Sealed × devices (issue 14): bob links a laptop; alice, whose view of bob is stale, sends
 *   sealed: the server's DEVICE_MISMATCH makes her client re-fan and retry on its own, both of
 *   bob's devices receive it, and both rows have no sender. Neither bob's devices nor carol print
 *   "new contact" for a known account's new device.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectWebSocket } from '../../src/client/ws-transport.ts';
import { defaultSuite } from '../../src/protocol/default-suite.ts';
import { decodeIdentitySecret, encodeIdentityPublic } from '../../src/protocol/identity.ts';
import { ServerError } from '../../src/util/errors.ts';
import { tempDir } from '../client/store-helpers.ts';
import { spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { jsonLines, pqmsg, startLink } from './cli-helpers.ts';

const ROOT = resolve(__dirname, '../..');
let root: string;
let cleanup: () => void;
let server: ServerProcess;
const dirOf = (name: string) => join(root, name);
const run = (name: string, args: string[], env: Record<string, string> = {}) => pqmsg(dirOf(name), args, { env });
const db = () => new Database(join(root, 'server.sqlite'), { readonly: true });

interface Row {
  guid: number;
  username: string;
  device_id: number;
  sender_username: string | null;
  sender_device_id: number | null;
  client_message_id: Buffer;
  server_timestamp: number;
  envelope: Buffer;
}

function mailbox(name: string): Row[] {
  const d = db();
  const rows = d.prepare('SELECT * FROM messages WHERE username = ? ORDER BY guid').all(name) as Row[];
  d.close();
  return rows;
}

/** The registered identity of `name` (public encoding) as the server holds it. */
function identityOf(name: string): Buffer {
  const d = db();
  const row = d.prepare('SELECT identity FROM devices WHERE username = ?').get(name) as { identity: Buffer };
  d.close();
  return row.identity;
}

function sent(r: ReturnType<typeof pqmsg>): Record<string, unknown> {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return jsonLines(r).find((l) => l.type === 'sent')!;
}

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('e2e-sealed'));
  server = await spawnServer(join(root, 'server.sqlite'), ['--log-level', 'debug']);
  for (const name of ['alice', 'bob', 'carol']) {
    expect(run(name, ['init', '--name', name, '--no-passphrase']).status).toBe(0);
    expect(run(name, ['register', '--server', server.url]).status).toBe(0);
  }
}, 240_000);

afterAll(async () => {
  await server?.stop();
  cleanup?.();
});

describe('sealed sender end to end (real processes)', () => {
  test('whoami shows the pinned server key; first message authenticated (said under --debug), then sealed', () => {
    const who = jsonLines(run('alice', ['--json', 'whoami']))[0];
    const fp = createHash('sha256').update(readChallengeIdentity()).digest('hex').slice(0, 32).match(/.{4}/g)!.join(' ');
    expect(who.serverKeyFingerprint).toBe(fp);
    expect(run('alice', ['contacts', 'add', 'bob']).status).toBe(0);
    const first = run('alice', ['--debug', '--json', 'send', 'bob', 'hello bob']);
    expect(first.status).toBe(0);
    expect(jsonLines(first).find((l) => l.type === 'sent')).toMatchObject({ sealed: false });
    const list0 = jsonLines(run('alice', ['--json', 'contacts', 'list']));
    expect(list0).toEqual([expect.objectContaining({ name: 'bob', sealed: false })]);
    const got = jsonLines(run('bob', ['--json', 'receive']));
    expect(got.map((l) => [l.type, l.body])).toEqual([['message', 'hello bob']]);
    expect(sent(run('bob', ['--json', 'send', 'alice', 'hi alice']))).toMatchObject({ sealed: true });
    expect(jsonLines(run('alice', ['--json', 'receive'])).map((l) => [l.type, l.from, l.body])).toEqual([
      ['message', 'bob', 'hi alice'],
    ]);
    const human = run('alice', ['contacts', 'list']);
    expect(human.stdout).toMatch(/^bob\tunverified\tsealed\t/);
    // alice's first sealed send fetches bob's sealed key on her authenticated connection
    expect(sent(run('alice', ['--json', 'send', 'bob', 'first sealed']))).toMatchObject({ sealed: true });
    expect(jsonLines(run('bob', ['--json', 'receive'])).map((l) => [l.from, l.body])).toEqual([['alice', 'first sealed']]);
  }, 120_000);

  test('after a sealed exchange the server stored and logged nothing about the sender', async () => {
    await new Promise((r) => setTimeout(r, 500)); // read what the server logged before this test
    const logFrom = server.stderr.length;
    const texts = ['sealed one', 'sealed two', 'sealed three'];
    for (const t of texts) expect(sent(run('alice', ['--json', 'send', 'bob', t]))).toMatchObject({ sealed: true });
    const rows = mailbox('bob');
    expect(rows.length).toBe(3);
    const aliceIdentity = identityOf('alice');
    const needles = [
      Buffer.from('alice'),
      aliceIdentity,
      aliceIdentity.subarray(0, 32), // its X25519 key
      createHash('sha256').update(aliceIdentity).digest(), // the hash a certificate carries
    ];
    for (const row of rows) {
      expect([row.sender_username, row.sender_device_id]).toEqual([null, null]);
      const raw = Buffer.concat(Object.values(row).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))));
      for (const n of needles) expect(raw.includes(n)).toBe(false);
    }
    // the log lines of the connections that carried SEND_SEALED: anonymous, no sender anywhere
    await new Promise((r) => setTimeout(r, 500)); // the server's stderr, buffered while spawnSync blocked
    const lines = server.stderr.slice(logFrom).map((l) => JSON.parse(l) as Record<string, unknown>);
    const sealedConns = new Set(lines.filter((l) => l.op === 'sendSealedMulti').map((l) => l.conn));
    expect(sealedConns.size).toBe(3); // one anonymous connection per `pqmsg send`
    expect(new Set(lines.flatMap((l) => (l.conn === undefined ? [] : [l.conn]))).size).toBe(3); // no other connection
    // with everything cached, `pqmsg send` opened no authenticated connection at all
    expect(lines.filter((l) => l.event === 'conn.authenticated').map((l) => l.device)).toEqual([]);
    const theirs = lines.filter((l) => sealedConns.has(l.conn));
    expect(theirs.some((l) => l.event === 'conn.authenticated')).toBe(false);
    for (const l of theirs) {
      expect(l.device).toBeUndefined();
      expect(JSON.stringify(l)).not.toMatch(/alice/);
    }
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).not.toMatch(/alice/);
    expect(Number(/pqmsg_sealed_messages_stored_total (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(3);
    // bob learns the sender from the certificate, after decryption
    const got = jsonLines(run('bob', ['--json', 'receive'])).filter((l) => l.type === 'message');
    expect(got.map((l) => [l.from, l.body])).toEqual(texts.map((t) => ['alice', t]));
    expect(mailbox('bob')).toEqual([]);
  }, 120_000);

  test('a wrong or missing access key is refused; a contact removed after a rotation is refused, the others are not', async () => {
    const conn = await connectWebSocket(server.url);
    await conn.nextPush(); // the challenge, never answered
    const attempt = async (accessKey: Uint8Array) => {
      try {
        await conn.request({
          op: 'sendSealed',
          to: { username: 'bob', deviceId: 1 },
          clientMessageId: crypto.getRandomValues(new Uint8Array(16)),
          accessKey,
          envelope: new Uint8Array(4855),
        });
        return 'stored';
      } catch (e) {
        return e instanceof ServerError ? e.code : String(e);
      }
    };
    expect([await attempt(new Uint8Array(0)), await attempt(new Uint8Array(32).fill(1))]).toEqual(['ACCESS_DENIED', 'ACCESS_DENIED']);
    expect(mailbox('bob')).toEqual([]);
    // `access --mode anyone` admits a sender without the key; back to `contacts`, it is refused again
    expect(jsonLines(run('bob', ['--json', 'access', '--mode', 'anyone']))).toEqual([
      { type: 'access', mode: 'anyone', registered: true, epoch: 1 },
    ]);
    expect(await attempt(new Uint8Array(0))).toBe('stored');
    expect(jsonLines(run('bob', ['--json', 'access', '--mode', 'contacts']))[0]).toMatchObject({ mode: 'contacts', registered: true });
    expect(await attempt(new Uint8Array(0))).toBe('ACCESS_DENIED');
    conn.close();
    expect(mailbox('bob').length).toBe(1);
    const junk = jsonLines(run('bob', ['--json', 'receive'])); // a stranger's junk: rejected, acked
    expect(junk.map((l) => [l.type, l.code])).toEqual([['rejected', 'BAD_VERSION']]);
    expect(mailbox('bob')).toEqual([]);
    // carol and bob become sealed contacts
    expect(run('carol', ['contacts', 'add', 'bob']).status).toBe(0);
    expect(sent(run('carol', ['--json', 'send', 'bob', 'hi bob, carol here']))).toMatchObject({ sealed: false });
    expect(run('bob', ['receive']).status).toBe(0);
    expect(sent(run('bob', ['--json', 'send', 'carol', 'hi carol']))).toMatchObject({ sealed: true });
    expect(run('carol', ['receive']).status).toBe(0);
    expect(sent(run('carol', ['--json', 'send', 'bob', 'before removal']))).toMatchObject({ sealed: true });
    const before = jsonLines(run('bob', ['--json', 'receive'])).filter((l) => l.type === 'message');
    expect(before.map((l) => [l.from, l.body])).toEqual([['carol', 'before removal']]);
    // bob removes carol: new access key, sent to alice only
    const removed = jsonLines(run('bob', ['--json', 'contacts', 'remove', 'carol']))[0];
    expect(removed).toMatchObject({ type: 'removed', name: 'carol', epoch: 2, notified: ['alice'] });
    const refused = run('carol', ['--json', 'send', 'bob', 'after removal']);
    expect(refused.status).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/ACCESS_DENIED/);
    // alice received the new key and still reaches bob sealed
    expect(run('alice', ['receive']).status).toBe(0);
    expect(sent(run('alice', ['--json', 'send', 'bob', 'still sealed']))).toMatchObject({ sealed: true });
    const got = jsonLines(run('bob', ['--json', 'receive'])).filter((l) => l.type === 'message');
    expect(got.map((l) => [l.from, l.body])).toEqual([['alice', 'still sealed']]);
    expect(jsonLines(run('bob', ['--json', 'contacts', 'list'])).map((l) => l.name)).toEqual(['alice']);
  }, 180_000);

  test('cover traffic: the recipient sees no dummy; dummies and a real message of its bucket are stored alike', async () => {
    const args = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--dir', dirOf('alice'), '--json', 'watch', '--cover-rate', '7200'];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, PQMSG_PASSPHRASE: '', PQMSG_COVER_SEED: 'e2e' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const covers: string[] = [];
    const enough = new Promise<void>((done) =>
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const l = JSON.parse(line) as { type: string; to?: string };
        if (l.type === 'cover') covers.push(l.to!);
        if (covers.length === 4) done();
      }),
    );
    await enough;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    expect(covers).toEqual(['bob', 'bob', 'bob', 'bob']); // bob is alice's only contact reachable sealed
    expect(sent(run('alice', ['--json', 'send', 'bob', 'real']))).toMatchObject({ sealed: true });
    const rows = mailbox('bob');
    expect(rows.length).toBe(5);
    const real = rows[4];
    const sameBucket = rows.slice(0, 4).filter((r) => r.envelope.length === real.envelope.length);
    expect(sameBucket.length).toBeGreaterThan(0);
    for (const dummy of sameBucket) {
      expect(Object.keys(dummy)).toEqual(Object.keys(real));
      expect([dummy.username, dummy.device_id, dummy.sender_username, dummy.sender_device_id]).toEqual([
        real.username, real.device_id, null, null,
      ]);
      expect([dummy.client_message_id.length, dummy.envelope.length]).toEqual([16, real.envelope.length]);
      expect(dummy.envelope.subarray(0, 6)).toEqual(real.envelope.subarray(0, 6)); // version, type, key id
    }
    const got = jsonLines(run('bob', ['--json', 'receive']));
    expect(got.map((l) => [l.type, l.from, l.body])).toEqual([['message', 'alice', 'real']]);
    expect(run('bob', ['--json', 'history', 'alice']).stdout).not.toMatch(/cover/);
    expect(mailbox('bob')).toEqual([]); // the dummies were processed and acknowledged
  }, 180_000);
  test('bob links a laptop: the sealed send of alice reaches both devices (re-fanned after DEVICE_MISMATCH), rows without sender', async () => {
    const link = startLink(dirOf('bob-laptop'), server.url);
    const code = String((await link.line(0)).code);
    expect(run('bob', ['devices', 'add', code]).status).toBe(0);
    expect(await link.exited).toBe(0);
    const first = run('bob-laptop', ['receive']); // uploads the laptop's sealed key
    expect([first.status, first.stderr]).toEqual([0, '']);
    // alice only knows bob.1: her sealed send is refused with DEVICE_MISMATCH, re-fanned, retried
    const logFrom = server.stderr.length;
    expect(sent(run('alice', ['--json', 'send', 'bob', 'to both of you']))).toMatchObject({ sealed: true });
    const rows = mailbox('bob');
    expect(rows.map((r) => [r.device_id, r.sender_username, r.sender_device_id])).toEqual([
      [1, null, null],
      [2, null, null],
    ]);
    expect(rows[0].client_message_id).toEqual(rows[1].client_message_id);
    await new Promise((r) => setTimeout(r, 500)); // the server's stderr, buffered while spawnSync blocked
    const ops = server.stderr.slice(logFrom).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Once on the anonymous-only attempt, once more on the authenticated connection's flush of the
    // kept row, which then refreshes bob's list, re-fans and succeeds.
    expect(ops.filter((l) => l.event === 'request.refused').map((l) => l.code)).toEqual(['DEVICE_MISMATCH', 'DEVICE_MISMATCH']);
    for (const who of ['bob', 'bob-laptop']) {
      const got = run(who, ['receive']);
      expect(got.status).toBe(0);
      expect(got.stdout).toMatch(/\] alice: to both of you\n$/);
      expect(got.stderr).toBe(''); // no "new contact alice"
    }
    expect(mailbox('bob')).toEqual([]);
    // the laptop writes to carol, who knows the account bob but never talked to its laptop: no
    // "new contact bob" (first contact is per account; it said so before issue 14)
    expect(run('bob-laptop', ['contacts', 'add', 'carol']).status).toBe(0);
    expect(run('bob-laptop', ['send', 'carol', 'from the laptop']).status).toBe(0);
    const carolGot = run('carol', ['receive']);
    expect(carolGot.stdout).toMatch(/\] bob: from the laptop\n$/);
    expect(carolGot.stderr).toBe('');
    const transcript = run('bob', ['receive']);
    expect(transcript.stdout).toMatch(/\(sent from another device\) → carol: from the laptop/);
    expect(transcript.stderr).toBe('');
  }, 240_000);
});

/** The server's public identity (what its CHALLENGE carries and `register` pinned), from its store. */
function readChallengeIdentity(): Uint8Array {
  const d = db();
  const row = d.prepare('SELECT secret FROM server_identity').get() as { secret: Buffer };
  d.close();
  return encodeIdentityPublic(decodeIdentitySecret(defaultSuite, new Uint8Array(row.secret)).publicKey);
}
