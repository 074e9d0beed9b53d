/**
 * @module What inspect mode learns about the server at start, by asking it (never by version
 * number): which product it is and its version (for the banner and valkey-cli's help line),
 * whether hash fields can expire (HPEXPIRETIME exists: Valkey 9, Redis 7.4), and its command
 * table, which the gate judges every command by.
 */
import type { ValkeyTarget } from '../config.ts'
import type { Reply } from '../../../common/protocol/index.ts'
import { parseCommandTable, type CommandTable } from './commandGate.ts'
import { openTarget } from './targetConnection.ts'

export type TargetFacts = {
  product: 'valkey' | 'redis'
  version: string
  fieldExpiry: boolean
  table: CommandTable
}

/** A reply as plain values (text, numbers, arrays), the shape parseCommandTable reads. */
export function plain(reply: Reply): unknown {
  switch (reply.t) {
    case 'str':
    case 'bulk':
    case 'double':
    case 'verb':
      return reply.s
    case 'int':
    case 'big':
      return Number(reply.n)
    case 'nil':
      return null
    case 'bool':
      return reply.b
    case 'err':
      return new Error(reply.s)
    default:
      return reply.a.map(plain)
  }
}

const infoField = (info: string, field: string) => new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim()

function fromInfo(text: string): Pick<TargetFacts, 'product' | 'version'> {
  // Valkey also reports a redis_version (7.2.4, for old clients); only Valkey has valkey_version.
  const valkey = infoField(text, 'valkey_version')
  return { product: valkey ? 'valkey' : 'redis', version: valkey ?? infoField(text, 'redis_version') ?? 'unknown' }
}

/** A user without INFO (it is @dangerous) may still say HELLO, whose map names the server and its version. */
function fromHello(reply: Reply): Pick<TargetFacts, 'product' | 'version'> {
  const list = reply.t === 'arr' || reply.t === 'map' ? reply.a : []
  const field = (name: string) => {
    const at = list.findIndex((item) => item.t === 'bulk' && item.s === name)
    const value = at >= 0 ? list[at + 1] : undefined
    return value && (value.t === 'bulk' || value.t === 'str') ? value.s : undefined
  }
  return { product: field('server') === 'valkey' ? 'valkey' : 'redis', version: field('version') ?? 'unknown' }
}

export async function probeTarget(endpoint: ValkeyTarget): Promise<TargetFacts> {
  const connection = await openTarget(endpoint, endpoint.controlDb, 'probe')
  try {
    const [info, hpexpiretime, command] = await Promise.all([
      connection.send(['INFO', 'server']),
      connection.send(['COMMAND', 'INFO', 'HPEXPIRETIME']),
      connection.send(['COMMAND']),
    ])
    if (command.t === 'err') {
      throw new Error(
        `this user may not run COMMAND (${command.s}), which inspect mode needs to tell reads from writes; grant it (+command) or use another user`
      )
    }
    const table = parseCommandTable(plain(command))
    if (table.size === 0) throw new Error('the server answered COMMAND with no commands')
    const { product, version } = info.t === 'bulk' ? fromInfo(info.s) : fromHello(await connection.send(['HELLO']))
    return {
      product,
      version,
      fieldExpiry: hpexpiretime.t === 'arr' && hpexpiretime.a[0] !== undefined && hpexpiretime.a[0].t !== 'nil',
      table,
    }
  } finally {
    connection.close()
  }
}
