/**
 * @module What the cluster primary and its workers say to each other over cluster IPC.
 *
 * Every message is a plain object with a `type` starting `fleet:` (Node's own cluster messages
 * never reach these listeners, but anything else a worker's code might send must not be taken
 * for one of ours). Nothing here is validated beyond its `type`: both ends are this program.
 */
import type { ValkeyTarget } from '../config.ts'

/** A worker asks for its setup once it listens for the answer (a message sent earlier would be lost). */
export type HelloMessage = { type: 'fleet:hello' }
/** The worker is serving on `port`; the banner is printed from the first of these. */
export type ReadyMessage = {
  type: 'fleet:ready'
  pid: number
  port: number
  url: string
  instructorUrl: string
  valkeyVersion: string
  hashFieldExpiration: boolean
  databaseAcl: boolean
  /** Sandboxes each pool server holds, in pool order. */
  sandboxes: number[]
}
/** The worker could not start; it exits right after sending this. */
export type FailedMessage = { type: 'fleet:failed'; message: string }
/** Kill server `index` and start it again from its append-only file (a frozen script). */
export type RestartMessage = { type: 'fleet:restart'; index: number }

export type WorkerMessage = HelloMessage | ReadyMessage | FailedMessage | RestartMessage

/**
 * What a worker serves with: the pool's servers and the instructor key every worker accepts.
 * `kept`: the primary keeps these servers (embedded) and takes restart requests for them.
 */
export type SetupMessage = { type: 'fleet:setup'; targets: ValkeyTarget[]; kept: boolean; instructorKey: string }
export type CrashedMessage = { type: 'fleet:crashed'; index: number; detail: string }
export type RestartedMessage = { type: 'fleet:restarted'; index: number }
/** Close everything and exit: the primary is stopping. */
export type StopMessage = { type: 'fleet:stop' }

export type PrimaryMessage = SetupMessage | CrashedMessage | RestartedMessage | StopMessage

export function isFleetMessage<T extends { type: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && String((value as { type?: unknown }).type).startsWith('fleet:')
}
