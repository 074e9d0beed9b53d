/**
 * @module The WebSocket protocol between the browser and the proxy.
 *
 * This entry module, with its parts beside it (basics, the inspector's, the missions' and the
 * room's messages), is shared by `web/` and `server/` through common/, so it must stay free of DOM
 * and Node APIs. The
 * server validates every incoming frame once, with {@link parseClientMessage}; everything past that
 * edge trusts these types.
 *
 * Byte strings: Valkey arguments and replies are bytes, not text. On the wire
 * they travel as JSON strings in which every character is one byte (char codes
 * 0-255, i.e. latin1). That keeps ASCII readable in frames, is lossless for
 * NUL, invalid UTF-8 and any other byte, and costs nothing to convert on
 * either side.
 */

import { ERROR_CODES, LIMITS, fail, isByteString, isIntIn, type ErrorCode, type Refusal, type Reply, type ServerInfo } from './basics.ts'
import { parseInspectorRequest, type InspectorMessage, type InspectorRequest } from './inspector.ts'
import type { MissionProgressMessage } from './missions.ts'
import type {
  AnnouncementMessage,
  AskHelpMessage,
  AttendeeMessage,
  HelpStateMessage,
  InstructorClientMessage,
  InstructorServerMessage,
  WatchedMessage,
} from './room.ts'

export * from './basics.ts'
export * from './inspector.ts'
export * from './missions.ts'
export * from './room.ts'

/** An argument type in COMMAND DOCS ('unknown' for anything newer than this code). */
export type ArgType = 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block' | 'unknown'

/** One argument of a command's syntax, as COMMAND DOCS describes it. */
export type HelpArg = {
  name: string
  type: ArgType
  displayText?: string
  token?: string
  optional?: true
  multiple?: true
  multipleToken?: true
  args?: HelpArg[]
}

/** A command or subcommand of valkey-cli's help table: what `help` prints and hints are made of. */
export type HelpEntry = {
  /** Upper-case words of the name: ["HSET"] or ["CLIENT", "KILL"]. */
  words: string[]
  summary: string | null
  since: string | null
  group: string | null
  /** Null when COMMAND DOCS lists no arguments (valkey-cli then prints "(null)" in help). */
  args: HelpArg[] | null
}

/** GET /api/command-docs: the live server's COMMAND DOCS as help entries, sorted by full name. */
export type CommandDocsPayload = {
  valkeyVersion: string
  /** How valkey-cli of the same build names itself in `help`: "9.1.2 (git:b108d52b)". */
  cliVersion: string
  entries: HelpEntry[]
}

// ---------------------------------------------------------------- client → server

/**
 * First frame on every attendee socket. `token` is null for a browser without a sandbox; `name` is
 * the display name the attendee chose (null: the default, "Attendee N").
 */
export type HelloMessage = { type: 'hello'; v: number; token: string | null; name: string | null }
/** Run one command in the sandbox. `args` are byte strings; `id` correlates the reply. */
export type CommandMessage = { type: 'command'; id: number; args: string[] }
/** Several commands in one frame (a paste), run in order as if sent one by one. */
export type CommandsMessage = { type: 'commands'; list: { id: number; args: string[] }[] }
/** Ctrl-C: unblock a blocking command, stop a script, or leave subscribed mode. */
export type CancelMessage = { type: 'cancel' }
export type PingMessage = { type: 'ping'; t: number }

/** Missions: the mission the page shows (null: none); the server checks its steps from now on. */
export type MissionOpenMessage = { type: 'missionOpen'; id: string | null }
/** Missions: Reset mission. The server empties the sandbox (FLUSHDB), then forgets the progress on that mission. */
export type MissionResetMessage = { type: 'missionReset'; id: string }

/** Attendee: a new display name (null: back to the default). Only the instructor sees it. */
export type SetNameMessage = { type: 'setName'; name: string | null }
/**
 * Attendee, only while the instructor watches (after `watched` on): what the terminal printed,
 * as the byte string xterm was given. `reset`: `data` is the whole screen (the start of a watch).
 */
