// @ts-check
/**
 * @module Finds or provisions valkey-server.
 *
 * The embedded default is Valkey 9.x (hash field expiration). Order:
 *  1. VALKEY_SERVER, if set;
 *  2. a 9.x built earlier into .cache/valkey/<version>;
 *  3. a valkey-server 9.x on the PATH;
 *  4. on Debian: build 9.x once from Debian's own source package (sid), with
 *     libc malloc (the bundled jemalloc does not configure here) and no TLS;
 *  5. a valkey-server 8.x on the PATH (9-only features are then hidden);
 *  6. otherwise stop and say what to install.
 *
 * Valkey 8.0 for the compatibility tests comes from Debian's valkey-tools
 * package, unpacked into .cache (no root, no system service).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, copyFileSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PrivateApt, DEBIAN_MIRROR, debianCodename } from './privateApt.mjs'
import { onPath, run, step } from './progress.mjs'
import { optionalServer, writeWrappers } from './unpackedDebs.mjs'

/** @typedef {{ binary: string, cli: string | null, version: string, origin: string }} ValkeyInstall */

/** @param {string} version @returns {number[]} */
const parts = (version) => version.split('.').map((n) => Number(n) || 0)

/** @param {string} a @param {string} b */
function compareVersions(a, b) {
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

/**
 * The version a valkey-server binary reports, or null if it does not run.
 * @param {string} binary
 */
export async function serverVersion(binary) {
  try {
    const output = await run(binary, ['--version'])
    return /v=(\d+\.\d+\.\d+)/.exec(output)?.[1] ?? null
  } catch {
    return null
  }
}

/** @param {string} root */
const cacheDir = (root) => path.join(root, '.cache', 'valkey')

/**
 * Installs in .cache/valkey whose major version is `major`, newest first.
 * @param {string} root @param {number} major
 * @returns {Promise<ValkeyInstall | null>}
 */
async function cached(root, major) {
  const dir = cacheDir(root)
  if (!existsSync(dir)) return null
  const versions = readdirSync(dir)
    .filter((name) => /^\d+\.\d+\.\d+$/.test(name) && parts(name)[0] === major)
    .sort(compareVersions)
    .reverse()
  for (const version of versions) {
    const binary = path.join(dir, version, 'bin', 'valkey-server')
    if ((await serverVersion(binary)) === version) {
      const cli = path.join(dir, version, 'bin', 'valkey-cli')
      return { binary, cli: existsSync(cli) ? cli : null, version, origin: `cached build in ${path.relative(root, path.dirname(binary))}` }
    }
  }
  return null
}

/**
 * valkey-server on the PATH, if its major version is at least `minMajor` (and at most `maxMajor`).
 * @param {number} minMajor @param {number} [maxMajor]
 * @returns {Promise<ValkeyInstall | null>}
 */
async function fromPath(minMajor, maxMajor = Infinity) {
  if (!(await onPath('valkey-server'))) return null
  const binary = (await run('sh', ['-c', 'command -v valkey-server'])).trim()
  const version = await serverVersion(binary)
  const major = version ? (parts(version)[0] ?? 0) : 0
  if (!version || major < minMajor || major > maxMajor) return null
  const cli = (await onPath('valkey-cli')) ? (await run('sh', ['-c', 'command -v valkey-cli'])).trim() : null
  return { binary, cli, version, origin: `${binary} (PATH)` }
}

/**
 * Builds the newest Valkey 9.x that Debian's sid ships, into .cache/valkey/<version>.
 * @param {string} root
 * @returns {Promise<ValkeyInstall>}
 */
async function buildFromDebianSource(root) {
  for (const tool of ['apt-get', 'make', 'cc', 'tar']) {
    if (!(await onPath(tool))) throw new Error(`building Valkey needs '${tool}' (on Debian: apt-get install build-essential)`)
  }
  const work = path.join(cacheDir(root), 'source')
  mkdirSync(work, { recursive: true })
  const apt = new PrivateApt(path.join(root, '.cache', 'apt', 'sid-source'), [`deb-src ${DEBIAN_MIRROR} sid main`])
  await step("Fetching Valkey's source from Debian (sid)", async () => {
    await apt.update()
    for (const name of readdirSync(work)) rmSync(path.join(work, name), { recursive: true, force: true })
    await apt.apt(['source', '--download-only', 'valkey'], work)
  })
  const tarball = readdirSync(work).find((name) => /^valkey_\d+\.\d+\.\d+\.orig\.tar\.gz$/.test(name))
  if (!tarball) throw new Error(`Debian's valkey source package has no orig tarball (found: ${readdirSync(work).join(', ')})`)
  const version = /^valkey_(\d+\.\d+\.\d+)/.exec(tarball)?.[1] ?? '0.0.0'
  if ((parts(version)[0] ?? 0) < 9) throw new Error(`Debian sid ships Valkey ${version}; the playground needs 9.x`)

  const target = path.join(cacheDir(root), version, 'bin')
  await step(`Building Valkey ${version} from source (once; about 2 minutes)`, async () => {
    const unpacked = path.join(work, 'unpacked')
    mkdirSync(unpacked, { recursive: true })
    await run('tar', ['xzf', path.join(work, tarball), '-C', unpacked, '--strip-components=1'])
    const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length))
    await run('make', [`-j${jobs}`, 'MALLOC=libc', 'BUILD_TLS=no', 'valkey-server', 'valkey-cli'], { cwd: path.join(unpacked, 'src') })
    mkdirSync(target, { recursive: true })
    for (const name of ['valkey-server', 'valkey-cli']) copyFileSync(path.join(unpacked, 'src', name), path.join(target, name))
    rmSync(work, { recursive: true, force: true })
  })
  const binary = path.join(target, 'valkey-server')
  if ((await serverVersion(binary)) !== version) throw new Error(`the Valkey ${version} build does not run`)
  return { binary, cli: path.join(target, 'valkey-cli'), version, origin: `built from Debian source into ${path.relative(root, target)}` }
}

