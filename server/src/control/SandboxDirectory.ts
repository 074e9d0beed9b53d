/**
 * @module The sandbox registry's state in the control Valkey, shared by every playground process:
 * which token holds which sandbox number, per-address counts, which numbers are live in which
 * process, `used`, lastSeen, released-unused tokens, recycling and foreign marks.
 *
 * Every decision two processes could race on is one Lua script (directoryScripts.ts), so it holds
 * across processes with no process-local lock. This process caches the records of the sandboxes
 * it serves: while the control server is down, a token that was live here within `cacheTrustMs`
 * still resumes (nobody can have recycled it: it was live, and the idle limits are longer), and
 * when the control server comes back empty the cached records are written back (ControlLink).
 * What it does with the pool's servers (flushing a database, ACL users) is the caller's part.
 */
import { runScript, controlCall } from './controlCall.ts'
import { ControlUnavailableError } from './ControlUnavailableError.ts'
import type { ControlLink, RestoreReason } from './ControlLink.ts'
import { LocalPresence } from './LocalPresence.ts'
import { candidateArgs, parseRecord, recordJson, type CandidateServers, type SandboxRecord } from './sandboxRecord.ts'
import * as lua from './directoryScripts.ts'
import { LIVE_PREFIX, SWEEP_LOCK } from './keys.ts'
import { readDirectory, type DirectorySnapshot } from './readDirectory.ts'

export type { SandboxRecord, CandidateServers } from './sandboxRecord.ts'
export type { DirectorySnapshot } from './readDirectory.ts'

/** A new sandbox cannot be given: `reason` says why (the caller words it for people). */
export class SandboxRefusedError extends Error {
  override name = 'SandboxRefusedError'
  constructor(readonly reason: 'full' | 'address-limit') {
    super(reason === 'full' ? 'every sandbox is taken' : 'this address holds as many sandboxes as it may')
  }
}

export type DirectoryOptions = {
  link: ControlLink
  now?: () => number
  /** How many released, never-used tokens are remembered (default 10,000). */
  releasedRemembered?: number
  /** While the control server is down, a cached sandbox live here within this long still resumes (default 60 s). */
  cacheTrustMs?: number
  log?: (message: string) => void
}

export type AttachRequest = {
  /** Hash of the token the browser presented, or null. */
  tokenHash: string | null
  /** Hash of a new random token, used when the presented one gets no sandbox back. */
  freshTokenHash: string
  address: string
  /** Most sandboxes one address may hold (absolute, across processes); absent: no limit. */
  perAddress?: number
  candidates: CandidateServers
  /** Whether a just-claimed number's database is empty; a non-empty one is marked foreign and another claimed. */
  isEmpty?: (number: number) => Promise<boolean>
}

/**
 * `resumed`: the token's sandbox as it was; `returned`: the token had been released unused and got a
 * new empty sandbox under the same token; `claimed`: a new sandbox under the fresh token.
 */
export type AttachResult = { record: SandboxRecord; outcome: 'resumed' | 'returned' | 'claimed' }

export type CloseOutcome = 'open' | 'left' | 'kept' | 'marked'

type ScriptReply = [kind: string, number?: string, json?: string, used?: string, returning?: string]

export class SandboxDirectory {
  readonly #link: ControlLink
  readonly #now: () => number
  readonly #presence: LocalPresence
  readonly #byToken = new Map<string, SandboxRecord>()
  readonly #byNumber = new Map<number, SandboxRecord>()
  /** Attaches of one token in this process run one after another (see LocalPresence). */
  readonly #attaching = new Map<string, Promise<unknown>>()
  readonly #most: number
  readonly #trustMs: number
  readonly #log: (message: string) => void

  constructor(options: DirectoryOptions) {
    this.#link = options.link
    this.#now = options.now ?? Date.now
    this.#presence = new LocalPresence(this.#now)
    this.#most = options.releasedRemembered ?? 10_000
    this.#trustMs = options.cacheTrustMs ?? 60_000
    this.#log = options.log ?? (() => undefined)
    this.#link.onRestore((why) => this.#restore(why))
  }

  get processId(): string {
    return this.#link.processId
  }

