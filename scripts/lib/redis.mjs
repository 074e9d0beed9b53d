// @ts-check
/**
 * @module Provisions a Redis 7 server for the inspect-mode integration tests.
 *
 * Inspect mode connects to servers the playground does not run itself, so its
 * tests also run against Redis 7.0 (the last Redis under a BSD licence, and
 * the base Valkey forked from). Order:
 *  1. REDIS_SERVER, if set (it must be a Redis 7.x);
 *  2. an unpack made earlier into .cache/redis/<version>;
 *  3. on Debian: Debian's redis-tools package (bookworm ships 7.0.15; it holds
 *     the server binary), unpacked into .cache with the libraries it needs
 *     beside a minimal system (no root, no system service);
 *  4. otherwise: unavailable, with the reason.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { PrivateApt, DEBIAN_MIRROR } from './privateApt.mjs'
import { run } from './progress.mjs'
import { optionalServer, unpackedLibraryPath, writeWrappers } from './unpackedDebs.mjs'

/** @typedef {{ binary: string, cli: string | null, version: string, origin: string }} RedisInstall */

/** Debian's security archive is not on the ordinary mirrors (DEBIAN_MIRROR may point at one of those). */
const DEBIAN_SECURITY_MIRROR = process.env.DEBIAN_SECURITY_MIRROR || 'http://deb.debian.org/debian-security'

/**
 * Libraries redis-tools depends on that a minimal Debian (the debian:12-slim image) lacks but a
 * fuller one has: taken from Debian only when missing, so that the system's own (security-updated)
 * copies are not shadowed. libjemalloc2 and liblzf1 are fetched always (see unpackDebianRedis7).
 */
const LIBRARIES_IF_MISSING = ['libatomic1', 'libssl3']

/**
 * The version a redis-server binary reports, or null if it does not run or is not Redis
 * (valkey-server 7.2 would report 7.x as well, but the point is testing against Redis itself).
 * @param {string} binary
 */
export async function redisVersion(binary) {
  try {
    const output = await run(binary, ['--version'])
    return /^Redis server v=(\d+\.\d+\.\d+)/m.exec(output)?.[1] ?? null
  } catch {
    return null
  }
}

/** @param {string | null} version */
const isRedis7 = (version) => version?.split('.')[0] === '7'

/** @param {string} root */
const cacheDir = (root) => path.join(root, '.cache', 'redis')

/**
 * A Redis 7.x unpacked earlier into .cache/redis, newest first.
 * @param {string} root
 * @returns {Promise<RedisInstall | null>}
 */
async function cached(root) {
  const dir = cacheDir(root)
  if (!existsSync(dir)) return null
  const versions = readdirSync(dir)
    .filter((name) => /^7\.\d+\.\d+$/.test(name))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
  for (const version of versions) {
    const binary = path.join(dir, version, 'bin', 'redis-server')
    // The wrappers hold absolute paths: after the checkout moved, this fails and we unpack again.
    if ((await redisVersion(binary)) === version) {
      const cli = path.join(dir, version, 'bin', 'redis-cli')
      return {
        binary,
        cli: existsSync(cli) ? cli : null,
        version,
        origin: `Debian package unpacked into ${path.relative(root, path.join(dir, version))}`,
      }
    }
  }
  return null
}

/**
 * A Redis 7.x for the inspect-mode tests, or the reason there is none.
 * @param {string} root
 * @returns {Promise<RedisInstall | { unavailable: string }>}
 */
export function ensureRedis7(root) {
  return optionalServer({
    env: 'REDIS_SERVER',
    label: 'Redis 7',
    given: async (binary) => {
      const version = await redisVersion(binary)
      return isRedis7(version) ? { binary, cli: null, version: /** @type {string} */ (version), origin: 'REDIS_SERVER' } : null
    },
    found: () => cached(root),
    unpack: (codename) => unpackDebianRedis7(root, codename),
  })
}

/**
 * True when dpkg says the package is installed on this system.
 * @param {string} name
 */
