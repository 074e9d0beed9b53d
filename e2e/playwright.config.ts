import { defineConfig } from '@playwright/test'

/**
 * The browser tests start the playground exactly as a user does
 * (`node scripts/start.mjs`, i.e. `npm start`) and drive Debian's Chromium:
 * Playwright cannot download its own browser on these machines.
 */
const port = Number(process.env.E2E_PORT ?? 4178)
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: './tests',
  timeout: 45_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  // A test that passes only on its retry is a defect, not luck: the run fails and the report names it
  // flaky (the retry is kept so the report can tell a flaky test from a broken one).
  retries: process.env.CI ? 1 : 0,
  failOnFlakyTests: true,
  reporter: [['list']],
  outputDir: '../test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node scripts/start.mjs',
    cwd: '..',
    url: `http://127.0.0.1:${port}/healthz`,
    // Every run starts from an empty server: sandboxes of earlier runs would otherwise come back.
    // The instructor key is fixed so the instructor tests can open #/teach (fixtures/InstructorPage.ts).
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SANDBOX_MAX: '200',
      PLAYGROUND_FRESH: '1',
      INSTRUCTOR_KEY: 'e2e-instructor-key-0123456789',
    },
    reuseExistingServer: !process.env.CI,
    // A first run may build Valkey from source.
    timeout: 600_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
})
