/**
 * @module What the proxy does with a command before Valkey sees it.
 *
 * Valkey's ACL is the fence (see aclRules.ts); this table only adds clear
 * explanations for the commands people will try, and routes the few commands
 * the proxy must answer itself: the ones ACLs cannot deny (AUTH, HELLO,
 * RESET, QUIT), the server-wide views it scopes to the sandbox (INFO, PUBSUB),
 * and pub/sub, whose channel names it prefixes.
 */
import { SUBSCRIBE_COMMANDS, UNSUBSCRIBE_COMMANDS, upper } from '../../../common/commands/commandNames.ts'

export type Decision =
  | { kind: 'send' }
  | { kind: 'refuse'; message: string }
  | { kind: 'info' }
  | { kind: 'pubsub' }
  | { kind: 'publish' }
  | { kind: 'subscribe' }
  | { kind: 'unsubscribe' }
  | { kind: 'reset' }

const NOT_HERE = 'is not available in the playground'
const SHARED = 'it acts on the whole server that every sandbox shares'

/** Whole-command refusals, by uppercase name. */
const REFUSED: Record<string, string> = {
  SELECT: `SELECT ${NOT_HERE}: your sandbox is one database of its own`,
  MOVE: `MOVE ${NOT_HERE}: your sandbox is one database of its own`,
  SWAPDB: `SWAPDB ${NOT_HERE}: your sandbox is one database of its own`,
  FLUSHALL: `FLUSHALL ${NOT_HERE} (it would empty every sandbox); use FLUSHDB to empty yours`,
  CONFIG: `CONFIG ${NOT_HERE}: ${SHARED}`,
  DEBUG: `DEBUG ${NOT_HERE}: ${SHARED}`,
  SHUTDOWN: `SHUTDOWN ${NOT_HERE}: ${SHARED}`,
  MODULE: `MODULE ${NOT_HERE}: ${SHARED}`,
  ACL: `ACL ${NOT_HERE}: your sandbox is signed in for you`,
  AUTH: `AUTH ${NOT_HERE}: your sandbox is signed in for you`,
  QUIT: 'QUIT is handled by the terminal (type quit or exit); the sandbox connection stays open',
  REPLICAOF: `REPLICAOF ${NOT_HERE}: ${SHARED}`,
  SLAVEOF: `SLAVEOF ${NOT_HERE}: ${SHARED}`,
  MIGRATE: `MIGRATE ${NOT_HERE}: it sends keys to another server`,
  MONITOR: `MONITOR ${NOT_HERE}: it would show every attendee's commands`,
  SAVE: `SAVE ${NOT_HERE}: ${SHARED}`,
  BGSAVE: `BGSAVE ${NOT_HERE}: ${SHARED}`,
  BGREWRITEAOF: `BGREWRITEAOF ${NOT_HERE}: ${SHARED}`,
  LASTSAVE: `LASTSAVE ${NOT_HERE}: ${SHARED}`,
  FAILOVER: `FAILOVER ${NOT_HERE}: ${SHARED}`,
  CLUSTER: `CLUSTER ${NOT_HERE}: ${SHARED}`,
  SYNC: `SYNC ${NOT_HERE}: ${SHARED}`,
  PSYNC: `PSYNC ${NOT_HERE}: ${SHARED}`,
  REPLCONF: `REPLCONF ${NOT_HERE}: ${SHARED}`,
  ROLE: `ROLE ${NOT_HERE}: ${SHARED}`,
  SLOWLOG: `SLOWLOG ${NOT_HERE}: it records other attendees' commands`,
  COMMANDLOG: `COMMANDLOG ${NOT_HERE}: it records other attendees' commands`,
  LATENCY: `LATENCY ${NOT_HERE}: ${SHARED}`,
  FUNCTION: `FUNCTION ${NOT_HERE}: function libraries are shared by all sandboxes; use EVAL`,
  RESTORE: `RESTORE ${NOT_HERE}: it loads raw serialized data`,
  PFDEBUG: `PFDEBUG ${NOT_HERE}: ${SHARED}`,
  PFSELFTEST: `PFSELFTEST ${NOT_HERE}: ${SHARED}`,
}

