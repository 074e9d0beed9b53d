// @ts-check
/**
 * @module Builds the page when its sources changed since the last build.
 *
 * The stamp is a hash of the sources' contents (not their times, which a git
 * checkout resets), so an unchanged tree starts at once.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run, step } from './progress.mjs'

/** Everything the bundle is made from. */
const INPUTS = ['web', 'common', 'missions', 'package-lock.json']

/** @param {string} root @param {string} entry @param {import('node:crypto').Hash} hash */
function addToHash(root, entry, hash) {
  const full = path.join(root, entry)
  if (!existsSync(full)) return
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) {
      if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue
      addToHash(root, path.join(entry, name), hash)
    }
    return
  }
  hash.update(entry).update('\0').update(readFileSync(full)).update('\0')
}

/** @param {string} root */
export function sourceHash(root) {
  const hash = createHash('sha256')
  for (const entry of INPUTS) addToHash(root, entry, hash)
  return hash.digest('hex')
}

/**
 * @param {string} root
 * @returns {Promise<string>} the folder with the built page
 */
export async function ensureWebBuild(root) {
  const dist = path.join(root, 'web', 'dist')
  const stamp = path.join(dist, '.source-hash')
  const wanted = sourceHash(root)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(path.join(dist, 'index.html'))) {
    return dist
  }
  await step('Building the web app', () =>
    run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'], {
      cwd: root,
    })
  )
  writeFileSync(stamp, wanted)
  return dist
}
