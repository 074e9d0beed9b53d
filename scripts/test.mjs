#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: everything, from a fresh clone.
 *
 * Bootstraps exactly as `npm start` does (npm dependencies, valkey-server),
 * plus Chromium for the browser tests and a Valkey 8 for the compatibility
 * run, then: the format check, lint, type checks, unit tests, integration
 * tests against the real embedded Valkey 9 (and again against Valkey 8), and
 * Playwright in Chromium.
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
  const { ensureChromium } = await import('./lib/chromium.mjs')
  const { ensureWebBuild } = await import('./lib/webBuild.mjs')

  const valkey = await ensureValkey(root)
  console.log(`✓ Valkey ${valkey.version} (${valkey.origin})`)
  const valkey8 = await ensureValkey8(root)
  if ('binary' in valkey8) console.log(`✓ Valkey ${valkey8.version} for compatibility tests (${valkey8.origin})`)
  const chromium = await ensureChromium()
  console.log(`✓ Chromium (${chromium})`)

  const env = { ...process.env, VALKEY_SERVER: valkey.binary, VALKEY_CLI: valkey.cli ?? '', CHROMIUM_PATH: chromium }

  // Cheapest first, in the order CI pipelines usually run them: a formatting or lint slip fails in
  // seconds instead of after the browser tests.
  await stage('Format check (Prettier)', 'prettier/bin/prettier.cjs', ['--check', '--log-level', 'warn', '.'], env)
  await stage('Lint (ESLint)', 'eslint/bin/eslint.js', ['--max-warnings', '0', '.'], env)
  await stage('Type check', 'typescript/bin/tsc', ['-b'], env)
  await stage(`Unit and integration tests (Valkey ${valkey.version})`, 'vitest/vitest.mjs', ['run'], env)
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
