import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:soak`: the durability proof at scale (10,000 jobs, more kill rounds per point).
 * Not part of `npm test`; takes tens of minutes on two cores.
 */
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/integration/durability.test.ts'],
    globalSetup: ['test/support/build.global-setup.ts'],
    env: {
      DURABILITY_JOBS: process.env.DURABILITY_JOBS ?? '10000',
      DURABILITY_ROUNDS: process.env.DURABILITY_ROUNDS ?? '4',
    },
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
