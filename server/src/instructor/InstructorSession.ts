/**
 * @module One instructor socket, after its key was checked: the room's rows and changes, stuck
 * rules, broadcasts, resets, and the watch of one attendee at a time.
 *
 * A watch relays the attendee's terminal output as their page printed it, and runs an inspector
 * on their sandbox for this socket alone, signed in as the sandbox's own ACL user and read-only:
 * the inspector messages this socket sends (watchKeys, openKey, moreFields) read the watched
 * sandbox, and nothing on this socket runs commands in it.
 */
import type { InstructorClientMessage, ServerInfo, ServerMessage } from '../../../common/protocol/index.ts'
import { PROTOCOL_VERSION } from '../../../common/protocol/index.ts'
import { InspectorSession } from '../inspector/InspectorSession.ts'
import { KeyReader, sandboxReaderConnection } from '../inspector/KeyReader.ts'
import { inspectorRequest, type InspectorViewRequest } from '../inspector/inspectorRequest.ts'
import type { ValkeyPool } from '../pool/ValkeyPool.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'
import type { Room } from './Room.ts'
import type { Watcher } from './WatchRelay.ts'

export type InstructorDeps = {
  room: Room
  /** The watched sandbox is read on its own server. */
  pool: ValkeyPool
  missions: MissionCatalog
  serverInfo: () => ServerInfo
  send: (message: ServerMessage) => void
  log: (message: string) => void
}

type Watch = { attendee: string; inspector: InspectorSession; stop: () => void }

export class InstructorSession {
  #unsubscribe: () => void
  #watch: Watch | null = null
  #closed = false

  constructor(private readonly deps: InstructorDeps) {
    const { room, send } = deps
    send({ type: 'instructorWelcome', v: PROTOCOL_VERSION, rules: room.rules, announcement: room.announcement, server: deps.serverInfo() })
    this.#unsubscribe = room.subscribe({ send })
  }

  handle(message: Exclude<InstructorClientMessage, { type: 'instructorHello' }>): void {
    if (this.#closed) return
    switch (message.type) {
      case 'watchAttendee':
        this.#startWatch(message.attendee)
        return
      case 'stuckRules':
        this.deps.room.setRules(message.rules)
        return
      case 'broadcast':
        this.#broadcast(message.text, message.mission, message.step)
        return
      case 'withdrawAnnouncement': {
        const withdrawn = this.deps.room.withdrawAnnouncement()
        this.deps.send({
          type: 'instructorDone',
          action: 'withdrawAnnouncement',
          attendee: null,
          ok: withdrawn,
          text: withdrawn ? 'withdrawn for every attendee' : 'there is no announcement to withdraw',
        })
        return
      }
      case 'clearHelp': {
        const found = this.deps.room.clearHelp(message.attendee)
        if (!found) {
          this.deps.send({
            type: 'instructorDone',
            action: 'clearHelp',
            attendee: message.attendee,
            ok: false,
            text: 'no such attendee (the sandbox may have been recycled)',
          })
        }
        return
      }
      case 'resetSandbox':
        this.#reset(message.attendee)
        return
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  }

  /** Inspector requests read the watched attendee's sandbox; without a watch they are ignored. */
  inspect(message: InspectorViewRequest): void {
    const inspector = this.#watch?.inspector
    if (inspector) inspectorRequest(inspector, message)
  }

  close(): void {
    this.#closed = true
    this.#stopWatch()
    this.#unsubscribe()
  }

  #broadcast(text: string, mission: string | null, step: string | null): void {
    const { missions, room, send } = this.deps
    const doc = mission === null ? null : missions.get(mission)
    if (mission !== null && (!doc || (step !== null && !doc.steps.some((each) => each.id === step)))) {
      send({
        type: 'instructorDone',
        action: 'broadcast',
        attendee: null,
        ok: false,
        text: `no such mission step: ${mission}${step ? `/${step}` : ''}`,
      })
      return
    }
    room.announce(text, mission, step)
    send({ type: 'instructorDone', action: 'broadcast', attendee: null, ok: true, text: 'sent to every attendee' })
  }

  #reset(attendee: string): void {
    const { room, send, log } = this.deps
    room
      .resetSandbox(attendee)
      .then((found) => {
        send({
          type: 'instructorDone',
          action: 'resetSandbox',
          attendee,
          ok: found,
          text: found ? 'the sandbox is empty and its progress starts over' : 'no such attendee (the sandbox may have been recycled)',
        })
      })
      .catch((error: Error) => {
        log(`instructor reset failed: ${error.message}`)
        send({ type: 'instructorDone', action: 'resetSandbox', attendee, ok: false, text: `the reset failed: ${error.message}` })
      })
  }

  #startWatch(attendee: string | null): void {
    this.#stopWatch()
    const { room, send, pool, log } = this.deps
    if (attendee === null) {
      send({ type: 'watching', attendee: null, reason: null })
      return
    }
    const sandbox = room.sandboxOf(attendee)
    if (!sandbox) {
      send({ type: 'watching', attendee: null, reason: 'no such attendee (the sandbox may have been recycled)' })
      return
    }
    // The room knows the sandbox by its number; its users are those of its own server.
    const { node } = pool.place(sandbox.db)
    const reader = new KeyReader(sandboxReaderConnection(node.target, sandbox.users), node.capabilities.hashFieldExpiration)
    const inspector = new InspectorSession({ reader, send, log })
    const relay: Watcher = {
      screen: (message) => send(message),
      sandboxEmptied: () => inspector.resynced(),
      viewing: (key) => send({ type: 'watchViewing', attendee, key }),
    }
    // Announced first: everything after it (screen, inspector data) is about this attendee.
    send({ type: 'watching', attendee, reason: null })
    const stopRelay = room.watch(attendee, relay)
    const stopEvents = node.watcher.listen(sandbox.users.db, inspector)
    this.#watch = {
      attendee,
      inspector,
      stop: () => {
        stopRelay?.()
        stopEvents()
        inspector.close()
      },
    }
  }

  #stopWatch(): void {
    const watch = this.#watch
    this.#watch = null
    watch?.stop()
  }
}
