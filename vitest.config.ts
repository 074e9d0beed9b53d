import { defineConfig } from 'vitest/config'

// Two projects: `unit` is pure logic beside the code (no server needed);
// `integration` starts the real embedded Valkey through the same code path as
// `npm start` (see server/test/globalSetup.ts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['common/**/*.test.ts', 'server/src/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['server/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['server/test/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One embedded Valkey per test file; files run in parallel.
          fileParallelism: true,
        },
      },
    ],
  },
})
