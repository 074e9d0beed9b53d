/**
 * @module TEMPORARY: the embedded pool's start-up (`startEmbeddedPool`) with the signature the
 * pool's own module will export, written over EmbeddedValkey so the cluster primary can run now.
 *
 * WARNING: to be replaced by `startEmbeddedPool` from server/src/pool/EmbeddedPool.ts once that
 * exists (delete this file and change the one import in primary.ts). It does nothing the real one
 * should copy beyond the data-folder layout: server 0 keeps the one folder a single server has
 * always used, server i > 0 a `server-<i>` folder inside it.
 */
import type { ValkeyTarget } from '../config.ts'
import type { ServerKeeper } from '../pool/ServerKeeper.ts'
import { EmbeddedValkey } from '../valkey/EmbeddedValkey.ts'
import { prepareDataDir, type DataDir } from '../valkey/dataDir.ts'
import { EMBEDDED_SETTINGS } from '../app.ts'

export type EmbeddedPool = { targets: ValkeyTarget[]; keeper: ServerKeeper; stop(): Promise<void> }

export type EmbeddedPoolOptions = {
  count: number
  binary: string
  databases: number
  dataDir: string | null
  fresh: boolean
  log: (message: string) => void
}

export async function startEmbeddedPool(options: EmbeddedPoolOptions): Promise<EmbeddedPool> {
  const folders: DataDir[] = []
  const servers: EmbeddedValkey[] = []
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()))
    for (const folder of folders) await folder.release()
  }
  try {
    for (let index = 0; index < options.count; index++) {
      const dir = options.dataDir === null ? null : index === 0 ? options.dataDir : `${options.dataDir}/server-${index}`
      const data = await prepareDataDir(dir, options.fresh)
      folders.push(data)
      servers.push(
        await EmbeddedValkey.start({
          binary: options.binary,
          databases: options.databases,
          settings: EMBEDDED_SETTINGS,
          data: { dir: data.dir, keep: data.keep },
        })
      )
    }
  } catch (error) {
    await stop()
    throw error
  }
  const keeper: ServerKeeper = {
    restart: (index) => servers[index]?.restartFromDisk() ?? false,
    onCrashed: (listener) => {
      const off = servers.map((server, index) => {
        const handler = (detail: string) => listener(index, detail)
        server.on('crashed', handler)
        return () => void server.off('crashed', handler)
      })
      return () => off.forEach((undo) => undo())
    },
    onRestarted: (listener) => {
      const off = servers.map((server, index) => {
        const handler = () => listener(index)
        server.on('restarted', handler)
        return () => void server.off('restarted', handler)
      })
      return () => off.forEach((undo) => undo())
    },
  }
  return {
    targets: servers.map((server) => ({ host: server.host, port: server.port, password: server.password, controlDb: 0 })),
    keeper,
    stop,
  }
}
