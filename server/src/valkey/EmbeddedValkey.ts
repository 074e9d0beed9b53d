/**
 * @module The playground's own valkey-server child process.
 *
 * Bound to loopback on a free port, nothing written to disk, a random
 * password on the default user (the proxy is its only admin), many numbered
 * databases, keyspace notifications on. It is restarted if it dies, on the
 * same port, so clients reconnect by themselves.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { RespConnection } from '../resp/RespConnection.ts'

/**
 * Runs valkey-server and kills it when Node's end of our stdin pipe closes,
 * which happens even when Node dies from SIGKILL and cannot clean up; the
 * server's (empty) working folder, $PLAYGROUND_VALKEY_DIR, goes with it.
 * fd 3 keeps the pipe because background jobs of a non-interactive shell get
 * /dev/null as stdin.
 *
 * SIGTERM is followed by SIGKILL after a grace period: a server busy in a
 * script that wrote (which SCRIPT KILL cannot stop) does not act on SIGTERM,
 * and it must not outlive the playground, holding its port and a core.
 */
const GUARD_SCRIPT = `
exec 3<&0
"$0" "$@" </dev/null 3<&- &
child=$!
stop() { kill -TERM "$child" 2>/dev/null; ( sleep 3; kill -KILL "$child" 2>/dev/null ) & }
( cat <&3 >/dev/null; stop; sleep 3.5; rm -rf "$PLAYGROUND_VALKEY_DIR" ) &
exec 3<&-
trap 'stop' TERM INT HUP
status=0
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
exit $status
`

export type EmbeddedOptions = {
  binary: string
  databases: number
  /** Extra `--name value` settings, e.g. maxmemory. */
  settings?: Record<string, string>
  log?: (line: string) => void
}

export interface EmbeddedEvents {
  /** The server died unexpectedly; `restarting` tells whether a restart follows. */
  crashed: [detail: string]
  restarted: []
}

export class EmbeddedValkey extends EventEmitter<EmbeddedEvents> {
  readonly host = '127.0.0.1'
  readonly password = randomBytes(24).toString('hex')
  port = 0
  #child: ChildProcess | null = null
  #dir = ''
  #stopping = false
  #restarts = 0
  #lastStart = 0
  #logTail: string[] = []

  private constructor(private readonly options: EmbeddedOptions) {
    super()
  }

  static async start(options: EmbeddedOptions): Promise<EmbeddedValkey> {
    const valkey = new EmbeddedValkey(options)
    for (let attempt = 1; ; attempt++) {
      valkey.port = await findFreePort()
      try {
        await valkey.#launch()
        return valkey
      } catch (error) {
        // Another process may have taken the port between probe and bind.
        if (attempt >= 3) throw error
      }
    }
  }

  /** The last lines valkey-server printed, for error messages. */
  get logTail(): string {
    return this.#logTail.join('\n')
  }

  #args(): string[] {
    const settings: Record<string, string> = {
      port: String(this.port),
      bind: this.host,
      'protected-mode': 'yes',
      requirepass: this.password,
      databases: String(this.options.databases),
      save: '',
      appendonly: 'no',
      dir: this.#dir,
      daemonize: 'no',
      logfile: '',
      'notify-keyspace-events': 'KA',
      'enable-debug-command': 'no',
      'enable-module-command': 'no',
      ...this.options.settings,
    }
    return Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value])
  }

  async #launch(): Promise<void> {
    this.#lastStart = Date.now()
    // A folder per launch: the guard of a crashed launch removes its own
    // folder, never the one the restarted server is using.
    this.#dir = await mkdtemp(path.join(os.tmpdir(), 'valkey-playground-'))
    const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, this.options.binary, ...this.#args()], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PLAYGROUND_VALKEY_DIR: this.#dir },
    })
    this.#child = child
    const dir = this.#dir
    const onLine = (line: string) => {
      this.#logTail.push(line)
      if (this.#logTail.length > 30) this.#logTail.shift()
      this.options.log?.(line)
    }
    for (const stream of [child.stdout, child.stderr]) {
      let partial = ''
      stream?.setEncoding('utf8')
      stream?.on('data', (text: string) => {
        const lines = (partial + text).split('\n')
        partial = lines.pop() ?? ''
        for (const line of lines) if (line.trim()) onLine(line)
      })
    }
    return new Promise<void>((resolve, reject) => {
      let ready = false
      child.once('exit', (code, signal) => {
        child.stdin?.destroy()
        if (this.#child === child) this.#child = null
        const detail = `valkey-server exited (${signal ?? `code ${code}`})`
        void rm(dir, { recursive: true, force: true })
        if (!ready) {
          reject(new Error(`${detail} before it was ready:\n${this.logTail}`))
          return
        }
        if (!this.#stopping) this.#onCrash(detail)
      })
      child.once('error', reject)
      this.#waitReady()
        .then(() => {
          ready = true
          resolve()
        })
        .catch((error: Error) => {
          this.#kill()
          reject(error)
        })
    })
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + 15_000
    let lastError: unknown
    while (Date.now() < deadline) {
      if (!this.#child) throw new Error(`valkey-server did not start:\n${this.logTail}`)
      try {
        const probe = await RespConnection.connect({ host: this.host, port: this.port, connectTimeoutMs: 1000 })
        try {
          const reply = await probe.send(['AUTH', this.password])
          if (reply.t === 'str') return
          lastError = new Error(reply.t === 'err' ? reply.s : 'unexpected AUTH reply')
        } finally {
          probe.close()
        }
      } catch (error) {
        lastError = error
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`valkey-server did not accept connections within 15 s: ${String(lastError)}`)
  }

  #onCrash(detail: string): void {
    this.emit('crashed', detail)
    // Back off when it keeps dying right after start, so a broken binary or
    // config does not spin; a server that ran a while restarts at once.
    const healthy = Date.now() - this.#lastStart > 60_000
    this.#restarts = healthy ? 0 : this.#restarts + 1
    const delay = Math.min(250 * 2 ** this.#restarts, 30_000)
    setTimeout(() => {
      if (this.#stopping) return
      this.#launch()
        .then(() => this.emit('restarted'))
        .catch(() => {
          // #launch failed before ready: the exit handler did not fire
          // #onCrash (not ready yet), so schedule the next attempt here.
          if (!this.#stopping) this.#onCrash('valkey-server failed to restart')
        })
    }, delay)
  }

  #kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    const child = this.#child
    if (!child?.pid) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // Already gone.
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and removes its folder. */
  async stop(): Promise<void> {
    this.#stopping = true
    const child = this.#child
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      this.#kill('SIGTERM')
      const timer = setTimeout(() => this.#kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
    await rm(this.#dir, { recursive: true, force: true })
  }

  /** Test hook: simulate a crash of the server process. */
  killForTest(): void {
    this.#kill('SIGKILL')
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
