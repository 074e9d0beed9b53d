/**
 * @module Inspect mode's settings: which server to look at, how to reach it (TLS), the page's
 * secret, and what may be written.
 *
 *   npm start -- --inspect redis://[user[:password]@]host:port[/db] [--write [--dangerous]]
 *                [--tls-ca FILE] [--tls-insecure]
 *
 * or the same through INSPECT_URL, INSPECT_WRITE, INSPECT_DANGEROUS, INSPECT_TLS_CA,
 * INSPECT_TLS_INSECURE; INSPECT_KEY fixes the page's secret (random per start otherwise) and
 * INSPECT_KEYS_UP_TO the database size above which KEYS is refused. Arguments win over the
 * environment.
 */
import { existsSync } from 'node:fs'
import { ConfigError } from '../config.ts'

export type OwnValkeyTarget = {
  host: string
  port: number
  username?: string
  password?: string
  /** The database shown first (`/db` in the URL). */
  db: number
  /** Null: plain TCP. `insecure`: the certificate is not verified (a self-signed test server). */
  tls: { caFile: string | null; insecure: boolean } | null
}

export type OwnValkeyConfig = {
  target: OwnValkeyTarget
  /** The page's secret; null: random per start. */
  key: string | null
  write: boolean
  dangerous: boolean
  keysUpTo: number
}

const yes = (value: string | undefined) => /^(1|yes|true)$/i.test(value?.trim() ?? '')

/** The value after `--name` (or in `--name=value`); undefined when the option is absent. */
function option(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === name) {
      const value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name} needs a value`)
      return value
    }
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}

/** `redis://` / `valkey://` for TCP, `rediss://` / `valkeys://` for TLS. */
export function parseInspectUrl(
  raw: string,
  tls: { caFile: string | null; insecure: boolean } = { caFile: null, insecure: false }
): OwnValkeyTarget {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`--inspect needs a URL like redis://host:6379/0 (got '${raw}')`)
  }
  const secure = url.protocol === 'rediss:' || url.protocol === 'valkeys:'
  if (!secure && url.protocol !== 'redis:' && url.protocol !== 'valkey:') {
    throw new ConfigError(`--inspect URL must start with redis://, rediss://, valkey:// or valkeys:// (got '${url.protocol}')`)
  }
  if (!secure && (tls.caFile !== null || tls.insecure)) {
    throw new ConfigError('--tls-ca and --tls-insecure need a rediss:// URL')
  }
  const path = url.pathname.replace(/^\//, '')
  const db = path === '' ? 0 : Number(path)
  if (!Number.isInteger(db) || db < 0) throw new ConfigError(`--inspect URL database must be a number (got '/${path}')`)
  const port = url.port === '' ? 6379 : Number(url.port)
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db,
    tls: secure ? tls : null,
  }
}

/** Null when inspect mode was not asked for. */
export function loadOwnValkeyConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): OwnValkeyConfig | null {
  const raw = option(argv, '--inspect') ?? env.INSPECT_URL?.trim()
  if (!raw) {
    for (const flag of ['--write', '--dangerous', '--tls-ca', '--tls-insecure']) {
      if (argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`))) throw new ConfigError(`${flag} only applies with --inspect <url>`)
    }
    return null
  }
  const caFile = option(argv, '--tls-ca') ?? (env.INSPECT_TLS_CA?.trim() || null)
  if (caFile !== null && !existsSync(caFile)) throw new ConfigError(`--tls-ca: no such file '${caFile}'`)
  const insecure = argv.includes('--tls-insecure') || yes(env.INSPECT_TLS_INSECURE)
  const write = argv.includes('--write') || yes(env.INSPECT_WRITE)
  const dangerous = argv.includes('--dangerous') || yes(env.INSPECT_DANGEROUS)
  if (dangerous && !write) throw new ConfigError('--dangerous only applies with --write')
  const key = env.INSPECT_KEY?.trim() || null
  if (key !== null && (key.length < 12 || key.length > 256 || !/^[A-Za-z0-9._~-]+$/.test(key))) {
    throw new ConfigError('INSPECT_KEY must be 12 to 256 characters of letters, digits and . _ ~ - (or unset for a random one)')
  }
  const upTo = env.INSPECT_KEYS_UP_TO?.trim()
  const keysUpTo = upTo ? Number(upTo) : 10_000
  if (!Number.isInteger(keysUpTo) || keysUpTo < 0) throw new ConfigError(`INSPECT_KEYS_UP_TO must be a whole number (got '${upTo}')`)
  return { target: parseInspectUrl(raw, { caFile, insecure }), key, write, dangerous, keysUpTo }
}
