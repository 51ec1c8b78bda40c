/**
 * Groups end to end (docs/CLIENT.md §10): a real delivery-service process and real `pqmsg`
 * processes. alice creates a three-member group with bob and carol; everyone receives the
 * others' group messages, sent sealed once the members' welcomes brought their access keys; alice removes carol; alice and bob keep talking, and carol — who still
 * receives nothing readable — shows none of it (her copy of the old chains cannot decrypt). Then
 * dave is added and reads what follows only. Then bob's `send --group` is killed (-9) after its
 * commit and after its transmit: every member shows each message exactly once. Then bob links a
 * tablet and alice a laptop: alice's next group message reaches both of bob's devices and shows on
 * her laptop as sent; bob's tablet sends to the group itself (docs/PROTOCOL.md §15.12).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../client/store-helpers.ts';
import { jsonLines, pqmsg, startLink, startServerProcess, type ServerProcess } from './cli-helpers.ts';

let root: string;
let cleanup: () => void;
let server: ServerProcess;
const dir = (name: string) => join(root, name);
const USERS = ['alice', 'bob', 'carol'];
const ALL = [...USERS, 'dave'];

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('e2e-groups'));
  server = await startServerProcess(join(root, 'server.sqlite'));
  for (const name of ALL) {
    expect(pqmsg(dir(name), ['init', '--name', name, '--no-passphrase']).status).toBe(0);
    expect(pqmsg(dir(name), ['register', '--server', server.url]).status).toBe(0);
  }
}, 240_000);

afterAll(async () => {
  await server.kill();
  cleanup();
});

/** The --json group-message lines a `receive` printed, as "from: body". */
function received(name: string): string[] {
  const run = pqmsg(dir(name), ['--json', 'receive']);
  expect(run.status).toBe(0);
  return jsonLines(run)
    .filter((l) => l.type === 'groupMessage')
    .map((l) => {
      expect(l.group).toBe('friends');
      return `${l.from}: ${l.body}`;
    });
}

