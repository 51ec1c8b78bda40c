/**
 * Multiple devices end to end (docs/CLIENT.md §9): a real `pqmsg server` process and real `pqmsg`
 * processes. `pqmsg link` on a new directory prints a code; `pqmsg devices add CODE` on alice's
 * primary links it; carol's send reaches both of alice's devices (her client learns the new device
 * from DEVICE_MISMATCH and retries on its own); the laptop's send reaches carol and shows on the
 * primary as a sent transcript; after `devices remove 2` the laptop is refused (DEVICE_REMOVED)
 * and receives nothing more, and carol sees alice's devices as CHANGED.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tempDir } from '../client/store-helpers.ts';
import { jsonLines, pqmsg, startLink, startServerProcess, type ServerProcess } from './cli-helpers.ts';

let root: string;
let cleanup: () => void;
let server: ServerProcess;
const dirOf = (name: string) => join(root, name);

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir('e2e-devices'));
  server = await startServerProcess(join(root, 'server.sqlite'));
  for (const name of ['alice', 'carol']) {
    expect(pqmsg(dirOf(name), ['init', '--name', name, '--no-passphrase']).status).toBe(0);
    expect(pqmsg(dirOf(name), ['register', '--server', server.url]).status).toBe(0);
  }
  expect(pqmsg(dirOf('alice'), ['contacts', 'add', 'carol']).status).toBe(0);
  expect(pqmsg(dirOf('carol'), ['contacts', 'add', 'alice']).status).toBe(0);
}, 240_000);

afterAll(async () => {
  await server.kill();
  cleanup();
});

const messages = (run: ReturnType<typeof pqmsg>, type = 'message') => jsonLines(run).filter((l) => l.type === type);

describe('multiple devices end to end (real processes)', () => {
  test('link a laptop, fan-out both ways, remove it: it receives nothing more', async () => {
    const link = startLink(dirOf('laptop'), server.url);
    const first = await link.line(0);
    expect(first.type).toBe('linkCode');
    expect(String(first.code)).toMatch(/^[A-Z2-7]{77}$/);
    const add = pqmsg(dirOf('alice'), ['--json', 'devices', 'add', String(first.code)]);
    expect(add.status).toBe(0);
    expect(jsonLines(add)[0]).toMatchObject({ type: 'deviceAdded', address: 'alice.2', deviceId: 2, version: 2 });
    expect(await link.exited).toBe(0);
    expect(link.lines[1]).toMatchObject({ type: 'linked', address: 'alice.2', contacts: ['carol'] });
    // The code is one-time: a second `devices add` with it is refused by the relay.
    expect(pqmsg(dirOf('alice'), ['devices', 'add', String(first.code)]).status).toBe(2);

    // carol only knows alice.1: the server's DEVICE_MISMATCH makes her client add alice.2.
    const hello = pqmsg(dirOf('carol'), ['send', 'alice', 'hello both']);
    expect(hello.stderr).toBe('');
    expect(hello.status).toBe(0);
    const onPrimary = pqmsg(dirOf('alice'), ['--json', 'receive']);
    const onLaptop = pqmsg(dirOf('laptop'), ['--json', 'receive']);
    expect([onPrimary.status, onLaptop.status]).toEqual([0, 0]);
    expect(messages(onPrimary).map((m) => [m.from, m.body])).toEqual([['carol', 'hello both']]);
    expect(messages(onLaptop).map((m) => [m.from, m.body])).toEqual([['carol', 'hello both']]);

    // The laptop sends: carol gets it once, the primary sees it as sent.
    expect(pqmsg(dirOf('laptop'), ['send', 'carol', 'from the laptop']).status).toBe(0);
    const carolGot = pqmsg(dirOf('carol'), ['--json', 'receive']);
    expect(messages(carolGot).map((m) => [m.from, m.body])).toEqual([['alice', 'from the laptop']]);
    const transcript = pqmsg(dirOf('alice'), ['--json', 'receive']);
    expect(messages(transcript, 'sentTranscript').map((m) => [m.to, m.body])).toEqual([['carol', 'from the laptop']]);
    const history = pqmsg(dirOf('alice'), ['--json', 'history', 'carol']);
    expect(jsonLines(history).map((h) => h.body)).toEqual(['hello both', 'from the laptop']);

    const listed = pqmsg(dirOf('laptop'), ['--json', 'devices', 'list']);
    expect(jsonLines(listed).map((d) => [d.deviceId, d.thisDevice])).toEqual([[1, false], [2, true]]);
    expect(pqmsg(dirOf('laptop'), ['devices', 'remove', '1']).status).toBe(1); // NOT_PRIMARY

    // Remove the laptop.
    const removed = pqmsg(dirOf('alice'), ['--json', 'devices', 'remove', '2']);
    expect(removed.status).toBe(0);
    expect(jsonLines(removed)[0]).toMatchObject({ type: 'deviceRemoved', deviceId: 2, version: 3 });
    expect(pqmsg(dirOf('carol'), ['send', 'alice', 'after removal']).status).toBe(0);
    const contacts = pqmsg(dirOf('carol'), ['contacts', 'list']);
    expect(contacts.stdout).toMatch(/alice\t.*DEVICES CHANGED/);
    const primaryAfter = pqmsg(dirOf('alice'), ['--json', 'receive']);
    expect(messages(primaryAfter).map((m) => m.body)).toEqual(['after removal']);
    const laptopAfter = pqmsg(dirOf('laptop'), ['--json', 'receive']);
    expect(laptopAfter.status).toBe(3);
    expect(laptopAfter.stdout + laptopAfter.stderr).toContain('DEVICE_REMOVED');
    expect(messages(laptopAfter)).toEqual([]);
    const aliceDevices = pqmsg(dirOf('alice'), ['--json', 'devices', 'list']);
    expect(jsonLines(aliceDevices).map((d) => d.deviceId)).toEqual([1]);
  }, 240_000);
});
