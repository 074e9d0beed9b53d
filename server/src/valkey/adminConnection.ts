/**
 * @module A raw RESP connection signed in as the playground's admin user and named in CLIENT
 * LIST, for the parts that need reply types or a stream of their own (keyspace watcher, memory
 * meter, COMMAND DOCS) rather than the iovalkey admin client.
 */
import type { ValkeyTarget } from '../config.ts'
import { RespConnection } from '../resp/RespConnection.ts'

/** `purpose` names the connection (`playground-<purpose>`) and the sign-in error. */
export async function openAdminConnection(
  target: Pick<ValkeyTarget, 'host' | 'port' | 'username' | 'password' | 'tls'>,
  purpose: string
): Promise<RespConnection> {
  const connection = await RespConnection.connect({ host: target.host, port: target.port, ...(target.tls ? { tls: target.tls } : {}) })
  try {
    if (target.password !== undefined) {
      const auth = await connection.send(target.username ? ['AUTH', target.username, target.password] : ['AUTH', target.password])
      if (auth.t === 'err') throw new Error(`${purpose} sign-in failed: ${auth.s}`)
    }
    await connection.send(['CLIENT', 'SETNAME', `playground-${purpose}`])
    return connection
  } catch (error) {
    connection.close()
    throw error
  }
}
