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
  /**
   * Use these servers (VALKEY_URL, a comma list) instead of starting any; empty: embedded. The
   * first one's `controlDb` is the bookkeeping database.
   */
  valkeyUrls: ValkeyTarget[]
  /** The bookkeeping (control) server, when it is not the pool's first server (CONTROL_URL). */
  controlUrl: ValkeyTarget | null
  /** How many embedded valkey-servers to start (`--valkeys N`; not with VALKEY_URL). */
  valkeys: number
  /** valkey-server binary for the embedded server. */
  valkeyServerBinary: string | null
  /** How many sandboxes (numbered databases) each server of the pool may hold at once. */
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

/** Most embedded servers one playground starts (each is a process with its own port and folder). */
export const MAX_VALKEYS = 64
/**
 * Most sandboxes per server: a sandbox's number is `server * 100000 + db` (pool/sandboxNumber.ts),
 * and databases 1..SANDBOX_MAX must stay below that stride.
 */
const MAX_SANDBOXES = 99_999

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

/** Parses `redis://[user[:password]@]host:port[/db]` (also `valkey://`); `name` is the setting it came from. */
export function parseValkeyUrl(raw: string, name = 'VALKEY_URL'): ValkeyTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a URL: '${raw}' (expected redis://host:port[/db])`)
  }
  if (url.protocol === 'rediss:' || url.protocol === 'valkeys:') {
    throw new ConfigError(`${name}: TLS connections (rediss://) are not supported yet; use redis://`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'valkey:') {
    throw new ConfigError(`${name} must start with redis:// or valkey:// (got '${url.protocol}')`)
  }
  const path = url.pathname.replace(/^\//, '')
  const controlDb = path === '' ? 0 : Number(path)
  if (!Number.isInteger(controlDb) || controlDb < 0) {
    throw new ConfigError(`${name} database must be a number (got '/${path}')`)
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

/**
 * VALKEY_URL as a comma list of servers: `redis://a:6379/0,redis://b:6379`. Only the first names
 * a database (the bookkeeping one); on the others the playground keeps nothing but sandboxes, so a
 * `/db` there would mean nothing and is refused rather than silently ignored. Every server keeps
 * its database 0 (the first one: its `/db`) out of the sandboxes.
 */
export function parseValkeyUrls(raw: string | undefined): ValkeyTarget[] {
  const parts = (raw ?? '').split(',').map((part) => part.trim())
  if (parts.every((part) => part === '')) return []
  if (parts.some((part) => part === '')) throw new ConfigError(`VALKEY_URL has an empty entry: '${raw}' (expected url,url,...)`)
  return parts.map((part, index) => {
    const target = parseValkeyUrl(part)
    if (index > 0 && new URL(part).pathname.replace(/^\//, '') !== '') {
      throw new ConfigError(
        `VALKEY_URL: only the first server's /db is used (the playground's bookkeeping database); ` +
          `remove '${new URL(part).pathname}' from '${part}'`
      )
    }
    if (index > 0) target.controlDb = 0
    return target
  })
}

/** The value of `--name N` or `--name=N` on the command line (checkCommandLine has checked the shape). */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined
  argv.forEach((arg, index) => {
    if (arg === `--${name}`) value = argv[index + 1]
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3)
  })
  return value
}

/** `--valkeys N`: how many embedded servers make the pool. */
function valkeyCount(argv: readonly string[]): number {
  const raw = optionValue(argv, 'valkeys')
  if (raw === undefined) return 1
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > MAX_VALKEYS) {
    throw new ConfigError(`--valkeys must be an integer between 1 and ${MAX_VALKEYS} (got '${raw}')`)
  }
  return value
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
  const valkeyUrls = parseValkeyUrls(env.VALKEY_URL)
  const valkeys = valkeyCount(argv)
  if (valkeyUrls.length > 0 && optionValue(argv, 'valkeys') !== undefined) {
    // Said rather than ignored: whoever typed both expects one of them to happen.
    throw new ConfigError('--valkeys starts embedded servers, and VALKEY_URL names existing ones: give one or the other')
  }
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    valkeyUrls,
    controlUrl: env.CONTROL_URL?.trim() ? parseValkeyUrl(env.CONTROL_URL.trim(), 'CONTROL_URL') : null,
    valkeys,
    valkeyServerBinary: env.VALKEY_SERVER?.trim() || null,
    maxSandboxes: integer(env, 'SANDBOX_MAX', 1000, 1, MAX_SANDBOXES),
    sandboxIdleMs: integer(env, 'SANDBOX_IDLE_MINUTES', 120, 1, 60 * 24 * 365) * 60_000,
    sandboxEmptyIdleMs: integer(env, 'SANDBOX_EMPTY_MINUTES', 5, 1, 60 * 24 * 365) * 60_000,
    // A quarter of them (at least 20): a whole classroom behind one NAT still gets in, and one
    // address opening sockets in a loop leaves three quarters for everyone else.
    sandboxesPerAddress: integer(
      env,
      'SANDBOX_PER_ADDRESS',
      Math.max(20, Math.ceil(integer(env, 'SANDBOX_MAX', 1000, 1, MAX_SANDBOXES) / 4)),
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
