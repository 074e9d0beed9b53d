// @ts-check
/**
 * @module npm dependencies: installed when missing or when package-lock.json
 * changed since the last install, so `npm start` works without `npm install`.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { run, step } from './progress.mjs'

/** @param {string} root */
function lockHash(root) {
  const lock = path.join(root, 'package-lock.json')
  const source = existsSync(lock) ? lock : path.join(root, 'package.json')
  return createHash('sha256').update(readFileSync(source)).digest('hex')
}

/**
 * @param {string} root project folder
 * @returns {Promise<void>}
 */
export async function ensureDependencies(root) {
  const stamp = path.join(root, 'node_modules', '.playground-lock-hash')
  const wanted = lockHash(root)
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return
  const hasLock = existsSync(path.join(root, 'package-lock.json'))
  await step('Installing npm dependencies', () =>
    run('npm', [hasLock ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root })
  )
  writeFileSync(stamp, wanted)
}
