import { defineConfig } from 'vitest/config';

/** `npm run test:hardening`: the heavy fault-injection and fuzzing runs that `npm test` leaves out. */
export default defineConfig({
  test: {
    include: ['test/hardening/slow/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