describe('groups end to end (real processes)', () => {
  test('three members talk; after carol is removed, alice and bob keep talking and carol reads nothing', () => {
    const create = pqmsg(dir('alice'), ['--json', 'groups', 'create', 'friends', 'bob', 'carol']);
    expect(create.status).toBe(0);
    expect(jsonLines(create)[0]).toMatchObject({ type: 'groupChanged', name: 'friends', version: 1, members: USERS });
    // bob and carol learn the group (and send their chains) on receive
    for (const name of ['bob', 'carol']) {
      const run = pqmsg(dir(name), ['--json', 'receive']);
      expect(run.status).toBe(0);
      expect(jsonLines(run).filter((l) => l.type === 'groupChange')).toEqual([
        { type: 'groupChange', group: 'friends', by: 'alice', change: 'create', target: 'alice', version: 1, member: true },
      ]);
    }
    expect(received('alice')).toEqual([]); // the chains of bob and carol arrive
    const send = pqmsg(dir('alice'), ['--json', 'send', '--group', 'friends', 'hello from alice']);
    expect(send.status).toBe(0);
    expect(jsonLines(send)[0]).toMatchObject({ type: 'groupSent', group: 'friends', devices: 2, refused: [], sealed: true });
    // sealed (GROUP_SEND_SEALED): the server stored bob's and carol's copies with no sender
    const id = Buffer.from(String(jsonLines(send)[0].id), 'hex');
    const db = new Database(join(root, 'server.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT username, sender_username, sender_device_id FROM messages WHERE client_message_id = ? ORDER BY username').all(id);
    db.close();
    expect(rows).toEqual([
      { username: 'bob', sender_username: null, sender_device_id: null },
      { username: 'carol', sender_username: null, sender_device_id: null },
    ]);
    expect(pqmsg(dir('bob'), ['send', '--group', 'friends', 'hello from bob']).status).toBe(0);
    expect(received('bob')).toEqual(['alice: hello from alice']);
    expect(received('carol')).toEqual(['alice: hello from alice', 'bob: hello from bob']);
    expect(received('alice')).toEqual(['bob: hello from bob']);

    const remove = pqmsg(dir('alice'), ['--json', 'groups', 'remove', 'friends', 'carol']);
    expect(remove.status).toBe(0);
    expect(jsonLines(remove)[0]).toMatchObject({ change: 'removed', version: 2, members: ['alice', 'bob'] });
    expect(pqmsg(dir('alice'), ['send', '--group', 'friends', 'after removal from alice']).status).toBe(0);
    const bobRun = pqmsg(dir('bob'), ['--json', 'receive']); // the removal, alice's new chain, her message
    expect(bobRun.status).toBe(0);
    const bobLines = jsonLines(bobRun);
    expect(bobLines.filter((l) => l.type === 'groupChange').map((l) => [l.change, l.target, l.version])).toEqual([['remove', 'carol', 2]]);
    expect(bobLines.filter((l) => l.type === 'groupMessage').map((l) => l.body)).toEqual(['after removal from alice']);
    expect(pqmsg(dir('bob'), ['send', '--group', 'friends', 'after removal from bob']).status).toBe(0);
    expect(received('alice')).toEqual(['bob: after removal from bob']);

    const carolRun = pqmsg(dir('carol'), ['--json', 'receive']);
    expect(carolRun.status).toBe(0);
    const carolLines = jsonLines(carolRun);
    expect(carolLines.filter((l) => l.type === 'groupChange').map((l) => [l.change, l.target, l.member])).toEqual([['remove', 'carol', false]]);
    expect(carolLines.filter((l) => l.type === 'groupMessage')).toEqual([]);
    const carolSend = pqmsg(dir('carol'), ['send', '--group', 'friends', 'still here?']);
    expect(carolSend.status).toBe(1);
    expect(carolSend.stderr).toContain('NOT_GROUP_MEMBER');

    const history = pqmsg(dir('bob'), ['--json', 'history', '--group', 'friends']);
    // in this device's order: bob sent his first message before receiving alice's
    expect(jsonLines(history).map((l) => `${l.from}: ${l.body}`)).toEqual([
      'bob: hello from bob',
      'alice: hello from alice',
      'alice: after removal from alice',
      'bob: after removal from bob',
    ]);
    const list = pqmsg(dir('carol'), ['--json', 'groups', 'list']);
    expect(jsonLines(list)).toEqual([expect.objectContaining({ type: 'group', name: 'friends', member: false })]);
  }, 240_000);

  test('dave is added: he gets every chain and reads what follows, not what came before', () => {
    const add = pqmsg(dir('alice'), ['--json', 'groups', 'add', 'friends', 'dave']);
    expect(add.status).toBe(0);
    expect(jsonLines(add)[0]).toMatchObject({ change: 'added', version: 3, members: ['alice', 'bob', 'dave'] });
    const daveFirst = pqmsg(dir('dave'), ['--json', 'receive']); // the add; dave sends his chain
    expect(jsonLines(daveFirst).filter((l) => l.type === 'groupChange').map((l) => [l.change, l.target, l.version])).toEqual([['add', 'dave', 3]]);
    const bobRun = pqmsg(dir('bob'), ['--json', 'receive']); // the add and dave's chain; bob sends his to dave
    expect(jsonLines(bobRun).filter((l) => l.type === 'groupChange').map((l) => [l.change, l.target])).toEqual([['add', 'dave']]);
    expect(pqmsg(dir('alice'), ['receive']).status).toBe(0); // dave's chain
    expect(received('dave')).toEqual([]); // bob's chain arrives; nothing readable from before
    expect(pqmsg(dir('bob'), ['send', '--group', 'friends', 'welcome dave']).status).toBe(0);
    expect(pqmsg(dir('dave'), ['send', '--group', 'friends', 'thanks']).status).toBe(0);
    expect(received('dave')).toEqual(['bob: welcome dave']);
    expect(received('alice')).toEqual(['bob: welcome dave', 'dave: thanks']);
    expect(received('bob')).toEqual(['dave: thanks']);
    const dave = jsonLines(pqmsg(dir('dave'), ['--json', 'history', '--group', 'friends'])).map((l) => l.body);
    expect(dave).toEqual(['thanks', 'welcome dave']); // dave's order: he sent before receiving
  }, 240_000);

  test('kill -9 after the group send commit and after the transmit: each member shows it once', () => {
    for (const point of ['after-send-commit', 'after-transmit']) {
      const body = `crash ${point}`;
      const killed = pqmsg(dir('bob'), ['send', '--group', 'friends', body], { env: { PQMSG_CRASH_AT: point } });
      expect(killed.signal).toBe('SIGKILL');
      // the next run of bob flushes the group outbox (same id, same bytes: stored once)
      expect(pqmsg(dir('bob'), ['receive']).status).toBe(0);
      expect(received('alice')).toEqual([`bob: ${body}`]);
      expect(received('alice')).toEqual([]);
      expect(received('dave')).toEqual([`bob: ${body}`]);
      const history = jsonLines(pqmsg(dir('bob'), ['--json', 'history', '--group', 'friends']));
      expect(history.filter((l) => l.body === body).map((l) => l.delivered)).toEqual([true]);
    }
  }, 240_000);

  test("bob's second device receives the group messages too; alice's linked laptop shows hers as sent", async () => {
    /** Links a new device in `dir(device)` to `owner` (its primary runs `devices add CODE`). */
    const link = async (device: string, owner: string) => {
      const linking = startLink(dir(device), server.url);
      const code = await linking.line(0);
      expect(pqmsg(dir(owner), ['devices', 'add', String(code.code)]).status).toBe(0);
      expect(await linking.exited).toBe(0);
    };
    await link('bobtab', 'bob');
    await link('laptop', 'alice');
    // alice fetches the lists again: her roster and chain go to bob.2 and alice.2 first (a welcome)
    const send = pqmsg(dir('alice'), ['--json', 'send', '--group', 'friends', 'to every device']);
    expect(send.status).toBe(0);
    expect(jsonLines(send)[0]).toMatchObject({ type: 'groupSent', devices: 4, refused: [], sealed: true }); // bob.1 bob.2 dave.1 alice.2
    const tab = pqmsg(dir('bobtab'), ['--json', 'receive']);
    expect(tab.status).toBe(0);
    expect(jsonLines(tab).filter((l) => l.type === 'groupRoster')).toEqual([{ type: 'groupRoster', group: 'friends', by: 'alice', version: 3 }]);
    expect(jsonLines(tab).filter((l) => l.type === 'groupMessage').map((l) => `${l.from}: ${l.body}`)).toEqual(['alice: to every device']);
    expect(received('bob')).toEqual(['alice: to every device']);
    expect(received('dave')).toEqual(['alice: to every device']);
    expect(pqmsg(dir('laptop'), ['receive']).status).toBe(0);
    const laptop = jsonLines(pqmsg(dir('laptop'), ['--json', 'history', '--group', 'friends']));
    expect(laptop.map((l) => [l.direction, l.body])).toEqual([['out', 'to every device']]);
    // bob's tablet is a member device of its own: it sends, and bob's primary shows it as sent
    expect(pqmsg(dir('bobtab'), ['send', '--group', 'friends', 'from the tablet']).status).toBe(0);
    expect(received('alice')).toEqual(['bob: from the tablet']);
    expect(received('dave')).toEqual(['bob: from the tablet']);
    expect(pqmsg(dir('bob'), ['receive']).status).toBe(0);
    const bob = jsonLines(pqmsg(dir('bob'), ['--json', 'history', '--group', 'friends'])).filter((l) => l.body === 'from the tablet');
    expect(bob.map((l) => l.direction)).toEqual(['out']);
    const laptopAgain = pqmsg(dir('laptop'), ['--json', 'receive']);
    expect(jsonLines(laptopAgain).filter((l) => l.type === 'groupMessage').map((l) => l.body)).toEqual(['from the tablet']);
  }, 300_000);

  test('--help on each groups verb, and an unknown group is a usage error', () => {
    for (const verb of ['create', 'add', 'remove', 'leave', 'list']) {
      const help = pqmsg(dir('alice'), ['groups', verb, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: pqmsg groups');
    }
    const unknown = pqmsg(dir('alice'), ['--json', 'send', '--group', 'nosuch', 'x']);
    expect(unknown.status).toBe(1);
    expect(jsonLines(unknown)[0]).toMatchObject({ error: { code: 'UNKNOWN_GROUP' } });
  });
});
