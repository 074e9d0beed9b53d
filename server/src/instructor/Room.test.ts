import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AttendeeRow, ServerMessage } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { Room } from './Room.ts'
import { attendeeId, type RoomMemberSocket } from './roomMembers.ts'
import { SCREEN_BYTES_PER_SECOND } from './WatchRelay.ts'

const users = (db: number) => ({ db }) as SandboxUsers
const lease = (token: string, db: number) => ({ token, users: users(db), sandbox: { number: db } })

class FakeSocket implements RoomMemberSocket {
  readonly sent: ServerMessage[] = []
  resets = 0
  send(message: ServerMessage): void {
    this.sent.push(message)
  }
  sandboxReset(): void {
    this.resets++
  }
  watched(): boolean[] {
    return this.sent.filter((m): m is Extract<ServerMessage, { type: 'watched' }> => m.type === 'watched').map((m) => m.on)
  }
}

let clock = 0
let room: Room
let resetDbs: number[]
const instructor: ServerMessage[] = []

function grid(): Map<string, AttendeeRow> {
  const rows = new Map<string, AttendeeRow>()
  for (const message of instructor) {
    if (message.type === 'room') for (const row of message.attendees) rows.set(row.id, row)
    if (message.type === 'roomChanged') {
      for (const row of message.upsert) rows.set(row.id, row)
      for (const id of message.removed) rows.delete(id)
    }
  }
  return rows
}

const progress = (done: Record<string, string[]>, open: string | null): ServerMessage => ({
  type: 'missionProgress',
  done,
  open: open ? { id: open, checks: {}, lines: {}, captures: {} } : null,
})

beforeEach(() => {
  vi.useFakeTimers()
  clock = 1_000_000
  resetDbs = []
  instructor.length = 0
  room = new Room({
    steps: (id) => (id === 'm' ? ['a', 'b', 'c'] : null),
    rules: { afterSeconds: 60, errors: 3 },
    resetSandbox: (db) => {
      resetDbs.push(db)
      return Promise.resolve()
    },
    now: () => clock,
  })
  room.subscribe({ send: (message) => instructor.push(message) })
})

afterEach(() => {
  room.close()
  vi.useRealTimers()
})

