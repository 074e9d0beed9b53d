/**
 * @module Replies the proxy gives itself for commands whose real answer would show the whole
 * server: INFO without other databases' lines, PUBSUB with only the sandbox's channels, and the
 * confirmations of UNSUBSCRIBE/PUNSUBSCRIBE outside subscribed mode.
 */
import type { Reply } from '../../../common/protocol/index.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SandboxUsers } from './aclRules.ts'
import { stripNames } from './channels.ts'
import { upper } from '../../../common/commands/commandNames.ts'
import type { PatternBook } from './PatternBook.ts'
import { scopeInfo } from './scopedInfo.ts'

const err = (s: string): Reply => ({ t: 'err', s })
const bulk = (s: string): Reply => ({ t: 'bulk', s })
const int = (n: number): Reply => ({ t: 'int', n: String(n) })

export async function infoReply(admin: AdminClient, args: string[], db: number): Promise<Reply[]> {
  const text = (await admin.callBuffer('info', ...args.slice(1))) as Buffer
  return [bulk(scopeInfo(text.toString('latin1'), db))]
}

export async function pubsubReply(admin: AdminClient, users: SandboxUsers, patterns: PatternBook, args: string[]): Promise<Reply[]> {
  const prefix = users.channelPrefix
  const sub = upper(args[1] ?? '')
  const arity = (full: string) => [err(`ERR wrong number of arguments for '${full}' command`)]
  const latin1 = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value))
  switch (sub) {
    case '':
      return arity('pubsub')
    case 'CHANNELS':
    case 'SHARDCHANNELS': {
      if (args.length > 3) return arity(`pubsub|${sub.toLowerCase()}`)
      const names = (await admin.callBuffer('pubsub', sub.toLowerCase(), prefix + (args[2] ?? '*'))) as Buffer[]
      return [{ t: 'arr', a: stripNames(names.map(latin1), prefix).map(bulk) }]
    }
    case 'NUMSUB':
    case 'SHARDNUMSUB': {
      const channels = args.slice(2)
      const counts = (await admin.callBuffer('pubsub', sub.toLowerCase(), ...channels.map((c) => prefix + c))) as unknown[]
      const items: Reply[] = []
      channels.forEach((channel, index) => items.push(bulk(channel), int(Number(counts[index * 2 + 1] ?? 0))))
      return [{ t: 'arr', a: items }]
    }
    case 'NUMPAT':
      if (args.length > 2) return arity('pubsub|numpat')
      return [int(patterns.count(users.db))]
    case 'HELP': {
      const lines = (await admin.call('pubsub', 'help')) as string[]
      return [{ t: 'arr', a: lines.map((line) => ({ t: 'str', s: line })) }]
    }
    default:
      return [err(`ERR unknown subcommand '${args[1]}'. Try PUBSUB HELP.`)]
  }
}

/** Not subscribed: Valkey answers one confirmation per channel (or one with a nil channel), each with a count of 0. */
export function unsubscribedReplies(args: string[], name: string): Reply[] {
  const kind = bulk(name.toLowerCase())
  const channels = args.slice(1)
  if (channels.length === 0) return [{ t: 'arr', a: [kind, { t: 'nil' }, int(0)] }]
  return channels.map((channel) => ({ t: 'arr', a: [kind, bulk(channel), int(0)] }))
}
