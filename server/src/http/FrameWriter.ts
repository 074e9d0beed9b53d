/**
 * @module One socket's outgoing messages, in order, with large ones sent in pieces.
 *
 * A message is written whole when it is small (encodeFrames, which also fences off values JSON
 * cannot encode). A large one (a KEYS over 200,000 keys, an HGETALL of 20,000 fields) is encoded
 * piece by piece (jsonPieces) and sent as one WebSocket message in several fragments, and the
 * writer hands the event loop back every couple of milliseconds, so other attendees' replies are
 * encoded and sent in between instead of waiting for the whole text. Messages behind a large one
 * wait for it: the page sees every message whole and in order.
 *
 * Limits: the pieces of one message are produced from the value as it was when writing began
 * (messages are not changed after they are written). Values the decoder let through
 * (REPLY_LIMITS) always encode; should a piece still fail, the socket is closed, since half a
 * message cannot be taken back.
 */
import type { WebSocket } from 'ws'
import type { ServerMessage } from '../../../common/protocol/index.ts'
import { encodeFrames } from './encodeFrames.ts'
import { PIECE_WEIGHT, jsonPieces, weight } from './jsonPieces.ts'

/** Messages of at least this weight (about 8,000 reply elements) are sent in pieces. */
const LARGE_WEIGHT = 4 * PIECE_WEIGHT
/** Bytes gathered before a fragment is sent. */
const FRAGMENT_CHARS = 64 * 1024
/** Work done before the event loop is handed back. */
const SLICE_MS = 2

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export class FrameWriter {
  /** Messages waiting behind a large one, each weighed once. */
  #queue: { message: ServerMessage; large: boolean }[] = []
  #streaming = false
  #drainWaiters: (() => void)[] = []

  constructor(
    private readonly ws: WebSocket,
    private readonly log: (text: string) => void
  ) {}

  write(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    const large = weight(message, LARGE_WEIGHT) >= LARGE_WEIGHT
    if (!this.#streaming && !large) {
      for (const text of encodeFrames(message, this.log)) this.ws.send(text)
      return
    }
    this.#queue.push({ message, large })
    if (!this.#streaming) void this.#pump()
  }

  /** Resolves once everything written so far has been handed to the socket. */
  drained(): Promise<void> {
    if (!this.#streaming) return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  async #pump(): Promise<void> {
    this.#streaming = true
    try {
      while (this.#queue.length > 0 && this.ws.readyState === this.ws.OPEN) {
        const { message, large } = this.#queue.shift()!
        if (large) await this.#stream(message)
        else for (const text of encodeFrames(message, this.log)) this.ws.send(text)
      }
    } catch (error) {
      this.log(`a large message could not be sent whole; closing the socket: ${String(error)}`)
      this.ws.terminate()
    } finally {
      this.#streaming = false
      for (const resolve of this.#drainWaiters.splice(0)) resolve()
    }
  }

  async #stream(message: ServerMessage): Promise<void> {
    let text = ''
    let since = performance.now()
    for (const piece of jsonPieces(message)) {
      text += piece
      if (text.length < FRAGMENT_CHARS) continue
      if (this.ws.readyState !== this.ws.OPEN) return
      this.ws.send(text, { fin: false })
      text = ''
      if (performance.now() - since >= SLICE_MS) {
        await nextTurn()
        since = performance.now()
      }
    }
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text, { fin: true })
  }
}
