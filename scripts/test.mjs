#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: everything, from a fresh clone.
 *
 * Bootstraps exactly as `npm start` does (npm dependencies, valkey-server),
 * plus Chromium for the browser tests, a Valkey 8 for the compatibility
 * run and a Redis 7 (with that Valkey 8) as inspect-mode targets, then: the
 * format check, lint, type checks, unit tests, integration tests against the
 * real embedded Valkey 9 (and again against Valkey 8), and Playwright in
 * Chromium.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDependencies } from './lib/dependencies.mjs'
import { checkNode, fatal } from './lib/preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** @type {{ name: string, seconds: number, note?: string }[]} */
const summary = []

/**
 * @param {string} name
 * @param {string} script path under node_modules
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
async function stage(name, script, args, env = process.env) {
  const { run } = await import('./lib/progress.mjs')
  console.log(`\n━━ ${name}`)
  const started = Date.now()
  await run(process.execPath, [path.join(root, 'node_modules', script), ...args], { cwd: root, env, inherit: true })
  summary.push({ name, seconds: (Date.now() - started) / 1000 })
}

try {
  checkNode()
  await ensureDependencies(root)
  const { ensureValkey, ensureValkey8 } = await import('./lib/valkey.mjs')
  const { ensureRedis7 } = await import('./lib/redis.mjs')
  const { ensureChromium } = await import('./lib/chromium.mjs')
  const { ensureWebBuild } = await import('./lib/webBuild.mjs')

  const valkey = await ensureValkey(root)
  console.log(`✓ Valkey ${valkey.version} (${valkey.origin})`)
  const valkey8 = await ensureValkey8(root)
  if ('binary' in valkey8) console.log(`✓ Valkey ${valkey8.version} for compatibility tests (${valkey8.origin})`)
  const redis7 = await ensureRedis7(root)
  if ('binary' in redis7) console.log(`✓ Redis ${redis7.version} for inspect-mode tests (${redis7.origin})`)
  const chromium = await ensureChromium()
  console.log(`✓ Chromium (${chromium})`)

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, VALKEY_SERVER: valkey.binary, VALKEY_CLI: valkey.cli ?? '', CHROMIUM_PATH: chromium }
  // The other servers are inspect-mode targets of the first test run only: the Valkey 8 compatibility run
  // repeats the tests of the embedded server, which would only start the same targets again (so they go
  // even when the caller exported them).
  delete env.REDIS_SERVER
  delete env.VALKEY8_SERVER
  const inspectTargetsEnv = {
    ...env,
    ...('binary' in redis7 ? { REDIS_SERVER: redis7.binary } : {}),
    ...('binary' in valkey8 ? { VALKEY8_SERVER: valkey8.binary } : {}),
  }

  // Cheapest first, in the order CI pipelines usually run them: a formatting or lint slip fails in
  // seconds instead of after the browser tests.
  await stage('Format check (Prettier)', 'prettier/bin/prettier.cjs', ['--check', '--log-level', 'warn', '.'], env)
  await stage('Lint (ESLint)', 'eslint/bin/eslint.js', ['--max-warnings', '0', '.'], env)
  await stage('Type check', 'typescript/bin/tsc', ['-b'], env)
  await stage(`Unit and integration tests (Valkey ${valkey.version})`, 'vitest/vitest.mjs', ['run'], inspectTargetsEnv)
  if (!('binary' in redis7)) summary.push({ name: 'Inspect-mode tests on Redis 7', seconds: 0, note: `not run: ${redis7.unavailable}` })
  if ('binary' in valkey8) {
    await stage(
      `Integration tests again on Valkey ${valkey8.version} (compatibility)`,
      'vitest/vitest.mjs',
      ['run', '--project', 'integration'],
      {
        ...env,
        VALKEY_SERVER: valkey8.binary,
        VALKEY_CLI: valkey8.cli ?? '',
      }
    )
  } else {
    summary.push({ name: 'Valkey 8 compatibility run', seconds: 0, note: `not run: ${valkey8.unavailable}` })
  }
  await ensureWebBuild(root)
  await stage('Browser tests (Playwright, Chromium)', '@playwright/test/cli.js', ['test', '--config', 'e2e/playwright.config.ts'], env)

  console.log('\n━━ Summary')
  for (const item of summary)
    console.log(`  ${item.note ? '–' : '✓'} ${item.name}${item.note ? ` (${item.note})` : ` (${item.seconds.toFixed(1)} s)`}`)
} catch (error) {
  fatal(error)
}
