/**
 * @module The cluster primary's workers: forked on the one port, given their setup, replaced
 * when one dies, told of the embedded servers' crashes and restarts, and stopped together.
 *
 * Node's cluster module shares the port: the primary holds the listening socket and hands each
 * new connection to the next worker in turn (its default round-robin scheduling on Linux).
 * Everything an attendee's reconnect needs must therefore live outside any one worker.
 */
import cluster, { type Worker } from 'node:cluster'
import { fileURLToPath } from 'node:url'
import type { ServerKeeper } from '../pool/ServerKeeper.ts'
import { isFleetMessage, type PrimaryMessage, type ReadyMessage, type SetupMessage, type WorkerMessage } from './messages.ts'
import { RestartPolicy } from './restartPolicy.ts'

export type FleetOptions = {
  count: number
  setup: SetupMessage
  /** The embedded servers' keeper (null: external servers, nobody restarts them). */
  keeper: ServerKeeper | null
  /** Called once when workers keep dying; the caller stops the playground. */
  onGiveUp: (reason: string) => void
  log: (message: string) => void
  policy?: RestartPolicy
}

/** How long workers get to close their sockets and connections before they are killed. */
const STOP_GRACE_MS = 10_000
/** After SIGKILL, how long to wait for the exit events (the kernel reaps at once). */
const KILL_WAIT_MS = 3000

const WORKER_ENTRY = fileURLToPath(new URL('./workerMain.ts', import.meta.url))

/** Node flags for a worker: the ones this process got, plus the TypeScript loader if it came in another way. */
function workerExecArgv(): string[] {
  const flags = [...process.execArgv]
  // npm start registers tsx from inside scripts/start.mjs, which leaves no flag to inherit.
  if (!flags.some((flag) => flag.includes('tsx'))) flags.push('--import', import.meta.resolve('tsx'))
  return flags
}

export class Fleet {
  readonly #workers = new Map<number, { worker: Worker; pid: number; ready: boolean }>()
  readonly #policy: RestartPolicy
  readonly #pending = new Set<NodeJS.Timeout>()
  readonly #unsubscribe: (() => void)[] = []
  #stopping = false
  #gaveUp = false
  #allUp = false
  #lastFailure = ''
  #firstReady: ReadyMessage | null = null
  #started: { resolve: (ready: ReadyMessage) => void; reject: (error: Error) => void } | null = null

  constructor(private readonly options: FleetOptions) {
    this.#policy = options.policy ?? new RestartPolicy()
  }

  /** Forks every worker; resolves with the first one's report once all of them serve. */
  start(): Promise<ReadyMessage> {
    cluster.setupPrimary({ exec: WORKER_ENTRY, execArgv: workerExecArgv(), args: process.argv.slice(2) })
    const { keeper } = this.options
    if (keeper) {
      this.#unsubscribe.push(
        keeper.onCrashed((index, detail) => this.#broadcast({ type: 'fleet:crashed', index, detail })),
        keeper.onRestarted((index) => this.#broadcast({ type: 'fleet:restarted', index }))
      )
    }
    const started = new Promise<ReadyMessage>((resolve, reject) => (this.#started = { resolve, reject }))
    for (let i = 0; i < this.options.count; i++) this.#fork()
    return started
  }

  /** The pids of the workers now running. */
  get pids(): number[] {
    return [...this.#workers.values()].map((entry) => entry.pid)
  }

  #fork(): void {
    const worker = cluster.fork()
    const pid = worker.process.pid ?? 0
    this.#workers.set(worker.id, { worker, pid, ready: false })
    worker.on('message', (message: unknown) => {
      if (isFleetMessage<WorkerMessage>(message)) this.#receive(worker, message)
    })
    // An IPC write to a worker that is going away fails; its exit event handles the rest.
    worker.on('error', () => undefined)
    worker.once('exit', (code, signal) => this.#exited(worker, pid, code, signal))
  }

  #receive(worker: Worker, message: WorkerMessage): void {
    const entry = this.#workers.get(worker.id)
    switch (message.type) {
      case 'fleet:hello':
        this.#send(worker, this.options.setup)
        return
      case 'fleet:ready':
        if (!entry) return
        entry.ready = true
        this.#firstReady ??= message
        if (this.#allUp) {
          this.options.log(`worker ${message.pid} is serving`)
        } else if ([...this.#workers.values()].filter((one) => one.ready).length >= this.options.count) {
          this.#allUp = true
          this.#started?.resolve(this.#firstReady)
        }
        return
      case 'fleet:failed':
        this.#lastFailure = message.message
        return
      case 'fleet:restart':
        if (!this.options.keeper?.restart(message.index)) this.options.log(`Valkey server ${message.index} cannot be restarted now`)
        return
      default:
        message satisfies never
    }
  }

  #exited(worker: Worker, pid: number, code: number | null, signal: string | null): void {
    this.#workers.delete(worker.id)
    const how = signal ?? `code ${code}`
    if (this.#stopping || this.#gaveUp) {
      // Asked to stop, a worker closes and exits 0: anything else is worth a line.
      if (this.#stopping && how !== 'code 0') this.options.log(`worker ${pid} exited (${how}) while stopping`)
      return
    }
    const delay = this.#policy.exited()
    if (delay === null) {
      this.#gaveUp = true
      const last = this.#lastFailure ? `; the last one could not start: ${this.#lastFailure}` : `; the last one: ${how}`
      const reason = `workers keep exiting (${this.#policy.describe()}${last})`
      this.#started?.reject(new Error(reason))
      this.options.onGiveUp(reason)
      return
    }
    this.options.log(`worker ${pid} exited (${how}); starting another${delay ? ` in ${delay} ms` : ''}`)
    const timer = setTimeout(() => {
      this.#pending.delete(timer)
      if (!this.#stopping && !this.#gaveUp) this.#fork()
    }, delay)
    this.#pending.add(timer)
  }

  #send(worker: Worker, message: PrimaryMessage): void {
    if (worker.isConnected()) worker.send(message)
  }

  #broadcast(message: PrimaryMessage): void {
    for (const { worker } of this.#workers.values()) this.#send(worker, message)
  }

  /** Asks every worker to close, kills the ones still there after a grace period, and waits for all of them. */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const timer of this.#pending) clearTimeout(timer)
    this.#pending.clear()
    for (const undo of this.#unsubscribe) undo()
    const running = [...this.#workers.values()].map(({ worker }) => worker)
    const exits = running.map((worker) =>
      worker.isDead() ? Promise.resolve() : new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    )
    this.#broadcast({ type: 'fleet:stop' })
    const all = Promise.all(exits).then(() => true)
    const inTime = await Promise.race([all, delay(STOP_GRACE_MS).then(() => false)])
    if (inTime) return
    for (const worker of running) {
      if (!worker.isDead()) {
        this.options.log(`worker ${worker.process.pid} did not stop in ${STOP_GRACE_MS / 1000} s; killing it`)
        worker.process.kill('SIGKILL')
      }
    }
    await Promise.race([all, delay(KILL_WAIT_MS)])
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
