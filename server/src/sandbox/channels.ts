/**
 * @module Pub/sub channel names, scoped per sandbox.
 *
 * Channels are server-wide in Valkey (they ignore the database), so each
 * sandbox's channels live under its own prefix: `PUBLISH news hi` publishes
 * on `playground:7:news`. The attendee never sees the prefix.
 */
import type { Reply } from '../../../common/protocol/index.ts'

export function withPrefix(args: readonly string[], prefix: string, from = 1): string[] {
  return args.map((arg, index) => (index >= from ? prefix + arg : arg))
}

function strip(reply: Reply | undefined, prefix: string): Reply | undefined {
  if (reply?.t === 'bulk' && reply.s.startsWith(prefix)) return { t: 'bulk', s: reply.s.slice(prefix.length) }
  return reply
}

/**
 * Removes the prefix from a subscriber-connection reply:
 * `subscribe|unsubscribe|psubscribe|... name count`, `message channel payload`,
 * `pmessage pattern channel payload`, `smessage channel payload`.
 */
export function stripPubSubReply(reply: Reply, prefix: string): Reply {
  if (reply.t !== 'arr' && reply.t !== 'push') return reply
  const [kind, ...rest] = reply.a
  if (kind?.t !== 'bulk') return reply
  const names = kind.s === 'pmessage' ? 2 : 1
  return {
    t: reply.t,
    a: [kind, ...rest.map((item, index) => (index < names ? strip(item, prefix)! : item))],
  }
}

/** Strips the prefix from a flat list of channel names (PUBSUB CHANNELS). */
export function stripNames(names: string[], prefix: string): string[] {
  return names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length))
}
