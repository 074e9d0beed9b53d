/** @module The instructor's view of the room, rebuilt from the messages an instructor socket received. */
import type { AttendeeRow, ServerMessage } from '../../common/protocol/index.ts'

/** The full list (`room`), then every change (`roomChanged`) applied in order. */
export function roomGrid(messages: Iterable<ServerMessage>): Map<string, AttendeeRow> {
  const rows = new Map<string, AttendeeRow>()
  for (const message of messages) {
    if (message.type === 'room') {
      rows.clear()
      for (const row of message.attendees) rows.set(row.id, row)
    } else if (message.type === 'roomChanged') {
      for (const row of message.upsert) rows.set(row.id, row)
      for (const id of message.removed) rows.delete(id)
    }
  }
  return rows
}
