/**
 * The room's newer shared state across playground processes (Room stacks sharing one real
 * valkey-server as their control Valkey): attendee numbers given once (INCR), the step's clock
 * stopped while away, the help flag, and a withdrawn announcement. Each lives in the control
 * Valkey, so a process that starts later, or another process the attendee comes back through,
 * has it too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { AttendeeRow, ServerMessage } from '../../../common/protocol/index.ts'
import { Room } from '../../src/instructor/Room.ts'
import { ROOM_KEYS } from '../../src/instructor/roomMessages.ts'
import { attendeeId, type RoomMemberSocket } from '../../src/instructor/roomMembers.ts'
import type { SandboxUsers } from '../../src/sandbox/aclRules.ts'
import { connectAdmin, createAdminClient, type AdminClient } from '../../src/valkey/adminClient.ts'
import { eventually } from '../helpers.ts'
import { roomGrid } from '../roomGrid.ts'
import { startTargetServer, type TargetServer } from '../targetServer.ts'

class Page implements RoomMemberSocket {
  readonly sent: ServerMessage[] = []
  send(message: ServerMessage): void {
    this.sent.push(message)
  }
  sandboxReset(): void {}
  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.sent.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type)
  }
}

type Stack = { name: string; room: Room; control: AdminClient; instructor: ServerMessage[]; clock: { now: number } }

let server: TargetServer
const stacks: Stack[] = []
/** One clock for every process: the test moves it. */
const clock = { now: 1_000_000 }

async function stack(name: string): Promise<Stack> {
  const control = createAdminClient({ host: server.host, port: server.port, password: server.password, controlDb: 0 }, `room-${name}`)
  control.on('error', () => undefined)
  await connectAdmin(control, `${server.host}:${server.port}`)
  const room = new Room({
    steps: (id) => (id === 'm' ? ['a', 'b', 'c'] : null),
    rules: { afterSeconds: 60, errors: 3 },
    resetSandbox: () => Promise.resolve(),
    now: () => clock.now,
    shared: { control, processId: `test-${name}-${Math.random().toString(16).slice(2, 8)}`, heartbeatMs: 100, deadAfterMs: 600 },
  })
  await room.start()
  const made: Stack = { name, room, control, instructor: [], clock }
  room.subscribe({ send: (message) => made.instructor.push(message) })
  stacks.push(made)
  return made
}

function rowOn(process: Stack, token: string, check: (row: AttendeeRow) => boolean, what: string): Promise<AttendeeRow> {
  return eventually(() => {
    const row = roomGrid(process.instructor).get(attendeeId(token))
    return row && check(row) ? row : undefined
  }, `${what} (on ${process.name})`)
}

const lease = (token: string, number: number) => ({ token, users: { db: number } as SandboxUsers, sandbox: { number } })

/** As the gateway does: a number first, then the join. */
async function join(process: Stack, token: string, sandbox: number, page = new Page()) {
  await process.room.claimNumber(token)
  return { page, handle: process.room.join(lease(token, sandbox), null, page) }
}

beforeAll(async () => {
  server = await startTargetServer({ binary: inject('valkeyServer') })
})

afterEach(async () => {
  for (const each of stacks.splice(0)) {
    await each.room.shutdown()
    each.control.disconnect()
  }
  const admin = createAdminClient({ host: server.host, port: server.port, password: server.password, controlDb: 0 })
  await connectAdmin(admin, 'the control server')
  await admin.flushall()
  admin.disconnect()
})

afterAll(async () => {
  await server?.stop()
})

