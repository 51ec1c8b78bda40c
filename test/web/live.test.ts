/**
 * Live mode in a real browser: the page (Debian's Chromium, headless) registers as a device on a
 * real `pqmsg server` process over the browser's WebSocket and exchanges a message each way with
 * a real `pqmsg` CLI process, through src/client unchanged (IndexedDB store sealed under an
 * Argon2id key). Then the tab reloads and unlocks the same account from IndexedDB, whose rows
 * hold no plaintext; a wrong passphrase is refused. Screenshots go to test-artifacts/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jsonLines, pqmsg, startServerProcess, type ServerProcess } from '../e2e/cli-helpers.ts';
import { openPage, type WebHarness } from './browser.ts';

let web: WebHarness;
let server: ServerProcess;
const tmp = mkdtempSync(join(tmpdir(), 'pqmsg-live-'));
const bob = join(tmp, 'bob');
const PASSPHRASE = 'correct horse battery staple';

beforeAll(async () => {
  server = await startServerProcess(join(tmp, 'server.sqlite'));
  expect(pqmsg(bob, ['init', '--name', 'bob', '--no-passphrase']).status).toBe(0);
  expect(pqmsg(bob, ['register', '--server', server.url]).status).toBe(0);
  web = await openPage();
}, 120_000);

afterAll(async () => {
  await web?.close();
  await server?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

const log = () => web.page.getByTestId('live-log');
const waitLog = (text: string) =>
  web.page.getByTestId('live-log').locator('li', { hasText: text }).first().waitFor({ timeout: 60_000 });

async function connect(passphrase: string): Promise<void> {
  const { page } = web;
  await page.getByTestId('live-server').fill(server.url);
  await page.getByTestId('live-name').fill('webby');
  await page.getByTestId('live-passphrase').fill(passphrase);
  await page.getByTestId('live-argon2').fill('m=1024,t=1,p=1'); // test cost; the default is RFC 9106 §4's
  await page.getByTestId('live-connect').click();
}

describe('web live mode (Chromium) against a real server and CLI', () => {
  test('registers, sends to the CLI, receives from the CLI, reopens from IndexedDB', async () => {
    const { page } = web;
    await connect(PASSPHRASE);
    await waitLog('registered as webby.1');
    await page.getByTestId('live-to').fill('bob');
    await page.getByTestId('live-text').fill('hello from the browser');
    await page.getByTestId('live-send').click();
    await waitLog('sent to bob');
    await web.shot('10-live-sent');

    const got = pqmsg(bob, ['--json', 'receive']);
    expect(got.status).toBe(0);
    const messages = jsonLines(got).filter((l) => l.type === 'message');
    expect(messages.map((m) => m.body)).toEqual(['hello from the browser']);

    expect(pqmsg(bob, ['send', 'webby', 'hello browser, from the CLI']).status).toBe(0);
    await waitLog('bob: hello browser, from the CLI');
    await web.shot('11-live-received');

    // At rest: every row of the IndexedDB database, none holding either plaintext.
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('pqmsg-webby');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const values = await new Promise<ArrayBuffer[]>((ok, fail) => {
        const r = db.transaction('rows').objectStore('rows').getAll();
        r.onsuccess = () => ok(r.result as ArrayBuffer[]);
        r.onerror = () => fail(r.error);
      });
      db.close();
      const latin1 = (b: ArrayBuffer) => String.fromCharCode(...new Uint8Array(b));
      return { rows: values.length, text: values.map(latin1).join('|') };
    });
    expect(stored.rows).toBeGreaterThan(200); // account, identity, prekeys, session, history…
    expect(stored.text).not.toContain('hello from the browser');
    expect(stored.text).not.toContain('from the CLI');

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await connect('a wrong passphrase');
    await waitLog('WRONG_PASSPHRASE');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await connect(PASSPHRASE);
    await waitLog('connected as webby.1');
    expect(await log().innerText()).not.toContain('registered');
    await page.getByTestId('live-to').fill('bob');
    await page.getByTestId('live-text').fill('still me after a reload');
    await page.getByTestId('live-send').click();
    await waitLog('sent to bob');
    const again = jsonLines(pqmsg(bob, ['--json', 'receive'])).filter((l) => l.type === 'message');
    expect(again.map((m) => m.body)).toEqual(['still me after a reload']);
  });
});