describe('Room', () => {
  it('keeps one row per sandbox across tabs, with the newest name, and coalesces changes', () => {
    const first = new FakeSocket()
    const second = new FakeSocket()
    const one = room.join(lease('tok', 5), null, first)
    room.join(lease('tok', 5), 'Ada', second)
    // The room's own number (the first attendee), not the sandbox's.
    expect(first.sent[0]).toEqual({ type: 'attendee', number: 1, name: null })
    expect(second.sent[0]).toEqual({ type: 'attendee', number: 1, name: 'Ada' })
    expect(instructor.filter((m) => m.type === 'roomChanged')).toHaveLength(0)
    vi.advanceTimersByTime(250)
    expect(instructor.filter((m) => m.type === 'roomChanged')).toHaveLength(1)
    const row = grid().get(attendeeId('tok'))!
    expect(row).toMatchObject({ number: 1, name: 'Ada', connected: 2 })
    one.leave()
    one.leave()
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('tok'))!.connected).toBe(1)
  })

  it('follows the open mission to its first step not done, and counts errors on it', () => {
    const socket = new FakeSocket()
    const handle = room.join(lease('t', 1), null, socket)
    handle.observe(progress({}, 'm'))
    handle.observe({ type: 'reply', id: 1, replies: [{ t: 'err', s: 'ERR x' }], ms: 1 })
    handle.observe({ type: 'reply', id: 2, replies: [{ t: 'str', s: 'OK' }], ms: 1 })
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))).toMatchObject({ mission: 'm', step: 'a', stepSince: 1_000_000, errors: 1, stepErrors: 1 })
    clock += 5_000
    handle.observe(progress({ m: ['a'] }, 'm'))
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))).toMatchObject({ step: 'b', stepSince: 1_005_000, errors: 1, stepErrors: 0 })
    // Steps done out of order: still the first one missing.
    handle.observe(progress({ m: ['a', 'c'] }, 'm'))
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))!.step).toBe('b')
    handle.observe(progress({ m: ['a', 'b', 'c'] }, 'm'))
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))).toMatchObject({ step: null, stepSince: null, stuck: null })
  })

  it('flags stuck once time passes, on its own tick, and clears it when the rules change', () => {
    const handle = room.join(lease('t', 1), null, new FakeSocket())
    handle.observe(progress({}, 'm'))
    clock += 60_000
    vi.advanceTimersByTime(1_250)
    expect(grid().get(attendeeId('t'))!.stuck).toBe('time')
    room.setRules({ afterSeconds: 120, errors: 3 })
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))!.stuck).toBeNull()
    expect(instructor.some((m) => m.type === 'stuckRulesChanged')).toBe(true)
  })

  it('streams the screen of the newest tab only while watched, to the watchers only', () => {
    const old = new FakeSocket()
    const newest = new FakeSocket()
    const oldHandle = room.join(lease('t', 1), null, old)
    const newHandle = room.join(lease('t', 1), null, newest)
    const screens: string[] = []
    expect(
      room.watch('ffffffffffffffff', { screen: () => undefined, sandboxEmptied: () => undefined, viewing: () => undefined })
    ).toBeNull()
    const stop = room.watch(attendeeId('t'), {
      screen: (m) => screens.push(m.data),
      sandboxEmptied: () => undefined,
      viewing: () => undefined,
    })!
    expect(newest.watched()).toEqual([true])
    expect(old.watched()).toEqual([])
    oldHandle.screen({ data: 'old', cols: 80, rows: 24, reset: false })
    newHandle.screen({ data: 'new', cols: 80, rows: 24, reset: false })
    expect(screens).toEqual(['new'])
    // The streaming tab closes: the other one takes over with its whole screen.
    newHandle.leave()
    expect(old.watched()).toEqual([true])
    oldHandle.screen({ data: 'old again', cols: 80, rows: 24, reset: true })
    stop()
    expect(old.watched()).toEqual([true, false])
    oldHandle.screen({ data: 'after', cols: 80, rows: 24, reset: false })
    expect(screens).toEqual(['new', 'old again'])
  })

  it('drops a flood of screen output beyond the budget, then asks for the whole screen again', () => {
    const socket = new FakeSocket()
    const handle = room.join(lease('t', 1), null, socket)
    let relayed = 0
    room.watch(attendeeId('t'), { screen: (m) => (relayed += m.data.length), sandboxEmptied: () => undefined, viewing: () => undefined })
    const chunk = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 40; i++) handle.screen({ data: chunk, cols: 80, rows: 24, reset: false })
    expect(relayed).toBe(SCREEN_BYTES_PER_SECOND)
    expect(socket.watched()).toEqual([true])
    clock += 1_000
    vi.advanceTimersByTime(1_000)
    expect(socket.watched()).toEqual([true, true])
    handle.screen({ data: 'whole', cols: 80, rows: 24, reset: true })
    expect(relayed).toBe(SCREEN_BYTES_PER_SECOND + 5)
  })

  it('resets a sandbox through the app and tells its tabs and watchers; forgets a recycled one', async () => {
    const socket = new FakeSocket()
    const handle = room.join(lease('t', 7), null, socket)
    handle.observe(progress({ m: ['a'] }, 'm'))
    let emptied = 0
    room.watch(attendeeId('t'), { screen: () => undefined, sandboxEmptied: () => emptied++, viewing: () => undefined })
    expect(await room.resetSandbox(attendeeId('t'))).toBe(true)
    expect(await room.resetSandbox('0000000000000000')).toBe(false)
    expect(resetDbs).toEqual([7])
    expect(socket.resets).toBe(1)
    expect(emptied).toBe(1)
    vi.advanceTimersByTime(250)
    expect(grid().get(attendeeId('t'))).toMatchObject({ done: {}, step: 'a' })
    // Another token on the same database: the old row leaves.
    room.join(lease('other', 7), null, new FakeSocket())
    vi.advanceTimersByTime(250)
    expect(grid().has(attendeeId('t'))).toBe(false)
    expect(grid().has(attendeeId('other'))).toBe(true)
    room.forget(7)
    vi.advanceTimersByTime(250)
    expect(grid().size).toBe(0)
  })

  it('sends the current announcement to everyone now and to whoever joins later', () => {
    const early = new FakeSocket()
    room.join(lease('a', 1), null, early)
    const announcement = room.announce('Step 2 now', 'm', 'b')
    expect(early.sent.at(-1)).toEqual({ type: 'announcement', announcement })
    const late = new FakeSocket()
    room.join(lease('b', 2), null, late)
    expect(late.sent).toContainEqual({ type: 'announcement', announcement })
    expect(room.announce('again', null, null).id).toBeGreaterThan(announcement.id)
  })
})

describe('Room watch of the inspector', () => {
  it("tells a watcher which key the attendee's inspector shows, now and as it changes", () => {
    const handle = room.join(lease('t', 1), null, new FakeSocket())
    handle.viewing('session:a')
    const seen: (string | null)[] = []
    room.watch(attendeeId('t'), { screen: () => undefined, sandboxEmptied: () => undefined, viewing: (key) => seen.push(key) })
    handle.viewing('session:b')
    handle.viewing(null)
    expect(seen).toEqual(['session:a', 'session:b', null])
  })
})
