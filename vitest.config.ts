import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/redis-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites share one Redis (with per-suite key prefixes); two workers match the 2-core machine.
    maxWorkers: 2,
  },
});
