/**
 * @module The idle sweep, run by one playground process at a time (the directory's sweep lock):
 * recycles every sandbox live in no process that has been idle longer than the limit, or empty
 * for longer than the shorter one; finishes recycles that were left half-way (a flush that
 * failed here, or a process that died between marking and flushing); and gives back a database
 * once found foreign when it has been emptied since.
 *
 * Every recycle still goes through the directory's mark (beginRecycle), which refuses a sandbox
 * that a process took back meanwhile, so the sweep's own reading of the directory may be stale.
 */
import { ControlUnavailableError } from '../control/ControlUnavailableError.ts'
import type { DirectorySnapshot, SandboxDirectory, SandboxRecord } from '../control/SandboxDirectory.ts'
import { placeOfNumber, type SandboxRecycling } from './sandboxRecycling.ts'
import type { SandboxServers } from './sandboxServers.ts'

/** How long one sweep may hold the lock: a sweeper that died lets another sweep after this. */
const SWEEP_LOCK_MS = 5 * 60_000

export type SweepDeps = {
  directory: SandboxDirectory
  servers: SandboxServers
  recycling: SandboxRecycling
  /** The pool's server indexes. */
  serverIndexes: readonly number[]
  /** Whether the number is one of the pool's sandboxes (a record left from a larger pool is left alone). */
  allowed: (number: number) => boolean
  idleMs: number
  emptyIdleMs: number
  now: () => number
  log: (message: string) => void
}

/** One sweep; `snapshot` is null when another process holds the lock (nothing was done). */
export async function sweepOnce(deps: SweepDeps): Promise<{ recycled: number; snapshot: DirectorySnapshot | null }> {
  if (!(await deps.directory.lockSweep(SWEEP_LOCK_MS))) return { recycled: 0, snapshot: null }
  try {
    const snapshot = await deps.directory.load(deps.serverIndexes)
    await finishLeftovers(deps, snapshot)
    await recheckForeign(deps, snapshot)
    const now = deps.now()
    // Seen now: a sandbox whose process dies counts as idle from its last sweep, not its attach.
    await Promise.all(snapshot.records.filter((r) => snapshot.live.has(r.number)).map((r) => deps.directory.touch(r.number)))
    const recycled = new Set<number>()
    for (const record of snapshot.records) {
      if (!deps.allowed(record.number) || snapshot.live.has(record.number)) continue
      if (await guarded(deps, record.number, () => recycleIfIdle(deps, record, now))) recycled.add(record.number)
    }
    // The snapshot as it is after this sweep.
    snapshot.records = snapshot.records.filter((record) => !recycled.has(record.number))
    return { recycled: recycled.size, snapshot }
  } finally {
    await deps.directory.unlockSweep().catch(() => undefined)
  }
}

async function recycleIfIdle(deps: SweepDeps, record: SandboxRecord, now: number): Promise<boolean> {
  const idle = now - record.lastSeenAt
  let why: string
  if (idle >= deps.idleMs) why = 'it was idle'
  else if (idle >= deps.emptyIdleMs && (await deps.servers.size(placeOfNumber(record.number))) === 0) why = 'it was empty'
  else return false
  if ((await deps.directory.beginRecycle(record.number, record.tokenHash)) !== 'marked') return false
  await deps.recycling.finish(record.number, why)
  return true
}

/** Recycles this process began but could not finish, and those of processes that are gone. */
async function finishLeftovers(deps: SweepDeps, snapshot: DirectorySnapshot): Promise<void> {
  for (const mark of snapshot.recycling) {
    const mine = mark.processId === deps.directory.processId
    if (mine ? deps.recycling.busy(mark.number) : !mark.stale) continue
    await guarded(deps, mark.number, async () => {
      if (!mine && !(await deps.directory.takeOverRecycle(mark.number))) return false
      await deps.recycling.finish(mark.number, 'its recycling had been left unfinished')
      return true
    })
  }
}

/** A database found holding someone else's data is handed out again once it is empty. */
async function recheckForeign(deps: SweepDeps, snapshot: DirectorySnapshot): Promise<void> {
  for (const number of snapshot.foreign) {
    if (!deps.allowed(number)) continue
    await guarded(deps, number, async () => (await deps.servers.size(placeOfNumber(number))) === 0 && deps.directory.unmarkForeign(number))
  }
}

/** One sandbox's step: a server that cannot be asked now skips it (the next sweep tries again); a lost control server ends the sweep. */
async function guarded(deps: SweepDeps, number: number, step: () => Promise<boolean>): Promise<boolean> {
  try {
    return await step()
  } catch (error) {
    if (error instanceof ControlUnavailableError) throw error
    deps.log(`sandbox sweep skipped sandbox ${number}: ${(error as Error).message}`)
    return false
  }
}
