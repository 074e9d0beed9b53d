// @ts-check
/**
 * @module Programs from Debian packages unpacked into .cache (dpkg-deb -x, no root, no system
 * service): a wrapper script per program that finds the libraries unpacked beside it, for Valkey 8
 * and Redis 7, the servers the tests compare with.
 */
import { chmodSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { debianCodename } from './privateApt.mjs'
import { onPath, step } from './progress.mjs'

/**
 * The LD_LIBRARY_PATH of an unpacked tree: every folder under its usr/lib.
 * @param {string} unpacked
 */
export function unpackedLibraryPath(unpacked) {
  const libDir = path.join(unpacked, 'usr', 'lib')
  return readdirSync(libDir)
    .map((name) => path.join(libDir, name))
    .join(':')
}

/**
 * Writes `<home>/bin/<name>` for each program: it runs usr/bin/<name> of the unpacked tree with
 * its libraries first on the library path.
 * @param {{ home: string, unpacked: string, names: string[], version: string }} options
 */
export function writeWrappers({ home, unpacked, names, version }) {
  const libs = unpackedLibraryPath(unpacked)
  for (const name of names) {
    const wrapper = path.join(home, 'bin', name)
    writeFileSync(
      wrapper,
      `#!/bin/sh\n# Runs Debian's ${name} ${version} unpacked beside this file.\nLD_LIBRARY_PATH="${libs}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "${path.join(unpacked, 'usr', 'bin', name)}" "$@"\n`
    )
    chmodSync(wrapper, 0o755)
  }
}

/** @typedef {{ binary: string, cli: string | null, version: string, origin: string }} ServerInstall */

/**
 * A server the tests compare with, which may be missing: the one `env` names if it is the right
 * one, else one found already (a cache, the PATH), else Debian's package unpacked once; or why
 * there is none, so the tests that need it can say so instead of failing.
 * @param {{ env: string, label: string, given: (binary: string) => Promise<ServerInstall | null>,
 *   found: () => Promise<ServerInstall | null>, unpack: (codename: string) => Promise<ServerInstall> }} how
 * @returns {Promise<ServerInstall | { unavailable: string }>}
 */
export async function optionalServer({ env, label, given, found, unpack }) {
  const named = process.env[env]?.trim()
  if (named) return (await given(named)) ?? { unavailable: `${env}=${named} is not a working ${label}` }
  const existing = await found()
  if (existing) return existing
  const codename = debianCodename()
  if (!codename || !(await onPath('apt-get')) || !(await onPath('dpkg-deb'))) {
    return { unavailable: `no ${label} on this machine (set ${env} to run them)` }
  }
  try {
    return await step(`Fetching ${label} from Debian's packages`, () => unpack(codename))
  } catch (error) {
    return { unavailable: `fetching ${label} from Debian failed: ${/** @type {Error} */ (error).message.split('\n')[0]}` }
  }
}
