/**
 * `pqmsg … | head`: when the reader of stdout goes away, the CLI stops quietly with its exit code,
 * as Unix tools do on a closed pipe, instead of crashing on an unhandled EPIPE.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'src/cli/main.ts');

describe('pqmsg with a closed stdout', () => {
  it('exits 0 without a stack trace when the pipe is closed before it writes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--help'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    expect(stderr).not.toContain('EPIPE');
    expect(status).toBe(0);
  }, 60_000);
});
