/**
 * @module The one hook that owns the instructor page's socket, and the room state folded from it.
 */
import { useEffect, useState } from 'react'
import { InstructorConnection, type InstructorStatus } from '../../../../common/connection/InstructorConnection.ts'
import { browserWebSocket, socketUrl } from '../../connection/browserSocket.ts'
import { initialRoom, reduceRoom, type RoomState } from './roomStore.ts'

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
    // The room is folded from the first message on: these listeners are in place before the socket opens.
    const removers = [
      created.on('status', setStatus),
      created.on('room', (message) => setRoom((state) => reduceRoom(state, message, Date.now()))),
    ]
    created.start()
    // As in useProxySocket: the connection is made and stopped by this effect; publishing it is
    // the effect's one synchronous state update.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see the comment above
    setConnection(created)
    return () => {
      removers.forEach((remove) => remove())
      created.stop()
    }
  }, [key])

  return { connection, status, room }
}
