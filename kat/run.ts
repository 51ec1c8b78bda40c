/**
 * `npm run kat [area…]`: runs every known-answer suite and prints one row per vector file and
 * primitive with passed / failed / skipped counts. Exits non-zero on any failure, on a count that
 * differs from the expected one, and (with PQMSG_REQUIRE_KAT=1) on a missing vector file.
 */
import { katDir, katRequired, slowEnabled, runSuite, type SuiteResult } from './lib.ts';
import { AREAS } from './suites/index.ts';

const wanted = process.argv.slice(2);
const results: { area: string; result: SuiteResult; ms: number }[] = [];
console.log(`pqmsg KAT suite — vectors from ${katDir()}${slowEnabled() ? ' (SLOW=1)' : ''}\n`);
const header = ['area', 'primitive', 'file', 'passed', 'failed', 'skipped', 'status', 'ms'];
console.log(header.join('\t'));
for (const [area, load] of Object.entries(AREAS)) {
  if (wanted.length > 0 && !wanted.includes(area)) continue;
  for (const suite of await load()) {
    const t0 = performance.now();
    const result = runSuite(suite);
    const ms = Math.round(performance.now() - t0);
    results.push({ area, result, ms });
    const { tally, status } = result;
    const files = suite.files.join(' + ');
    console.log(
      [area, suite.primitive, files, tally.passed, tally.failed, tally.skipped, status, ms].join('\t'),
    );
    for (const p of result.problems) console.log(`    ! ${p}`);
    if (tally.skipped > 0 && suite.skipReason) console.log(`    (skipped: ${suite.skipReason})`);
  }
}

const sum = (f: (r: SuiteResult) => number) => results.reduce((a, r) => a + f(r.result), 0);
const failed = results.filter((r) => r.result.status === 'failed');
const missing = results.filter((r) => r.result.status === 'missing');
const slow = results.filter((r) => r.result.status === 'slow-skipped');
console.log(
  `\n${results.length} suites: ${sum((r) => r.tally.passed)} vectors passed, ` +
    `${sum((r) => r.tally.failed)} failed, ${sum((r) => r.tally.skipped)} skipped by design; ` +
    `${failed.length} suites failed, ${missing.length} missing, ${slow.length} slow suites not run (SLOW=1 runs them)`,
);
if (missing.length > 0) {
  console.log('\n!!! VECTOR FILES MISSING: these suites did not run. The committed kat/vectors/*.gz should hold them: check PQMSG_KAT_DIR, or run `npm run kat:fetch`.');
}
const bad = failed.length > 0 || (missing.length > 0 && katRequired()) || results.length === 0;
process.exit(bad ? 1 : 0);
