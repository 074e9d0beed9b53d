/**
 * @module The one hook that owns the instructor page's socket, and the room state folded from it.
 *
 * Room messages are folded as they arrive but published to React at most once per animation
 * frame: a busy room sends several messages between two frames (rows, rules, the room again after
 * a reconnect), and one render for all of them keeps each frame's work small. A hidden tab gets no
 * frames, so a timer publishes too (whichever comes first). The render is a transition, so React
 * can slice it and keep the page responsive while it runs. A change of many rows at once is applied
 * in parts a frame apart (roomChunks.ts), so no one frame lays out every rendered row.
 */
import { startTransition, useEffect, useState } from 'react'
import { InstructorConnection, type InstructorStatus } from '../../../../common/connection/InstructorConnection.ts'
import { browserWebSocket, socketUrl } from '../../connection/browserSocket.ts'
import type { InstructorServerMessage } from '../../../../common/protocol/index.ts'
import { ROWS_PER_FRAME, rowsChanged, splitRoomChange } from './roomChunks.ts'
import { initialRoom, reduceRoom, type RoomState } from './roomStore.ts'

/** The longest a folded message waits for a frame before it is published anyway (hidden tab). */
const PUBLISH_WITHIN_MS = 250

export function useInstructorSocket(key: string | null): {
  connection: InstructorConnection | null
  status: InstructorStatus
  room: RoomState
} {
  const [connection, setConnection] = useState<InstructorConnection | null>(null)
  const [status, setStatus] = useState<InstructorStatus>({ state: 'connecting' })
  const [room, setRoom] = useState(initialRoom)

  useEffect(() => {
    if (key === null) return
    const created = new InstructorConnection({ url: socketUrl(window.location), WebSocket: browserWebSocket, key })
    let folded: RoomState = initialRoom
    // Messages (or parts of a big one) not applied yet, in order, with the page time they arrived.
    const pending: { message: InstructorServerMessage; at: number }[] = []
    let frame: number | null = null
    let timer: ReturnType<typeof setTimeout> | null = null
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(() => publish(false))
      timer ??= setTimeout(() => publish(true), PUBLISH_WITHIN_MS)
    }
    // A frame applies what is pending up to ROWS_PER_FRAME rows (at least one part); the timer, which
    // runs when no frame came (a hidden tab draws none), applies it all.
    const publish = (all: boolean) => {
      if (frame !== null) cancelAnimationFrame(frame)
      if (timer !== null) clearTimeout(timer)
      frame = timer = null
      const before = folded
      let rows = 0
      while (pending.length > 0 && (all || rows === 0 || rows + rowsChanged(pending[0]!.message) <= ROWS_PER_FRAME)) {
        const { message, at } = pending.shift()!
        rows += rowsChanged(message)
        folded = reduceRoom(folded, message, at)
      }
      if (pending.length > 0) schedule()
      if (folded === before) return
      // A transition: React renders the changed rows in slices and yields between them, so a
      // burst of a hundred changed rows never holds the main thread in one long task.
      const published = folded
      startTransition(() => setRoom(published))
    }
    // The room is folded from the first message on: these listeners are in place before the socket opens.
    const removers = [
      created.on('status', setStatus),
      created.on('room', (message) => {
        const at = Date.now()
        for (const part of splitRoomChange(message)) pending.push({ message: part, at })
        schedule()
      }),
    ]
    created.start()
    // As in useProxySocket: the connection is made and stopped by this effect; publishing it is
    // the effect's one synchronous state update.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see the comment above
    setConnection(created)
    return () => {
      removers.forEach((remove) => remove())
      if (frame !== null) cancelAnimationFrame(frame)
      if (timer !== null) clearTimeout(timer)
      created.stop()
    }
  }, [key])

  return { connection, status, room }
}
