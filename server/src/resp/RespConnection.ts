/**
 * @module One raw TCP connection to Valkey that keeps reply types.
 *
 * Two modes:
 * - request mode: every command gets exactly one reply, matched in order;
 *   commands are pipelined (written at once, answered in order).
 * - stream mode (pub/sub): every reply is handed to `onStream`; there is no
 *   pairing, because one SUBSCRIBE can produce several replies.
 *
 * WARNING: the caller must never send commands that change the reply count
 * (CLIENT REPLY OFF/SKIP, MONITOR, SUBSCRIBE in request mode); the sandbox ACL
 * denies them so a mistake cannot desynchronise the queue.
 */
import net from 'node:net'
import { EventEmitter } from 'node:events'
import type { Reply } from '../protocol.ts'
import { RespDecoder, encodeCommand } from './decoder.ts'

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError'
}

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void }

export type RespConnectionOptions = {
  host: string
  port: number
  connectTimeoutMs?: number
}

export interface RespConnectionEvents {
  close: [error: Error | undefined]
}

export class RespConnection extends EventEmitter<RespConnectionEvents> {
  #socket: net.Socket | null = null
  #queue: Pending[] = []
  #decoder = new RespDecoder((reply) => this.#onReply(reply))
  #closed = false
  #corked = false
  #closeError: Error | undefined
  /** Set in stream mode; receives every reply instead of the request queue. */
  onStream: ((reply: Reply) => void) | null = null

  static async connect(options: RespConnectionOptions): Promise<RespConnection> {
    const connection = new RespConnection()
    await connection.#open(options)
    return connection
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Commands written but not yet answered. */
  get inFlight(): number {
    return this.#queue.length
  }

  #open({ host, port, connectTimeoutMs = 5000 }: RespConnectionOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port })
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect to ${host}:${port} timed out after ${connectTimeoutMs} ms`))
      }, connectTimeoutMs)
      socket.once('connect', () => {
        clearTimeout(timer)
        socket.off('error', reject)
        socket.on('error', (error) => this.#shutdown(error))
        resolve()
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      socket.on('data', (chunk) => {
        try {
          this.#decoder.push(chunk)
        } catch (error) {
          this.#shutdown(error as Error)
        }
      })
      socket.on('close', () => this.#shutdown(this.#closeError))
      this.#socket = socket
    })
  }

  /** Sends one command; resolves with its reply (error replies resolve too). */
  send(args: readonly (string | Buffer)[]): Promise<Reply> {
    if (this.#closed || !this.#socket) {
      return Promise.reject(new ConnectionClosedError('connection to Valkey is closed'))
    }
    return new Promise<Reply>((resolve, reject) => {
      this.#queue.push({ resolve, reject })
      this.#writeCorked(encodeCommand(args))
    })
  }

  /** Writes a command whose replies will arrive through `onStream`. */
  write(args: readonly (string | Buffer)[]): void {
    if (this.#closed || !this.#socket) throw new ConnectionClosedError('connection to Valkey is closed')
    this.#writeCorked(encodeCommand(args))
  }

  /** Commands written in the same tick (a paste) leave in one system call. */
  #writeCorked(bytes: Buffer): void {
    const socket = this.#socket!
    if (!this.#corked) {
      this.#corked = true
      socket.cork()
      process.nextTick(() => {
        this.#corked = false
        socket.uncork()
      })
    }
    socket.write(bytes)
  }

  close(): void {
    this.#shutdown(undefined)
  }

  #onReply(reply: Reply): void {
    const pending = this.#queue.shift()
    if (pending) {
      pending.resolve(reply)
      return
    }
    if (this.onStream) {
      this.onStream(reply)
      return
    }
    // A reply nobody asked for means the pairing is lost; continuing would
    // hand every later reply to the wrong command.
    this.#shutdown(new Error('unexpected reply from Valkey; connection reset'))
  }

  #shutdown(error: Error | undefined): void {
    if (this.#closed) return
    this.#closed = true
    this.#closeError = error
    this.#socket?.destroy()
    const failure = new ConnectionClosedError(error ? `connection to Valkey lost: ${error.message}` : 'connection to Valkey closed')
    for (const pending of this.#queue.splice(0)) pending.reject(failure)
    this.emit('close', error)
  }
}
