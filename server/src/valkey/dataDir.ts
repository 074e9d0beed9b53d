/**
 * @module The embedded Valkey's data folder: made, cleared on request (--fresh), and locked to
 * one playground at a time (two servers appending to one file would corrupt it).
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export type DataDir = { dir: string; keep: boolean; release(): Promise<void> }

const LOCK = 'playground.lock'
/** Folders held by playgrounds of this process (the lock file's pid cannot tell those apart). */
const heldHere = new Set<string>()

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** `dir` null: a temporary folder, durable across Valkey restarts of this run only. */
export async function prepareDataDir(dir: string | null, fresh: boolean): Promise<DataDir> {
  if (dir === null) {
    const temporary = await mkdtemp(path.join(os.tmpdir(), 'valkey-playground-data-'))
    return { dir: temporary, keep: false, release: () => rm(temporary, { recursive: true, force: true }) }
  }
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const key = path.resolve(dir)
  if (heldHere.has(key))
    throw new Error(
      `another playground (pid ${process.pid}) is using the data folder ${dir}; stop it, or set another PORT or VALKEY_DATA_DIR`
    )
  const lock = path.join(dir, LOCK)
  try {
    await writeFile(lock, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim())
    if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new Error(
        `another playground (pid ${holder}) is using the data folder ${dir}; stop it, or set another PORT or VALKEY_DATA_DIR`,
        { cause: error }
      )
    }
    // Left by a playground that did not stop cleanly (kill -9): it is ours now.
    await writeFile(lock, String(process.pid))
  }
  if (fresh) {
    for (const entry of await readdir(dir)) if (entry !== LOCK) await rm(path.join(dir, entry), { recursive: true, force: true })
  }
  heldHere.add(key)
  return {
    dir,
    keep: true,
    release: async () => {
      heldHere.delete(key)
      await rm(lock, { force: true })
    },
  }
}
