#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: everything, from a fresh clone.
 *
 * Bootstraps exactly as `npm start` does (npm dependencies, valkey-server),
 * plus Chromium for the browser tests, nginx for the load-balancer tests,
 * a Valkey 8 for the compatibility
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

/**
 * Runs several stages at the same time: each is one single-threaded process, so on two cores the
 * longest alone sets the time. Each one's output is collected and printed under its own heading
 * when it ends, so the outputs never interleave; all of them finish, and then the first failure
 * ends `npm test`.
 * @param {{ name: string, script: string, args: string[] }[]} stages
 * @param {NodeJS.ProcessEnv} env
 */
async function stagesAtOnce(stages, env) {
  const { run } = await import('./lib/progress.mjs')
  console.log(`\n━━ At once: ${stages.map(({ name }) => name).join(', ')}`)
  const started = Date.now()
  const results = await Promise.all(
    stages.map(async ({ name, script, args }) => {
      /** @type {unknown} */
      let failure = null
      const output = await run(process.execPath, [path.join(root, 'node_modules', script), ...args], { cwd: root, env }).catch(
        (/** @type {unknown} */ error) => {
          failure = error
          return /** @type {{ output?: string }} */ (error).output ?? ''
        }
      )
      const seconds = (Date.now() - started) / 1000
      console.log(`\n━━ ${name}: ${failure ? 'failed' : 'passed'} (${seconds.toFixed(1)} s)`)
      if (output.trim()) console.log(output.trimEnd())
      // With its output shown above, the failure only needs to be named; without (it did not start), it says why.
      return { name, seconds, failure: failure && output.trim() ? new Error(`${name} failed (its output is above)`) : failure }
    })
  )
  for (const { name, seconds } of results) summary.push({ name, seconds })
  const failed = results.find(({ failure }) => failure)
  if (failed) throw failed.failure
}

try {
  checkNode()
  await ensureDependencies(root)
  const { ensureValkey, ensureValkey8 } = await import('./lib/valkey.mjs')
  const { ensureRedis7 } = await import('./lib/redis.mjs')
  const { ensureChromium } = await import('./lib/chromium.mjs')
  const { ensureNginx } = await import('./lib/nginx.mjs')
  const { ensureWebBuild } = await import('./lib/webBuild.mjs')

  const valkey = await ensureValkey(root)
  console.log(`✓ Valkey ${valkey.version} (${valkey.origin})`)
  const valkey8 = await ensureValkey8(root)
  if ('binary' in valkey8) console.log(`✓ Valkey ${valkey8.version} for compatibility tests (${valkey8.origin})`)
  const redis7 = await ensureRedis7(root)
  if ('binary' in redis7) console.log(`✓ Redis ${redis7.version} for inspect-mode tests (${redis7.origin})`)
  const chromium = await ensureChromium()
  console.log(`✓ Chromium (${chromium})`)
  const nginx = await ensureNginx()
  console.log(`✓ nginx (${nginx})`)

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, VALKEY_SERVER: valkey.binary, VALKEY_CLI: valkey.cli ?? '', CHROMIUM_PATH: chromium, NGINX_PATH: nginx }
  // Only what was provisioned here: a caller's own exports were already checked by the provisioning.
  delete env.REDIS_SERVER
  delete env.VALKEY8_SERVER
  delete env.VALKEY8_CLI
  // The other servers are inspect-mode targets; with VALKEY8_SERVER set, vitest.config.ts also adds the
  // project that runs the integration files again on Valkey 8 (the compatibility run), in the same
  // vitest run so the two share its workers instead of running one after the other.
  const vitestEnv = {
    ...env,
    ...('binary' in redis7 ? { REDIS_SERVER: redis7.binary } : {}),
    ...('binary' in valkey8 ? { VALKEY8_SERVER: valkey8.binary, VALKEY8_CLI: valkey8.cli ?? process.env.VALKEY8_CLI ?? '' } : {}),
  }

  // The static checks first, all three at once: a formatting, lint or type slip fails in well under
  // a minute instead of after the browser tests.
  await stagesAtOnce(
    [
      { name: 'Format check (Prettier)', script: 'prettier/bin/prettier.cjs', args: ['--check', '--log-level', 'warn', '.'] },
      { name: 'Lint (ESLint)', script: 'eslint/bin/eslint.js', args: ['--max-warnings', '0', '.'] },
      { name: 'Type check', script: 'typescript/bin/tsc', args: ['-b'] },
    ],
    env
  )
  // Built before the integration tests: their `npm start` processes (lifecycle.test.ts) would
  // otherwise build it, the same files on both servers at once, into the same folder.
  await ensureWebBuild(root)
  const servers = `Valkey ${valkey.version}${'binary' in valkey8 ? `, and again on Valkey ${valkey8.version} for compatibility` : ''}`
  await stage(`Unit and integration tests (${servers})`, 'vitest/vitest.mjs', ['run'], vitestEnv)
  if (!('binary' in redis7)) summary.push({ name: 'Inspect-mode tests on Redis 7', seconds: 0, note: `not run: ${redis7.unavailable}` })
  if (!('binary' in valkey8)) summary.push({ name: 'Valkey 8 compatibility run', seconds: 0, note: `not run: ${valkey8.unavailable}` })
  await stage('Browser tests (Playwright, Chromium)', '@playwright/test/cli.js', ['test', '--config', 'e2e/playwright.config.ts'], env)

  console.log('\n━━ Summary')
  for (const item of summary)
    console.log(`  ${item.note ? '–' : '✓'} ${item.name}${item.note ? ` (${item.note})` : ` (${item.seconds.toFixed(1)} s)`}`)
} catch (error) {
  fatal(error)
}
