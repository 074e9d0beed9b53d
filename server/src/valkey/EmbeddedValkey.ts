/**
 * @module The playground's own valkey-server child process.
 *
 * Bound to loopback on a free port, a random password on the default user
 * (the proxy is its only admin), many numbered databases, keyspace
 * notifications on. It is restarted if it dies, on the same port, so clients
 * reconnect by themselves.
 *
 * With a data folder it is durable: an append-only file, fsync once a second,
 * so a restart (after a crash, a kill -9, or of the whole playground) comes
 * back with every key and TTL, losing at most the last second. A script's
 * writes reach the AOF only when the script ends (Valkey propagates a script's
 * effects after its whole execution unit: postExecutionUnitOperations in
 * server.c), and while one runs past busy-reply-threshold Valkey still writes
 * the AOF buffer out (beforeSleep while blocked calls flushAppendOnlyFile), so
 * killing a server stuck in a script and restarting it from the AOF gives
 * back everyone's data without that script's unfinished changes.
 * Without a data folder nothing is written to disk (a fresh folder per launch).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
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
  /**
   * Where the append-only file lives. `keep`: it outlives the playground (npm start); otherwise
   * a temporary folder that survives this object's restarts and goes with stop(). Absent: no
   * persistence at all.
   */
  data?: { dir: string; keep: boolean }
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
  /** The next exit is one we caused to restart from the AOF (a frozen script): restart at once. */
  #restartAsked = false

  private constructor(private readonly options: EmbeddedOptions) {
    super()
  }

  static async start(options: EmbeddedOptions): Promise<EmbeddedValkey> {
    if (options.data) await mkdir(options.data.dir, { recursive: true, mode: 0o700 })
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

  /** The config given to valkey-server on its standard input, so the password is not on its command line. */
  #config(): string {
    const durable = this.options.data !== undefined
    const settings: Record<string, string> = {
      port: String(this.port),
      bind: this.host,
      'protected-mode': 'yes',
      requirepass: this.password,
      databases: String(this.options.databases),
      save: '',
      appendonly: durable ? 'yes' : 'no',
      appendfsync: 'everysec',
      dir: durable ? this.options.data!.dir : this.#dir,
      daemonize: 'no',
      logfile: '',
      'notify-keyspace-events': 'KA',
      'enable-debug-command': 'no',
      'enable-module-command': 'no',
      ...this.options.settings,
    }
    return Object.entries(settings)
      .map(([name, value]) => `${name} ${quoteConfig(value)}`)
      .join('\n')
  }

  async #launch(): Promise<void> {
    this.#lastStart = Date.now()
    // A folder per launch: the guard of a crashed launch removes its own
    // folder, never the one the restarted server is using.
    this.#dir = await mkdtemp(path.join(os.tmpdir(), 'valkey-playground-'))
    // The settings go in a file only we can read (the folder is 0700): on the command line the
    // admin password would be readable by every local user through ps.
    const configFile = path.join(this.#dir, 'valkey.conf')
    await writeFile(configFile, this.#config() + '\n', { mode: 0o600 })
    const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, this.options.binary, configFile], {
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
    // Loading a large append-only file takes a while; a fresh server answers at once.
    const deadline = Date.now() + (this.options.data ? 120_000 : 15_000)
    let lastError: unknown
    while (Date.now() < deadline) {
      if (!this.#child) throw new Error(`valkey-server did not start:\n${this.logTail}`)
      try {
        const probe = await RespConnection.connect({ host: this.host, port: this.port, connectTimeoutMs: 1000 })
        try {
          const reply = await probe.send(['AUTH', this.password])
          // PING answers LOADING until the append-only file is read in.
          const ping = reply.t === 'str' ? await probe.send(['PING']) : reply
          if (ping.t === 'str') return
          lastError = new Error(ping.t === 'err' ? ping.s : 'unexpected reply')
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
    const asked = this.#restartAsked
    this.#restartAsked = false
    this.emit('crashed', asked ? 'restarted to stop a script that could not be stopped' : detail)
    // Back off when it keeps dying right after start, so a broken binary or
    // config does not spin; a server that ran a while, or one we stopped on
    // purpose, restarts at once.
    const healthy = asked || Date.now() - this.#lastStart > 60_000
    this.#restarts = healthy ? 0 : this.#restarts + 1
    const delay = healthy ? 0 : Math.min(250 * 2 ** this.#restarts, 30_000)
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
    if (this.options.data && !this.options.data.keep) await rm(this.options.data.dir, { recursive: true, force: true })
  }

  /**
   * Kills the server and restarts it from its append-only file: the way out of a script that
   * wrote and then never ends (SCRIPT KILL refuses it). Only with a data folder: without one a
   * restart would lose every sandbox. Returns false when that is the case.
   */
  restartFromDisk(): boolean {
    if (!this.options.data || this.#stopping || !this.#child) return false
    this.#restartAsked = true
    this.#kill('SIGKILL')
    return true
  }

  /** Test hook: simulate a crash of the server process. */
  killForTest(): void {
    this.#kill('SIGKILL')
  }
}

/** A value as valkey.conf reads it: bare when it is one plain word, else double-quoted. */
function quoteConfig(value: string): string {
  return value !== '' && /^[^\s"'\\]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`
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
