/**
 * @module Server messages to WebSocket frame texts, safely.
 *
 * JSON.stringify throws on values it cannot encode: a structure deep enough to overflow the stack,
 * or a text longer than V8's longest string. The RESP decoder already keeps replies within limits
 * (REPLY_LIMITS); this is the second fence, so that even a reply that slips through costs its
 * command an error reply instead of taking the process, and every other sandbox, down.
 */
import type { ServerMessage } from '../../../common/protocol/index.ts'

const unsendable = (error: unknown) =>
  `ERR the playground could not send this reply to the page (${error instanceof Error ? error.message : String(error)})`

/** The frames for one message (a batch of replies that cannot go as one becomes one frame per reply). */
export function encodeFrames(message: ServerMessage, log: (text: string) => void): string[] {
  try {
    return [JSON.stringify(message)]
  } catch (error) {
    if (message.type === 'replies') {
      return message.list.map((item) => {
        try {
          return JSON.stringify({ type: 'replies', list: [item] })
        } catch (itemError) {
          log(`reply ${item.id} could not be encoded: ${String(itemError)}`)
          return JSON.stringify({
            type: 'replies',
            list: [{ id: item.id, replies: [{ t: 'err', s: unsendable(itemError) }], ms: item.ms }],
          })
        }
      })
    }
    if (message.type === 'reply') {
      return [JSON.stringify({ ...message, replies: [{ t: 'err', s: unsendable(error) }] })]
    }
    log(`a ${message.type} message could not be encoded and was dropped: ${String(error)}`)
    return []
  }
}
