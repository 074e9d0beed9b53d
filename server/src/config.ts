/**
 * @module Configuration from the environment, parsed and checked once at start-up.
 */
import { fileURLToPath } from 'node:url'
import { LIMITS, STUCK_LIMITS } from '../../common/protocol/index.ts'
import type { TlsSettings } from './resp/RespConnection.ts'
import os from 'node:os'

export type ValkeyTarget = {
  host: string
  port: number
  username?: string
  password?: string
  /** The database the playground keeps its own bookkeeping in; never a sandbox. */
  controlDb: number
  /** TLS settings (inspect mode's rediss://); absent: plain TCP. */
  tls?: TlsSettings
}

export type Config = {
  /** HTTP/WebSocket port; 0 picks a free one (tests). */
  port: number
  host: string
  /** Connect to this server instead of starting one. */
  valkeyUrl: ValkeyTarget | null
  /** valkey-server binary for the embedded server. */
  valkeyServerBinary: string | null
  /** How many sandboxes (numbered databases) may exist at once. */
  maxSandboxes: number
  /** A sandbox with no connection for this long is flushed and recycled. */
  sandboxIdleMs: number
  /** A used sandbox that is empty again is recycled after this long without a connection. */
  sandboxEmptyIdleMs: number
  /** Most sandboxes one client address may hold. */
  sandboxesPerAddress: number
  /** Each sandbox's memory quota in MB; 0: none. */
  sandboxMemoryMb: number
  /** The Lua VM is reset after a script leaves it larger than this (MB); 0: never. */
  scriptMemoryMb: number
  /** Extra page origins allowed to open the WebSocket (same-origin always is). */
  allowedOrigins: string[]
  /** Reverse proxies (addresses) whose X-Forwarded-For names the visitor. */
  trustedProxies: string[]
  /** Folder with the built web app; null serves nothing but the API. */
  webRoot: string | null
  /** Folder of mission markdown files (default: the repository's missions/). */
  missionsDir: string
  /**
   * Where the embedded Valkey keeps its append-only file between runs; null: a temporary folder
   * (durable across Valkey restarts within this run only; the default for PORT=0, i.e. tests).
   */
  valkeyDataDir: string | null
  /** Start from empty: the data folder is cleared first (`npm start -- --fresh`). */
  fresh: boolean
  /** The instructor URL's secret; null: a random one per start. */
  instructorKey: string | null
  /** An attendee is flagged stuck after this long on one step (the instructor page can change it). */
  stuckAfterSeconds: number
  /** ...or after this many error replies on one step. */
  stuckErrors: number
  /** Playground processes on the one port (`--workers N|auto`); 1: no cluster, today's single process. */
  workers: number
}

const DEFAULT_MISSIONS_DIR = fileURLToPath(new URL('../../missions', import.meta.url))
/** Git-ignored, beside the provisioned Valkey builds; one folder per port, so two playgrounds never share one. */
const DEFAULT_DATA_ROOT = fileURLToPath(new URL('../../.cache/valkey-data', import.meta.url))

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got '${raw}')`)
  }
  return value
}

/** Parses `redis://[user[:password]@]host:port[/db]` (also `valkey://`). */
export function parseValkeyUrl(raw: string): ValkeyTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`VALKEY_URL is not a URL: '${raw}' (expected redis://host:port[/db])`)
  }
  if (url.protocol === 'rediss:' || url.protocol === 'valkeys:') {
    throw new ConfigError('VALKEY_URL: TLS connections (rediss://) are not supported yet; use redis://')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'valkey:') {
    throw new ConfigError(`VALKEY_URL must start with redis:// or valkey:// (got '${url.protocol}')`)
  }
  const path = url.pathname.replace(/^\//, '')
  const controlDb = path === '' ? 0 : Number(path)
  if (!Number.isInteger(controlDb) || controlDb < 0) {
    throw new ConfigError(`VALKEY_URL database must be a number (got '/${path}')`)
  }
  const port = url.port === '' ? 6379 : Number(url.port)
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    controlDb,
  }
}

