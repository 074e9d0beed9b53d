/** @module What the WebSocket gateway and the per-socket sessions it makes are given by the app. */
import type { ServerInfo } from '../../../common/protocol/index.ts'
import type { SandboxRegistry } from '../sandbox/SandboxRegistry.ts'
import type { ScriptBook } from '../sandbox/ScriptBook.ts'
import type { ValkeyPool } from '../pool/ValkeyPool.ts'
import type { ServerKeeper } from '../pool/ServerKeeper.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'
import type { ProgressStore } from '../missions/ProgressStore.ts'
import type { SecretKey } from './SecretKey.ts'
import type { Room } from '../instructor/Room.ts'

export type GatewayDeps = {
  registry: SandboxRegistry
  /** The servers; each sandbox's terminal, inspector and watch use its own server's node. */
  pool: ValkeyPool
  /** Restarts an embedded server from disk (a script that cannot be stopped); null: servers we did not start. */
  keeper: ServerKeeper | null
  missions: MissionCatalog
  progress: ProgressStore
  /** The instructor's grid; instructor sockets must present `instructorKey`. */
  room: Room
  instructorKey: SecretKey
  /** What pages not tied to a sandbox are told about the server (a sandbox's page: its node's). */
  serverInfo: () => ServerInfo
  allowedOrigins: string[]
  /** Reverse proxies whose X-Forwarded-For is believed (clientAddress). */
  trustedProxies?: string[]
  scriptTimeoutMs: number
  /** Every sandbox's scripts, by sandbox number. */
  scripts: ScriptBook
  helloTimeoutMs?: number
  heartbeatMs?: number
  log: (message: string) => void
}
