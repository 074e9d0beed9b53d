/**
 * @module Whether inspect mode can be pushed changes, for the whole server: keyspace notifications
 * must be on (notify-keyspace-events with K and every class of key the inspector shows) and the
 * URL's user must be allowed to subscribe to them. Otherwise every page polls, and is told why and
 * the exact CONFIG SET line that would change it; that line runs only when a user asks
 * (enable()), and only if the server lets this user run it.
 *
 * The setting is read again every RECHECK_MS, so notifications someone turns on elsewhere are
 * noticed and polling stops.
 */
import type { ValkeyTarget } from '../config.ts'
import type { Reply } from '../../../common/protocol/index.ts'
import { openTarget } from './targetConnection.ts'

/** Event classes the inspector needs: generic, strings, lists, sets, hashes, sorted sets, expired, streams. */
const NEEDED = ['g', '$', 'l', 's', 'h', 'z', 'x', 't']
const RECHECK_MS = 10_000

export type LiveStatus = {
  mode: 'notifications' | 'polling'
  /** The server's notify-keyspace-events; null when this user may not read it. */
  flags: string | null
  reason: string | null
  enableLine: string | null
}

/** What a notify-keyspace-events value lacks for the inspector ('' when nothing). */
export function missingClasses(flags: string): string {
  if (!flags.includes('K')) return 'K'
  if (flags.includes('A')) return ''
  return NEEDED.filter((letter) => !flags.includes(letter)).join('')
}

/** The value with K and A added to what is set already (nothing the server had is taken away). */
export function enabledFlags(flags: string | null): string {
  const current = flags ?? ''
  return current + (current.includes('K') ? '' : 'K') + (current.includes('A') ? '' : 'A')
}

export function liveStatus(flags: string | null, subscription: true | false | string | null): LiveStatus {
  const enableLine = `CONFIG SET notify-keyspace-events ${enabledFlags(flags)}`
  if (typeof subscription === 'string') {
    return {
      mode: 'polling',
      flags,
      reason: `this user may not subscribe to keyspace notifications (${subscription}); grant it &__keyspace@*__:* to see changes live`,
      enableLine: null,
    }
  }
  if (flags === null) {
    return {
      mode: 'polling',
      flags,
      reason:
        'this user may not read notify-keyspace-events (CONFIG GET is refused), so the page reads what it shows again; keyspace events that do arrive are shown at once',
      enableLine: null,
    }
  }
  const missing = missingClasses(flags)
  if (missing !== '') {
    return {
      mode: 'polling',
      flags,
      reason:
        flags === ''
          ? 'keyspace notifications are off on this server'
          : `keyspace notifications are only partly on (notify-keyspace-events is "${flags}"; missing: ${missing})`,
      enableLine,
    }
  }
  if (subscription !== true) return { mode: 'polling', flags, reason: 'subscribing to keyspace notifications…', enableLine: null }
  return { mode: 'notifications', flags, reason: null, enableLine: null }
}

const text = (reply: Reply | undefined) => (reply && (reply.t === 'bulk' || reply.t === 'str') ? reply.s : null)

export class LiveState {
  #flags: string | null = null
  #subscription: true | false | string | null = null
  #status: LiveStatus = liveStatus(null, null)
  #listeners = new Set<(status: LiveStatus) => void>()
  #timer: NodeJS.Timeout | null = null
  #answered: (() => void)[] = []

  constructor(
    private readonly endpoint: ValkeyTarget,
    private readonly log: (message: string) => void
  ) {}

  get status(): LiveStatus {
    return this.#status
  }

  /** Reads the setting now and then every RECHECK_MS. */
  async start(): Promise<void> {
    await this.#read()
    this.#timer = setInterval(() => void this.#read(), RECHECK_MS)
    this.#timer.unref()
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#listeners.clear()
  }

  listen(listener: (status: LiveStatus) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** From the keyspace watcher: confirmed, refused (the server's error), or lost. */
  subscription(status: true | false | string): void {
    this.#subscription = status
    this.#update()
    for (const resolve of this.#answered.splice(0)) resolve()
  }

  /** Resolves once the server has answered the subscription, or after `ms` (the banner waits for it). */
  answered(ms: number): Promise<void> {
    if (this.#subscription !== null) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#answered.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })
  }

  /** The user asked: CONFIG SET the line shown. Resolves with what to tell them. */
  async enable(): Promise<{ ok: boolean; text: string }> {
    const line = enabledFlags(this.#flags)
    try {
      const connection = await openTarget(this.endpoint, 0, 'notifications')
      try {
        const reply = await connection.send(['CONFIG', 'SET', 'notify-keyspace-events', line])
        if (reply.t === 'err') return { ok: false, text: `The server refused CONFIG SET notify-keyspace-events ${line}: ${reply.s}` }
      } finally {
        connection.close()
      }
    } catch (error) {
      return { ok: false, text: `CONFIG SET failed: ${(error as Error).message}` }
    }
    await this.#read()
    return {
      ok: true,
      text: `Keyspace notifications are on (notify-keyspace-events ${this.#flags ?? line}); changes are pushed from now on.`,
    }
  }

  async #read(): Promise<void> {
    try {
      const connection = await openTarget(this.endpoint, 0, 'config')
      try {
        const reply = await connection.send(['CONFIG', 'GET', 'notify-keyspace-events'])
        this.#flags = reply.t === 'arr' ? text(reply.a[1]) : null
      } finally {
        connection.close()
      }
    } catch (error) {
      this.log(`inspect: cannot read notify-keyspace-events: ${(error as Error).message}`)
      this.#flags = null
    }
    this.#update()
  }

  #update(): void {
    const next = liveStatus(this.#flags, this.#subscription)
    if (JSON.stringify(next) === JSON.stringify(this.#status)) return
    this.#status = next
    for (const listener of this.#listeners) listener(next)
  }
}
