/**
 * A connection started before the page's panels listen (holdMessages): the welcome opens it at once,
 * and command replies reach their command at once; everything else waits for release() and then
 * arrives in order.
 */
import { expect, it } from 'vitest'
import type { ServerMessage } from '../protocol/index.ts'
import { ProxyConnection } from './ProxyConnection.ts'
import type { SocketLike } from './ReconnectingSocket.ts'
import { memoryStore } from './stores.ts'

class HandSocket implements SocketLike {
  static last: HandSocket | null = null
  readyState = 0
  sent: unknown[] = []
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null
  constructor(readonly url: string) {
    HandSocket.last = this
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  close(): void {
    this.readyState = 3
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

it('opens on the welcome while holding, and passes on held messages in order at release()', () => {
  const connection = new ProxyConnection({
    url: 'ws://test/ws',
    WebSocket: HandSocket,
    tokens: memoryStore(),
    names: memoryStore(),
    holdMessages: true,
  })
  connection.start()
  const socket = HandSocket.last!
  socket.open()
  const server = { address: '127.0.0.1:6379', valkeyVersion: '9.1.2', features: {} }
  socket.receive({ type: 'welcome', v: 1, token: 't', fresh: false, resumed: false, server })
  expect(connection.status.state).toBe('open')
  socket.receive({ type: 'notice', level: 'info', text: 'first' } satisfies ServerMessage)
  socket.receive({ type: 'notice', level: 'warn', text: 'second' } satisfies ServerMessage)

  const notices: string[] = []
  connection.on('notice', (text) => notices.push(text))
  expect(notices).toEqual([])
  connection.release()
  expect(notices).toEqual(['first', 'second'])
  socket.receive({ type: 'notice', level: 'info', text: 'third' } satisfies ServerMessage)
  expect(notices).toEqual(['first', 'second', 'third'])
  connection.stop()
})

it('answers a command at once while holding the rest', async () => {
  const connection = new ProxyConnection({
    url: 'ws://test/ws',
    WebSocket: HandSocket,
    tokens: memoryStore(),
    names: memoryStore(),
    holdMessages: true,
  })
  connection.start()
  const socket = HandSocket.last!
  socket.open()
  const server = { address: '127.0.0.1:6379', valkeyVersion: '9.1.2', features: {} }
  socket.receive({ type: 'welcome', v: 1, token: 't', fresh: false, resumed: false, server })
  const notices: string[] = []
  connection.on('notice', (text) => notices.push(text))
  const answer = connection.run(['PING'])
  await expect.poll(() => socket.sent.some((message) => (message as { type: string }).type !== 'hello')).toBe(true)
  const command = JSON.stringify(socket.sent.at(-1))
  const id = Number(/"id":(\d+)/.exec(command)?.[1])
  socket.receive({ type: 'notice', level: 'info', text: 'held' } satisfies ServerMessage)
  socket.receive({ type: 'reply', id, replies: [{ t: 'str', s: 'PONG' }], ms: 1 } satisfies ServerMessage)
  expect((await answer).replies).toEqual([{ t: 'str', s: 'PONG' }])
  expect(notices).toEqual([])
  connection.release()
  expect(notices).toEqual(['held'])
  connection.stop()
})
