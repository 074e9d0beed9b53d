/**
 * @module `--workers N|auto`: how many playground processes share the port.
 *
 * 1 (the default) is the single process `npm start` always ran, with no cluster at all. The
 * upper bound is a guard against a typo (`--workers 800`), not a measured limit: each worker
 * holds its own connections to every Valkey server and its own copy of the missions.
 */
import os from 'node:os'
import { ConfigError } from '../config.ts'

export const MAX_WORKERS = 64

/** `raw` as given after --workers (undefined: not given); `cores` is what `auto` means. */
export function parseWorkers(raw: string | undefined, cores = os.availableParallelism()): number {
  if (raw === undefined) return 1
  const text = raw.trim()
  if (text === 'auto') return Math.min(MAX_WORKERS, Math.max(1, cores))
  const value = /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new ConfigError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, or auto (one per core) (got '${raw}')`)
  }
  return value
}

/** The value of the last `--workers N` or `--workers=N` in `argv`, parsed; 1 when absent. */
export function workersFromArgv(argv: readonly string[], cores?: number): number {
  let raw: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--workers') raw = argv[++i] ?? ''
    else if (arg.startsWith('--workers=')) raw = arg.slice('--workers='.length)
  }
  return parseWorkers(raw, cores)
}
