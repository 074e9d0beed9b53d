/**
 * @module The room's part of the protocol: what the instructor page sends (with its key), what
 * attendees get from the room (announcements, the watch notice, their number) and what the
 * instructor page gets (rows, watches, answers). Part of the one protocol module
 * (common/protocol/index.ts re-exports it); free of DOM and Node APIs.
 */
import type { ServerInfo } from './basics.ts'

// ---------------------------------------------------------------- instructor (client → server)

/** First frame of the instructor page's socket instead of `hello`: it carries the instructor key. */
export type InstructorHelloMessage = { type: 'instructorHello'; v: number; key: string }
/** Watch one attendee (null: stop watching). Inspector messages on this socket then read their sandbox. */
export type WatchAttendeeMessage = { type: 'watchAttendee'; attendee: string | null }
/** A one-line announcement to every attendee, optionally pointing at a mission step. */
export type BroadcastMessage = { type: 'broadcast'; text: string; mission: string | null; step: string | null }
/** Takes the current announcement back: every page hides it, and later joiners never see it. */
export type WithdrawAnnouncementMessage = { type: 'withdrawAnnouncement' }
/** Lowers an attendee's "I need help" flag (the instructor went over, or it was a mistake). */
export type ClearHelpMessage = { type: 'clearHelp'; attendee: string }
/** Empties one attendee's sandbox and forgets their mission progress. */
export type ResetSandboxMessage = { type: 'resetSandbox'; attendee: string }
/** When an attendee counts as stuck: this long on one step, or this many errors on it. */
export type StuckRules = { afterSeconds: number; errors: number }
export type StuckRulesMessage = { type: 'stuckRules'; rules: StuckRules }

export type InstructorClientMessage =
  | InstructorHelloMessage
  | WatchAttendeeMessage
  | BroadcastMessage
  | WithdrawAnnouncementMessage
  | ResetSandboxMessage
  | StuckRulesMessage
  | ClearHelpMessage

// ---------------------------------------------------------------- room (attendee → server)

/** The attendee raises (on) or lowers (off) their "I need help" flag on the instructor's grid. */
export type AskHelpMessage = { type: 'askHelp'; on: boolean }

// ---------------------------------------------------------------- room (server → attendee)

/**
 * The instructor's announcement; `mission`/`step` make it a link to that step (never a jump).
 * `withdrawn`: the instructor took it back (kept, with a new id, so that every process and page
 * learns the withdrawal the way it learns an announcement, and nobody shows the old one again).
 */
export type Announcement = {
  id: number
  text: string
  mission: string | null
  step: string | null
  at: number
  withdrawn?: boolean
}
export type AnnouncementMessage = { type: 'announcement'; announcement: Announcement }
/** Whether this attendee's "I need help" flag is up (after joining, and whenever it changes, from any tab or the instructor). */
export type HelpStateMessage = { type: 'helpState'; on: boolean }
/** The instructor started (or stopped) watching this attendee's terminal; while on, send `screen`. */
export type WatchedMessage = { type: 'watched'; on: boolean }
/** Tells the attendee the number behind their default name ("Attendee 17"), after welcome. */
export type AttendeeMessage = { type: 'attendee'; number: number; name: string | null }

// ---------------------------------------------------------------- room (server → instructor)

/** Why an attendee is flagged: time on one step, or errors on it (or, before any mission is open, errors in the last ERROR_WINDOW_MS). */
export type StuckReason = 'time' | 'errors'
/**
 * One attendee as the instructor's grid shows them. Times are the server's Unix ms (`now` in each
 * room message lets the page correct for its own clock).
 */
