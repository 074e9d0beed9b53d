#!/usr/bin/env node
// @ts-check
/**
 * `npm run dev`: the playground server (API and WebSocket on PLAYGROUND_PORT,
 * default 8080) plus Vite's dev server with hot reload, which forwards /ws and /api to it.
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
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, PORT: process.env.PLAYGROUND_PORT ?? '8080', HOST: '127.0.0.1' }
  if (!env.VALKEY_URL) env.VALKEY_SERVER = (await ensureValkey(root)).binary
  delete env.WEB_ROOT
  const children = [
    spawn(process.execPath, ['--import', 'tsx', '--eval', "import('./server/src/main.ts').then((m) => m.main())"], {
      cwd: root,
      env,
      stdio: 'inherit',
    }),
    spawn(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), '--config', 'web/vite.config.ts'], {
      cwd: root,
      env,
      stdio: 'inherit',
    }),
  ]
  const stop = () => children.forEach((child) => child.kill('SIGTERM'))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  for (const child of children) child.on('exit', stop)
} catch (error) {
  fatal(error)
}
