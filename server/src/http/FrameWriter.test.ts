import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import type { ServerMessage } from '../../../common/protocol/index.ts'
import { FrameWriter } from './FrameWriter.ts'

/** Stands in for a ws socket: records what is sent and reassembles fragmented messages. */
function recordingSocket() {
  const messages: string[] = []
  let partial = ''
  let fragments = 0
  const ws = {
    OPEN: 1,
    readyState: 1,
    send(text: string, options?: { fin?: boolean }) {
      partial += text
      fragments++
      if (options?.fin === false) return
      messages.push(partial)
      partial = ''
    },
    terminate() {
      ws.readyState = 3
    },
  }
  return { ws: ws as unknown as WebSocket & { readyState: number }, messages, fragments: () => fragments }
}

const big: ServerMessage = {
  type: 'replies',
  list: [{ id: 1, replies: [{ t: 'arr', a: Array.from({ length: 100_000 }, (_, i) => ({ t: 'bulk', s: `key:${i}` })) }], ms: 5 }],
}
const small: ServerMessage = { type: 'notice', level: 'info', text: 'hello' }

describe('FrameWriter', () => {
  it('sends a small message whole, at once', () => {
    const socket = recordingSocket()
    new FrameWriter(socket.ws, () => undefined).write(small)
    expect(socket.messages).toEqual([JSON.stringify(small)])
  })

  it('sends a large message in fragments, and what comes after it only after it, whole and in order', async () => {
    const socket = recordingSocket()
    const writer = new FrameWriter(socket.ws, () => undefined)
    writer.write(big)
    writer.write(small)
    expect(socket.messages).toEqual([])
    await writer.drained()
    expect(socket.messages).toEqual([JSON.stringify(big), JSON.stringify(small)])
    expect(socket.fragments()).toBeGreaterThan(10)
  })

  it('stops when the socket closes mid-way', async () => {
    const socket = recordingSocket()
    const writer = new FrameWriter(socket.ws, () => undefined)
    writer.write(big)
    socket.ws.readyState = 3
    await writer.drained()
    expect(socket.messages).toEqual([])
  })
})
