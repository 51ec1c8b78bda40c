/**
 * Test helpers for the browser page: builds web/ with Vite into a temporary folder, serves it with
 * `vite preview` on a free loopback port, and drives Debian's Chromium headless through
 * playwright-core (an empty user-data dir each time). A missing browser fails the test: CI
 * installs it (.ci/run). Screenshots go to test-artifacts/ (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, 'web/vite.config.ts');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A free TCP port on 127.0.0.1 (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => ok(port));
    });
  });
}

export interface WebHarness {
  url: string;
  context: BrowserContext;
  page: Page;
  /** Saves a screenshot of the viewport as test-artifacts/<name>.png. */
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds the page, serves it, launches Chromium and opens the page. */
export async function openPage(query = ''): Promise<WebHarness> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`);
  const outDir = mkdtempSync(join(tmpdir(), 'pqmsg-web-'));
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const port = await freePort();
  const server: PreviewServer = await preview({
    configFile: CONFIG,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
  const profile = mkdtempSync(join(tmpdir(), 'pqmsg-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1560, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = `http://127.0.0.1:${port}/${query}`;
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url,
    context,
    page,
    shot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(outDir, { recursive: true, force: true });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}