/** A hand-picked key must be long enough not to be guessed, and fit in a URL as it is. */
function instructorKey(raw: string | undefined): string | null {
  const key = raw?.trim() ?? ''
  if (key === '') return null
  if (key.length < 12 || key.length > LIMITS.maxInstructorKey || !/^[A-Za-z0-9._~-]+$/.test(key)) {
    throw new ConfigError(
      `INSTRUCTOR_KEY must be 12 to ${LIMITS.maxInstructorKey} characters of letters, digits and . _ ~ - (or unset for a random one)`
    )
  }
  return key
}

/**
 * The upper bound of --workers is a guard against a typo (`--workers 800`), not a measured limit:
 * each worker holds its own connections to every Valkey server and its own copy of the missions.
 */
export const MAX_WORKERS = 64

/** `--workers N|auto` as given (undefined: not given, 1); `cores` is what `auto` means. */
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

/** The last `--workers N` or `--workers=N` in `argv`, parsed; 1 when absent. */
export function workersFromArgv(argv: readonly string[], cores?: number): number {
  let raw: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--workers') raw = argv[++i] ?? ''
    else if (arg.startsWith('--workers=')) raw = arg.slice('--workers='.length)
  }
  return parseWorkers(raw, cores)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535)
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    valkeyUrl: env.VALKEY_URL?.trim() ? parseValkeyUrl(env.VALKEY_URL.trim()) : null,
    valkeyServerBinary: env.VALKEY_SERVER?.trim() || null,
    maxSandboxes: integer(env, 'SANDBOX_MAX', 1000, 1, 100_000),
    sandboxIdleMs: integer(env, 'SANDBOX_IDLE_MINUTES', 120, 1, 60 * 24 * 365) * 60_000,
    sandboxEmptyIdleMs: integer(env, 'SANDBOX_EMPTY_MINUTES', 5, 1, 60 * 24 * 365) * 60_000,
    // A quarter of them (at least 20): a whole classroom behind one NAT still gets in, and one
    // address opening sockets in a loop leaves three quarters for everyone else.
    sandboxesPerAddress: integer(
      env,
      'SANDBOX_PER_ADDRESS',
      Math.max(20, Math.ceil(integer(env, 'SANDBOX_MAX', 1000, 1, 100_000) / 4)),
      1,
      100_000
    ),
    // A workshop's hashes take kilobytes: 64 MB leaves room for big experiments (a 20,000-field
    // hash of 1 KB values is about 25 MB) while one sandbox can use at most a sixteenth of the
    // embedded server's 1 GB. 0 turns the quota (and the script guard) off.
    sandboxMemoryMb: integer(env, 'SANDBOX_MEMORY_MB', 64, 0, 1_000_000),
    scriptMemoryMb: integer(env, 'SCRIPT_MEMORY_MB', 256, 0, 1_000_000),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustedProxies: (env.TRUSTED_PROXIES ?? '')
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean),
    webRoot: env.WEB_ROOT?.trim() || null,
    missionsDir: env.MISSIONS_DIR?.trim() || DEFAULT_MISSIONS_DIR,
    valkeyDataDir: env.VALKEY_DATA_DIR?.trim() || (port === 0 ? null : `${DEFAULT_DATA_ROOT}/port-${port}`),
    fresh: argv.includes('--fresh') || /^(1|yes|true)$/i.test(env.PLAYGROUND_FRESH?.trim() ?? ''),
    instructorKey: instructorKey(env.INSTRUCTOR_KEY),
    stuckAfterSeconds: integer(env, 'STUCK_AFTER_SECONDS', 300, STUCK_LIMITS.afterSeconds[0], STUCK_LIMITS.afterSeconds[1]),
    stuckErrors: integer(env, 'STUCK_ERRORS', 3, STUCK_LIMITS.errors[0], STUCK_LIMITS.errors[1]),
    workers: workersFromArgv(argv),
  }
}
