import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * Files the Valkey 8 run leaves out: they test how `npm start` and its workers start, restart and
 * stop as processes (signals, SIGKILL, restart limits), where the Valkey version plays no part; the
 * embedded server those processes start is started the same way by every other file. They are the
 * two slowest files, about 90 s of the compatibility run.
 */
const PROCESS_LIFECYCLE_FILES = ['server/test/lifecycle.test.ts', 'server/test/fleet/workers.test.ts']

/** The integration files, run against the embedded server the project's global setup names. */
const integration = (name: string, exclude: string[] = []) => ({
  test: {
    name,
    include: ['server/test/**/*.test.ts'],
    exclude,
    environment: 'node' as const,
    globalSetup: ['server/test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One embedded Valkey per test file; files run in parallel.
    fileParallelism: true,
    isolate: false,
  },
})

// In every project a worker keeps the modules it loaded for its next file instead of starting afresh
// for each (isolate: false): starting afresh was a quarter of the run's CPU time. So a test file
// leaves no global state behind (fake timers, spies, environment variables); each integration file
// starts and closes its own servers anyway.
//
// Projects: `unit` is pure logic beside the code (no server needed);
// `integration` starts the real embedded Valkey through the same code path as
// `npm start` (see server/test/globalSetup.ts); `integration-valkey8` runs the
// same files again, but for PROCESS_LIFECYCLE_FILES, with a Valkey 8 as the embedded server, and exists only
// when VALKEY8_SERVER names one (`npm test` provisions it).
export default defineConfig({
  test: {
    // An integration file mostly waits (on its own valkey-server, on timers, on polls), so several run
    // at once even on two cores; the default (cores - 1) ran them one at a time on a two-core machine.
    // Four there took the two servers' runs from 330 s to about 100 s; six gained some 20 s more but
    // loaded the machine further, and a reply that takes 500 ms gets valkey-cli's timing line, which
    // the tests comparing the terminal's output with valkey-cli's do not expect.
    maxWorkers: Math.max(4, availableParallelism()),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['common/**/*.test.ts', 'server/src/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
          isolate: false,
        },
      },
      integration('integration'),
      ...(process.env.VALKEY8_SERVER?.trim() ? [integration('integration-valkey8', PROCESS_LIFECYCLE_FILES)] : []),
    ],
  },
})
