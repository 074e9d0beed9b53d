/**
 * Shared pieces for inspect mode's integration tests (issue 14): inspect mode started on a real
 * server (targetServer.ts) the way main.ts starts it, a socket that presents the page key, and
 * small readers for the messages the page gets.
 */
import { inject } from 'vitest'
import { readOnlySiblings } from '../src/ownValkey/diagnostics.ts'
import { parseInspectUrl } from '../src/ownValkey/ownValkeyConfig.ts'
import { startOwnValkey, type OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { PROTOCOL_VERSION, type ClientMessage, type Reply, type ServerMessage } from '../../common/protocol/index.ts'
import { eventually, TestClient } from './helpers.ts'
import { runCommands, type TargetServer } from './targetServer.ts'

/** The page key every test inspector uses (INSPECT_KEY). */
export const INSPECT_KEY = 'inspect-test-key-0123456789'
/** requirepass of the servers the tests inspect: a real server usually has one. */
export const TARGET_PASSWORD = 'inspect-target-password'
export const BEARER = { authorization: `Bearer ${INSPECT_KEY}` }

export type Target = { name: string; binary: string }

/** The servers the global setup found (Valkey 9 always; Valkey 8 and Redis 7 when given), for describe.each. */
export const inspectTargets = (): Target[] => inject('inspectTargets')

/** 'valkey' or 'redis', from the target's name ('valkey-9.1.2'). */
export const productOf = (target: Target): 'valkey' | 'redis' => (target.name.startsWith('redis-') ? 'redis' : 'valkey')
export const versionOf = (target: Target): string => target.name.replace(/^[a-z]+-/, '')

export type OwnValkeyOn = {
  /** The database in the URL (`/db`). */
  db?: number
  /** Sign in as this ACL user instead of the default user with the server's password. */
  user?: { name: string; password: string }
  write?: boolean
  dangerous?: boolean
  keysUpTo?: number
  /** TLS settings as --tls-ca / --tls-insecure give them; default: trust the target's own CA. */
  tls?: { caFile: string | null; insecure: boolean }
  log?: (message: string) => void
}

/** The URL a user would pass to --inspect for this server. */
export function inspectUrl(target: TargetServer, options: Pick<OwnValkeyOn, 'db' | 'user'> = {}): string {
  const scheme = target.tls ? 'rediss' : 'redis'
  const credentials = options.user
    ? `${encodeURIComponent(options.user.name)}:${encodeURIComponent(options.user.password)}@`
    : target.password !== undefined
      ? `:${encodeURIComponent(target.password)}@`
      : ''
  return `${scheme}://${credentials}${target.host}:${target.port}/${options.db ?? 0}`
}

/** Inspect mode on `target`, on a free loopback port, with the test key; read-only unless asked. */
export function startOwnValkeyOn(target: TargetServer, options: OwnValkeyOn = {}): Promise<OwnValkeyServer> {
  const tls = options.tls ?? (target.tls ? { caFile: target.tls.caFile, insecure: false } : undefined)
  return startOwnValkey({
    config: { port: 0, host: '127.0.0.1', webRoot: null, allowedOrigins: [], trustedProxies: [] },
    inspect: {
      target: parseInspectUrl(inspectUrl(target, options), tls),
      key: INSPECT_KEY,
      write: options.write ?? false,
      dangerous: options.dangerous ?? false,
      keysUpTo: options.keysUpTo ?? 10_000,
    },
    log: options.log ?? (() => undefined),
  })
}

/** A socket that presents the key (Bearer unless other headers are given) and has been welcomed. */
export async function connectOwnValkey(
  port: number,
  options: { headers?: Record<string, string>; from?: string } = {}
): Promise<TestClient> {
  const client = await TestClient.open(port, { headers: options.headers ?? BEARER, ...(options.from ? { from: options.from } : {}) })
  client.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token: null, name: null })
  await eventually(() => client.welcome ?? undefined, 'welcome')
  return client
}

export type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>

/**
 * The first message of a type after index `from` that passes the check. Waits for it as
 * `eventually` does (bounded by `timeoutMs`), but wakes on each frame instead of every 20 ms:
 * paging through 100,000 fields is a hundred round trips.
 */
