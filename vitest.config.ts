import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Both cores (vitest's default leaves one idle): the e2e files mostly wait on their pqmsg
    // processes, so two files at once take ~6½ min instead of ~9 on the 2-core machine.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
