/**
 * Registers KAT suites as vitest tests: one test per (vector file, primitive), asserting zero
 * failures and the exact expected case counts. A missing vector file is a visible, counted skip
 * (with a warning), and a failure under PQMSG_REQUIRE_KAT=1.
 */
import { expect, test } from 'vitest';
import { katDir, katRequired, runSuite, slowEnabled, vectorPresent, type KatSuite } from '../../kat/lib.ts';

export function katTests(suites: KatSuite[]): void {
  for (const suite of suites) {
    const present = suite.files.every((f) => vectorPresent(katDir(), f));
    if (!present && !katRequired())
      console.warn(`!!! KAT vectors missing for ${suite.primitive} (${suite.files.join(', ')}): skipped`);
    const skip = (!present && !katRequired()) || (suite.slow === true && !slowEnabled());
    const name = `${suite.primitive} — ${suite.files.join(' + ')}${suite.slow ? ' [slow: runs with SLOW=1]' : ''}`;
    test.skipIf(skip)(name, () => {
      const result = runSuite(suite);
      expect(result.problems).toEqual([]);
      expect(result.status).toBe('ok');
      expect(result.tally.passed).toBe(suite.expected.passed);
    });
  }
}