export type ScreenMessage = { type: 'screen'; data: string; cols: number; rows: number; reset: boolean }

export type ClientMessage =
  | HelloMessage
  | SetNameMessage
  | ScreenMessage
  | InstructorClientMessage
  | AskHelpMessage
  | CommandMessage
  | CommandsMessage
  | CancelMessage
  | PingMessage
  | InspectorRequest
  | MissionOpenMessage
  | MissionResetMessage

// ---------------------------------------------------------------- server → client

export type WelcomeMessage = {
  type: 'welcome'
  v: number
  /** The sandbox token to keep in the browser (new or confirmed). */
  token: string
  /** True when the token sent in hello was unknown and a new sandbox was made. */
  fresh: boolean
  /** True when the sandbox existed before this connection (a reload or a reconnect). */
  resumed: boolean
  server: ServerInfo
  /**
   * The sandbox's number across the pool (server × 100000 + database), for diagnostics and tests;
   * absent in inspect mode. Not the attendee's number in the room ("Attendee 8"), which follows
   * in the `attendee` message.
   */
  sandbox?: number
}
/**
 * The answer to command `id`, in the order commands were sent. Usually one
 * reply; UNSUBSCRIBE of several channels gives several; a command whose
 * output streams (SUBSCRIBE) gives none and its replies follow as `push`.
 * `ms` is the time the command took, measured at the proxy.
 */
export type ReplyMessage = {
  type: 'reply'
  id: number
  replies: Reply[]
  ms: number
  /** The command the proxy ran instead of the typed one (SESSION.CREATE runs an FCALL); shown above the reply. */
  ran?: string[]
}
/** Answers that were ready at the same moment, in command order, in one frame. */
export type RepliesMessage = { type: 'replies'; list: Omit<ReplyMessage, 'type'>[] }
/** Out-of-band data for the terminal: pub/sub messages while subscribed. */
export type PushMessage = { type: 'push'; reply: Reply }
/** Subscribed mode started or ended (by the server's view of the connection). */
export type ModeMessage = { type: 'mode'; subscribed: boolean }
/** Something the user should know that is not a reply (Valkey restarted, ...). */
export type NoticeMessage = { type: 'notice'; level: 'info' | 'warn' | 'error'; text: string }
/** A frame the server could not accept; the socket stays open. */
export type ErrorMessage = { type: 'error'; code: ErrorCode; message: string }
export type PongMessage = { type: 'pong'; t: number }

export type ServerMessage =
  | InstructorServerMessage
  | AnnouncementMessage
  | HelpStateMessage
  | WatchedMessage
  | AttendeeMessage
  | MissionProgressMessage
  | InspectorMessage
  | WelcomeMessage
  | ReplyMessage
  | RepliesMessage
  | PushMessage
  | ModeMessage
  | NoticeMessage
  | ErrorMessage
  | PongMessage

// ---------------------------------------------------------------- validation

export type ParseResult = { ok: true; message: ClientMessage } | Refusal

/** Mission and step ids: lower-case words joined by dashes (they appear in URLs). */
export const MISSION_ID = /^[a-z0-9][a-z0-9-]{0,63}$/
const isMissionId = (value: unknown): value is string => typeof value === 'string' && MISSION_ID.test(value)

/** Attendee ids: 16 hex digits (a hash of the sandbox token). */
export const ATTENDEE_ID = /^[0-9a-f]{16}$/
const isAttendeeId = (value: unknown): value is string => typeof value === 'string' && ATTENDEE_ID.test(value)

/** Control characters and bidirectional overrides: a name or announcement is one plain line. */
const NOT_PLAIN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** A display text as given, trimmed; null for empty; undefined when it is not acceptable. */
export function plainLine(value: unknown, max: number): string | null | undefined {
  if (value === null) return null
  if (typeof value !== 'string' || value.length > max * 4) return undefined
  const text = value.trim()
  if (text.length === 0) return null
  if ([...text].length > max || NOT_PLAIN.test(text)) return undefined
  return text
}

/** Bounds of the stuck rules an instructor may set. */
export const STUCK_LIMITS = { afterSeconds: [5, 24 * 3600], errors: [1, 1000] } as const