/** Subcommand refusals, by `CONTAINER SUB` in uppercase. */
const REFUSED_SUB: Record<string, string> = {
  'CLIENT KILL': `CLIENT KILL ${NOT_HERE}: other connections are not yours`,
  'CLIENT LIST': `CLIENT LIST ${NOT_HERE}: it lists other attendees' connections; CLIENT INFO shows yours`,
  'CLIENT PAUSE': `CLIENT PAUSE ${NOT_HERE}: ${SHARED}`,
  'CLIENT UNPAUSE': `CLIENT UNPAUSE ${NOT_HERE}: ${SHARED}`,
  'CLIENT UNBLOCK': `CLIENT UNBLOCK ${NOT_HERE}: press Ctrl-C to cancel your own blocking command`,
  'CLIENT NO-EVICT': `CLIENT NO-EVICT ${NOT_HERE}: ${SHARED}`,
  'CLIENT TRACKING': `CLIENT TRACKING ${NOT_HERE}: it needs RESP3 push messages`,
  'CLIENT CACHING': `CLIENT CACHING ${NOT_HERE}: it needs RESP3 push messages`,
  'CLIENT GETREDIR': `CLIENT GETREDIR ${NOT_HERE}: client tracking is off`,
  'CLIENT TRACKINGINFO': `CLIENT TRACKINGINFO ${NOT_HERE}: client tracking is off`,
  'CLIENT REPLY': `CLIENT REPLY ${NOT_HERE}: the terminal needs every reply`,
  'MEMORY STATS': `MEMORY STATS ${NOT_HERE}: it reports on every database; MEMORY USAGE works`,
  'MEMORY DOCTOR': `MEMORY DOCTOR ${NOT_HERE}: ${SHARED}`,
  'MEMORY MALLOC-STATS': `MEMORY MALLOC-STATS ${NOT_HERE}: ${SHARED}`,
  'MEMORY PURGE': `MEMORY PURGE ${NOT_HERE}: ${SHARED}`,
  'SCRIPT FLUSH': `SCRIPT FLUSH ${NOT_HERE}: the script cache is shared by all sandboxes`,
  'SCRIPT KILL': `SCRIPT KILL ${NOT_HERE}: press Ctrl-C to stop your own running script`,
  'SCRIPT DEBUG': `SCRIPT DEBUG ${NOT_HERE}`,
}

export type PolicyState = { subscribed: boolean }

/** Commands that have refused subcommands (REFUSED_SUB is keyed by them). */
const CONTAINERS = new Set(Object.keys(REFUSED_SUB).map((key) => key.split(' ')[0]!))

export function decide(args: readonly string[], state: PolicyState, name = upper(args[0] ?? '')): Decision {
  if (state.subscribed) {
    if (SUBSCRIBE_COMMANDS.has(name)) return { kind: 'subscribe' }
    if (UNSUBSCRIBE_COMMANDS.has(name) || name === 'PING') return { kind: 'unsubscribe' }
    if (name === 'RESET') return { kind: 'reset' }
    if (name === 'QUIT') return { kind: 'refuse', message: `ERR ${REFUSED.QUIT}` }
    return {
      kind: 'refuse',
      message: `ERR Can't execute '${args[0]!.toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    }
  }

  const refusal = (CONTAINERS.has(name) && args.length > 1 ? REFUSED_SUB[`${name} ${upper(args[1]!)}`] : undefined) ?? REFUSED[name]
  if (refusal) return { kind: 'refuse', message: `NOPERM ${refusal}` }

  switch (name) {
    case 'COPY':
      if (args.some((arg, index) => index > 2 && upper(arg) === 'DB')) {
        return { kind: 'refuse', message: `NOPERM COPY ... DB ${NOT_HERE}: your sandbox is one database of its own` }
      }
      return { kind: 'send' }
    case 'HELLO': {
      const protover = args[1]
      if (protover !== undefined && /^\d+$/.test(protover) && Number(protover) >= 3) {
        return {
          kind: 'refuse',
          message: 'NOPROTO the playground terminal speaks RESP2, like valkey-cli by default; HELLO 3 is not available',
        }
      }
      if (args.some((arg, index) => index > 1 && upper(arg) === 'AUTH')) {
        return { kind: 'refuse', message: `NOPERM HELLO ... AUTH ${NOT_HERE}: your sandbox is signed in for you` }
      }
      return { kind: 'send' }
    }
    case 'INFO':
      return { kind: 'info' }
    case 'PUBSUB':
      return { kind: 'pubsub' }
    case 'PUBLISH':
    case 'SPUBLISH':
      return { kind: 'publish' }
    case 'RESET':
      return { kind: 'reset' }
    default:
      if (SUBSCRIBE_COMMANDS.has(name)) return { kind: 'subscribe' }
      if (UNSUBSCRIBE_COMMANDS.has(name)) return { kind: 'unsubscribe' }
      return { kind: 'send' }
  }
}