export async function next<T extends ServerMessage['type']>(
  client: TestClient,
  type: T,
  from: number,
  check: (message: Of<T>) => boolean = () => true,
  timeoutMs = 10_000
): Promise<Of<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = client.messages.slice(from).find((m): m is Of<T> => m.type === type && check(m as Of<T>))
    if (found) return found
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timed out waiting for a ${type} message`)
    // The client's own listener, added first, has recorded a frame by the time this one runs.
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        client.ws.off('message', wake)
        resolve()
      }
      const timer = setTimeout(wake, Math.min(left, 100))
      client.ws.on('message', wake)
    })
  }
}

/** Sends an inspector request and waits for the answer of the given type that follows it. */
export function ask<T extends ServerMessage['type']>(
  client: TestClient,
  message: ClientMessage,
  type: T,
  check: (message: Of<T>) => boolean = () => true,
  timeoutMs = 10_000
): Promise<Of<T>> {
  const from = client.messages.length
  client.sendJson(message)
  return next(client, type, from, check, timeoutMs)
}

/** Messages of a type that arrived after index `from`. */
export const since = <T extends ServerMessage['type']>(client: TestClient, type: T, from: number): Of<T>[] =>
  client.messages.slice(from).filter((m): m is Of<T> => m.type === type)

/** Commands sent as another client would, on database `db` (the replies of the commands only). */
export async function runOn(target: TargetServer, db: number, commands: string[][]): Promise<unknown[]> {
  return (await runCommands(target, [['SELECT', String(db)], ...commands])).slice(1)
}

export const err = (s: string): Reply => ({ t: 'err', s })
export const str = (s: string): Reply => ({ t: 'str', s })
export const arr = (...a: Reply[]): Reply => ({ t: 'arr', a })

/** The gate's refusal in read-only mode (commandGate.ts), word for word. */
export function readOnlyRefusal(command: string, why: 'writes' | 'admin' | 'script'): string {
  const allowed = readOnlySiblings(command.split(' ')[0]!.toLowerCase())
  const reason = {
    writes: 'it writes',
    admin: `${command} changes or controls the server${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
    script: 'a script may write (EVAL_RO and FCALL_RO run read-only)',
  }[why]
  return `ERR ${command} is refused: this inspector is read-only and ${reason}. Start it with --write to allow changes.`
}

/** The gate's refusal, with --write, of what can empty or stop the server. */
export const takesDownRefusal = (command: string) =>
  `ERR ${command} is refused even with --write: it can empty or stop the whole server. Start with --dangerous to allow it.`

/** The gate's refusal of KEYS on a database larger than keysUpTo. */
export const keysRefusal = (size: number) =>
  `ERR KEYS is refused on a database of ${size} keys: it blocks the server until it has read them all. Use SCAN 0 MATCH <pattern> COUNT 1000 instead.`

/**
 * What afterAll undoes, newest first: sockets, then inspect servers, then the target servers they
 * read (each stopped by its pid through the harness's stop()). A failing step does not keep the
 * others from running.
 */
export class Teardown {
  #steps: (() => unknown)[] = []

  add<T>(value: T, undo: (value: T) => unknown): T {
    this.#steps.push(() => undo(value))
    return value
  }

  client(client: TestClient): TestClient {
    return this.add(client, (c) => c.close())
  }

  async run(): Promise<void> {
    const steps = this.#steps.reverse()
    this.#steps = []
    const errors: unknown[] = []
    for (const step of steps) {
      try {
        await step()
      } catch (error) {
        errors.push(error)
      }
    }
    if (errors.length > 0) throw errors[0]
  }
}

/** Whether the server has hash field expiration, asked as the product asks (COMMAND INFO HPEXPIRETIME). */
export async function hasFieldExpiry(target: TargetServer): Promise<boolean> {
  const [info] = await runCommands(target, [['COMMAND', 'INFO', 'HPEXPIRETIME']])
  return Array.isArray(info) && Array.isArray(info[0])
}