  /** Open connections to the number in this process. */
  liveHere(number: number): number {
    return this.#presence.count(number)
  }

  /** The cached record of a sandbox this process served, if any. */
  cached(number: number): SandboxRecord | undefined {
    return this.#byNumber.get(number)
  }

  /**
   * Finds the token's sandbox, or gives a new one (claim). On success the sandbox counts as live
   * here until connectionClosed(number) is called once for it. Throws SandboxRefusedError or
   * ControlUnavailableError.
   */
  attach(request: AttachRequest): Promise<AttachResult> {
    const key = request.tokenHash
    if (key === null) return this.#attach(request)
    const run = (this.#attaching.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => this.#attach(request))
    const tail = run.catch(() => undefined)
    this.#attaching.set(key, tail)
    void tail.then(() => this.#attaching.get(key) === tail && this.#attaching.delete(key))
    return run
  }

  async #attach(request: AttachRequest): Promise<AttachResult> {
    if (request.tokenHash !== null) {
      const record = await this.resume(request.tokenHash)
      if (record) return { record, outcome: 'resumed' }
    }
    return this.claim(request)
  }

  /** The token's sandbox, now live here; null when the token holds none. */
  async resume(tokenHash: string): Promise<SandboxRecord | null> {
    const cached = this.#byToken.get(tokenHash)
    // A known number counts here before the script is sent: a close racing with it then leaves it live.
    if (cached) this.#presence.opened(cached.number)
    const stamp = this.#presence.stamp()
    let reply: ScriptReply
    try {
      reply = (await runScript(this.#link.control, lua.RESUME, [this.processId, tokenHash, this.#now()])) as ScriptReply
    } catch (error) {
      if (cached && error instanceof ControlUnavailableError && this.#presence.recentlyHere(cached.number, this.#trustMs)) {
        this.#log(`control server unreachable: sandbox ${cached.number} resumed from this process's cache`)
        return cached
      }
      if (cached) this.#presence.closed(cached.number)
      throw error
    }
    if (reply[0] !== 'resumed') {
      if (cached) {
        this.#presence.closed(cached.number)
        this.#drop(cached)
      }
      return null
    }
    const record = this.#remember(tokenHash, reply)
    if (cached && cached.number !== record.number) this.#presence.closed(cached.number)
    if (!cached || cached.number !== record.number) this.#openedAfter(record.number, stamp)
    return record
  }

  /** A new sandbox (see AttachRequest); the presented token is reused when it was released unused. */
  async claim(request: AttachRequest): Promise<AttachResult> {
    const candidates = candidateArgs(request.candidates)
    // Bounded: each failed round marks one more number foreign.
    const most = request.candidates.reduce((sum, server) => sum + server.dbs.length, 0) + 1
    for (let round = 0; round < most; round++) {
      const stamp = this.#presence.stamp()
      const reply = (await runScript(this.#link.control, lua.CLAIM, [
        this.processId,
        request.tokenHash ?? '',
        request.freshTokenHash,
        request.address,
        request.perAddress === undefined || !Number.isFinite(request.perAddress) ? '' : request.perAddress,
        this.#now(),
        JSON.stringify(request.address),
        ...candidates,
      ])) as ScriptReply
      const [kind] = reply
      if (kind === 'recovering') throw new ControlUnavailableError('it is being given back what the playground processes knew')
      if (kind === 'full' || kind === 'address-limit') throw new SandboxRefusedError(kind)
      const tokenHash = kind === 'resumed' ? request.tokenHash! : reply[4] === '1' ? request.tokenHash! : request.freshTokenHash
      const record = this.#remember(tokenHash, reply)
      this.#openedAfter(record.number, stamp)
      if (kind === 'resumed') return { record, outcome: 'resumed' }
      if (!request.isEmpty || (await request.isEmpty(record.number))) {
        return { record, outcome: reply[4] === '1' ? 'returned' : 'claimed' }
      }
      this.#log(`sandbox ${record.number} holds data the playground did not create; it will not be used`)
      this.#presence.closed(record.number)
      this.#drop(record)
      await runScript(this.#link.control, lua.MARK_FOREIGN, [
        this.processId,
        record.number,
        tokenHash,
        reply[4] ?? '0',
        this.#now(),
        this.#most,
      ])
    }
    throw new SandboxRefusedError('full')
  }

  /**
   * One connection to the sandbox ended here. When it was the last one here: `left` (the number is
   * no longer live here), or with `releaseIfUnused`, the sandbox is marked recycling when it never
   * stored anything and is live in no process ('marked': the caller flushes its database, then
   * calls finishRecycle; the token is remembered as released unused), or 'kept'. 'open' when
   * connections remain here. While the control server is down: 'left', written back later.
   */
  async connectionClosed(number: number, options: { releaseIfUnused?: boolean } = {}): Promise<CloseOutcome> {
    if (this.#presence.closed(number) > 0) return 'open'
    const record = this.#byNumber.get(number)
    this.#presence.removing(number)
    try {
      if (!options.releaseIfUnused || !record) {
        await runScript(this.#link.control, lua.LEAVE, [this.processId, number, this.#now()])
        return 'left'
      }
      const outcome = await this.#beginRecycle(record, { leaving: true, onlyIfUnused: true, remember: true })
      return outcome === 'marked' ? 'marked' : 'kept'
    } catch (error) {
      if (error instanceof ControlUnavailableError) return 'left'
      throw error
    }
  }

  /** Something was stored in the sandbox: it is kept after its last tab closes. Monotonic. */
  async markUsed(number: number): Promise<void> {
    const record = this.#byNumber.get(number)
    if (record) record.used = true
    await runScript(this.#link.control, lua.MARK_USED, [number])
  }

  /** The sandbox was seen now (the sweep calls it for live ones). */
  async touch(number: number): Promise<void> {
    const record = this.#byNumber.get(number)
    if (record) record.lastSeenAt = this.#now()
    await runScript(this.#link.control, lua.TOUCH, [number, this.#now()])
  }

  /**
   * Recycle step 1, for the idle sweep: marks the sandbox recycling if `tokenHash` still holds it
   * and it is live in no process; its token no longer resumes it from then on. 'marked': flush its
   * database, then finishRecycle. 'gone': another process released it; 'live': someone is on it.
   */
  beginRecycle(number: number, tokenHash: string): Promise<'marked' | 'gone' | 'live' | 'used'> {
    const record = this.#byNumber.get(number) ?? { number, tokenHash }
    return this.#beginRecycle(record, { leaving: false, onlyIfUnused: false, remember: false })
  }

  async #beginRecycle(
    record: Pick<SandboxRecord, 'number' | 'tokenHash'>,
    how: { leaving: boolean; onlyIfUnused: boolean; remember: boolean }
  ): Promise<'marked' | 'gone' | 'live' | 'used'> {
    const flag = (value: boolean) => (value ? '1' : '0')
    const outcome = (await runScript(this.#link.control, lua.BEGIN_RECYCLE, [
      this.processId,
      record.number,
      record.tokenHash,
      this.#now(),
      flag(how.leaving),
      flag(how.onlyIfUnused),
      flag(how.remember),
      this.#most,
    ])) as 'marked' | 'gone' | 'live' | 'used'
    if (outcome === 'marked' || outcome === 'gone') {
      const cached = this.#byToken.get(record.tokenHash)
      if (cached) this.#drop(cached)
    }
    return outcome
  }

  /** Recycle step 2: the database is flushed; the number may be handed out again. False if the mark was not this process's. */
  async finishRecycle(number: number): Promise<boolean> {
    return Number(await runScript(this.#link.control, lua.FINISH_RECYCLE, [this.processId, number])) === 1
  }

  /** Takes over a recycling mark left by a process that is gone, to finish it (flush, then finishRecycle). */
  async takeOverRecycle(number: number): Promise<boolean> {
    return Number(await runScript(this.#link.control, lua.TAKE_OVER_RECYCLE, [this.processId, number])) === 1
  }

  /** Marks a free number's database foreign (it holds data the playground did not put there). False if the number is taken. */
  async markForeign(number: number): Promise<boolean> {
    return Number(await runScript(this.#link.control, lua.MARK_FOREIGN, [this.processId, number, '', '0', this.#now(), this.#most])) === 1
  }

  /** A foreign database was emptied: it may be handed out again. */
  async unmarkForeign(number: number): Promise<boolean> {
    return Number(await runScript(this.#link.control, lua.UNMARK_FOREIGN, [number])) === 1
  }

  /** Tries to become the one sweeper for `ms`; true when this process holds the lock. */
  async lockSweep(ms: number): Promise<boolean> {
    return (await controlCall(this.#link.control, 'set', SWEEP_LOCK, this.processId, 'NX', 'PX', ms)) === 'OK'
  }

  async unlockSweep(): Promise<void> {
    await runScript(this.#link.control, lua.RELEASE_LOCK, [this.processId])
  }

  /** The numbers live in some process whose heartbeat is fresh. */
  async liveAnywhere(): Promise<Set<number>> {
    const numbers = (await runScript(this.#link.control, lua.LIVE_NUMBERS, [])) as string[]
    return new Set(numbers.map(Number))
  }

  /**
   * Everything the directory holds (at start, for the sweep, for caches). Records an older version
   * wrote (no per-number state) are adopted as they are read, so the scripts see them from then on.
   */
  async load(servers: readonly number[]): Promise<DirectorySnapshot> {
    const snapshot = await readDirectory(this.#link.control, servers)
    for (const record of snapshot.orphans) {
      const outcome = await this.#adopt(record, false)
      if (outcome === 'conflict') this.#log(`sandbox record for ${record.number} conflicts with another claim; dropped`)
      else snapshot.records.push(record)
    }
    snapshot.orphans = []
    return snapshot
  }

  #adopt(record: SandboxRecord, live: boolean): Promise<'adopted' | 'conflict'> {
    return runScript(this.#link.control, lua.ADOPT, [
      this.processId,
      record.number,
      record.tokenHash,
      record.address,
      record.createdAt,
      record.lastSeenAt,
      record.used ? '1' : '0',
      recordJson(record),
      live ? '1' : '0',
    ]) as Promise<'adopted' | 'conflict'>
  }

  /**
   * Writes back the records this process can vouch for and its live set, as after a loss: the
   * server holding the control database restarted and its append-only file may lack the last writes.
   */
  writeBack(): Promise<void> {
    return this.#restore('lost')
  }

  /** Writes back this process's live set, and after a loss the records it can vouch for. */
  async #restore(why: RestoreReason): Promise<void> {
    if (why === 'lost') {
      for (const record of [...this.#byNumber.values()]) {
        if (!this.#presence.recentlyHere(record.number, this.#trustMs)) continue
        const outcome = await this.#adopt(record, false)
        if (outcome === 'conflict') {
          this.#log(`sandbox ${record.number}: another token claimed it while the control server was empty`)
          this.#drop(record)
        }
      }
    }
    this.#presence.rewriting()
    await runScript(this.#link.control, lua.REWRITE_LIVE, [this.processId, ...this.#presence.live])
  }

  #remember(tokenHash: string, reply: ScriptReply): SandboxRecord {
    const [, number, json = '', used] = reply
    const parsed = parseRecord(tokenHash, json, null)
    const record: SandboxRecord = parsed ?? { number: Number(number), tokenHash, createdAt: 0, lastSeenAt: 0, address: '', used: false }
    record.used = used === '1'
    record.lastSeenAt = this.#now()
    const old = this.#byNumber.get(record.number)
    if (old && old.tokenHash !== tokenHash) this.#byToken.delete(old.tokenHash)
    this.#byToken.set(tokenHash, record)
    this.#byNumber.set(record.number, record)
    return record
  }

  /** Counts an attach whose number was learnt from its reply; adds it again if a removal overtook it. */
  #openedAfter(number: number, stamp: number): void {
    this.#presence.opened(number)
    if (this.#presence.undoneSince(number, stamp)) {
      controlCall(this.#link.control, 'sadd', LIVE_PREFIX + this.processId, number).catch(() => undefined)
    }
  }

  #drop(record: SandboxRecord): void {
    if (this.#byToken.get(record.tokenHash) === record) this.#byToken.delete(record.tokenHash)
    if (this.#byNumber.get(record.number) === record) this.#byNumber.delete(record.number)
    this.#presence.forget(record.number)
  }
}
