/**
 * @module One sandbox's share of the single Valkey thread.
 *
 * Valkey runs every complete command a client has sent before it reads the next client, so a
 * sandbox that pipelines 4,000 HSETs, or a stream of KEYS over 200,000 keys, makes everyone else
 * wait behind all of them. The proxy therefore lets each terminal have only a few commands at
 * Valkey at once: up to LIGHT_WINDOW ordinary ones, or a single heavy one (a command whose cost
 * grows with the data: KEYS, HGETALL, SMEMBERS, LRANGE, SORT, scripts, EXEC...) and nothing
 * beside it. Another sandbox's command then waits behind at most that much, whatever one
 * attendee sends; the flooding attendee's commands still all run, in order, just paced by their
 * own replies, and by rests its lane asks for (ShareBudget: how much of the time it may use).
 */

/** Ordinary commands one terminal may have at Valkey at once. */
export const LIGHT_WINDOW = 32

/** Commands whose cost grows with the size of the data, or is unknown (scripts, transactions). */
const HEAVY = new Set([
  'KEYS',
  'SCAN',
  'HGETALL',
  'HKEYS',
  'HVALS',
  'HSCAN',
  'HRANDFIELD',
  'SMEMBERS',
  'SSCAN',
  'SINTER',
  'SUNION',
  'SDIFF',
  'SINTERSTORE',
  'SUNIONSTORE',
  'SDIFFSTORE',
  'SINTERCARD',
  'SRANDMEMBER',
  'LRANGE',
  'LPOS',
  'LREM',
  'LTRIM',
  'ZRANGE',
  'ZREVRANGE',
  'ZRANGEBYSCORE',
  'ZREVRANGEBYSCORE',
  'ZRANGEBYLEX',
  'ZREVRANGEBYLEX',
  'ZRANGESTORE',
  'ZUNION',
  'ZINTER',
  'ZDIFF',
  'ZUNIONSTORE',
  'ZINTERSTORE',
  'ZDIFFSTORE',
  'ZSCAN',
  'XRANGE',
  'XREVRANGE',
  'SORT',
  'SORT_RO',
  'MGET',
  'MSET',
  'DEL',
  'UNLINK',
  'FLUSHDB',
  'COPY',
  'DUMP',
  'EVAL',
  'EVAL_RO',
  'EVALSHA',
  'EVALSHA_RO',
  'FCALL',
  'FCALL_RO',
  'EXEC',
])

export const isHeavy = (name: string) => HEAVY.has(name)

type Waiting = { heavy: boolean; send: () => void }

export class FairWindow {
  #light = 0
  #heavy = false
  #waiting: Waiting[] = []
  #resting: NodeJS.Timeout | null = null

  /** Commands admitted and not answered yet. */
  get inFlight(): number {
    return this.#light + (this.#heavy ? 1 : 0)
  }

  /** Runs `send` now if the window allows, else once earlier commands are answered (in order). */
  admit(heavy: boolean, send: () => void): void {
    this.#waiting.push({ heavy, send })
    this.#pump()
  }

  /** One admitted command was answered. */
  done(heavy: boolean): void {
    if (heavy) this.#heavy = false
    else this.#light--
    this.#pump()
  }

  /** Admits nothing new for `ms` from now (what is at Valkey already is answered as usual); replaces an earlier rest. */
  rest(ms: number): void {
    if (this.#resting) clearTimeout(this.#resting)
    this.#resting = setTimeout(() => {
      this.#resting = null
      this.#pump()
    }, ms)
    // A terminal resting must not keep a stopping process alive.
    this.#resting.unref()
  }

  /** Lets everything waiting go at once (the connection is gone, so each fails at once). */
  drain(): void {
    if (this.#resting) clearTimeout(this.#resting)
    this.#resting = null
    for (const waiting of this.#waiting.splice(0)) waiting.send()
  }

  #pump(): void {
    while (this.#waiting.length > 0 && !this.#resting) {
      const next = this.#waiting[0]!
      const fits = next.heavy ? this.inFlight === 0 : !this.#heavy && this.#light < LIGHT_WINDOW
      if (!fits) return
      this.#waiting.shift()
      if (next.heavy) this.#heavy = true
      else this.#light++
      next.send()
    }
  }
}
