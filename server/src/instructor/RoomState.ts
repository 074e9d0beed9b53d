/**
 * @module The room as the control Valkey keeps it (ROOM_KEYS): rows, who holds which sockets,
 * which processes are alive, the announcement, the stuck rules and the watches. Each write and
 * the message that tells the other processes about it go at once (one MULTI, or one script for a
 * row), so every process sees the changes of one row in the order the stored row took them.
 */
import type { Announcement, StuckRules } from '../../../common/protocol/index.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import {
  directChannel,
  onlineField,
  parseAnnouncement,
  parseRules,
  ROOM_CHANNEL,
  ROOM_KEYS,
  type RoomEvent,
  type WatchEvent,
} from './roomMessages.ts'
import { parseSharedRow, type SharedRow } from './sharedRow.ts'

export type RoomSnapshot = {
  rows: SharedRow[]
  /** Sandbox number → process → sockets. */
  online: Map<number, Map<string, number>>
  /** Process → last heartbeat (Unix ms). */
  alive: Map<string, number>
  announcement: Announcement | null
  rules: StuckRules | null
  watches: { watch: string; attendee: string; from: string }[]
}

const json = (value: unknown) => JSON.stringify(value)

/**
 * Stores a row merged with the one stored (the newer name and the newer progress stay, as
 * mergeRow does), sets the sender's socket count, and publishes the merged row, all at once.
 * KEYS: rows, online. ARGV: number, row JSON, online field, count, channel, sender.
 */
const WRITE_ROW = `
local PROGRESS = {'mission', 'step', 'done', 'stepSince', 'awayAt', 'finished', 'stepErrors', 'lastError', 'errorTimes', 'progressAt'}
local stored = redis.call('HGET', KEYS[1], ARGV[1])
local row = cjson.decode(ARGV[2])
if stored then
  local old = cjson.decode(stored)
  if old.id == row.id then
    if (old.nameAt or 0) > (row.nameAt or 0) then
      row.name = old.name
      row.nameAt = old.nameAt
    end
    if (old.progressAt or 0) > (row.progressAt or 0) then
      for _, field in ipairs(PROGRESS) do
        row[field] = old[field]
      end
    end
    if (old.helpAt or 0) > (row.helpAt or 0) then
      row.help = old.help
      row.helpAt = old.helpAt
    end
    -- The same on every process whatever the order: the smaller label, the earlier join.
    local oldLabel, label = tonumber(old.label) or 0, tonumber(row.label) or 0
    if oldLabel > 0 and (label == 0 or oldLabel < label) then row.label = oldLabel end
    local oldJoined, joined = tonumber(old.joinedAt) or 0, tonumber(row.joinedAt) or 0
    if oldJoined > 0 and (joined == 0 or oldJoined < joined) then row.joinedAt = oldJoined end
  end
end
local text = cjson.encode(row)
redis.call('HSET', KEYS[1], ARGV[1], text)
if tonumber(ARGV[4]) > 0 then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
else
  redis.call('HDEL', KEYS[2], ARGV[3])
end
redis.call('PUBLISH', ARGV[5], '{"t":"row","from":' .. cjson.encode(ARGV[6]) .. ',"count":' .. ARGV[4] .. ',"row":' .. text .. '}')
return 1
`

