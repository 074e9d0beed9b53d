/**
 * @module The proxy's privileged iovalkey connection, and what it learns about the server.
 *
 * iovalkey is used for everything except the terminals' own connections
 * (see resp/RespConnection.ts for why those are raw). Its pitfalls are handled
 * here: command names are passed lowercase (its SELECT/SUBSCRIBE tracking is
 * case-sensitive) and the hgetall-to-object transformer is removed.
 */
import { Command, Redis } from 'iovalkey'
import type { ValkeyTarget } from '../config.ts'
import { commandInfoKnows, docsListToken } from './commandTokens.ts'

// Removing the transformer (passing no function) keeps HGETALL a flat array.
Command.setReplyTransformer('hgetall', undefined)

export type AdminClient = Redis

export type Capabilities = {
  valkeyVersion: string
  /** HEXPIRE and friends exist (Valkey 9.0+). */
  hashFieldExpiration: boolean
  /** HGETDEL exists (Valkey 9.1+): read and delete fields in one command. */
  hashFieldGetDel: boolean
  /** HSETEX accepts FNX (set only if none of the fields exists), per the server's COMMAND DOCS. */
  hashFieldSetIfAbsent: boolean
  /** ACL selectors accept `db=` (Valkey 9.1+), so Valkey itself fences databases. */
  databaseAcl: boolean
  databases: number
}

export function createAdminClient(target: ValkeyTarget, name = 'playground-admin'): AdminClient {
  return new Redis({
    host: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    db: target.controlDb,
    connectionName: name,
    lazyConnect: true,
    // Fail fast while Valkey is down so callers can tell the user, instead of
    // queueing work that would run minutes later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  })
}

/** Connects and waits until the server answers, or throws a message a person can act on. */
export async function connectAdmin(client: AdminClient, where: string): Promise<void> {
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    throw new Error(`cannot connect to Valkey at ${where}: ${(error as Error).message}`, { cause: error })
  }
}

/** Resolves once the client is connected and ready (it reconnects by itself after a drop). */
export function whenReady(client: AdminClient, timeoutMs = 15_000): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady)
      reject(new Error(`Valkey did not come back within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    client.once('ready', onReady)
  })
}

function infoField(info: string, field: string): string | undefined {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info)
  return match?.[1]?.trim()
}

export async function detectCapabilities(admin: AdminClient): Promise<Capabilities> {
  const info = String(await admin.call('info', 'server'))
  const valkeyVersion = infoField(info, 'valkey_version') ?? infoField(info, 'redis_version') ?? 'unknown'
  const hashFieldExpiration = commandInfoKnows(await admin.call('command', 'info', 'hexpire'))
  const hashFieldGetDel = commandInfoKnows(await admin.call('command', 'info', 'hgetdel'))
  // COMMAND DOCS lists the options a command accepts; asking changes nothing, unlike trying one.
  const hashFieldSetIfAbsent = hashFieldExpiration && docsListToken(await admin.call('command', 'docs', 'hsetex'), 'FNX')

  let databaseAcl = false
  const probe = `playground-probe-${process.pid}`
  try {
    await admin.call('acl', 'setuser', probe, 'off', 'resetdbs')
    databaseAcl = true
  } catch {
    // Older servers reject the `resetdbs` rule with a syntax error.
  } finally {
    await admin.call('acl', 'deluser', probe).catch(() => undefined)
  }

  const databasesReply = (await admin.call('config', 'get', 'databases')) as string[]
  const databases = Number(databasesReply[1] ?? 16)
  return { valkeyVersion, hashFieldExpiration, hashFieldGetDel, hashFieldSetIfAbsent, databaseAcl, databases }
}