async function installed(name) {
  try {
    return (await run('dpkg-query', ['-W', '-f=${Status}', name])).includes('install ok installed')
  } catch {
    return false
  }
}

/**
 * apt for the release we run on, with its security suite where it has one (sid has none): that is
 * where Debian puts Redis's security fixes between point releases. A mirror without the security
 * archive still gives the point release's build, so we fall back to the main suite alone.
 * @param {string} root @param {string} codename
 */
async function redisApt(root, codename) {
  const folder = path.join(root, '.cache', 'apt', `${codename}-redis`)
  const main = `deb ${DEBIAN_MIRROR} ${codename} main`
  if (codename !== 'sid') {
    const apt = new PrivateApt(folder, [main, `deb ${DEBIAN_SECURITY_MIRROR} ${codename}-security main`])
    try {
      await apt.update()
      return apt
    } catch {
      // Fall through to the main suite alone.
    }
  }
  const apt = new PrivateApt(folder, [main])
  await apt.update()
  return apt
}

/**
 * Unpacks redis-tools (Debian ships the server binary there, as redis-check-rdb: redis-server is
 * only a symlink to it, in the redis-server package, which also brings a system service) plus the
 * libraries it needs that this system lacks, and writes wrappers that find them.
 * @param {string} root @param {string} codename
 * @returns {Promise<RedisInstall>}
 */
async function unpackDebianRedis7(root, codename) {
  const apt = await redisApt(root, codename)
  const downloads = path.join(cacheDir(root), 'debs')
  rmSync(downloads, { recursive: true, force: true })
  mkdirSync(downloads, { recursive: true })
  const missing = []
  for (const name of LIBRARIES_IF_MISSING) if (!(await installed(name))) missing.push(name)
  await apt.apt(['download', 'redis-tools', 'libjemalloc2', 'liblzf1', ...missing], downloads)
  const tools = readdirSync(downloads).find((name) => name.startsWith('redis-tools_'))
  // File names carry the epoch URL-encoded: redis-tools_5%3a7.0.15-1~deb12u10_amd64.deb.
  const version = tools ? /^redis-tools_(?:\d+%3a)?(\d+\.\d+\.\d+)/.exec(tools)?.[1] : undefined
  if (!tools || !version) throw new Error('redis-tools was not downloaded')
  if (!isRedis7(version)) throw new Error(`Debian ${codename} ships Redis ${version}, not 7.x`)

  const home = path.join(cacheDir(root), version)
  const unpacked = path.join(home, 'root')
  rmSync(home, { recursive: true, force: true })
  mkdirSync(path.join(home, 'bin'), { recursive: true })
  for (const deb of readdirSync(downloads)) await run('dpkg-deb', ['-x', path.join(downloads, deb), unpacked])
  rmSync(downloads, { recursive: true, force: true })
  // argv[0] picks the mode of Debian's single binary: named redis-server, it is the server.
  const serverLink = path.join(unpacked, 'usr', 'bin', 'redis-server')
  if (!existsSync(serverLink)) symlinkSync('redis-check-rdb', serverLink)
  const libs = unpackedLibraryPath(unpacked)

  // Say which library is missing rather than only "does not run".
  const lddOutput = await run('ldd', [serverLink], { env: { ...process.env, LD_LIBRARY_PATH: libs } }).catch(() => '')
  const notFound = lddOutput
    .split('\n')
    .filter((line) => line.includes('not found'))
    .map((line) => line.trim().split(' ')[0])
  if (notFound.length > 0) throw new Error(`the unpacked Redis ${version} lacks ${notFound.join(', ')}`)

  writeWrappers({ home, unpacked, names: ['redis-server', 'redis-cli'], version })
  const binary = path.join(home, 'bin', 'redis-server')
  if ((await redisVersion(binary)) !== version) throw new Error(`the unpacked Redis ${version} does not run`)
  return { binary, cli: path.join(home, 'bin', 'redis-cli'), version, origin: `Debian package unpacked into ${path.relative(root, home)}` }
}
