/**
 * The room's signals beyond progress, in one process: numbers never given twice, the step's clock
 * standing still while an attendee is away, stuck before any mission is open, the help flag, the
 * last error, and withdrawing the announcement.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AttendeeRow, ServerMessage } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { Room } from './Room.ts'
import { attendeeId, type RoomMemberSocket } from './roomMembers.ts'

const lease = (token: string, db: number) => ({ token, users: { db } as SandboxUsers, sandbox: { number: db } })

class FakeSocket implements RoomMemberSocket {
  readonly sent: ServerMessage[] = []
  send(message: ServerMessage): void {
    this.sent.push(message)
  }
  sandboxReset(): void {}
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.sent.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type)
  }
}

let clock = 0
let room: Room
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
const rowOf = (token: string) => {
  vi.advanceTimersByTime(250)
  return grid().get(attendeeId(token))!
}

const progress = (done: Record<string, string[]>, open: string | null): ServerMessage => ({
  type: 'missionProgress',
  done,
  open: open ? { id: open, checks: {}, lines: {}, captures: {} } : null,
})
const error = (s: string): ServerMessage => ({ type: 'reply', id: 1, replies: [{ t: 'err', s }], ms: 1 })

beforeEach(() => {
  vi.useFakeTimers()
  clock = 1_000_000
  instructor.length = 0
  room = new Room({
    steps: (id) => (id === 'm' ? ['a', 'b'] : null),
    rules: { afterSeconds: 60, errors: 3 },
    resetSandbox: () => Promise.resolve(),
    now: () => clock,
  })
  room.subscribe({ send: (message) => instructor.push(message) })
})

afterEach(() => {
  room.close()
  vi.useRealTimers()
})

describe('Room attendance', () => {
  it('never gives a number twice, even when a sandbox is recycled for someone else', async () => {
    const first = new FakeSocket()
    room.join(lease('one', 8), null, first)
    await room.claimNumber('two')
    const second = new FakeSocket()
    // Sandbox 8 recycled: a different attendee gets it, and a new number.
    room.join(lease('two', 8), null, second)
    expect(first.of('attendee')[0]!.number).toBe(1)
    expect(second.of('attendee')[0]!.number).toBe(2)
    // The first one comes back on another sandbox: a number no one had.
    const back = new FakeSocket()
    room.join(lease('one', 9), null, back)
    expect(back.of('attendee')[0]!.number).toBe(3)
    expect(new Set([...grid().values()].map((row) => row.number)).size).toBe(grid().size)
  })

  it('stops the step clock while the attendee is away, so they are not stuck the moment they are back', () => {
    const handle = room.join(lease('t', 1), null, new FakeSocket())
    handle.observe(progress({}, 'm'))
    expect(rowOf('t')).toMatchObject({ joinedAt: 1_000_000, stepSince: 1_000_000, awayAt: null })
    clock += 30_000
    handle.leave()
    expect(rowOf('t')).toMatchObject({ connected: 0, awayAt: 1_030_000 })
    clock += 600_000
    vi.advanceTimersByTime(1_000)
    room.join(lease('t', 1), null, new FakeSocket())
    // 30 s on the step so far: the 10 minutes away do not count.
    expect(rowOf('t')).toMatchObject({ connected: 1, awayAt: null, stepSince: 1_600_000, stuck: null })
    clock += 30_000
    vi.advanceTimersByTime(1_000)
    expect(rowOf('t').stuck).toBe('time')
  })

  it('flags someone with no mission open who keeps getting errors', () => {
    const handle = room.join(lease('t', 1), null, new FakeSocket())
    for (let i = 0; i < 3; i++) handle.observe(error('ERR unknown command'))
    expect(rowOf('t')).toMatchObject({ mission: null, errors: 3, stuck: 'errors' })
  })

  it('keeps the last error on the current step, and forgets it on the next step', () => {
    const handle = room.join(lease('t', 1), null, new FakeSocket())
    handle.observe(progress({}, 'm'))
    handle.observe(error("ERR wrong number of arguments for 'hset' command\nmore"))
    expect(rowOf('t').lastError).toBe("ERR wrong number of arguments for 'hset' command")
    handle.observe(error('x'.repeat(500)))
    expect(rowOf('t').lastError).toHaveLength(120)
    handle.observe(progress({ m: ['a'] }, 'm'))
    expect(rowOf('t')).toMatchObject({ step: 'b', lastError: null })
    clock += 1_000
    handle.observe(progress({ m: ['a', 'b'] }, 'm'))
    expect(rowOf('t').finished).toEqual({ m: 1_001_000 })
  })

  it('raises the help flag from any tab, shows it on every tab, and lets the instructor lower it', () => {
    const one = new FakeSocket()
    const two = new FakeSocket()
    const handle = room.join(lease('t', 1), null, one)
    room.join(lease('t', 1), null, two)
    expect(one.of('helpState')).toEqual([{ type: 'helpState', on: false }])
    clock += 5
    handle.askHelp(true)
    expect(rowOf('t').help).toBe(1_000_005)
    expect(two.of('helpState').at(-1)).toEqual({ type: 'helpState', on: true })
    expect(room.clearHelp(attendeeId('t'))).toBe(true)
    expect(room.clearHelp('0000000000000000')).toBe(false)
    expect(rowOf('t').help).toBeNull()
    expect(one.of('helpState').at(-1)).toEqual({ type: 'helpState', on: false })
    handle.askHelp(true)
    handle.askHelp(false)
    expect(rowOf('t').help).toBeNull()
  })

  it('withdraws the announcement for everyone now and for whoever joins later', () => {
    const early = new FakeSocket()
    room.join(lease('a', 1), null, early)
    expect(room.withdrawAnnouncement()).toBe(false)
    const sent = room.announce('Break: back at 10:45', null, null)
    expect(room.withdrawAnnouncement()).toBe(true)
    expect(room.withdrawAnnouncement()).toBe(false)
    const withdrawal = early.of('announcement').at(-1)!.announcement
    expect(withdrawal).toMatchObject({ text: '', withdrawn: true })
    expect(withdrawal.id).toBeGreaterThan(sent.id)
    expect(instructor).toContainEqual({ type: 'announcementChanged', announcement: withdrawal })
    const late = new FakeSocket()
    room.join(lease('b', 2), null, late)
    expect(late.of('announcement')).toEqual([])
  })
})
