/**
 * @module The server view (issue 22, point 27): the slow log, the clients, memory and the
 * keyspace, read once when the page asks, on a connection of its own. Each read is one of the
 * read-only diagnostics the gate allows; one the server refuses (a user without the right) leaves
 * its part empty with the server's words in `errors`, and the rest is still shown.
 */
import type { Reply, ServerViewMessage } from '../../../common/protocol/index.ts'
import type { ValkeyTarget } from '../config.ts'
import { parseKeyspace } from './keyspaceInfo.ts'
import { parseClientList, parseInfo, parseMemoryStats, parseSlowlog } from './serverViewParse.ts'
import { openTarget } from './targetConnection.ts'

/** Newest slow log entries shown. */
export const SLOWLOG_SHOWN = 25
/** Clients listed (the total is still counted). */
export const CLIENTS_SHOWN = 200

const text = (reply: Reply) => (reply.t === 'bulk' || reply.t === 'str' ? reply.s : '')

export async function readServerView(endpoint: ValkeyTarget, db: number): Promise<ServerViewMessage> {
  const errors: string[] = []
  const part = <T>(command: string, reply: Reply, read: (reply: Reply) => T): T | null => {
    if (reply.t !== 'err') return read(reply)
    errors.push(`${command}: ${reply.s}`)
    return null
  }
  const connection = await openTarget(endpoint, db, 'server-view')
  try {
    const [slowlog, slowlogLength, clients, info, memory] = await Promise.all([
      connection.send(['SLOWLOG', 'GET', String(SLOWLOG_SHOWN)]),
      connection.send(['SLOWLOG', 'LEN']),
      connection.send(['CLIENT', 'LIST']),
      connection.send(['INFO', 'everything']),
      connection.send(['MEMORY', 'STATS']),
    ])
    return {
      type: 'serverView',
      at: Date.now(),
      slowlog: part('SLOWLOG GET', slowlog, (reply) => ({
        entries: parseSlowlog(reply),
        length: slowlogLength.t === 'int' ? Number(slowlogLength.n) : 0,
      })),
      clients: part('CLIENT LIST', clients, (reply) => parseClientList(text(reply), CLIENTS_SHOWN)),
      info: part('INFO', info, (reply) => parseInfo(text(reply))),
      memory: part('MEMORY STATS', memory, parseMemoryStats),
      keyspace: part('INFO', info, (reply) => parseKeyspace(text(reply))),
      errors: [...new Set(errors)],
    }
  } finally {
    connection.close()
  }
}
