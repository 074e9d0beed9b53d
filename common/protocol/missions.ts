/**
 * @module The missions' part of the protocol: lessons as the page gets them (GET /api/missions),
 * the features a mission may need, and each sandbox's progress. Part of the one protocol module
 * (common/protocol/index.ts re-exports it); free of DOM and Node APIs.
 */
import type { ServerInfo } from './basics.ts'

/** A feature a mission can require; each maps to a capability detected on the server. */
export type MissionFeature = 'hash-field-expiration' | 'hgetdel' | 'hsetex-fnx'
/** `label` names the feature and the first Valkey that has it (from the server's own COMMAND DOCS), for a learner to read. */
export const MISSION_FEATURES: Record<MissionFeature, { label: string; has: (info: ServerInfo) => boolean }> = {
  'hash-field-expiration': {
    label: 'hash field expiration (Valkey 9.0 or later)',
    has: (info) => info.features.hashFieldExpiration,
  },
  hgetdel: {
    label: 'HGETDEL (Valkey 9.1 or later)',
    has: (info) => info.features.hashFieldGetDel === true,
  },
  'hsetex-fnx': {
    label: "HSETEX's FNX option (Valkey 9.0 or later)",
    has: (info) => info.features.hashFieldSetIfAbsent === true,
  },
}

/** Expected output of a command block: valkey-cli's text with declared wildcards ({{int A..B}}, {{any}}). */
export type ResponseSpec = { text: string; unordered: boolean }

export type MissionBlock =
  /** Rendered markdown: sanitized HTML made on the server (raw HTML in missions is escaped). */
  /** Text; `withSolution`: it explains a challenge's solution and is shown only with it. */
  | { kind: 'prose'; html: string; withSolution: boolean }
  /**
   * Command lines typed into the terminal, in order. `role`: run (shown with
   * Run/Copy), solution (hidden until revealed), setup (run by Set up).
   * `afterSeconds`: the shown response holds only this long after the block before.
   */
  | { kind: 'commands'; role: 'run' | 'solution' | 'setup'; lines: string[]; response: ResponseSpec | null; afterSeconds: number | null }
  /** A challenge hint, opened one at a time. */
  | { kind: 'hint'; html: string }

/** A block of command lines (Run, solution or Set up). */
export type MissionCommands = Extract<MissionBlock, { kind: 'commands' }>

export type MissionCheckInfo = { label: string; source: string }

export type MissionStep = {
  id: string
  title: string
  challenge: boolean
  blocks: MissionBlock[]
  checks: MissionCheckInfo[]
  /** Commands of this step's own Set up (else the mission's, for challenges). */
  setup: MissionCommands | null
  /** The key the step is about (the first one its checks read), for the inspector to show. */
  key: string | null
  /** Features this step needs beyond the mission's own (`## Title {requires=hgetdel}`). */
  requires: MissionFeature[]
  /** Why this step cannot run on this server (it lacks a feature it requires), or null when it can. */
  unavailable: string | null
}

export type MissionSummary = {
  id: string
  title: string
  summary: string
  minutes: number
  order: number
  requires: MissionFeature[]
  /** False when the server lacks a required feature; `unavailable` says which. */
  available: boolean
  unavailable: string | null
  steps: { id: string; title: string; challenge: boolean }[]
}

/** GET /api/missions/<id> */
export type MissionDoc = Omit<MissionSummary, 'steps'> & {
  intro: MissionBlock[]
  setup: MissionCommands | null
  steps: MissionStep[]
}

/**
 * What a check line shows. `ok` (✓): it holds and means something (its step is done, or reached
 * and its data is there); `failing` (○ with `why`): the step is reached and the check does not
 * hold; `waiting` (○): the step is not reached yet, or the check holds only because nothing is
 * there yet (`exists … = 0` on an empty sandbox).
 */
export type MissionCheckState = 'ok' | 'failing' | 'waiting'
/** `why`: for a failing check, the reason in words with the value found ("the TTL is 35,999 s; this step wants at most 3,600"). */
export type MissionCheckLine = { state: MissionCheckState; why: string | null }

/**
 * Progress of this sandbox: done steps of every mission, and, for the open
 * mission, which checks hold right now (per step, in declared order).
 */
export type MissionProgressMessage = {
  type: 'missionProgress'
  done: Record<string, string[]>
  /**
   * The open mission. `checks`: whether each check holds right now (per step, in declared order);
   * `lines`: what each check line shows (see MissionCheckState); `captures`: the values its
   * responses captured ({{capture id}}) so far.
   */
  open: {
    id: string
    checks: Record<string, boolean[]>
    lines: Record<string, MissionCheckLine[]>
    captures: Record<string, string>
  } | null
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string')
const everyValue = <T>(value: unknown, test: (item: unknown) => item is T): value is Record<string, T> =>
  isRecord(value) && Object.values(value).every(test)
const isBooleanList = (value: unknown): value is boolean[] => Array.isArray(value) && value.every((item) => typeof item === 'boolean')
const isCheckLine = (value: unknown): value is MissionCheckLine =>
  isRecord(value) &&
  (value.state === 'ok' || value.state === 'failing' || value.state === 'waiting') &&
  (value.why === null || typeof value.why === 'string')
const isLineList = (value: unknown): value is MissionCheckLine[] => Array.isArray(value) && value.every(isCheckLine)
const isText = (value: unknown): value is string => typeof value === 'string'

/** Whether a frame is a well-formed missionProgress (the page checks what it draws from). */
export function isMissionProgress(value: unknown): value is MissionProgressMessage {
  if (!isRecord(value) || value.type !== 'missionProgress' || !everyValue(value.done, isStringList)) return false
  const open = value.open
  if (open === null) return true
  return (
    isRecord(open) &&
    typeof open.id === 'string' &&
    everyValue(open.checks, isBooleanList) &&
    everyValue(open.lines, isLineList) &&
    everyValue(open.captures, isText)
  )
}
