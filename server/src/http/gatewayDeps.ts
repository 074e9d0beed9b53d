/** @module What the WebSocket gateway and the per-socket sessions it makes are given by the app. */
import type { ServerInfo } from '../../../common/protocol/index.ts'
import type { SandboxRegistry } from '../sandbox/SandboxRegistry.ts'
import type { PatternBook } from '../sandbox/PatternBook.ts'
import type { ScriptBook } from '../sandbox/ScriptBook.ts'
import type { KeyspaceWatcher } from '../inspector/KeyspaceWatcher.ts'
import type { LuaMemoryBrake } from '../sandbox/LuaMemoryBrake.ts'
import type { MemoryQuota } from '../sandbox/MemoryQuota.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'
import type { ProgressStore } from '../missions/ProgressStore.ts'
import type { SecretKey } from './SecretKey.ts'
import type { Room } from '../instructor/Room.ts'

export type GatewayDeps = {
  registry: SandboxRegistry
  admin: AdminClient
  patterns: PatternBook
  watcher: KeyspaceWatcher
  missions: MissionCatalog
  progress: ProgressStore
  /** The instructor's grid; instructor sockets must present `instructorKey`. */
  room: Room
  instructorKey: SecretKey
  valkey: () => { host: string; port: number }
  serverInfo: () => ServerInfo
  allowedOrigins: string[]
  /** Reverse proxies whose X-Forwarded-For is believed (clientAddress). */
  trustedProxies?: string[]
  scriptTimeoutMs: number
  /** Kills and restarts the embedded Valkey from disk (a script that cannot be stopped); null without one. */
  restartValkey: (() => boolean) | null
  scripts: ScriptBook
  /** Each sandbox's memory quota; null when off. */
  quota: MemoryQuota | null
  luaBrake: LuaMemoryBrake | null
  helloTimeoutMs?: number
  heartbeatMs?: number
  log: (message: string) => void
}
