/**
 * ML-KEM-768 (FIPS 203) and ML-DSA-65 (FIPS 204) in the browser against Node: the same
 * web/pq-ops.ts measurement runs in this Node process and in the built page in Debian's Chromium
 * (headless, through playwright-core), one after the other so they do not share the CPU.
 * `npx tsx bench/browser.ts [ms-per-op]`; prints ops/s for both and the browser/Node ratio.
 */
import { cpus } from 'node:os';
import { measurePqOps, type OpsResult } from '../web/pq-ops.ts';
import { openPage } from '../test/web/browser.ts';

const ms = Number(process.argv[2] ?? 2000);
const node = measurePqOps(ms);
const web = await openPage();
const version = web.context.browser()?.version() ?? (await web.page.evaluate(() => navigator.userAgent));
const browser = (await web.page.evaluate(
  ([t]) => window.pqmsgBench!(t),
  [ms] as const,
)) as OpsResult[];
await web.close();

console.log(`Node ${process.version} vs Chromium ${version} · ${cpus()[0]?.model} · ${new Date().toISOString()}`);
console.log('| operation | Node ops/s | Chromium ops/s | Chromium / Node |');
console.log('|---|---:|---:|---:|');
for (const n of node) {
  const b = browser.find((r) => r.op === n.op)!;
  const row = [n.op, n.opsPerSec.toFixed(0), b.opsPerSec.toFixed(0), (b.opsPerSec / n.opsPerSec).toFixed(2)];
  console.log(`| ${row.join(' | ')} |`);
}