describe('the room’s shared signals across processes', () => {
  it('gives every attendee a number no one else had, on whichever process, a recycled sandbox too', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const numbers: number[] = []
    for (const [process, token, sandbox] of [
      [x, 'p', 1],
      [y, 'q', 2],
      [x, 'r', 3],
      [y, 'p', 1], // p's second tab, through the other process: the same number
      [y, 's', 1], // sandbox 1 recycled for someone else: a new number
    ] as const) {
      const { page } = await join(process, token, sandbox)
      numbers.push(page.of('attendee')[0]!.number)
      // Each process hears of the other's row before the next join (as a later page would).
      await rowOn(x, token, () => true, `${token} in the room`)
      await rowOn(y, token, () => true, `${token} in the room`)
    }
    expect(numbers).toEqual([1, 2, 3, 1, 4])
    // A process that starts later gives the next one, never one of these.
    const z = await stack('z')
    const { page } = await join(z, 't', 9)
    expect(page.of('attendee')[0]!.number).toBe(5)
    // The control Valkey restarted empty: the counter comes back above every number held.
    await x.control.del(ROOM_KEYS.numbers)
    x.room.sync!.dropSubscriber()
    await eventually(async () => ((Number(await y.control.get(ROOM_KEYS.numbers)) || 0) >= 5 ? true : undefined), 'the counter raised')
  })

  it('stops the step clock while the attendee is away, and a process they come back through resumes it', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const { handle } = await join(y, 'ada', 5)
    handle.observe({ type: 'missionProgress', done: {}, open: { id: 'm', checks: {}, lines: {}, captures: {} } })
    await rowOn(x, 'ada', (row) => row.step === 'a' && row.stepSince === 1_000_000, 'Ada on step a')
    clock.now += 20_000
    handle.leave()
    await rowOn(x, 'ada', (row) => row.connected === 0 && row.awayAt === 1_020_000, 'Ada away, the clock stopped')
    clock.now += 3_600_000
    await join(x, 'ada', 5)
    // 20 s on the step before she left; the hour away does not count, and she is not stuck.
    const back = await rowOn(y, 'ada', (row) => row.connected === 1 && row.awayAt === null, 'Ada back')
    expect(back.stepSince).toBe(1_000_000 + 3_600_000)
    expect(back.stuck).toBeNull()
  })

  it('shows a help flag raised on one process to the instructor on another, who lowers it on the attendee’s pages', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const { page, handle } = await join(y, 'cy', 3)
    clock.now += 1_000
    handle.askHelp(true)
    await rowOn(x, 'cy', (row) => row.help !== null, 'the help flag')
    clock.now += 1_000
    expect(x.room.clearHelp(attendeeId('cy'))).toBe(true)
    await rowOn(y, 'cy', (row) => row.help === null, 'the flag lowered')
    await eventually(
      () => (page.of('helpState').at(-1)?.on === false && page.of('helpState').length === 3 ? true : undefined),
      'her page told'
    )
    // A process that starts later sees the stored flag.
    clock.now += 1_000
    const raisedAgainAt = clock.now
    handle.askHelp(true)
    // By its time: the grid may still show the first raise until the clear's change reaches it.
    await rowOn(x, 'cy', (row) => row.help === raisedAgainAt, 'raised again')
    const z = await stack('z')
    expect(z.room.rows().find((row) => row.id === attendeeId('cy'))?.help).not.toBeNull()
  })

  it('withdraws the announcement on every process, for later joiners and for a process that starts later', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const { page } = await join(y, 'bo', 2)
    const sent = x.room.announce('Break: back at 10:45', null, null)
    await eventually(() => (page.of('announcement').some((m) => m.announcement.id === sent.id) ? true : undefined), 'the announcement')
    expect(x.room.withdrawAnnouncement()).toBe(true)
    await eventually(() => (page.of('announcement').at(-1)?.announcement.withdrawn ? true : undefined), 'the withdrawal on y')
    expect(y.instructor.some((m) => m.type === 'announcementChanged' && m.announcement.withdrawn)).toBe(true)
    const { page: late } = await join(y, 'late', 7)
    expect(late.of('announcement')).toEqual([])
    const z = await stack('z')
    expect(z.room.announcement?.withdrawn).toBe(true)
    const { page: later } = await join(z, 'later', 8)
    expect(later.of('announcement')).toEqual([])
  })
})
