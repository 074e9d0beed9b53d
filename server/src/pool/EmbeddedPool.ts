/**
 * @module The embedded valkey-servers of a pool, and the in-process keeper that restarts them.
 *
 * Each server is an EmbeddedValkey of its own: its own port, its own append-only folder (server 0
 * keeps the one a single-server playground always used, server i>0 uses `server-<i>` inside it),
 * its own guard that kills it when this process dies, and its own restart after a crash. A
 * runaway script on one server restarts that server only.
 *
 * Whoever starts the pool keeps it: one playground process (startPlayground), or the cluster
 * primary that hands `targets` to its workers and relays `keeper` to them.
 */
import type { ValkeyTarget } from '../config.ts'
import { prepareDataDir, type DataDir } from '../valkey/dataDir.ts'
import { EmbeddedValkey } from '../valkey/EmbeddedValkey.ts'
import type { ServerKeeper } from './ServerKeeper.ts'

export type EmbeddedPool = {
  targets: ValkeyTarget[]
  keeper: ServerKeeper
  /** The servers themselves, in pool order (tests kill one; the banner names their ports). */
  servers: EmbeddedValkey[]
  /** Stops every server (SIGTERM, then SIGKILL after 3 s) and releases their folders. */
  stop(): Promise<void>
}

export type EmbeddedPoolOptions = {
  count: number
  binary: string
  /** Databases per server: SANDBOX_MAX plus the bookkeeping one. */
  databases: number
  /** Server 0's folder (null: temporary folders, durable within this run only). */
  dataDir: string | null
  /** Start from empty: every server's folder is cleared first. */
  fresh: boolean
  log: (message: string) => void
}

/** Settings for each embedded server beyond the essentials in EmbeddedValkey. */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  // One attendee must not be able to take the memory everyone shares.
  maxmemory: '1gb',
  'maxmemory-policy': 'noeviction',
  // Caps a single string (and SETRANGE/SETBIT offsets) at 16 MB.
  'proto-max-bulk-len': '16mb',
  // Lets SCRIPT KILL through after 1 s, so a runaway script is stopped early.
  'busy-reply-threshold': '1000',
}

/** Server i's append-only folder: server 0's is the playground's own, the others inside it. */
export function serverDataDir(dataDir: string | null, index: number): string | null {
  if (dataDir === null || index === 0) return dataDir
  return `${dataDir}/server-${index}`
}

/** The keeper of servers in this process: restarts go straight to the server's child process. */
class InProcessKeeper implements ServerKeeper {
  readonly #crashed = new Set<(index: number, detail: string) => void>()
  readonly #restarted = new Set<(index: number) => void>()

  constructor(private readonly servers: EmbeddedValkey[]) {
    servers.forEach((server, index) => {
      server.on('crashed', (detail) => this.#crashed.forEach((listener) => listener(index, detail)))
      server.on('restarted', () => this.#restarted.forEach((listener) => listener(index)))
    })
  }

  restart(index: number): boolean {
    return this.servers[index]?.restartFromDisk() ?? false
  }

  onCrashed(listener: (index: number, detail: string) => void): () => void {
    this.#crashed.add(listener)
    return () => this.#crashed.delete(listener)
  }

  onRestarted(listener: (index: number) => void): () => void {
    this.#restarted.add(listener)
    return () => this.#restarted.delete(listener)
  }
}

export async function startEmbeddedPool(options: EmbeddedPoolOptions): Promise<EmbeddedPool> {
  const folders: DataDir[] = []
  const servers: EmbeddedValkey[] = []
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()))
    // After the servers: they no longer write there.
    for (const folder of folders) await folder.release()
  }
  try {
    // Server 0's folder first: with --fresh it is cleared, which takes the others' folders too.
    for (let index = 0; index < options.count; index++) {
      folders.push(await prepareDataDir(serverDataDir(options.dataDir, index), options.fresh))
    }
    // One at a time: each picks a free port, and two probing at once could pick the same one.
    for (const folder of folders) {
      servers.push(
        await EmbeddedValkey.start({
          binary: options.binary,
          databases: options.databases,
          settings: { ...EMBEDDED_SETTINGS },
          data: { dir: folder.dir, keep: folder.keep },
        })
      )
    }
  } catch (error) {
    await stop()
    throw error
  }
  if (options.count > 1) {
    options.log(`started ${options.count} embedded valkey-servers on ports ${servers.map((server) => server.port).join(', ')}`)
  }
  return {
    targets: servers.map((server) => ({ host: server.host, port: server.port, password: server.password, controlDb: 0 })),
    keeper: new InProcessKeeper(servers),
    servers,
    stop,
  }
}
