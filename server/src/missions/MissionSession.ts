/**
 * @module Checks the steps of the mission a browser has open, against its
 * sandbox, after each of its commands and each keyspace event.
 *
 * State checks (hget, ttl, keys...) are read from the sandbox on the
 * inspector's connection, signed in as the sandbox's own ACL user, so a
 * check can never look outside the sandbox. `ran` checks look at the replies
 * to commands this browser ran while the mission was open.
 *
 * A step is done once all of its checks hold at the same moment; done is
 * final (a later step may change the data an earlier one checked) until the
 * mission is reset. A step that needs a feature this server lacks is never
 * checked (its checks read false). Evaluations are coalesced: one runs at a time and the
 * next one starts from the newest state, so a burst of commands costs a few
 * rounds of reads. Nothing is read while no mission is open.
 */
import type { MissionProgressMessage, Reply, ServerInfo, ServerMessage } from '../../../common/protocol/index.ts'
import type { KeyspaceListener } from '../inspector/KeyspaceWatcher.ts'
import { commandMatches, meets, type Check, type CheckValue, type Probe } from './checkLanguage.ts'
import { missingFeatures, stepMissingFeatures, type MissionCatalog } from './MissionCatalog.ts'
import type { ParsedMission } from './parseMission.ts'
import type { Captures, Progress, ProgressStore } from './ProgressStore.ts'
import { captureFrom, captureSources, fillExpectation, fillProbe, type CaptureSource } from './captures.ts'
import { explainFailure } from './checkExplain.ts'
import { checkLines, type StepResults } from './checkLines.ts'
import { usedNames } from '../../../common/missions/responsePattern.ts'

export type MissionSessionDeps = {
  catalog: MissionCatalog
  store: ProgressStore
  db: number
  server: ServerInfo
  /** Runs a read-only command in the sandbox. */
  query: (args: string[]) => Promise<Reply>
  send: (message: ServerMessage) => void
  /** The sandbox was emptied (Reset mission): the inspector reads everything again. */
  onFlushed?: () => void
  log?: (message: string) => void
}

/** Most SCAN rounds a `keys` check makes (at COUNT 1000: a million keys). */
const MAX_SCAN_ROUNDS = 1000

/** Mission text is Unicode; Valkey keys and values travel as byte strings (latin1, one char per byte). */
const toBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
const fromBytes = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8')

/** A reply as a value checks compare: numbers, text, nil, or a flat list of texts. */
export function replyValue(reply: Reply | undefined): CheckValue | undefined {
  if (!reply) return undefined
  switch (reply.t) {
    case 'int':
    case 'big':
      return Number(reply.n)
    case 'str':
    case 'bulk':
    case 'double':
    case 'verb':
      return fromBytes(reply.s)
    case 'bool':
      return reply.b ? 1 : 0
    case 'nil':
      return null
    case 'err':
      return undefined
    default: {
      const flat: string[] = []
      const walk = (items: Reply[]) => {
        for (const item of items) {
          if ('a' in item) walk(item.a)
          else {
            const value = replyValue(item)
            if (value !== undefined && value !== null && !Array.isArray(value)) flat.push(String(value))
          }
        }
      }
      walk(reply.a)
      return flat
    }
  }
}

export class MissionSession implements KeyspaceListener {
  #progress: Progress = {}
  /** Values each mission's responses captured ({{capture id}}), per mission. */
  #captures: Captures = {}
  /** The open mission's blocks that capture values. */
  #sources: CaptureSource[] = []
  #loaded: Promise<void>
  #mission: ParsedMission | null = null
  /** The open mission's `ran` checks, their literals as byte strings (made once, matched on every reply). */
  #ranChecks: { check: Check; probe: RanProbe }[] = []
  /** Newest matching reply for each `ran` check of the open mission. */
  #seen = new Map<Check, CheckValue>()
  #running = false
  #again = false
  #closed = false
  #lastSent = ''
  /** Bumped by reset, so an evaluation that read the sandbox before it was emptied is thrown away. */
  #generation = 0
  #resetting: Promise<void> = Promise.resolve()
  /** Checks filled with the captures #filledWith (see #fill). */
  #filled = new Map<Check, FilledCheck>()
  #filledWith: Readonly<Record<string, string>> | null = null
  /** The last explanation of each failing check (see #explain). */
  #explained = new Map<Check, { probe: Probe; value: CheckValue | undefined; why: string }>()

