/**
 * @module A big room change cut into parts the instructor page applies one animation frame apart.
 * When most of a room changes at once (everyone disconnected, a stuck rule changed, a burst after a
 * network stall), applying it in one frame re-renders and lays out every rendered row in one
 * task; a part of at most `maxRows` rows costs a fraction of that. The parts take every n-th row
 * (not the first `maxRows`, then the next), so each frame changes a few rows spread over the grid,
 * whatever order the server listed them in. Removals go with the first part. Pure.
 */
import type { InstructorServerMessage } from '../../../../common/protocol/index.ts'

/** Rows of a room change applied in one frame, at most. */
export const ROWS_PER_FRAME = 60

export function splitRoomChange(message: InstructorServerMessage, maxRows = ROWS_PER_FRAME): InstructorServerMessage[] {
  if (message.type !== 'roomChanged' || message.upsert.length <= maxRows) return [message]
  const parts = Math.ceil(message.upsert.length / maxRows)
  return Array.from({ length: parts }, (_, part) => ({
    ...message,
    upsert: message.upsert.filter((_, index) => index % parts === part),
    removed: part === 0 ? message.removed : [],
  }))
}

/** How many rows a message changes (a whole room counts as a frame's worth). */
export function rowsChanged(message: InstructorServerMessage, maxRows = ROWS_PER_FRAME): number {
  if (message.type === 'roomChanged') return message.upsert.length + message.removed.length
  return message.type === 'room' ? maxRows : 0
}
