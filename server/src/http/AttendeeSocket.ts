/**
 * @module Everything one attendee socket has once its sandbox is leased: the terminal session,
 * the inspector and mission sessions on that sandbox, its row in the instructor's room, and the
 * bookkeeping between them (which replies a mission check wants, after which reply the inspector
 * reads everything again). The gateway makes one per welcomed socket and dispatches to it.
 */
import {
  LIMITS,
  PROTOCOL_VERSION,
  type AskHelpMessage,
  type HelloMessage,
  type MissionOpenMessage,
  type MissionResetMessage,
  type ScreenMessage,
  type ServerMessage,
  type SetNameMessage,
} from '../../../common/protocol/index.ts'
import { inspectorRequest, type InspectorViewRequest } from '../inspector/inspectorRequest.ts'
import { InspectorSession } from '../inspector/InspectorSession.ts'
import { KeyReader, sandboxReaderConnection } from '../inspector/KeyReader.ts'
import { MissionSession } from '../missions/MissionSession.ts'
import type { SandboxLease } from '../sandbox/SandboxRegistry.ts'
import { TerminalSession } from '../sandbox/TerminalSession.ts'
import type { AttendeeHandle } from '../instructor/AttendeeHandle.ts'
import type { GatewayDeps } from './gatewayDeps.ts'

/** Commands after which the inspector reads everything again: they change keys without notifications. */
const FLUSHES = new Set(['FLUSHDB', 'FLUSHALL'])

export class AttendeeSocket {
  readonly terminal: TerminalSession
  readonly #inspector: InspectorSession
  readonly #missions: MissionSession
  readonly #attendee: AttendeeHandle
  /** The sandbox's number across the pool. */
  readonly #sandbox: number
  readonly #stopListening: (() => void)[]
  /** Arguments of commands awaiting replies, kept only while a mission is open (for its `ran` checks). */
  readonly #commandArgs = new Map<number, string[]>()
  /** Reply ids after which the inspector resyncs (a flush, or the EXEC of a queued flush). */
  readonly #resyncAfter = new Set<number>()
  #flushQueued = false

  constructor(
    private readonly deps: GatewayDeps,
    lease: SandboxLease,
    hello: HelloMessage,
    send: (message: ServerMessage) => void,
    drained: () => Promise<void>
  ) {
    // Everything per server comes from the node the sandbox lives on.
    const { number, server } = lease.sandbox
    const node = deps.pool.node(server)
    const keeper = deps.keeper
    this.#sandbox = number
    this.terminal = new TerminalSession({
      valkey: node.target,
      admin: node.admin,
      users: lease.users,
      sandbox: number,
      patterns: node.patterns,
      send,
      scriptTimeoutMs: deps.scriptTimeoutMs,
      restartValkey: keeper ? () => keeper.restart(server) : null,
      scripts: deps.scripts,
      quota: node.quota,
      luaBrake: node.luaBrake,
      drained,
    })
    const info = node.serverInfo()
    const reader = new KeyReader(sandboxReaderConnection(node.target, lease.users), info.features.hashFieldExpiration)
    const inspector = new InspectorSession({ reader, send, log: deps.log })
    const missions = new MissionSession({
      catalog: deps.missions,
      store: deps.progress,
      db: number,
      server: info,
      query: (args) => reader.query(args),
      send,
      onFlushed: () => inspector.resynced(),
      log: deps.log,
    })
    this.#inspector = inspector
    this.#missions = missions
    const db = lease.users.db
    this.#stopListening = [
      node.watcher.listen(db, inspector),
      node.watcher.listen(db, missions),
      // A key written means the sandbox holds something: it is kept after the tab closes.
      node.watcher.listen(db, { event: () => deps.registry.markUsed(number) }),
      // This server stopping and coming back is told to this socket (and not to sockets on others).
      node.listen(send),
    ]
    send({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      token: lease.token,
      fresh: lease.fresh && hello.token !== null,
      resumed: lease.resumed,
      server: info,
      sandbox: number,
    })
    // After welcome: the room's first messages (the name's number, an announcement) follow it.
    this.#attendee = deps.room.join(lease, hello.name, {
      send,
      sandboxReset: () => {
        missions.forgetAll()
        inspector.resynced()
        send({ type: 'notice', level: 'warn', text: 'Your instructor reset your sandbox: it is empty, and your missions start over.' })
      },
    })
  }

  /** Every message the server sends this socket passes here first. */
  sent(message: ServerMessage): void {
    this.#attendee.observe(message)
    if (message.type !== 'reply') return
    if (this.#resyncAfter.delete(message.id)) {
      this.#inspector.resynced()
      this.#attendee.flushed()
    }
    const args = this.#commandArgs.get(message.id)
    if (args) {
      this.#commandArgs.delete(message.id)
      this.#missions.commandReplied(args, message.replies, message.ran)
    }
  }

  commands(list: readonly { id: number; args: string[] }[]): void {
    for (const { id, args } of list) {
      this.#inspector.noteCommand(args)
      if (this.#missions.listening) {
        // Commands whose replies stream (SUBSCRIBE) never settle here; do not let them pile up.
        if (this.#commandArgs.size >= LIMITS.maxInFlight) this.#commandArgs.clear()
        this.#commandArgs.set(id, args)
      }
      const name = args[0]!.toUpperCase()
      if (FLUSHES.has(name)) {
        this.#resyncAfter.add(id)
        this.#flushQueued = true
      } else if ((name === 'EXEC' || name === 'DISCARD') && this.#flushQueued) {
        this.#resyncAfter.add(id)
        this.#flushQueued = false
      }
      this.terminal.command(id, args)
    }
  }

  inspect(message: InspectorViewRequest): void {
    inspectorRequest(this.#inspector, message)
    if (message.type === 'openKey') this.#attendee.viewing(message.key)
  }

  mission(message: MissionOpenMessage | MissionResetMessage): void {
    if (message.type === 'missionOpen') this.#missions.open(message.id)
    else this.#missions.reset(message.id)
  }

  room(message: SetNameMessage | ScreenMessage | AskHelpMessage): void {
    if (message.type === 'setName') this.#attendee.setName(message.name)
    else if (message.type === 'askHelp') this.#attendee.askHelp(message.on)
    else this.#attendee.screen(message)
  }

  cancel(): void {
    this.terminal.cancel().catch((error: Error) => this.deps.log(`cancel failed: ${error.message}`))
  }

  /** The socket closed: everything stops, and the lease is handed back. */
  close(): void {
    for (const stop of this.#stopListening) stop()
    this.#attendee.leave()
    this.#inspector.close()
    this.#missions.close()
    this.terminal.close()
    void this.deps.registry.connectionClosed(this.#sandbox)
  }
}