/** Raises the number counter to ARGV[1] when it is below (the control server restarted empty while rows came back). */
const RAISE_NUMBERS = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`

function pairs(flat: unknown): [string, string][] {
  const list = Array.isArray(flat) ? (flat as string[]) : []
  const out: [string, string][] = []
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i]!, list[i + 1]!])
  return out
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

export class RoomState {
  constructor(private readonly control: AdminClient) {}

  /** Everything at one instant (one MULTI): what a process starts from, and again after a reconnect. */
  async snapshot(): Promise<RoomSnapshot> {
    const results = await this.control
      .multi()
      .hgetall(ROOM_KEYS.rows)
      .hgetall(ROOM_KEYS.online)
      .hgetall(ROOM_KEYS.alive)
      .get(ROOM_KEYS.announcement)
      .get(ROOM_KEYS.rules)
      .hgetall(ROOM_KEYS.watches)
      .exec()
    if (!results) throw new Error('the room snapshot was discarded')
    const [rows, online, alive, announcement, rules, watches] = results.map(([error, value]) => {
      if (error) throw error
      return value
    })
    const snapshot: RoomSnapshot = {
      rows: [],
      online: new Map(),
      alive: new Map(),
      announcement: parseAnnouncement(parseJson(announcement)),
      rules: parseRules(parseJson(rules)),
      watches: [],
    }
    for (const [, text] of pairs(rows)) {
      const row = parseSharedRow(parseJson(text))
      if (row) snapshot.rows.push(row)
    }
    for (const [field, count] of pairs(online)) {
      const at = field.indexOf('@')
      const number = Number(field.slice(0, at))
      if (at < 0 || !Number.isInteger(number)) continue
      let holders = snapshot.online.get(number)
      if (!holders) snapshot.online.set(number, (holders = new Map()))
      holders.set(field.slice(at + 1), Number(count) || 0)
    }
    for (const [process, at] of pairs(alive)) snapshot.alive.set(process, Number(at) || 0)
    for (const [watch, text] of pairs(watches)) {
      const value = parseJson(text) as { attendee?: unknown; from?: unknown } | null
      if (typeof value?.attendee === 'string' && typeof value.from === 'string') {
        snapshot.watches.push({ watch, attendee: value.attendee, from: value.from })
      }
    }
    return snapshot
  }

  /** Stores the rules unless some process already did; the stored ones are what the room uses. */
  async initRules(rules: StuckRules): Promise<void> {
    await this.control.set(ROOM_KEYS.rules, json(rules), 'NX')
  }

  /** A row (merged with the stored one) and how many of its sockets `from` holds. */
  async writeRow(row: SharedRow, from: string, count: number): Promise<void> {
    const args = [String(row.number), json(row), onlineField(row.number, from), String(count), ROOM_CHANNEL, from]
    await this.control.eval(WRITE_ROW, 2, ROOM_KEYS.rows, ROOM_KEYS.online, ...args)
  }

  async removeRow(number: number, id: string, from: string, holders: Iterable<string>): Promise<void> {
    const fields = [...holders].map((process) => onlineField(number, process))
    const multi = this.control.multi().hdel(ROOM_KEYS.rows, String(number))
    if (fields.length > 0) multi.hdel(ROOM_KEYS.online, ...fields)
    await multi.publish(ROOM_CHANNEL, json({ t: 'removed', from, number, id } satisfies RoomEvent)).exec()
  }

  async setAnnouncement(announcement: Announcement, from: string): Promise<void> {
    await this.control
      .multi()
      .set(ROOM_KEYS.announcement, json(announcement))
      .publish(ROOM_CHANNEL, json({ t: 'announcement', from, announcement } satisfies RoomEvent))
      .exec()
  }

  /** A room number never given out before. */
  async nextNumber(): Promise<number> {
    return this.control.incr(ROOM_KEYS.numbers)
  }

  /** The next number will be above `highest` (numbers held by rows are never given again). */
  async raiseNumbers(highest: number): Promise<void> {
    if (highest > 0) await this.control.eval(RAISE_NUMBERS, 1, ROOM_KEYS.numbers, String(highest))
  }

  async setRules(rules: StuckRules, from: string): Promise<void> {
    await this.control
      .multi()
      .set(ROOM_KEYS.rules, json(rules))
      .publish(ROOM_CHANNEL, json({ t: 'rules', from, rules } satisfies RoomEvent))
      .exec()
  }

  async addWatch(watch: string, attendee: string, from: string): Promise<void> {
    await this.control
      .multi()
      .hset(ROOM_KEYS.watches, watch, json({ attendee, from }))
      .publish(ROOM_CHANNEL, json({ t: 'watch', from, watch, attendee } satisfies RoomEvent))
      .exec()
  }

  async removeWatch(watch: string, from: string): Promise<void> {
    await this.control
      .multi()
      .hdel(ROOM_KEYS.watches, watch)
      .publish(ROOM_CHANNEL, json({ t: 'unwatch', from, watch } satisfies RoomEvent))
      .exec()
  }

  /** This process is alive now; true when its entry was missing (someone took it for dead, or the control data was lost). */
  async heartbeat(process: string, now: number): Promise<boolean> {
    const results = await this.control
      .multi()
      .hset(ROOM_KEYS.alive, process, String(now))
      .publish(ROOM_CHANNEL, json({ t: 'alive', from: process } satisfies RoomEvent))
      .exec()
    return results?.[0]?.[1] === 1
  }

  /**
   * Forgets a process that is gone: its heartbeat, the sockets it held, its watches. Any process
   * may do it for a dead one (twice does no harm); `gone` also tells the others at once.
   */
  async dropProcess(process: string, numbers: Iterable<number>, watches: Iterable<string>, gone: boolean): Promise<void> {
    const fields = [...numbers].map((number) => onlineField(number, process))
    const ids = [...watches]
    const multi = this.control.multi().hdel(ROOM_KEYS.alive, process)
    if (fields.length > 0) multi.hdel(ROOM_KEYS.online, ...fields)
    if (ids.length > 0) multi.hdel(ROOM_KEYS.watches, ...ids)
    if (gone) multi.publish(ROOM_CHANNEL, json({ t: 'gone', from: process } satisfies RoomEvent))
    await multi.exec()
  }

  async publish(event: RoomEvent): Promise<void> {
    await this.control.publish(ROOM_CHANNEL, json(event))
  }

  async publishTo(process: string, event: WatchEvent): Promise<void> {
    await this.control.publish(directChannel(process), json(event))
  }
}
