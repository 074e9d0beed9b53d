/**
 * @module One terminal's commands on their way to Valkey: its share of the server, and what is
 * running now.
 *
 * Each command waits for its turn in the terminal's window (FairWindow), in order, and is then
 * written; the lane remembers what is at Valkey and since when (Ctrl-C and the script watchdog
 * look at the oldest). A heavy command's place is held until its reply has gone out to the page
 * (a large reply is encoded in turns, FrameWriter, and the next one must not be decoded
 * meanwhile), and then for a rest that grows with the square of the time it took; ordinary
 * commands are paced by a time budget (ShareBudget says why and how much).
 */
import type { Reply } from '../../../common/protocol/index.ts'
import type { RespConnection } from '../resp/RespConnection.ts'
import { SCRIPT_COMMANDS } from '../../../common/commands/commandNames.ts'
import { FairWindow, isHeavy } from './FairWindow.ts'
import { Neighbours, ShareBudget, restAfterHeavy } from './ShareBudget.ts'

/** Every terminal of this process: whether a lane has neighbours to leave time for. */
const neighbours = new Neighbours()

export type InFlight = { name: string; since: number; timer?: NodeJS.Timeout }

export type LaneHooks = {
  /** A script (or EXEC) has run this long: it is stopped. */
  scriptTimeoutMs: number
  onScriptTimeout(): void
  /** A script (or EXEC) was answered. */
  afterScript?(): void
  /** Resolves once every reply handed to the page so far has gone out. */
  drained?(): Promise<void>
}

export class CommandLane {
  /** Commands written or waiting to be, oldest first; replies come back in this order. */
  #items: InFlight[] = []
  #window = new FairWindow()
  #budget = new ShareBudget(performance.now())
  /** Ordinary commands' time at the server is charged up to here; null while none is at Valkey. */
  #chargedTo: number | null = null

  constructor(private readonly hooks: LaneHooks) {}

  /** The oldest command not answered yet (`since` is Infinity while it still waits for its turn). */
  get oldest(): InFlight | undefined {
    return this.#items[0]
  }

  /** Writes the command when its turn comes; resolves with the reply, rejects when the connection fails. */
  send(connection: RespConnection, args: readonly string[], name: string): Promise<Reply> {
    const item: InFlight = { name, since: Infinity }
    this.#items.push(item)
    const heavy = isHeavy(name)
    const scripted = SCRIPT_COMMANDS.has(name) || name === 'EXEC'
    const done = () => {
      clearTimeout(item.timer)
      if (scripted) this.hooks.afterScript?.()
      this.#release(heavy, item.since)
      // Replies arrive in order, so the answered command is the oldest.
      if (this.#items[0] === item) this.#items.shift()
      else this.#items.splice(this.#items.indexOf(item), 1)
    }
    return new Promise<Reply>((resolve, reject) => {
      this.#window.admit(heavy, () => {
        item.since = performance.now()
        neighbours.sent(this, item.since)
        if (!heavy) this.#chargedTo ??= item.since
        if (scripted) item.timer = setTimeout(() => this.hooks.onScriptTimeout(), this.hooks.scriptTimeoutMs)
        connection.send(args).then(
          (reply) => {
            done()
            resolve(reply)
          },
          (error: unknown) => {
            done()
            reject(error instanceof Error ? error : new Error(String(error)))
          }
        )
      })
    })
  }

  /** The terminal is gone: timers stop, and what waits goes at once (and fails with the connection). */
  close(): void {
    for (const item of this.#items) clearTimeout(item.timer)
    this.#window.drain()
  }

  #release(heavy: boolean, sentAt: number): void {
    if (!heavy) {
      // Charged for the time it had commands at Valkey since the last answer; the rest (if any)
      // is set before the window frees a place, so nothing slips in first.
      // Time used while alone is not charged at all: no debt waits for the first neighbour.
      const now = performance.now()
      const rest = neighbours.othersActive(this, now) ? this.#budget.charge(now, now - (this.#chargedTo ?? now)) : 0
      if (rest > 0) this.#window.rest(rest)
      this.#window.done(false)
      this.#chargedTo = this.#window.inFlight > 0 ? now : null
      return
    }
    const drained = this.hooks.drained
    if (!drained) {
      this.#window.done(heavy)
      return
    }
    const release = () => {
      const rest = restAfterHeavy(performance.now() - sentAt)
      if (rest === 0) this.#window.done(heavy)
      // Unref'd: a terminal resting must not keep a stopping process alive.
      else setTimeout(() => this.#window.done(heavy), rest).unref()
    }
    // The reply reaches the page's writer only after this promise callback: wait a turn first.
    setImmediate(() => void drained().then(release, release))
  }
}
