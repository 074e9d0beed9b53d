/**
 * @module Process entry: configuration, start-up banner, clean shutdown.
 *
 * Normally reached through `npm start` (scripts/start.mjs), which installs
 * what is missing, provisions valkey-server and builds the page first.
 */
import { checkCommandLine } from './commandLine.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { startPlayground } from './app.ts'
import { loadOwnValkeyConfig, type OwnValkeyConfig } from './ownValkey/ownValkeyConfig.ts'
import { startOwnValkey } from './ownValkey/startOwnValkey.ts'
import { networkUrls, printPlaygroundBanner } from './banner.ts'
import { stopOnSignals } from './stopOnSignals.ts'
import { runPrimary } from './fleet/primary.ts'

export async function main(): Promise<void> {
  let config: Config
  let inspect: OwnValkeyConfig | null
  try {
    const argv = process.argv.slice(2)
    checkCommandLine(argv)
    config = loadConfig(process.env, argv)
    inspect = loadOwnValkeyConfig(process.env, argv)
    if (inspect && config.workers > 1)
      throw new ConfigError('--workers runs several playground processes; it does not apply to inspect mode')
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

  if (config.workers > 1) return runPrimary(config)

  const playground = await startPlayground({ config })
  const { capabilities } = playground
  printPlaygroundBanner({
    embedded: playground.embedded !== null,
    servers: playground.pool.nodes.map((node) => node.target),
    sandboxes: playground.pool.nodes.map((node) => node.databases.length),
    control: config.controlUrl,
    valkeyVersion: capabilities.valkeyVersion,
    hashFieldExpiration: capabilities.hashFieldExpiration,
    databaseAcl: capabilities.databaseAcl,
    url: playground.url,
    port: playground.port,
    host: config.host,
    instructorUrl: playground.instructorUrl,
  })
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