const TOO_LARGE = 'too large'
const tooLarge = (): ParseResult =>
  fail(ERROR_CODES.tooLarge, `a command may have at most ${LIMITS.maxArgs} arguments and ${LIMITS.maxCommandBytes} bytes`)

/** Checks one command's id and arguments; returns it, or what is wrong. */
function checkCommand(id: unknown, args: unknown): { id: number; args: string[] } | string {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return 'command id must be a non-negative integer'
  if (!Array.isArray(args) || args.length === 0) return 'command args must be a non-empty array'
  if (args.length > LIMITS.maxArgs) return TOO_LARGE
  let bytes = 0
  for (const arg of args) {
    if (!isByteString(arg)) return 'command args must be byte strings (char codes 0-255)'
    bytes += arg.length
  }
  return bytes > LIMITS.maxCommandBytes ? TOO_LARGE : { id, args: args as string[] }
}

/**
 * Turns one text frame into a {@link ClientMessage}, or says precisely what is
 * wrong with it. Never throws.
 */
export function parseClientMessage(text: string): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return fail(ERROR_CODES.badJson, 'frame is not valid JSON')
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail(ERROR_CODES.badFrame, 'frame must be a JSON object')
  }
  const frame = data as Record<string, unknown>
  switch (frame.type) {
    case 'hello': {
      const { v, token } = frame
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        return fail(ERROR_CODES.badFrame, 'hello.v must be an integer')
      }
      if (token !== null && (typeof token !== 'string' || token.length > LIMITS.maxTokenLength)) {
        return fail(ERROR_CODES.badFrame, 'hello.token must be null or a short string')
      }
      const name = plainLine(frame.name ?? null, LIMITS.maxName)
      if (name === undefined)
        return fail(ERROR_CODES.badFrame, `hello.name must be null or one line of at most ${LIMITS.maxName} characters`)
      return { ok: true, message: { type: 'hello', v, token, name } }
    }
    case 'setName': {
      const name = plainLine(frame.name, LIMITS.maxName)
      if (name === undefined)
        return fail(ERROR_CODES.badFrame, `setName.name must be null or one line of at most ${LIMITS.maxName} characters`)
      return { ok: true, message: { type: 'setName', name } }
    }
    case 'screen': {
      const { data: text, cols, rows, reset } = frame
      if (!isByteString(text) || text.length > LIMITS.maxScreenBytes) {
        return fail(ERROR_CODES.badFrame, `screen.data must be a byte string of at most ${LIMITS.maxScreenBytes} bytes`)
      }
      if (!isIntIn(cols, 1, 1000) || !isIntIn(rows, 1, 1000) || typeof reset !== 'boolean') {
        return fail(ERROR_CODES.badFrame, 'screen needs cols and rows (1-1000) and a boolean reset')
      }
      return { ok: true, message: { type: 'screen', data: text, cols, rows, reset } }
    }
    case 'instructorHello': {
      const { v, key } = frame
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail(ERROR_CODES.badFrame, 'instructorHello.v must be an integer')
      if (typeof key !== 'string' || key.length > LIMITS.maxInstructorKey) {
        return fail(ERROR_CODES.badFrame, 'instructorHello.key must be a short string')
      }
      return { ok: true, message: { type: 'instructorHello', v, key } }
    }
    case 'watchAttendee': {
      const { attendee } = frame
      if (attendee !== null && !isAttendeeId(attendee))
        return fail(ERROR_CODES.badFrame, 'watchAttendee.attendee must be null or an attendee id')
      return { ok: true, message: { type: 'watchAttendee', attendee } }
    }
    case 'broadcast': {
      const { mission = null, step = null } = frame
      const text = plainLine(frame.text ?? null, LIMITS.maxAnnouncement)
      if (text === undefined) {
        return fail(ERROR_CODES.badFrame, `broadcast.text must be one line of at most ${LIMITS.maxAnnouncement} characters`)
      }
      if ((mission !== null && !isMissionId(mission)) || (step !== null && (!isMissionId(step) || mission === null))) {
        return fail(ERROR_CODES.badFrame, 'broadcast.mission and .step must be null or ids (a step needs its mission)')
      }
      if (text === null && mission === null) return fail(ERROR_CODES.badFrame, 'a broadcast needs a text or a mission step')
      return { ok: true, message: { type: 'broadcast', text: text ?? '', mission, step } }
    }
    case 'withdrawAnnouncement':
      return { ok: true, message: { type: 'withdrawAnnouncement' } }
    case 'clearHelp': {
      const { attendee } = frame
      if (!isAttendeeId(attendee)) return fail(ERROR_CODES.badFrame, 'clearHelp.attendee must be an attendee id')
      return { ok: true, message: { type: 'clearHelp', attendee } }
    }
    case 'askHelp': {
      if (typeof frame.on !== 'boolean') return fail(ERROR_CODES.badFrame, 'askHelp.on must be true or false')
      return { ok: true, message: { type: 'askHelp', on: frame.on } }
    }
    case 'resetSandbox': {
      const { attendee } = frame
      if (!isAttendeeId(attendee)) return fail(ERROR_CODES.badFrame, 'resetSandbox.attendee must be an attendee id')
      return { ok: true, message: { type: 'resetSandbox', attendee } }
    }
    case 'stuckRules': {
      const rules = (typeof frame.rules === 'object' && frame.rules !== null ? frame.rules : {}) as Record<string, unknown>
      const [minAfter, maxAfter] = STUCK_LIMITS.afterSeconds
      const [minErrors, maxErrors] = STUCK_LIMITS.errors
      if (!isIntIn(rules.afterSeconds, minAfter, maxAfter) || !isIntIn(rules.errors, minErrors, maxErrors)) {
        return fail(
          ERROR_CODES.badFrame,
          `stuckRules needs afterSeconds (${minAfter}-${maxAfter}) and errors (${minErrors}-${maxErrors}) as integers`
        )
      }
      return { ok: true, message: { type: 'stuckRules', rules: { afterSeconds: rules.afterSeconds, errors: rules.errors } } }
    }
    case 'command': {
      const checked = checkCommand(frame.id, frame.args)
      if (typeof checked === 'string') return checked === TOO_LARGE ? tooLarge() : fail(ERROR_CODES.badFrame, checked)
      return { ok: true, message: { type: 'command', ...checked } }
    }
    case 'commands': {
      const { list } = frame
      if (!Array.isArray(list) || list.length === 0 || list.length > LIMITS.maxInFlight) {
        return fail(ERROR_CODES.badFrame, `commands.list must hold 1 to ${LIMITS.maxInFlight} commands`)
      }
      const commands: { id: number; args: string[] }[] = []
      for (const item of list as unknown[]) {
        const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
        const checked = checkCommand(entry.id, entry.args)
        if (typeof checked === 'string') return checked === TOO_LARGE ? tooLarge() : fail(ERROR_CODES.badFrame, checked)
        commands.push(checked)
      }
      return { ok: true, message: { type: 'commands', list: commands } }
    }
    case 'cancel':
      return { ok: true, message: { type: 'cancel' } }
    case 'missionOpen': {
      const { id } = frame
      if (id !== null && !isMissionId(id)) return fail(ERROR_CODES.badFrame, 'missionOpen.id must be null or a mission id')
      return { ok: true, message: { type: 'missionOpen', id } }
    }
    case 'missionReset': {
      const { id } = frame
      if (!isMissionId(id)) return fail(ERROR_CODES.badFrame, 'missionReset.id must be a mission id')
      return { ok: true, message: { type: 'missionReset', id } }
    }
    case 'ping': {
      const t = typeof frame.t === 'number' && Number.isFinite(frame.t) ? frame.t : 0
      return { ok: true, message: { type: 'ping', t } }
    }
    default:
      return (
        parseInspectorRequest(frame) ??
        fail(
          ERROR_CODES.unknownType,
          typeof frame.type === 'string' ? `unknown message type '${frame.type.slice(0, 40)}'` : 'frame has no type'
        )
      )
  }
}
