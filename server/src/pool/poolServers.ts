/**
 * @module Which servers make the pool of a playground process: the ones it is given (a worker
 * under the cluster primary, which keeps them), the VALKEY_URL list (nobody here may restart
 * those), or embedded servers it starts and keeps itself (`--valkeys N`, 1 by default).
 */
import type { Config, ValkeyTarget } from '../config.ts'
import { startEmbeddedPool, type EmbeddedPool } from './EmbeddedPool.ts'
import type { ServerKeeper } from './ServerKeeper.ts'

export type PoolServers = {
  targets: ValkeyTarget[]
  /** Who restarts them; null: nobody may (VALKEY_URL). */
  keeper: ServerKeeper | null
  /** Started here: this process stops them. */
  embedded: EmbeddedPool | null
}

export async function poolServers(
  config: Config,
  given: { targets: ValkeyTarget[]; keeper: ServerKeeper | null } | undefined,
  log: (message: string) => void
): Promise<PoolServers> {
  if (given) return { ...given, embedded: null }
  if (config.valkeyUrls.length > 0) return { targets: config.valkeyUrls, keeper: null, embedded: null }
  if (!config.valkeyServerBinary) {
    throw new Error('no valkey-server binary given: set VALKEY_SERVER, or run `npm start`, which provides one')
  }
  const embedded = await startEmbeddedPool({
    count: config.valkeys,
    binary: config.valkeyServerBinary,
    databases: config.maxSandboxes + 1,
    dataDir: config.valkeyDataDir,
    fresh: config.fresh,
    log,
  })
  return { targets: embedded.targets, keeper: embedded.keeper, embedded }
}
