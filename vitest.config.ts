import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles decorators with metadata, which Nest's dependency injection and TypeORM need;
// vitest's default esbuild transform drops `emitDecoratorMetadata`.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    // Integration specs share one PostgreSQL and Redis; each file creates its own database,
    // so files may run in parallel, but two cores gain little from more than two workers.
    maxWorkers: 2,
    testTimeout: 60_000,
    // Integration and end-to-end specs run the compiled gateway in child processes: build it once.
    globalSetup: ['test/support/build.global-setup.ts'],
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        plugins,
        test: { name: 'unit', include: ['src/**/*.spec.ts'] },
      },
      {
        extends: true,
        plugins,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
        },
      },
      {
        extends: true,
        plugins,
        // Conformance against the shared public corpus (CORPUS_DIR); prints a notice and skips without it.
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'] },
      },
      {
        extends: true,
        plugins,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
        },
      },
    ],
  },
});
