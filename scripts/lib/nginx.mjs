// @ts-check
/**
 * @module Debian's nginx for the load-balancer tests (server/test/fleet/).
 *
 * The tests run the binary only, as their own child with their own prefix and configuration file
 * (`nginx -p DIR -c FILE`); the system's nginx service is never started or used. So when apt
 * installs the package (as root, when it is missing), service starts are refused for the length
 * of the install the way Debian's invoke-rc.d documents: a policy-rc.d that exits 101.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { onPath, run, step } from './progress.mjs'

export const NGINX = process.env.NGINX_PATH || '/usr/sbin/nginx'

const POLICY = '/usr/sbin/policy-rc.d'

/** @returns {Promise<string>} the nginx binary's path */
export async function ensureNginx() {
  if (existsSync(NGINX)) return NGINX
  if (process.getuid?.() !== 0 || !(await onPath('apt-get'))) {
    throw new Error(
      `The load-balancer tests need nginx at ${NGINX}. Install it (Debian: sudo apt-get install nginx; ` +
        `the tests never use its service), or set NGINX_PATH.`
    )
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await step('Installing nginx with apt (for the load-balancer tests; its service is not started)', async () => {
    // A policy already there (container images have one) is the machine's own: left as it is.
    const ours = !existsSync(POLICY)
    if (ours)
      writeFileSync(POLICY, '#!/bin/sh\n# Written by npm test while it installs nginx: no service starts.\nexit 101\n', { mode: 0o755 })
    try {
      await run('apt-get', ['update'], { env })
      await run('apt-get', ['install', '-y', '--no-install-recommends', 'nginx'], { env })
    } finally {
      if (ours) rmSync(POLICY, { force: true })
    }
  })
  if (!existsSync(NGINX)) throw new Error(`apt installed nginx, but ${NGINX} does not exist`)
  return NGINX
}
