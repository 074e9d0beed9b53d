/**
 * @module The one hook that owns the instructor page's socket, and the room state folded from it.
 *
 * Room messages are folded as they arrive but published to React at most once per animation
 * frame: a busy room sends several messages between two frames (rows, rules, the room again after
 * a reconnect), and one render for all of them keeps each frame's work small. A hidden tab gets no
 * frames, so a timer publishes too (whichever comes first). The render is a transition, so React
 * can slice it and keep the page responsive while it runs.
 */
import { startTransition, useEffect, useState } from 'react'
import { InstructorConnection, type InstructorStatus } from '../../../../common/connection/InstructorConnection.ts'
import { browserWebSocket, socketUrl } from '../../connection/browserSocket.ts'
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
    let frame: number | null = null
    let timer: ReturnType<typeof setTimeout> | null = null
    const publish = () => {
      if (frame !== null) cancelAnimationFrame(frame)
      if (timer !== null) clearTimeout(timer)
      frame = timer = null
      // A transition: React renders the changed rows in slices and yields between them, so a
      // burst of a hundred changed rows never holds the main thread in one long task.
      const published = folded
      startTransition(() => setRoom(published))
    }
    // The room is folded from the first message on: these listeners are in place before the socket opens.
    const removers = [
      created.on('status', setStatus),
      created.on('room', (message) => {
        const next = reduceRoom(folded, message, Date.now())
        if (next === folded) return
        folded = next
        if (frame === null) frame = requestAnimationFrame(publish)
        timer ??= setTimeout(publish, PUBLISH_WITHIN_MS)
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
