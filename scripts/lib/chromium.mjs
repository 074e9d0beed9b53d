// @ts-check
/**
 * @module Debian's Chromium for the Playwright tests.
 *
 * Playwright cannot download its own browser on these machines, so the tests
 * drive /usr/bin/chromium; it is installed with apt when missing (as root).
 */
import { existsSync } from 'node:fs'
import { onPath, run, step } from './progress.mjs'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** @returns {Promise<string>} the browser's path */
export async function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM
  if (process.getuid?.() !== 0 || !(await onPath('apt-get'))) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}. Install it (Debian: sudo apt-get install chromium), or set CHROMIUM_PATH.`
    )
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await step('Installing Chromium with apt (for the browser tests)', async () => {
    await run('apt-get', ['update'], { env })
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env })
  })
  if (!existsSync(CHROMIUM)) throw new Error(`apt installed chromium, but ${CHROMIUM} does not exist`)
  return CHROMIUM
}
