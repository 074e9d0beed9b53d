// @ts-check
/**
 * @module apt with a configuration of our own, under .cache/apt.
 *
 * Lets the bootstrap fetch Debian packages and sources (Valkey's source from
 * sid, Valkey 8 binaries from backports) without root, without touching the
 * system's apt sources and without installing anything system-wide.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { run } from './progress.mjs'

export const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian'

/** The running Debian release's code name (bookworm, trixie...), or null elsewhere. */
export function debianCodename() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8')
    if (!/^ID=debian$/m.test(release) && !/^ID_LIKE=.*debian/m.test(release)) return null
    return /^VERSION_CODENAME=(\w+)/m.exec(release)?.[1] ?? null
  } catch {
    return null
  }
}

export class PrivateApt {
  /**
   * @param {string} folder where lists, archives and the sources file live
   * @param {string[]} sources lines for sources.list
   */
  constructor(folder, sources) {
    this.folder = folder
    this.sources = sources
  }

  /** Options that point every apt path at our folder. */
  options() {
    const f = this.folder
    const options = [
      `Dir::Etc::SourceList=${path.join(f, 'sources.list')}`,
      'Dir::Etc::SourceParts=/nonexistent',
      `Dir::State::Lists=${path.join(f, 'lists')}`,
      `Dir::Cache=${path.join(f, 'cache')}`,
      'Debug::NoLocking=1',
      'Acquire::Retries=3',
    ]
    // As root, apt would drop to the _apt user, which cannot write our folder.
    if (process.getuid?.() === 0) options.push('APT::Sandbox::User=root')
    return options.flatMap((option) => ['-o', option])
  }

  /** Writes the configuration and downloads the package lists (once per hour at most). */
  async update() {
    const f = this.folder
    for (const dir of ['lists/partial', 'cache/archives/partial']) mkdirSync(path.join(f, dir), { recursive: true })
    const listFile = path.join(f, 'sources.list')
    const wanted = this.sources.join('\n') + '\n'
    const stamp = path.join(f, 'updated-at')
    const fresh =
      existsSync(listFile) &&
      readFileSync(listFile, 'utf8') === wanted &&
      existsSync(stamp) &&
      Date.now() - Number(readFileSync(stamp, 'utf8')) < 3_600_000
    if (fresh) return
    writeFileSync(listFile, wanted)
    await run('apt-get', [...this.options(), 'update'])
    writeFileSync(stamp, String(Date.now()))
  }

  /**
   * Runs an apt-get subcommand with our configuration.
   * @param {string[]} args
   * @param {string} cwd
   */
  apt(args, cwd) {
    return run('apt-get', [...this.options(), ...args], { cwd })
  }
}
