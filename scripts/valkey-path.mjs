#!/usr/bin/env node
// @ts-check
/**
 * Prints, as JSON, the valkey-server `npm start` would embed (provisioning it
 * if needed). Used by the integration tests' global setup when they are run
 * directly with vitest rather than through `npm test`.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureValkey } from './lib/valkey.mjs'
import { fatal } from './lib/preflight.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
try {
  const valkey = await ensureValkey(root)
  process.stdout.write(JSON.stringify(valkey) + '\n')
} catch (error) {
  fatal(error)
}
