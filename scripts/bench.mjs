#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: bootstraps like `npm start` (dependencies, valkey-server),
 * then runs bench/run.ts, which prints figures and writes bench/results/.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDependencies } from './lib/dependencies.mjs'
import { checkNode, fatal } from './lib/preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

try {
  checkNode()
  await ensureDependencies(root)
  const { ensureValkey } = await import('./lib/valkey.mjs')
  const { ensureWebBuild } = await import('./lib/webBuild.mjs')
  const valkey = await ensureValkey(root)
  await ensureWebBuild(root)
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VALKEY_SERVER: valkey.binary, WEB_ROOT: path.join(root, 'web', 'dist') },
  })
  child.on('exit', (code) => process.exit(code ?? 1))
} catch (error) {
  fatal(error)
}