const INSTALL_HELP = `Install Valkey 8.0 or newer so that valkey-server is on the PATH, for example:
  - Debian 12: add bookworm-backports to apt, then apt-get install -t bookworm-backports valkey-server
  - macOS (Homebrew): brew install valkey
  - other systems: see https://valkey.io/download/
or point the playground at a running server: VALKEY_URL=redis://host:port npm start`

/**
 * The valkey-server the playground should embed.
 * @param {string} root
 * @returns {Promise<ValkeyInstall>}
 */
export async function ensureValkey(root) {
  const given = process.env.VALKEY_SERVER?.trim()
  if (given) {
    const version = await serverVersion(given)
    if (!version) throw new Error(`VALKEY_SERVER=${given} does not run as valkey-server`)
    if ((parts(version)[0] ?? 0) < 8) throw new Error(`VALKEY_SERVER is Valkey ${version}; the playground needs 8.0 or newer`)
    return { binary: given, cli: null, version, origin: 'VALKEY_SERVER' }
  }
  const found = (await cached(root, 9)) ?? (await fromPath(9))
  if (found) return found

  let buildError = null
  if (os.platform() === 'linux' && debianCodename()) {
    try {
      return await buildFromDebianSource(root)
    } catch (error) {
      buildError = /** @type {Error} */ (error)
    }
  }
  const older = await fromPath(8)
  if (older) {
    console.log(`! Using Valkey ${older.version} from the PATH: hash field expiration (Valkey 9) is unavailable.`)
    if (buildError) console.log(`  (building Valkey 9 failed: ${buildError.message.split('\n')[0]})`)
    return older
  }
  throw new Error(
    `No valkey-server 8.0+ was found${buildError ? `, and building Valkey 9 failed:\n${buildError.message}\n` : '.\n'}${INSTALL_HELP}`
  )
}

/**
 * A Valkey 8.x for the compatibility tests, or null (with the reason) where none can be had.
 * @param {string} root
 * @returns {Promise<ValkeyInstall | { unavailable: string }>}
 */
export function ensureValkey8(root) {
  return optionalServer({
    env: 'VALKEY8_SERVER',
    label: 'Valkey 8',
    given: async (binary) => {
      const version = await serverVersion(binary)
      return version && parts(version)[0] === 8 ? { binary, cli: null, version, origin: 'VALKEY8_SERVER' } : null
    },
    found: async () => (await cached(root, 8)) ?? (await fromPath(8, 8)),
    unpack: (codename) => unpackDebianValkey8(root, codename),
  })
}

/**
 * Unpacks valkey-tools (which holds the server binary) and the two libraries
 * it needs beside a system Debian, and writes wrappers that find them.
 * @param {string} root @param {string} codename
 * @returns {Promise<ValkeyInstall>}
 */
async function unpackDebianValkey8(root, codename) {
  const apt = new PrivateApt(path.join(root, '.cache', 'apt', `${codename}-binary`), [
    `deb ${DEBIAN_MIRROR} ${codename} main`,
    `deb ${DEBIAN_MIRROR} ${codename}-backports main`,
  ])
  await apt.update()
  const downloads = path.join(cacheDir(root), 'debs')
  rmSync(downloads, { recursive: true, force: true })
  mkdirSync(downloads, { recursive: true })
  await apt.apt(['download', 'valkey-tools', 'libjemalloc2', 'liblzf1'], downloads)
  const tools = readdirSync(downloads).find((name) => name.startsWith('valkey-tools_'))
  const version = tools ? /^valkey-tools_(?:\d+:)?(\d+\.\d+\.\d+)/.exec(tools)?.[1] : undefined
  if (!tools || !version) throw new Error('valkey-tools was not downloaded')
  if (parts(version)[0] !== 8) throw new Error(`Debian ${codename} ships Valkey ${version}, not 8.x`)

  const home = path.join(cacheDir(root), version)
  const unpacked = path.join(home, 'root')
  rmSync(home, { recursive: true, force: true })
  mkdirSync(path.join(home, 'bin'), { recursive: true })
  for (const deb of readdirSync(downloads)) await run('dpkg-deb', ['-x', path.join(downloads, deb), unpacked])
  rmSync(downloads, { recursive: true, force: true })
  // Debian's valkey-server is valkey-check-rdb under another name (argv[0] picks the mode).
  const serverLink = path.join(unpacked, 'usr', 'bin', 'valkey-server')
  if (!existsSync(serverLink)) symlinkSync('valkey-check-rdb', serverLink)
  writeWrappers({ home, unpacked, names: ['valkey-server', 'valkey-cli'], version })
  const binary = path.join(home, 'bin', 'valkey-server')
  if ((await serverVersion(binary)) !== version) throw new Error(`the unpacked Valkey ${version} does not run`)
  return { binary, cli: path.join(home, 'bin', 'valkey-cli'), version, origin: `Debian package unpacked into ${path.relative(root, home)}` }
}
