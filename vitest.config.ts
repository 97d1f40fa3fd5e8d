import { defineConfig } from 'vitest/config';

// Two projects: unit tests of pure logic beside the code (no services), and integration tests under tests/
// against the real local stack, which the global setup brings up (or finds running) once per run.
export default defineConfig({
  test: {
    // One machine, one stack: test files run one after another; each integration test uses its own
    // databases, topics and groups, so order does not matter.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{core,connectors,schemas,streams,sinks,ops,infra,seeds}/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
