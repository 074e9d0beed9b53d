#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: from a fresh clone to a running playground.
 *
 * Installs npm dependencies when missing or stale, provisions valkey-server
 * (unless VALKEY_URL points at one, or --inspect / INSPECT_URL names a server to
 * inspect), builds the page when its sources changed,
 * then runs the server in this same process (TypeScript through tsx).
 */
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ensureDependencies } from './lib/dependencies.mjs'
import { checkNode, fatal } from './lib/preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

try {
  checkNode()
  await ensureDependencies(root)
  const { register } = await import('tsx/esm/api')
  register()
  // A wrong option stops here, before minutes of provisioning (the server checks it again).
  const { checkCommandLine } = await import(pathToFileURL(path.join(root, 'server', 'src', 'commandLine.ts')).href)
  try {
    checkCommandLine(process.argv.slice(2))
  } catch (error) {
    console.error(`Configuration error: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(2)
  }
  // Imported after the install: these modules need nothing from npm, but the
  // server does, and a failed install should stop before any build work.
  const { ensureValkey } = await import('./lib/valkey.mjs')
  const { ensureWebBuild } = await import('./lib/webBuild.mjs')
  // Inspect mode looks at someone's own server: no embedded Valkey is needed.
  const inspecting =
    process.argv.some((arg) => arg === '--inspect' || arg.startsWith('--inspect=')) || Boolean(process.env.INSPECT_URL?.trim())
  if (!process.env.VALKEY_URL && !inspecting) {
    const valkey = await ensureValkey(root)
    process.env.VALKEY_SERVER = valkey.binary
    console.log(`✓ Valkey ${valkey.version} (${valkey.origin})`)
  }
  process.env.WEB_ROOT ||= await ensureWebBuild(root)

  const { main } = await import(pathToFileURL(path.join(root, 'server', 'src', 'main.ts')).href)
  await main()
} catch (error) {
  fatal(error)
}
