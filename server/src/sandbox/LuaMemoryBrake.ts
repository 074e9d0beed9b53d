/**
 * @module Gives back the memory a script took in Lua itself.
 *
 * Strings and tables a script builds (`string.rep('x', 700000000)`) live in the one Lua VM, not in
 * any database: Valkey does not count them against `maxmemory` and keeps them until its collector
 * gets to them, so one EVAL can leave the server process holding gigabytes. After scripts the
 * proxy looks at the VM's size (INFO memory, `used_memory_vm_eval`, or `used_memory_lua` on
 * servers without it), at most every 250 ms, and past the limit resets the VM with
 * `SCRIPT FLUSH ASYNC`, which frees it in the background. No sandbox notices: the proxy sends
 * every script as EVAL of its whole text (ScriptBook), so an empty script cache costs nothing.
 * Limit: memory a script takes while it runs is only given back once it has ended.
 */
import type { AdminClient } from '../valkey/adminClient.ts'

const CHECK_EVERY_MS = 250
/** A check that could not read the VM's size (Valkey busy, a reconnect) is tried again this often. */
const RETRIES = 20

export class LuaMemoryBrake {
  #checking = false
  #again = false
  #lastCheck = 0
  #retries = 0

  constructor(
    private readonly admin: AdminClient,
    private readonly limitBytes: number,
    private readonly log: (message: string) => void
  ) {}

  /** A script (or a transaction that may have held one) has been answered. */
  afterScript(): void {
    if (this.#checking) {
      this.#again = true
      return
    }
    this.#checking = true
    const wait = Math.max(0, this.#lastCheck + CHECK_EVERY_MS - Date.now())
    setTimeout(() => void this.#check(), wait).unref()
  }

  async #check(): Promise<void> {
    this.#lastCheck = Date.now()
    try {
      const info = String(await this.admin.call('info', 'memory'))
      const bytes = Number((/used_memory_vm_eval:(\d+)/.exec(info) ?? /used_memory_lua:(\d+)/.exec(info))?.[1] ?? 0)
      if (bytes > this.limitBytes) {
        await this.admin.call('script', 'flush', 'async')
        this.log(`the Lua VM held ${Math.round(bytes / 1024 / 1024)} MB after a script; reset it (SCRIPT FLUSH ASYNC)`)
      }
      this.#retries = 0
    } catch {
      // Valkey busy or away: look again shortly (a bounded number of times), since the script
      // that left the VM large may be the last one for a while.
      if (this.#retries < RETRIES) {
        this.#retries++
        this.#again = true
      }
    } finally {
      this.#checking = false
      if (this.#again) {
        this.#again = false
        this.afterScript()
      }
    }
  }
}
