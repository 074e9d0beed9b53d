/**
 * Shared pieces for integration tests: a playground started through the
 * real start-up path, and a WebSocket client speaking the page's protocol.
 */
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'
import WebSocket from 'ws'
import { startPlayground, type Playground, type PlaygroundOptions } from '../src/app.ts'
import type { Config } from '../src/config.ts'
import type { AdminClient } from '../src/valkey/adminClient.ts'
import { PROTOCOL_VERSION, type Reply, type ServerMessage, type WelcomeMessage } from '../../common/protocol/index.ts'

/** The instructor key test playgrounds use unless a test sets its own. */
export const TEST_INSTRUCTOR_KEY = 'test-instructor-key-0123456789'

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    valkeyUrls: [],
    controlUrl: null,
    valkeys: 1,
    valkeyServerBinary: inject('valkeyServer'),
    maxSandboxes: 16,
    sandboxIdleMs: 3_600_000,
    sandboxEmptyIdleMs: 300_000,
    sandboxesPerAddress: 16,
    sandboxMemoryMb: 64,
    scriptMemoryMb: 256,
    allowedOrigins: [],
    trustedProxies: [],
    webRoot: null,
    missionsDir: fileURLToPath(new URL('../../missions', import.meta.url)),
    valkeyDataDir: null,
    fresh: false,
    instructorKey: TEST_INSTRUCTOR_KEY,
    stuckAfterSeconds: 300,
    stuckErrors: 3,
    workers: 1,
    ...overrides,
  }
}

export function startTestPlayground(overrides: Partial<Config> = {}, options: Omit<PlaygroundOptions, 'config'> = {}): Promise<Playground> {
  return startPlayground({ config: testConfig(overrides), log: () => undefined, ...options })
}

/** Waits until `check` returns something other than undefined (polls; no fixed sleeps). */
export async function eventually<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Resolves once an embedded Valkey's append-only file holds every write it acknowledged (its AOF
 * buffer is empty; with appendfsync everysec a write may wait there while an fsync is running),
 * so that killing or stopping the server loses none of them. `server`: a playground (its first
 * server) or one node of its pool.
 */
export async function appendOnlyFileWritten(server: { admin: AdminClient }, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const info = String(await server.admin.call('info', 'persistence'))
    if (!/^aof_enabled:1\r?$/m.test(info)) throw new Error('the append-only file is off')
    if (/^aof_buffer_length:0\r?$/m.test(info)) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for the append-only file to be written:\n${info}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A browser stand-in: speaks the protocol, records everything the server sends. */
export class TestClient {
  readonly messages: ServerMessage[] = []
  closeCode: number | null = null
  closeReason = ''
  welcome: WelcomeMessage | null = null
  /** WebSocket frames received (batched replies count once). */
  frames = 0
  #nextId = 1
  #nextPing = 1

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage
      this.frames++
      // Batched replies are recorded one by one, as the page handles them.
      if (message.type === 'replies') for (const item of message.list) this.messages.push({ type: 'reply', ...item })
      else this.messages.push(message)
      if (message.type === 'welcome') this.welcome = message
    })
    ws.on('close', (code, reason) => {
      this.closeCode = code
      this.closeReason = reason.toString()
    })
  }

  /**
   * `from`: a loopback source address (127.0.0.2, ...) to stand for a visitor elsewhere. `ca`: over
   * TLS (wss://), trusting this CA (a TLS proxy in front of the playground).
   */
  static async open(
    port: number,
    options: { origin?: string; from?: string; headers?: Record<string, string>; ca?: Buffer } = {}
  ): Promise<TestClient> {
    const ws = new WebSocket(`${options.ca ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`, {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.from ? { localAddress: options.from } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    })
    const client = new TestClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return client
  }

  /** Opens a socket and completes the hello/welcome handshake. */
  static async connect(port: number, token: string | null = null, from?: string): Promise<TestClient> {
    const client = await TestClient.open(port, from ? { from } : {})
    client.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token })
    await eventually(() => client.welcome ?? undefined, 'welcome')
    return client
  }

  get token(): string {
    return this.welcome!.token
  }

  sendJson(value: unknown): void {
    this.ws.send(JSON.stringify(value))
  }

  /** Sends a command and resolves with its replies. */
  async run(...args: string[]): Promise<Reply[]> {
    const id = this.#nextId++
    this.sendJson({ type: 'command', id, args })
    const reply = await eventually(
      () => this.messages.find((m): m is Extract<ServerMessage, { type: 'reply' }> => m.type === 'reply' && m.id === id),
      `reply to ${args.join(' ')}`,
      20_000
    )
    return reply.replies
  }

  /** The replies to a command sent by hand (sendJson), once they are here. */
  replyTo(id: number): Reply[] | undefined {
    return this.messages.find((m): m is Extract<ServerMessage, { type: 'reply' }> => m.type === 'reply' && m.id === id)?.replies
  }

  /** Sends a command and resolves with its single reply. */
  async one(...args: string[]): Promise<Reply> {
    const replies = await this.run(...args)
    if (replies.length !== 1) throw new Error(`expected one reply to ${args[0]}, got ${replies.length}`)
    return replies[0]!
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type)
  }

  /**
   * A barrier on this socket: a ping, answered by the server at once and in order with everything
   * else it sends here. Once its pong is in, so is every message the server sent this socket
   * before it read the ping; a test can then assert that something did not arrive.
   */
  async sync(): Promise<void> {
    const t = this.#nextPing++
    this.sendJson({ type: 'ping', t })
    await eventually(() => (this.messages.some((m) => m.type === 'pong' && m.t === t) ? true : undefined), 'pong')
  }

  async closed(): Promise<void> {
    await eventually(() => (this.closeCode !== null ? true : undefined), 'socket close')
  }

  close(): void {
    this.ws.close()
  }
}

export const bulk = (s: string): Reply => ({ t: 'bulk', s })
export const int = (n: number | string): Reply => ({ t: 'int', n: String(n) })
export const ok: Reply = { t: 'str', s: 'OK' }
export const isError = (reply: Reply | undefined, pattern?: RegExp) => reply?.t === 'err' && (pattern ? pattern.test(reply.s) : true)