  constructor(private readonly deps: MissionSessionDeps) {
    this.#loaded = deps.store
      .load(deps.db)
      .then(({ progress, captures }) => {
        this.#progress = progress
        this.#captures = captures
      })
      .catch((error: Error) => deps.log?.(`mission progress could not be read: ${error.message}`))
  }

  /** Whether replies are wanted (a mission is open). */
  get listening(): boolean {
    return this.#mission !== null
  }

  open(id: string | null): void {
    const mission = id === null ? null : this.deps.catalog.get(id)
    // A mission the server cannot run is shown but never checked.
    this.#mission = mission && missingFeatures(mission, this.deps.server) === null ? mission : null
    this.#sources = this.#mission ? captureSources(this.#mission) : []
    this.#seen.clear()
    // Captures come from the store, which may still be loading.
    void this.#loaded.then(() => this.#prepareRanChecks())
    this.#prepareRanChecks()
    this.#schedule()
  }

  /** The open mission's captured values (the same object until they change: #fill keeps its work by it). */
  get #known(): Readonly<Record<string, string>> {
    return (this.#mission && this.#captures[this.#mission.meta.id]) || NO_CAPTURES
  }

  /**
   * A check with the captured values filled in, and the captures it still waits for: made once per
   * check and set of captures, not on every evaluation (which runs after every command).
   */
  #fill(check: Check): FilledCheck {
    const known = this.#known
    if (known !== this.#filledWith) {
      this.#filled.clear()
      this.#filledWith = known
    }
    let filled = this.#filled.get(check)
    if (!filled) {
      const probe = fillProbe(check.probe, known)
      const expect = fillExpectation(check.expect, known)
      const waitingFor = [...new Set([...usedNames(JSON.stringify(probe)), ...usedNames(JSON.stringify(expect))])]
      filled = { probe, expect, waitingFor }
      this.#filled.set(check, filled)
    }
    return filled
  }

  /** The `ran` checks with captured values filled in, as byte strings (made once per change, matched on every reply). */
  #prepareRanChecks(): void {
    this.#ranChecks = []
    for (const step of this.#mission?.steps ?? []) {
      for (const check of step.parsedChecks) {
        const probe = fillProbe(check.probe, this.#known)
        if (probe.kind === 'ran') this.#ranChecks.push({ check, probe: { ...probe, args: probe.args.map(bytesPattern) } })
      }
    }
  }

  /** Empties the sandbox and forgets the mission's progress, in that order, before anything is checked again. */
  reset(id: string): void {
    this.#generation++
    delete this.#progress[id]
    delete this.#captures[id]
    if (this.#mission?.meta.id === id) {
      this.#seen.clear()
      this.#prepareRanChecks()
    }
    const { db, store, query, log } = this.deps
    this.#resetting = this.#resetting
      .then(async () => {
        const reply = await query(['FLUSHDB'])
        if (reply.t === 'err') throw new Error(reply.s)
        this.deps.onFlushed?.()
        await store.clear(db, id)
        // Whatever an evaluation read meanwhile is stale.
        this.#generation++
        delete this.#progress[id]
        delete this.#captures[id]
        if (this.#mission?.meta.id === id) this.#seen.clear()
      })
      .catch((error: Error) => log?.(`mission reset failed: ${error.message}`))
    this.#schedule()
  }

  /**
   * The sandbox was emptied and all its progress forgotten elsewhere (the instructor's reset, which
   * also cleared the store): start over without saving anything read before.
   */
  forgetAll(): void {
    this.#generation++
    this.#progress = {}
    this.#captures = {}
    this.#seen.clear()
    this.#prepareRanChecks()
    this.#schedule()
  }

  /** A command this browser ran got its replies; `ran`: what the proxy ran instead, if it did. */
  commandReplied(args: string[], replies: Reply[], ran?: string[]): void {
    if (!this.#mission) return
    if (this.#sources.length > 0) this.#capture(args, replies, ran)
    const first = replies[0]
    // Errors never satisfy a check; inside MULTI the real reply comes with EXEC.
    const counts = first !== undefined && first.t !== 'err' && !(first.t === 'str' && first.s === 'QUEUED')
    const matching = counts ? this.#ranChecks.filter(({ probe }) => commandMatches(probe, args)) : []
    if (matching.length > 0) {
      // Converted only when a check wants it: a 100,000-field HGETALL is not flattened for nothing.
      const value = replyValue(first)
      if (value !== undefined) for (const { check } of matching) this.#seen.set(check, value)
    }
    // Also after commands that match nothing: FLUSHDB and scripts change
    // data without keyspace events, and a few reads per command are cheap.
    this.#schedule()
  }

  #capture(args: string[], replies: Reply[], ran: string[] | undefined): void {
    const mission = this.#mission!
    const found = captureFrom(this.#sources, this.#known, args, replies, ran)
    if (!found) return
    const values = { ...this.#known, ...found }
    this.#captures[mission.meta.id] = values
    this.#prepareRanChecks()
    this.deps.store
      .saveCaptures(this.deps.db, mission.meta.id, values)
      .catch((error: Error) => this.deps.log?.(`mission captures could not be saved: ${error.message}`))
  }

  event(): void {
    if (this.#mission) this.#schedule()
  }

  resynced(): void {
    this.event()
  }

  close(): void {
    this.#closed = true
    this.#mission = null
  }

  #schedule(): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.#loaded
      .then(() => this.#resetting)
      .then(() => this.#evaluateUntilQuiet())
      .catch((error: Error) => this.deps.log?.(`mission check failed: ${error.message}`))
      .finally(() => {
        this.#running = false
      })
  }

  async #evaluateUntilQuiet(): Promise<void> {
    do {
      this.#again = false
      await this.#resetting
      await this.#evaluate()
    } while (this.#again && !this.#closed)
  }

  async #evaluate(): Promise<void> {
    const generation = this.#generation
    const mission = this.#mission
    let open: MissionProgressMessage['open'] = null
    if (mission) {
      const id = mission.meta.id
      const done = new Set(this.#progress[id] ?? [])
      const checks: Record<string, boolean[]> = {}
      const results: StepResults[] = []
      let newlyDone = false
      for (const step of mission.steps) {
        const acted = step.parsedChecks.some((check) => this.#seen.has(check))
        if (done.has(step.id)) {
          checks[step.id] = step.parsedChecks.map(() => true)
          results.push({ id: step.id, checks: step.parsedChecks, results: [], done: true, acted })
          continue
        }
        if (stepMissingFeatures(step, this.deps.server) !== null) {
          // A step this server cannot run (it lacks a feature the step needs) is shown, never checked,
          // and does not hold back the steps after it.
          checks[step.id] = step.parsedChecks.map(() => false)
          const unchecked = step.parsedChecks.map(() => ({ holds: false, why: null }))
          results.push({ id: step.id, checks: step.parsedChecks, results: unchecked, done: false, acted, skipped: true })
          continue
        }
        const outcomes = await Promise.all(step.parsedChecks.map((check) => this.#holds(check)))
        checks[step.id] = outcomes.map((outcome) => outcome.holds)
        const stepDone = outcomes.every((outcome) => outcome.holds)
        results.push({ id: step.id, checks: step.parsedChecks, results: outcomes, done: stepDone, acted })
        if (stepDone) {
          done.add(step.id)
          newlyDone = true
        }
      }
      if (this.#closed || this.#mission !== mission) return
      if (generation !== this.#generation) {
        this.#again = true
        return
      }
      if (newlyDone) {
        const list = mission.steps.map((step) => step.id).filter((stepId) => done.has(stepId))
        this.#progress[id] = list
        await this.deps.store
          .save(this.deps.db, id, list)
          .catch((error: Error) => this.deps.log?.(`mission progress could not be saved: ${error.message}`))
      }
      open = { id, checks, lines: checkLines(results), captures: { ...this.#known } }
    }
    const message: MissionProgressMessage = { type: 'missionProgress', done: { ...this.#progress }, open }
    const text = JSON.stringify(message)
    if (text === this.#lastSent || this.#closed) return
    this.#lastSent = text
    this.deps.send(message)
  }

  /** Whether a check holds now, and why not in words. */
  async #holds(check: Check): Promise<{ holds: boolean; why: string | null }> {
    const { probe, expect, waitingFor } = this.#fill(check)
    // A check about a value no reply has given yet (`exists session:{{id}} = 0` before SESSION.CREATE) means nothing yet.
    if (waitingFor.length > 0) return { holds: false, why: `waits for the ${waitingFor.join(' and the ')} an earlier block's reply gives` }
    const value = probe.kind === 'ran' ? this.#seen.get(check) : await this.#read(probe).catch(() => undefined)
    const holds = meets(value, expect)
    return { holds, why: holds ? null : this.#explain(check, probe, expect, value) }
  }

  /** explainFailure, kept per check while its (filled) check and its value stay the same: most evaluations find most values unchanged. */
  #explain(check: Check, probe: Probe, expect: Check['expect'], value: CheckValue | undefined): string {
    const kept = this.#explained.get(check)
    // A list is compared by identity only (a new read is a new array), so it is explained again.
    if (kept && kept.probe === probe && kept.value === value) return kept.why
    const why = explainFailure({ ...check, expect }, probe, value)
    this.#explained.set(check, { probe, value, why })
    return why
  }

  async #read(probe: Exclude<Probe, { kind: 'ran' }>): Promise<CheckValue | undefined> {
    const { query } = this.deps
    switch (probe.kind) {
      case 'hget':
        return replyValue(await query(['HGET', toBytes(probe.key), toBytes(probe.field)]))
      case 'hexists':
        return replyValue(await query(['HEXISTS', toBytes(probe.key), toBytes(probe.field)]))
      case 'httl': {
        const value = replyValue(await query(['HTTL', toBytes(probe.key), 'FIELDS', '1', toBytes(probe.field)]))
        return Array.isArray(value) ? Number(value[0]) : undefined
      }
      case 'hlen':
      case 'ttl':
      case 'pttl':
      case 'exists':
      case 'type':
        return replyValue(await query([probe.kind.toUpperCase(), toBytes(probe.key)]))
      case 'dbsize':
        return replyValue(await query(['DBSIZE']))
      case 'keys': {
        const names = new Set<string>()
        let cursor = '0'
        let rounds = 0
        do {
          const args = ['SCAN', cursor, 'MATCH', toBytes(probe.pattern), 'COUNT', '1000']
          if (probe.type) args.push('TYPE', probe.type)
          const reply = await query(args)
          if (reply.t !== 'arr') return undefined
          const [next, keys] = reply.a
          cursor = next?.t === 'bulk' ? next.s : '0'
          if (keys?.t === 'arr') for (const key of keys.a) if (key.t === 'bulk') names.add(key.s)
        } while (cursor !== '0' && ++rounds < MAX_SCAN_ROUNDS)
        return names.size
      }
    }
  }
}

type RanProbe = Extract<Probe, { kind: 'ran' }>
type FilledCheck = { probe: Probe; expect: Check['expect']; waitingFor: string[] }
const NO_CAPTURES: Readonly<Record<string, string>> = Object.freeze({})

const bytesPattern = (pattern: RanProbe['args'][number]) => ('literal' in pattern ? { literal: toBytes(pattern.literal) } : pattern)
