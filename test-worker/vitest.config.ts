// `npm run test:worker`: the Worker in workerd. Kept out of `npm test` (it bundles and starts wrangler dev).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test-worker/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 420_000,
  },
});
