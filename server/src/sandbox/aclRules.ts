/**
 * @module The ACL users that fence each sandbox inside Valkey itself.
 *
 * Every sandbox (one numbered database) gets two users:
 * - the terminal user runs the attendee's commands. It may touch any key, but
 *   only in its own database, may publish only on its own channel prefix, and
 *   has no command that reaches the whole server (admin, config, other
 *   databases, server-wide lists of clients, channels, scripts or logs).
 * - the subscriber user may only (un)subscribe, inside the same prefix. The
 *   proxy adds each PSUBSCRIBE pattern to it literally, because Valkey matches
 *   a pattern subscription against ACL patterns by plain string comparison.
 *
 * These rules hold for scripts too (EVAL runs as the calling user), which a
 * name check in the proxy could never guarantee.
 */
import { createHash, createHmac } from 'node:crypto'

export type SandboxUsers = {
  db: number
  terminalUser: string
  terminalPassword: string
  subscriberUser: string
  subscriberPassword: string
  /** Every channel of this sandbox is `channelPrefix + name` inside Valkey. */
  channelPrefix: string
}

export function sandboxUsers(db: number, secret: string): SandboxUsers {
  const password = (role: string) => createHmac('sha256', secret).update(`${role}:${db}`).digest('hex')
  return {
    db,
    terminalUser: `playground-sandbox-${db}`,
    terminalPassword: password('terminal'),
    subscriberUser: `playground-sandbox-${db}-sub`,
    subscriberPassword: password('subscriber'),
    channelPrefix: `playground:${db}:`,
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Commands outside @admin/@dangerous that would still reach beyond the sandbox. */
const EXTRA_DENIED = [
  // Server-wide memory report (lists every database).
  '-memory|stats',
  '-memory|doctor',
  '-memory|malloc-stats',
  '-memory|purge',
  // Tracking can redirect invalidations to another client; REPLY OFF would
  // desynchronise the proxy's reply queue.
  '-client|tracking',
  '-client|caching',
  '-client|getredir',
  '-client|trackinginfo',
  '-client|reply',
  // Subscriptions run on the proxy's subscriber connection, never here.
  '-subscribe',
  '-psubscribe',
  '-ssubscribe',
  '-unsubscribe',
  '-punsubscribe',
  '-sunsubscribe',
  // Lists channels of every sandbox; the proxy answers a scoped version.
  '-pubsub',
  // Function libraries and the script cache are shared by all databases.
  '-function',
  '-script|flush',
  '-script|kill',
  '-script|debug',
  '-acl',
  '-cluster',
]

/** Workshop commands that Valkey files under @dangerous but that stay inside one database. */
const WORKSHOP_ALLOWED = ['+keys', '+flushdb', '+sort', '+sort_ro']

export function terminalUserRules(users: SandboxUsers, databaseAcl: boolean): string[] {
  const databaseFence = databaseAcl
    ? // Valkey 9.1+: the server refuses any other database, in every command
      // and script (SELECT, MOVE, COPY ... DB, SWAPDB, FLUSHALL).
      ['resetdbs', `db=${users.db}`]
    : // Older servers: allow SELECT of this database only and drop the
      // commands that name another one.
      ['-select', `+select|${users.db}`, '-move', '-copy', '-swapdb']
  return [
    'reset',
    'on',
    `#${sha256(users.terminalPassword)}`,
    '~*',
    'resetchannels',
    `&${users.channelPrefix}*`,
    '+@all',
    '-@admin',
    '-@dangerous',
    ...WORKSHOP_ALLOWED,
    ...EXTRA_DENIED,
    ...databaseFence,
  ]
}

/**
 * `keepChannels`: the sandbox is resumed, perhaps while another playground process has one of its
 * tabs in a PSUBSCRIBE: its granted patterns are kept, because Valkey disconnects a subscriber
 * whose user no longer allows its patterns. Rules are only added then, never taken away.
 */
export function subscriberUserRules(users: SandboxUsers, databaseAcl: boolean, keepChannels = false): string[] {
  return [
    ...(keepChannels ? [] : ['reset']),
    'on',
    `#${sha256(users.subscriberPassword)}`,
    'resetkeys',
    ...(keepChannels ? [] : ['resetchannels']),
    `&${users.channelPrefix}*`,
    '-@all',
    '+subscribe',
    '+psubscribe',
    '+ssubscribe',
    '+unsubscribe',
    '+punsubscribe',
    '+sunsubscribe',
    '+ping',
    ...(databaseAcl ? ['resetdbs', `db=${users.db}`] : []),
  ]
}
