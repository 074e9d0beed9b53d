// @ts-check
/**
 * @module Programs from Debian packages unpacked into .cache (dpkg-deb -x, no root, no system
 * service): a wrapper script per program that finds the libraries unpacked beside it, for Valkey 8
 * and Redis 7, the servers the tests compare with.
 */
import { chmodSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

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
