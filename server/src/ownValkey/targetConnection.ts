/**
 * @module Connections to the inspected server, each signed in as the URL's user and on the
 * database asked for, over TLS when the URL says rediss://. Every part of inspect mode (the
 * terminal, the inspector's reads, the keyspace watcher, the probes) comes through here.
 */
import { readFileSync } from 'node:fs'
import type { ValkeyTarget } from '../config.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import type { OwnValkeyTarget } from './ownValkeyConfig.ts'

/** Replies with at least this many elements stay JSON text on their way to the page (as in the playground). */
const ENCODE_FROM_ELEMENTS = 1024

/** The target as the rest of the server names one (ValkeyTarget), with its TLS settings read in. */
export function endpointOf(target: OwnValkeyTarget): ValkeyTarget {
  return {
    host: target.host,
    port: target.port,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    controlDb: target.db,
    ...(target.tls
      ? { tls: { rejectUnauthorized: !target.tls.insecure, ...(target.tls.caFile ? { ca: readFileSync(target.tls.caFile) } : {}) } }
      : {}),
  }
}

export class SignInError extends Error {
  override name = 'SignInError'
}

/**
 * Opens a connection on database `db`. `name` shows in CLIENT LIST (a user that may not set names
 * still connects); `terminal`: large replies stay JSON text.
 */
export async function openTarget(endpoint: ValkeyTarget, db: number, name: string, terminal = false): Promise<RespConnection> {
  const connection = await RespConnection.connect({
    host: endpoint.host,
    port: endpoint.port,
    ...(endpoint.tls ? { tls: endpoint.tls } : {}),
    ...(terminal ? { encodeFrom: ENCODE_FROM_ELEMENTS } : {}),
  })
  try {
    if (endpoint.password !== undefined) {
      const auth = await connection.send(endpoint.username ? ['AUTH', endpoint.username, endpoint.password] : ['AUTH', endpoint.password])
      if (auth.t === 'err') throw new SignInError(`sign-in failed: ${auth.s}`)
    }
    const [select] = await Promise.all([
      db === 0 ? Promise.resolve({ t: 'str' as const, s: 'OK' }) : connection.send(['SELECT', String(db)]),
      connection.send(['CLIENT', 'SETNAME', `hash-playground-${name}`]),
    ])
    if (select.t === 'err') throw new SignInError(`cannot use database ${db}: ${select.s}`)
    return connection
  } catch (error) {
    connection.close()
    throw error
  }
}
