import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The slow fault-injection suite runs through `npm run test:hardening`.
    exclude: ['test/hardening/slow/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // One process per core, reused across files: loading the modules and starting PGlite once per
    // process instead of once per file is most of the suite's time (tests/helpers/db.ts).
    maxWorkers: availableParallelism(),
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
