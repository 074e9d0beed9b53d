/**
 * @module One playground process's link to the control Valkey: its identity, its heartbeat, and
 * noticing when the control server lost what the processes wrote there.
 *
 * Each process beats every `heartbeatMs` by setting `playground:process:<id>` with a TTL of
 * `staleMs`; anything a process holds in the control server (its live sandboxes) counts only while
 * that key exists, so a SIGKILLed process stops pinning sandboxes `staleMs` after its last beat.
 * `playground:control-epoch` is written once; a different (or missing) epoch means the control
 * server restarted without its data, and every process writes back what it knows (the restore
 * hooks). A beat that finds this process's key expired (it was stale: paused, or cut off for
 * longer than `staleMs`) and a reconnection after an outage run the hooks too, since writes may
 * have been lost meanwhile.
 *
 * Limit: a process paused longer than `staleMs` (a blocked event loop) is taken for dead, and its
 * sandboxes may be recycled under it; keep `staleMs` well above the longest pause.
 */
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import type { AdminClient } from '../valkey/adminClient.ts'
import { luaScript, runScript } from './controlCall.ts'
import { EPOCH, PROCESS_PREFIX, PROCESSES } from './keys.ts'

/** Set by the process that notices the lost epoch: claims wait until everyone has written back. */
export const RECOVERING = 'playground:control-recovering'

const HEARTBEAT = luaScript(`
local me, ttl, fresh, known, grace = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local key = '${PROCESS_PREFIX}' .. me
local existed = redis.call('EXISTS', key)
redis.call('SET', key, '1', 'PX', ttl)
redis.call('SADD', '${PROCESSES}', me)
local epoch = redis.call('GET', '${EPOCH}')
if not epoch then
  epoch = fresh
  redis.call('SET', '${EPOCH}', epoch)
end
if known ~= '' and known ~= epoch then redis.call('SET', '${RECOVERING}', '1', 'PX', grace) end
return {existed, epoch}
`)

export type RestoreReason = 'lost' | 'lapsed' | 'reconnected'

export type ControlLinkOptions = {
  control: AdminClient
  /** Defaults to `<hostname>:<pid>:<6 hex>`. */
  processId?: string
  heartbeatMs?: number
  /** A process whose last beat is older than this counts as gone. */
  staleMs?: number
  log?: (message: string) => void
}

export const newProcessId = () => `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`

export class ControlLink {
  readonly control: AdminClient
  readonly processId: string
  readonly heartbeatMs: number
  readonly staleMs: number
  #epoch: string | null = null
  #hooks: ((why: RestoreReason) => Promise<void>)[] = []
  #timer: NodeJS.Timeout | null = null
  #beating: Promise<void> | null = null
  /** A restore that failed (the server went away again) is retried at the next beat. */
  #owed: RestoreReason | null = null
  #wasDown = false
  readonly #log: (message: string) => void
  readonly #onReady = () => {
    if (this.#wasDown && this.#owed === null) this.#owed = 'reconnected'
    void this.beat().catch(() => undefined)
  }
  readonly #onClose = () => {
    this.#wasDown = true
  }

  constructor(options: ControlLinkOptions) {
    this.control = options.control
    this.processId = options.processId ?? newProcessId()
    this.heartbeatMs = options.heartbeatMs ?? 2000
    this.staleMs = options.staleMs ?? 10_000
    this.#log = options.log ?? (() => undefined)
  }

  get available(): boolean {
    return this.control.status === 'ready'
  }

  /** The first beat (throws ControlUnavailableError), then one every heartbeatMs. */
  async start(): Promise<void> {
    await this.beat()
    this.#timer = setInterval(() => void this.beat().catch(() => undefined), this.heartbeatMs)
    this.#timer.unref()
    this.control.on('ready', this.#onReady)
    this.control.on('close', this.#onClose)
  }

  /** Stops beating; the process's presence lapses after staleMs (or at once with `forget`). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
    this.control.off('ready', this.#onReady)
    this.control.off('close', this.#onClose)
    await this.#beating?.catch(() => undefined)
  }

  /** Called after the control server lost data, this process lapsed, or it reconnected. */
  onRestore(hook: (why: RestoreReason) => Promise<void>): void {
    this.#hooks.push(hook)
  }

  /** One heartbeat; concurrent callers share it. */
  beat(): Promise<void> {
    this.#beating ??= this.#beat().finally(() => (this.#beating = null))
    return this.#beating
  }

  async #beat(): Promise<void> {
    const [existed, epoch] = (await runScript(this.control, HEARTBEAT, [
      this.processId,
      this.staleMs,
      randomBytes(8).toString('hex'),
      this.#epoch ?? '',
      this.heartbeatMs * 2 + 1000,
    ])) as [number, string]
    const first = this.#epoch === null
    if (!first && epoch !== this.#epoch) this.#owed = 'lost'
    else if (!first && Number(existed) === 0 && this.#owed === null) this.#owed = 'lapsed'
    this.#epoch = epoch
    this.#wasDown = false
    const why = this.#owed
    if (why === null) return
    this.#log(`control server: writing back this process's state (${why})`)
    try {
      for (const hook of this.#hooks) await hook(why)
      if (this.#owed === why) this.#owed = null
    } catch (error) {
      this.#log(`control server: writing back failed (${(error as Error).message}); retrying at the next beat`)
    }
  }
}
