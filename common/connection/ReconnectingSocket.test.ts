import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ServerMessage } from '../protocol/index.ts'
import { backoff, ReconnectingSocket, withJitter, type SocketLike, type SocketStatus } from './ReconnectingSocket.ts'

/**
 * A socket the test drives by hand: it opens, receives and closes when told. The lifecycle under
 * test is the class's own bookkeeping (statuses, timers), which needs no server; the real socket
 * path is covered by the integration tests (server/test/pageTerminal.ts) and the browser tests.
 */
class ScriptedSocket implements SocketLike {
  static made: ScriptedSocket[] = []
  readyState = 0
  sent: unknown[] = []
  /** The code of each close() call (undefined: none given). */
  closes: (number | undefined)[] = []
  onopen: SocketLike['onopen'] = null
  onmessage: SocketLike['onmessage'] = null
  onclose: SocketLike['onclose'] = null

  constructor(readonly url: string) {
    ScriptedSocket.made.push(this)
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data))
  }
  close(code?: number): void {
    this.readyState = 3
    this.closes.push(code)
  }
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
  drop(code: number, reason = ''): void {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}

const last = () => ScriptedSocket.made.at(-1)!

function makeSocket(retryAfter: (code: number, attempt: number) => number | null = (_code, attempt) => backoff(attempt)) {
  const statuses: SocketStatus<{ hi: number }>[] = []
  const received: ServerMessage[] = []
  const dropped = vi.fn()
  const socket = new ReconnectingSocket<{ hi: number }>({
    url: 'ws://test/ws',
    WebSocket: ScriptedSocket,
    hello: () => ({ type: 'instructorHello', v: 1, key: 'k' }),
    receive: (message) => received.push(message),
    status: (status) => statuses.push(status),
    dropped,
    retryAfter,
    heartbeat: { everyMs: 1000, withinMs: 500 },
  })
  return { socket, statuses, received, dropped }
}

describe('ReconnectingSocket', () => {
  beforeEach(() => {
    ScriptedSocket.made = []
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(0)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('doubles its wait up to 8 s, with up to 30% jitter', () => {
    expect([0, 1, 2, 5, 6, 10].map(backoff)).toEqual([250, 500, 1000, 8000, 8000, 8000])
    expect(withJitter(1000, 0)).toBe(1000)
    expect(withJitter(1000, 0.999)).toBe(1300)
  })

  it('says hello on open, is open only once told so, and sends only while the socket is open', () => {
    const { socket, statuses } = makeSocket()
    expect(socket.send({ type: 'cancel' })).toBe(false)
    socket.start()
    expect(statuses).toEqual([{ state: 'connecting', attempt: 0 }])
    last().open()
    expect(last().sent).toEqual([{ type: 'instructorHello', v: 1, key: 'k' }])
    expect(socket.status.state).toBe('connecting')
    socket.opened({ hi: 1 })
    expect(socket.status).toEqual({ state: 'open', hi: 1 })
    expect(socket.send({ type: 'cancel' })).toBe(true)
  })

  it('reconnects after a drop with growing waits, and starts over after a welcome', () => {
    const { socket, statuses, dropped } = makeSocket()
    socket.start()
    last().drop(1006)
    expect(dropped).toHaveBeenCalledTimes(1)
    expect(statuses.at(-1)).toEqual({ state: 'closed', reason: 'connection lost', code: 1006, retryInMs: 250 })
    vi.advanceTimersByTime(249)
    expect(ScriptedSocket.made).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(statuses.at(-1)).toEqual({ state: 'connecting', attempt: 1 })
    last().drop(1001, 'going away')
    expect(statuses.at(-1)).toEqual({ state: 'closed', reason: 'going away', code: 1001, retryInMs: 500 })
    vi.advanceTimersByTime(500)
    last().open()
    socket.opened({ hi: 2 })
    last().drop(1006)
    expect(statuses.at(-1)).toMatchObject({ state: 'closed', retryInMs: 250 })
  })

  it('stays closed when the policy says so', () => {
    const { socket, statuses } = makeSocket((code) => (code === 4001 ? null : 250))
    socket.start()
    last().drop(4001, 'refused')
    expect(statuses.at(-1)).toEqual({ state: 'closed', reason: 'refused', code: 4001, retryInMs: null })
    vi.advanceTimersByTime(60_000)
    expect(ScriptedSocket.made).toHaveLength(1)
  })

  it('gives up on a socket whose pong does not come, and not on one whose pong does', () => {
    const { socket, statuses, received } = makeSocket()
    socket.start()
    last().open()
    socket.opened({ hi: 1 })
    vi.advanceTimersByTime(1000)
    expect(last().sent.at(-1)).toMatchObject({ type: 'ping' })
    last().receive({ type: 'pong', t: 0 })
    expect(received).toEqual([{ type: 'pong', t: 0 }])
    vi.advanceTimersByTime(999)
    expect(socket.status.state).toBe('open')
    vi.advanceTimersByTime(1 + 500)
    expect(last().closes).toEqual([undefined])
    expect(statuses.at(-1)).toEqual({ state: 'closed', reason: 'no answer from the server', code: 1006, retryInMs: 250 })
  })

  it('after stop, neither reports the close nor reconnects', () => {
    const { socket, statuses, dropped } = makeSocket()
    socket.start()
    last().open()
    socket.stop()
    expect(last().closes).toEqual([1000])
    last().drop(1000)
    vi.advanceTimersByTime(60_000)
    expect(dropped).not.toHaveBeenCalled()
    expect(statuses).toEqual([{ state: 'connecting', attempt: 0 }])
    expect(ScriptedSocket.made).toHaveLength(1)
  })
})