export type AttendeeRow = {
  /** Stable while the sandbox exists; not the sandbox token (a hash of it). */
  id: string
  /** The number of the default name, "Attendee 17": the attendee's own in the room, never given to anyone else (not the sandbox's). */
  number: number
  /** The chosen display name; null: the default. */
  name: string | null
  /** Open sockets (tabs) of this attendee. */
  connected: number
  /** When they first joined the room. */
  joinedAt: number
  /** The mission their lesson panel has open, and its first step not done (null: all done). */
  mission: string | null
  step: string | null
  /** Done steps of every mission, in mission order. */
  done: Record<string, string[]>
  /**
   * When the current step became current (the mission opened, or the previous step got done),
   * moved later by the time the attendee was away, so `now - stepSince` is time spent on it.
   */
  stepSince: number | null
  /** Since when no tab of theirs is open (null: connected): the step's clock stands still meanwhile. */
  awayAt: number | null
  /** When each mission's last step got done. */
  finished: Record<string, number>
  /** The text of their last error reply on the current step (null: none), cut to LAST_ERROR_CHARS. */
  lastError: string | null
  /** Since when their "I need help" flag is up (null: down). */
  help: number | null
  /** Error replies in the last ERROR_WINDOW_MS. */
  errors: number
  /** Error replies since the current step became current. */
  stepErrors: number
  stuck: StuckReason | null
}
/** Error replies are counted over this window for `AttendeeRow.errors`. */
export const ERROR_WINDOW_MS = 5 * 60_000
/** `AttendeeRow.lastError` keeps at most this many characters (the room's most common error is grouped on it). */
export const LAST_ERROR_CHARS = 120

export type InstructorWelcomeMessage = {
  type: 'instructorWelcome'
  v: number
  rules: StuckRules
  announcement: Announcement | null
  server: ServerInfo
}
/** The whole room, sent once after instructorWelcome. */
export type RoomMessage = { type: 'room'; attendees: AttendeeRow[]; now: number }
/** Rows that changed (whole rows) and ids that left, coalesced (at most a few a second). */
export type RoomChangedMessage = { type: 'roomChanged'; upsert: AttendeeRow[]; removed: string[]; now: number }
export type StuckRulesChangedMessage = { type: 'stuckRulesChanged'; rules: StuckRules }
/** The room's announcement changed (sent, or withdrawn: then `withdrawn` is true), whichever instructor did it. */
export type AnnouncementChangedMessage = { type: 'announcementChanged'; announcement: Announcement }
/** A watch began (inspector messages that follow are about this attendee's sandbox) or ended (null). */
export type WatchingMessage = { type: 'watching'; attendee: string | null; reason: string | null }
/** The watched attendee's terminal output, relayed as they sent it. */
export type WatchScreenMessage = { type: 'watchScreen'; attendee: string; data: string; cols: number; rows: number; reset: boolean }
/** The key the watched attendee's own inspector has open (null: none), so the watch can show the same. */
export type WatchViewingMessage = { type: 'watchViewing'; attendee: string; key: string | null }
/** The answer to an instructor action (reset, broadcast). */
export type InstructorDoneMessage = {
  type: 'instructorDone'
  action: 'resetSandbox' | 'broadcast' | 'withdrawAnnouncement' | 'clearHelp'
  attendee: string | null
  ok: boolean
  text: string
}

export type InstructorServerMessage =
  | InstructorWelcomeMessage
  | RoomMessage
  | RoomChangedMessage
  | StuckRulesChangedMessage
  | AnnouncementChangedMessage
  | WatchingMessage
  | WatchScreenMessage
  | WatchViewingMessage
  | InstructorDoneMessage

/** Every kind only an instructor socket receives (the record makes the list complete). */
const INSTRUCTOR_KINDS: Record<InstructorServerMessage['type'], true> = {
  instructorWelcome: true,
  room: true,
  roomChanged: true,
  stuckRulesChanged: true,
  announcementChanged: true,
  watching: true,
  watchScreen: true,
  watchViewing: true,
  instructorDone: true,
}
export const INSTRUCTOR_MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.keys(INSTRUCTOR_KINDS))
export const isInstructorMessage = (message: { type: string }): message is InstructorServerMessage =>
  INSTRUCTOR_MESSAGE_TYPES.has(message.type)
