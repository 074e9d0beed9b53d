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
import tls from 'node:tls'
import { EventEmitter } from 'node:events'
import type { Reply } from '../../../common/protocol/index.ts'
import { REPLY_LIMITS, RespDecoder, encodeCommand } from './decoder.ts'

/** Decoding time one connection may take before the others get a turn. */
const DECODE_SLICE_MS = 3

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError'
}

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void }

export type RespConnectionOptions = {
  host: string
  port: number
  connectTimeoutMs?: number
  /** Keep top-level aggregates of at least this many elements as JSON text (EncodedAggregate). */
  encodeFrom?: number
  /** TLS (rediss://): absent for plain TCP. */
  tls?: TlsSettings
}

/** How a TLS connection checks the server: the CA to trust (else the system's), or no check at all. */
export type TlsSettings = { ca?: string | Buffer; rejectUnauthorized: boolean; servername?: string }

export interface RespConnectionEvents {
  close: [error: Error | undefined]
}

export class RespConnection extends EventEmitter<RespConnectionEvents> {
  #socket: net.Socket | tls.TLSSocket | null = null
  #queue: Pending[] = []
  #decoder: RespDecoder
  #closed = false
  #corked = false
  #closeError: Error | undefined
  /** Decoding time in the current burst of data events, and when the last one ended. */
  #busyMs = 0
  #busyUntil = 0
  /** Set in stream mode; receives every reply instead of the request queue. */
  onStream: ((reply: Reply) => void) | null = null

  private constructor(encodeFrom?: number) {
    super()
    this.#decoder = new RespDecoder((reply) => this.#onReply(reply), { ...REPLY_LIMITS, encodeFrom })
  }

  static async connect(options: RespConnectionOptions): Promise<RespConnection> {
    const connection = new RespConnection(options.encodeFrom)
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

  #open({ host, port, connectTimeoutMs = 5000, tls: secure }: RespConnectionOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      // A TLS socket is ready once its handshake is done (secureConnect), a plain one on connect.
      const socket = secure
        ? tls.connect({
            host,
            port,
            ca: secure.ca,
            rejectUnauthorized: secure.rejectUnauthorized,
            servername: secure.servername ?? sniName(host),
          })
        : net.connect({ host, port })
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect to ${host}:${port} timed out after ${connectTimeoutMs} ms`))
      }, connectTimeoutMs)
      socket.once(secure ? 'secureConnect' : 'connect', () => {
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
        const started = performance.now()
        try {
          this.#decoder.push(chunk)
        } catch (error) {
          this.#shutdown(error as Error)
          return
        }
        this.#yieldIfBusy(socket, started)
      })
      socket.on('close', () => this.#shutdown(this.#closeError))
      this.#socket = socket
    })
  }

  /**
   * Node reads up to 32 chunks of 64 KB from one socket in a row, so a large reply (KEYS over
   * 200,000 keys) would be decoded in one go of tens of milliseconds while every other connection
   * waits. After DECODE_SLICE_MS of decoding the socket is paused until the next turn of the
   * event loop; the bytes wait in the kernel meanwhile.
   */
  #yieldIfBusy(socket: net.Socket | tls.TLSSocket, started: number): void {
    const now = performance.now()
    // A new burst: the previous one ended with a pause or idle time.
    if (started - this.#busyUntil > 1) this.#busyMs = 0
    this.#busyMs += now - started
    this.#busyUntil = now
    if (this.#busyMs < DECODE_SLICE_MS || this.#closed) return
    this.#busyMs = 0
    socket.pause()
    setImmediate(() => {
      if (!this.#closed) socket.resume()
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

/** TLS sends a server name only for names, never for IP addresses (RFC 6066). */
const sniName = (host: string): string | undefined => (net.isIP(host) === 0 ? host : undefined)
