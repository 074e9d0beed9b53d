/**
 * @module The command-line options `npm start` knows, checked before anything starts.
 *
 * Node's own `util.parseArgs` in strict mode does the parsing, so a misspelt or unsupported
 * option (`--workrs 2`, an option a newer version added) stops start-up with a message that
 * says what was given and what exists, instead of being ignored while the playground starts as
 * if it had not been given. The values themselves are read where they are used (config.ts,
 * ownValkey/ownValkeyConfig.ts); this only guards the shape.
 */
import { parseArgs } from 'node:util'
import { ConfigError, parseWorkers } from './config.ts'

/** Each option with whether it takes a value, and what it is for (shown when one is wrong). */
export const KNOWN_OPTIONS = {
  fresh: { type: 'boolean', help: 'start from an empty server (clears the data folder)' },
  valkeys: { type: 'string', help: 'start a pool of N embedded valkey-servers (default 1)' },
  inspect: { type: 'string', help: 'inspect your own server: --inspect redis://host:port[/db]' },
  'tls-ca': { type: 'string', help: 'with --inspect rediss://: the CA file to trust' },
  'tls-insecure': { type: 'boolean', help: 'with --inspect rediss://: skip certificate checks' },
  write: { type: 'boolean', help: 'with --inspect: allow commands that write' },
  dangerous: { type: 'boolean', help: 'with --write: allow FLUSHALL, SHUTDOWN, DEBUG and large KEYS' },
  workers: { type: 'string', help: 'run N playground processes on the one port (auto: one per core; default 1)' },
} as const

function optionList(): string {
  const shown = Object.entries(KNOWN_OPTIONS).map(([name, { type, help }]) => [`--${name}${type === 'string' ? ' <value>' : ''}`, help])
  const width = Math.max(...shown.map(([usage]) => usage!.length))
  return shown.map(([usage, help]) => `  ${usage!.padEnd(width)}  ${help}`).join('\n')
}

/**
 * Throws a ConfigError naming the first unknown option, a missing value or a stray argument, or a
 * --workers value that is not a count (checked here too, so it stops before any provisioning).
 */
export function checkCommandLine(argv: readonly string[]): void {
  const options = Object.fromEntries(Object.entries(KNOWN_OPTIONS).map(([name, { type }]) => [name, { type }]))
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '')
    throw new ConfigError(`${detail}\nnpm start knows these options (after --, e.g. npm start -- --fresh):\n${optionList()}`)
  }
  if (typeof values.workers === 'string') {
    parseWorkers(values.workers)
    if (values.inspect !== undefined) throw new ConfigError('--workers runs several playground processes; it does not apply to --inspect')
  }
}
