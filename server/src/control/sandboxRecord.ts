/**
 * @module A sandbox's record as the directory hands it out, and how it is read from the control
 * server's two shapes of it (the JSON by token hash, the per-number hash the scripts keep).
 */
export type SandboxRecord = {
  /** The sandbox number (server * 100,000 + db). */
  number: number
  tokenHash: string
  createdAt: number
  lastSeenAt: number
  /** Where the browser that made it connected from: the per-address limit counts these. */
  address: string
  /** Something was stored in it; once set, only releasing the sandbox clears it. */
  used: boolean
}

/** The candidate databases of each server of the pool, by server index. */
export type CandidateServers = { server: number; dbs: readonly number[] }[]

type StoredJson = { db?: unknown; tokenHash?: unknown; createdAt?: unknown; lastSeenAt?: unknown; address?: unknown; used?: unknown }

/**
 * Parses the JSON record; `state` is the per-number hash (field → value) when there is one. A
 * record an older version wrote (no per-number hash) and that never said whether it was used
 * counts as used, as SandboxRegistry has always read it.
 */
export function parseRecord(tokenHash: string, json: string, state: Record<string, string> | null): SandboxRecord | null {
  let stored: StoredJson
  try {
    stored = JSON.parse(json) as StoredJson
  } catch {
    return null
  }
  if (stored.tokenHash !== tokenHash || typeof stored.db !== 'number' || !Number.isInteger(stored.db)) return null
  const createdAt = typeof stored.createdAt === 'number' ? stored.createdAt : 0
  const lastSeenAt = typeof stored.lastSeenAt === 'number' ? stored.lastSeenAt : createdAt
  const address = typeof stored.address === 'string' ? stored.address : ''
  if (state && state.token === tokenHash) {
    return {
      number: stored.db,
      tokenHash,
      createdAt,
      address,
      lastSeenAt: Math.max(lastSeenAt, Number(state.seen) || 0),
      used: state.used === '1',
    }
  }
  return { number: stored.db, tokenHash, createdAt, lastSeenAt, address, used: typeof stored.used === 'boolean' ? stored.used : true }
}

/** The JSON record, in the format earlier versions wrote (`db` leads: the scripts read it there). */
export function recordJson(record: SandboxRecord): string {
  return JSON.stringify({
    db: record.number,
    tokenHash: record.tokenHash,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    address: record.address,
    used: record.used,
  })
}

/** Each server's candidates as [lo, hi] runs, flattened for the claim script. */
export function candidateArgs(candidates: CandidateServers): number[] {
  const args: number[] = [candidates.length]
  for (const { server, dbs } of candidates) {
    const sorted = [...new Set(dbs)].sort((a, b) => a - b)
    const runs: number[] = []
    for (const db of sorted) {
      if (runs.length > 0 && runs[runs.length - 1] === db - 1) runs[runs.length - 1] = db
      else runs.push(db, db)
    }
    args.push(server, runs.length / 2, ...runs)
  }
  return args
}
