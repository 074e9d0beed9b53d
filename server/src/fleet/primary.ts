/**
 * @module `npm start -- --workers N`: this process becomes the cluster primary. It keeps the
 * embedded Valkey servers (or names the external ones), decides the instructor key, runs the
 * workers that serve the port, prints the banner once they all serve, and stops everything on
 * SIGTERM, SIGINT, SIGHUP or npm's exit: the workers first, then every valkey-server.
 *
 * The primary serves nothing itself and loads no missions: if it dies (even SIGKILL), its workers
 * exit as their IPC channel closes and the embedded servers' guards stop them as its pipes close.
 */
import { SecretKey } from '../http/SecretKey.ts'
import type { Config, ValkeyTarget } from '../config.ts'
import { printPlaygroundBanner } from '../banner.ts'
import { stopOnSignals } from '../stopOnSignals.ts'
import { Fleet } from './Fleet.ts'
import { startEmbeddedPool, type EmbeddedPool } from '../pool/EmbeddedPool.ts'

/** Workers get up to 10 s to close, then are killed; the embedded servers get 5 s more. */
const STOP_FORCE_MS = 20_000

export async function runPrimary(config: Config): Promise<void> {
  const log = (message: string) => console.log(message)
  const instructorKey = config.instructorKey ?? SecretKey.random().value
  let pool: EmbeddedPool | null = null
  let targets: ValkeyTarget[]
  if (config.valkeyUrls.length > 0) {
    targets = config.valkeyUrls
  } else {
    if (!config.valkeyServerBinary) {
      throw new Error('no valkey-server binary given: set VALKEY_SERVER, or run `npm start`, which provides one')
    }
    pool = await startEmbeddedPool({
      count: config.valkeys,
      binary: config.valkeyServerBinary,
      databases: config.maxSandboxes + 1,
      dataDir: config.valkeyDataDir,
      fresh: config.fresh,
      log,
    })
    targets = pool.targets
  }

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      await fleet.stop()
      await pool?.stop()
    })())
  const fleet = new Fleet({
    count: config.workers,
    setup: { type: 'fleet:setup', targets, kept: pool !== null, instructorKey },
    keeper: pool?.keeper ?? null,
    log,
    onGiveUp: (reason) => {
      console.error(`\nStopping the playground: ${reason}. The workers' own messages are above.`)
      void close().finally(() => process.exit(1))
    },
  })
  // Registered before the workers start: a Ctrl-C during start-up stops whatever has started.
  stopOnSignals(close, 'the playground and its workers', STOP_FORCE_MS)

  let first
  try {
    first = await fleet.start()
  } catch {
    return // onGiveUp stops the playground and says why.
  }
  printPlaygroundBanner({
    embedded: pool !== null,
    servers: targets,
    sandboxes: first.sandboxes,
    control: config.controlUrl,
    valkeyVersion: first.valkeyVersion,
    hashFieldExpiration: first.hashFieldExpiration,
    databaseAcl: first.databaseAcl,
    url: first.url,
    port: first.port,
    host: config.host,
    instructorUrl: first.instructorUrl,
    workers: fleet.pids,
  })
}
