/**
 * @module A control Valkey for the directory's tests, which a test can SIGKILL and start again on
 * the same port, with its append-only file or without (a control server that kept nothing).
 *
 * Like targetServer.ts, the server dies with the Node process that started it (a watchdog on a
 * pipe), but its folder stays until stop(), so a restart can read the append-only file back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'iovalkey'

const WATCHDOG = 'exec 3<&0 0</dev/null; ( cat <&3 >/dev/null; kill -KILL $$ 2>/dev/null ) >/dev/null 2>&1 & exec 3<&-; exec "$0" "$@"'

export class ControlServer {
  #child: ChildProcess | null = null

  private constructor(
    readonly binary: string,
    readonly port: number,
    readonly dir: string
  ) {}

  static async start(binary: string): Promise<ControlServer> {
    const server = new ControlServer(binary, await freePort(), await mkdtemp(path.join(os.tmpdir(), 'control-valkey-')))
    await server.launch()
    return server
  }

  get pid(): number {
    return this.#child!.pid!
  }

  /** Starts the server on its port; `keepData: false` first removes its append-only files. */
  async launch(keepData = true): Promise<void> {
    if (!keepData) await rm(path.join(this.dir, 'appendonlydir'), { recursive: true, force: true })
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes']
    args.push('--appendfsync', 'always', '--save', '', '--databases', '4')
    const child = spawn('/bin/sh', ['-c', WATCHDOG, this.binary, ...args], { stdio: ['pipe', 'ignore', 'pipe'] })
    child.stderr!.resume()
    this.#child = child
    const deadline = Date.now() + 15_000
    for (;;) {
      const probe = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
      probe.on('error', () => undefined)
      try {
        await probe.connect()
        await probe.ping()
        probe.disconnect()
        return
      } catch {
        probe.disconnect()
        if (Date.now() > deadline) throw new Error('control valkey-server did not start')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  /** SIGKILL by pid; resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(child.pid!, 'SIGKILL')
    await exited
    child.stdin!.destroy()
  }

  async stop(): Promise<void> {
    await this.kill()
    await rm(this.dir, { recursive: true, force: true })
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}
