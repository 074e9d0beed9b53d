/**
 * @module Reads the whole sandbox directory back from the control server: at start, and for the
 * sweep. Not one atomic snapshot (a pipeline of reads): each record is read whole, but claims may
 * change between the reads, so decisions are still taken by the scripts.
 */
import type { AdminClient } from '../valkey/adminClient.ts'
import { ControlUnavailableError } from './ControlUnavailableError.ts'
import { controlCall, runScript } from './controlCall.ts'
import { LIVE_NUMBERS } from './directoryScripts.ts'
import { CLAIMS_PREFIX, PROCESS_PREFIX, SANDBOX_PREFIX, SANDBOXES } from './keys.ts'
import { sandboxNumber } from '../pool/sandboxNumber.ts'
import { parseRecord, type SandboxRecord } from './sandboxRecord.ts'

export type DirectorySnapshot = {
  records: SandboxRecord[]
  /** Records without the per-number state the scripts need (written by an older version); load() adopts them. */
  orphans: SandboxRecord[]
  /** Numbers live in some process whose heartbeat is fresh. */
  live: Set<number>
  /** Numbers being recycled, by whom, and whether that process is gone (its mark can be taken over). */
  recycling: { number: number; processId: string; stale: boolean }[]
  foreign: number[]
}

const toObject = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

export async function readDirectory(control: AdminClient, servers: readonly number[]): Promise<DirectorySnapshot> {
  const stored = toObject((await controlCall(control, 'hgetall', SANDBOXES)) as string[])
  const parsed: SandboxRecord[] = []
  for (const [tokenHash, json] of Object.entries(stored)) {
    const record = parseRecord(tokenHash, json, null)
    // A corrupt entry is dropped; its database then reads as foreign until flushed.
    if (record) parsed.push(record)
  }
  const pipeline = control.pipeline()
  for (const record of parsed) pipeline.call('hgetall', SANDBOX_PREFIX + record.number)
  for (const server of servers) pipeline.call('hgetall', CLAIMS_PREFIX + server)
  const results = await pipeline.exec().catch((error: Error) => {
    throw new ControlUnavailableError(error.message)
  })
  const reply = (i: number): string[] => {
    const [error, value] = results?.[i] ?? [new ControlUnavailableError('no reply')]
    if (error) throw error
    return value as string[]
  }
  const snapshot: DirectorySnapshot = { records: [], orphans: [], live: new Set(), recycling: [], foreign: [] }
  parsed.forEach((candidate, i) => {
    const state = toObject(reply(i))
    if (state.token === candidate.tokenHash) snapshot.records.push(parseRecord(candidate.tokenHash, stored[candidate.tokenHash]!, state)!)
    else if (state.token === undefined) snapshot.orphans.push(candidate)
  })
  for (const [i, server] of servers.entries()) {
    for (const [db, holder] of Object.entries(toObject(reply(parsed.length + i)))) {
      const number = sandboxNumber(server, Number(db))
      if (holder === 'foreign') snapshot.foreign.push(number)
      else if (holder.startsWith('recycling:')) {
        const processId = holder.slice('recycling:'.length)
        const alive = Number(await controlCall(control, 'exists', PROCESS_PREFIX + processId)) === 1
        snapshot.recycling.push({ number, processId, stale: !alive })
      }
    }
  }
  snapshot.live = new Set(((await runScript(control, LIVE_NUMBERS, [])) as string[]).map(Number))
  return snapshot
}
