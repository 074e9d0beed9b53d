/**
 * @module What playground processes tell each other about the room over the control Valkey's
 * pub/sub, and the keys that hold the room there. Every message names the process it came from;
 * a process ignores its own echoes on the shared channel.
 *
 * Channels: ROOM_CHANNEL, heard by every process; `directChannel(process)`, heard by that one
 * process alone (the screen of an attendee it watches from elsewhere).
 */
import { LIMITS, type Announcement, type StuckRules, type WatchScreenMessage } from '../../../common/protocol/index.ts'
import { parseSharedRow, type SharedRow } from './sharedRow.ts'

export const ROOM_KEYS = {
  /** Hash: sandbox number → its SharedRow as JSON. */
  rows: 'playground:room:rows',
  /** Hash: `<number>@<process>` → sockets of that attendee the process holds. */
  online: 'playground:room:online',
  /** Hash: process id → its last heartbeat (Unix ms). */
  alive: 'playground:room:alive',
  /** String: the current Announcement as JSON. */
  announcement: 'playground:room:announcement',
  /** String: the StuckRules as JSON. */
  rules: 'playground:room:rules',
  /** Hash: watch id → { attendee, from } as JSON: who watches whom, from which process. */
  watches: 'playground:room:watches',
  /** String (INCR): the last attendee number given out; numbers are never given twice. */
  numbers: 'playground:room:numbers',
} as const

export const ROOM_CHANNEL = 'playground:room:events'
export const directChannel = (process: string) => `playground:room:to:${process}`
export const onlineField = (number: number, process: string) => `${number}@${process}`

/** Heard by every process. */
export type RoomEvent =
  /** A row as it now is, and how many of its sockets the sender holds. */
  | { t: 'row'; from: string; row: SharedRow; count: number }
  /** The sandbox was recycled or handed to someone else: its row leaves. */
  | { t: 'removed'; from: string; number: number; id: string }
  | { t: 'announcement'; from: string; announcement: Announcement }
  | { t: 'rules'; from: string; rules: StuckRules }
  /** The instructor emptied the sandbox (already done): its pages and watchers start over. */
  | { t: 'reset'; from: string; id: string; number: number }
  /** An instructor on `from` watches `attendee`: whoever holds their sockets relays to `from`. */
  | { t: 'watch'; from: string; watch: string; attendee: string }
  | { t: 'unwatch'; from: string; watch: string }
  | { t: 'alive'; from: string }
  /** The sender is shutting down: its sockets are gone. */
  | { t: 'gone'; from: string }

/** Heard by the watching process alone: what the watched attendee's page did. */
export type WatchEvent =
  | { t: 'screen'; watch: string; message: WatchScreenMessage }
  | { t: 'viewing'; watch: string; key: string | null }
  | { t: 'emptied'; watch: string }

/**
 * The largest message read from the room's channels. Only playground processes can publish there
 * (a sandbox's users may publish on their own channel prefix alone), and what they relay was
 * already bounded at the socket edge; this keeps anything else on those channels from costing more
 * than one frame's worth of parsing.
 */
const MAX_MESSAGE_CHARS = LIMITS.maxFrameBytes

/** JSON of at most MAX_MESSAGE_CHARS; undefined when it is not. */
function parseBounded(text: string): unknown {
  if (text.length > MAX_MESSAGE_CHARS) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** A message from the room's channels; null when it is not one (it is dropped). */
export function parseRoomEvent(text: string): RoomEvent | null {
  const value = parseBounded(text)
  if (!isObject(value) || typeof value.from !== 'string') return null
  switch (value.t) {
    case 'row': {
      const row = parseSharedRow(value.row)
      return row && typeof value.count === 'number' ? { t: 'row', from: value.from, row, count: value.count } : null
    }
    case 'removed':
    case 'reset':
      return typeof value.number === 'number' && typeof value.id === 'string' ? (value as RoomEvent) : null
    case 'announcement':
      return parseAnnouncement(value.announcement) ? (value as RoomEvent) : null
    case 'rules':
      return parseRules(value.rules) ? (value as RoomEvent) : null
    case 'watch':
      return typeof value.watch === 'string' && typeof value.attendee === 'string' ? (value as RoomEvent) : null
    case 'unwatch':
      return typeof value.watch === 'string' ? (value as RoomEvent) : null
    case 'alive':
    case 'gone':
      return value as RoomEvent
    default:
      return null
  }
}

export function parseWatchEvent(text: string): WatchEvent | null {
  const value = parseBounded(text)
  if (!isObject(value) || typeof value.watch !== 'string') return null
  if (value.t === 'screen' && isObject(value.message) && typeof value.message.data === 'string') return value as WatchEvent
  if (value.t === 'viewing' && (value.key === null || typeof value.key === 'string')) return value as WatchEvent
  if (value.t === 'emptied') return value as WatchEvent
  return null
}

export function parseAnnouncement(value: unknown): Announcement | null {
  if (!isObject(value)) return null
  const { id, text, mission, step, at, withdrawn } = value
  if (typeof id !== 'number' || typeof text !== 'string' || typeof at !== 'number') return null
  if (!(mission === null || typeof mission === 'string') || !(step === null || typeof step === 'string')) return null
  return withdrawn === true ? { id, text, mission, step, at, withdrawn } : { id, text, mission, step, at }
}

export function parseRules(value: unknown): StuckRules | null {
  if (!isObject(value) || typeof value.afterSeconds !== 'number' || typeof value.errors !== 'number') return null
  return { afterSeconds: value.afterSeconds, errors: value.errors }
}
