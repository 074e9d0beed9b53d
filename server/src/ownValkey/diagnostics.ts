/**
 * @module The read-only subcommands of administrative commands (issue 22, point 27): each reads the
 * server's state and changes nothing, yet the server's table flags it `admin` (CONFIG GET, CLIENT
 * LIST, SLOWLOG GET, LATENCY LATEST, ...) or files it under `@scripting` (FUNCTION LIST, SCRIPT
 * EXISTS), so the gate would refuse it by flags alone. Read-only inspect mode lets exactly these
 * through; every other subcommand of the same command stays refused, with these named as the ones
 * allowed.
 *
 * Limits: the list is kept here, by name, so a subcommand a later server adds is refused until it
 * is listed. What a listed command shows (ACL LIST's password hashes, CLIENT LIST's addresses) is
 * for the server's ACL to withhold: the gate decides only whether a command changes the server.
 */

/** `parent|sub` → true, or a test of the arguments when some of them make it change something. */
const READ_ONLY: Readonly<Record<string, true | ((args: readonly string[]) => boolean)>> = {
  'config|get': true,
  'client|list': true,
  'client|info': true,
  'client|getname': true,
  'client|id': true,
  'client|trackinginfo': true,
  'client|getredir': true,
  'slowlog|get': true,
  'slowlog|len': true,
  'latency|latest': true,
  'latency|history': true,
  'latency|doctor': true,
  'latency|graph': true,
  'latency|histogram': true,
  'memory|stats': true,
  'memory|usage': true,
  'memory|doctor': true,
  'memory|malloc-stats': true,
  'acl|whoami': true,
  'acl|cat': true,
  'acl|users': true,
  'acl|list': true,
  'acl|getuser': true,
  'acl|dryrun': true,
  // ACL LOG RESET empties the log.
  'acl|log': (args) => !args.slice(2).some((arg) => arg.toLowerCase() === 'reset'),
  'module|list': true,
  'function|list': true,
  'function|stats': true,
  'function|dump': true,
  'script|exists': true,
  'cluster|info': true,
  'cluster|nodes': true,
  'cluster|slots': true,
  'cluster|shards': true,
  'cluster|myid': true,
  'cluster|keyslot': true,
  'cluster|countkeysinslot': true,
  'commandlog|get': true,
  'commandlog|len': true,
}

/** Whether the command line (its table name `parent|sub`, and its arguments) only reads the server's state. */
export function readsOnly(name: string, args: readonly string[]): boolean {
  if (name.endsWith('|help')) return true
  const rule = READ_ONLY[name]
  return rule === true || (typeof rule === 'function' && rule(args))
}

/** Every listed subcommand, `parent|sub` (the tests check each against the server's own table). */
export const readOnlyDiagnostics = (): string[] => Object.keys(READ_ONLY)

/** The read-only subcommands of `parent`, as a user types them ("CONFIG GET"), for a refusal to name. */
export function readOnlySiblings(parent: string): string[] {
  return Object.keys(READ_ONLY)
    .filter((name) => name.startsWith(`${parent}|`))
    .map((name) => name.replace('|', ' ').toUpperCase())
}
