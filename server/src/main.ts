/**
 * @module Process entry: configuration, start-up banner, clean shutdown.
 *
 * Normally reached through `npm start` (scripts/start.mjs), which installs
 * what is missing, provisions valkey-server and builds the page first.
 */
import os from 'node:os'
import { checkCommandLine } from './commandLine.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { startPlayground } from './app.ts'
import { loadOwnValkeyConfig, type OwnValkeyConfig } from './ownValkey/ownValkeyConfig.ts'
import { startOwnValkey } from './ownValkey/startOwnValkey.ts'

function networkUrls(port: number): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => `http://${address!.address}:${port}/`)
}

export async function main(): Promise<void> {
  let config: Config
  let inspect: OwnValkeyConfig | null
  try {
    const argv = process.argv.slice(2)
    checkCommandLine(argv)
    config = loadConfig(process.env, argv)
    inspect = loadOwnValkeyConfig(process.env, argv)
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`)
      process.exit(2)
    }
    throw error
  }
  if (inspect) {
    // Someone's own data: this machine only, unless HOST says otherwise.
    if (!process.env.HOST?.trim()) config = { ...config, host: '127.0.0.1' }
    return mainOwnValkey(config, inspect)
  }

  const playground = await startPlayground({ config })
  const { capabilities, pool } = playground
  const where = pool.nodes.map((node) => node.where).join(', ')
  const count = pool.nodes.length
  const kind = playground.embedded ? 'embedded Valkey' : 'Valkey'
  const source =
    count === 1
      ? `${kind} ${capabilities.valkeyVersion} ${playground.embedded ? 'on' : 'at'} ${where}`
      : `a pool of ${count} ${kind} ${capabilities.valkeyVersion} servers: ${where}`
  console.log('')
  console.log(`  Valkey Hash Playground is running (${source}).`)
  console.log(
    `  Sandboxes: ${playground.registry.capacity}` +
      (count === 1 ? '' : ` (${pool.nodes.map((node) => node.databases.length).join(' + ')})`) +
      (config.controlUrl ? `; bookkeeping on ${config.controlUrl.host}:${config.controlUrl.port}` : '')
  )
  console.log('')
  console.log(`  Open:     ${playground.url}`)
  if (config.host === '0.0.0.0' || config.host === '::') {
    for (const url of networkUrls(playground.port)) console.log(`  Network:  ${url}`)
  }
  console.log('')
  // The one place the key is shown: whoever started the server is the instructor.
  console.log(`  Instructor (keep this one to yourself): ${playground.instructorUrl}`)
  console.log('')
  if (!capabilities.hashFieldExpiration) {
    console.log('  Note: this Valkey has no hash field expiration (needs 9.0+); those features are hidden.')
  }
  if (!capabilities.databaseAcl) {
    console.log('  Note: this Valkey has no database ACLs (9.1+); COPY and MOVE are disabled in sandboxes.')
  }
  console.log('  Press Ctrl-C to stop.')
  stopOnSignals(() => playground.close())
}

async function mainOwnValkey(config: Config, inspect: OwnValkeyConfig): Promise<void> {
  const server = await startOwnValkey({ config, inspect })
  const { facts } = server
  const target = inspect.target
  const product = facts.product === 'valkey' ? 'Valkey' : 'Redis'
  console.log('')
  console.log(
    `  Inspecting ${product} ${facts.version} at ${target.host}:${target.port}${target.tls ? ' over TLS' : ''}` +
      `${target.username ? ` as ${target.username}` : ''}, database ${target.db}.`
  )
  console.log('')
  // The one place the key is shown: whoever started the server may share the link, or not.
  console.log(`  Open:     ${server.url}`)
  console.log("            (the link carries this page's key: whoever has it can read this server)")
  if (config.host === '0.0.0.0' || config.host === '::') {
    for (const url of networkUrls(server.port)) console.log(`  Network:  ${url}?key=…`)
  }
  console.log('')
  if (!inspect.write) console.log('  Read-only: commands that write or administer the server are refused (--write allows them).')
  else if (!inspect.dangerous)
    console.log('  Writes allowed; FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG and KEYS on a large database stay refused (--dangerous).')
  else console.log('  Writes allowed, FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG and KEYS included (--dangerous).')
  const live = server.live.status
  if (live.mode === 'polling') {
    console.log(`  Not live: ${live.reason}; the page reads what it shows again every few seconds.`)
    if (live.enableLine) console.log(`  To make it live: ${live.enableLine} (the page offers to run it).`)
  } else {
    console.log('  Live: keyspace notifications are on; changes are pushed.')
  }
  if (!facts.fieldExpiry) console.log('  This server has no hash field expiration (Valkey 9, Redis 7.4): no field TTLs.')
  console.log('  Press Ctrl-C to stop.')
  stopOnSignals(() => server.close(), 'the inspector')
}

/** `what`: named in the message ("stopping the playground..."). */
function stopOnSignals(close: () => Promise<void>, what = 'the playground'): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping ${what}...`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`error while stopping: ${error.message}`)
        process.exit(1)
      }
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGHUP', () => stop('SIGHUP'))
  watchNpmParent(() => stop('npm exited'))
}

/**
 * Under `npm start`, the playground stops when npm is gone. npm passes SIGTERM to its child, and
 * the script `exec`s node so that child is us; this catches the rest (npm killed with SIGKILL, a
 * shell in between that drops the signal), which would otherwise leave us serving the port with
 * nobody to stop us. Outside npm (node scripts/start.mjs, nohup) nothing is watched.
 */
function watchNpmParent(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer)
      onGone()
    }
  }, 500)
  timer.unref()
}
