/**
 * The instructor room across playground processes: several Room stacks in this test, each with its
 * own control client and subscriber, stand for processes sharing one real valkey-server as their
 * control Valkey. Attendee sockets and instructors are stand-ins that record what the room sends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { AttendeeRow, ServerMessage, WatchScreenMessage } from '../../../common/protocol/index.ts'
import { Room } from '../../src/instructor/Room.ts'
import { ROOM_KEYS } from '../../src/instructor/roomMessages.ts'
import { attendeeId, type RoomMemberSocket } from '../../src/instructor/roomMembers.ts'
import { progressCsv } from '../../src/instructor/progressCsv.ts'
import type { SandboxUsers } from '../../src/sandbox/aclRules.ts'
import { connectAdmin, createAdminClient, type AdminClient } from '../../src/valkey/adminClient.ts'
import { eventually } from '../helpers.ts'
import { startTargetServer, type TargetServer } from '../targetServer.ts'
import { roomGrid } from '../roomGrid.ts'

const HEARTBEAT_MS = 100
const DEAD_AFTER_MS = 600

class Page implements RoomMemberSocket {
  readonly sent: ServerMessage[] = []
  resets = 0
  send(message: ServerMessage): void {
    this.sent.push(message)
  }
  sandboxReset(): void {
    this.resets++
  }
  watched(): boolean[] {
    return this.sent.flatMap((m) => (m.type === 'watched' ? [m.on] : []))
  }
  announcements(): number[] {
    return this.sent.flatMap((m) => (m.type === 'announcement' ? [m.announcement.id] : []))
  }
}

/** One playground process's room, with an instructor subscribed to it. */
type Stack = {
  name: string
  room: Room
  control: AdminClient
  instructor: ServerMessage[]
  resets: number[]
  resetElsewhere: number[]
}

let server: TargetServer
const stacks: Stack[] = []

async function stack(name: string, subscribe = true): Promise<Stack> {
  const control = createAdminClient({ host: server.host, port: server.port, password: server.password, controlDb: 0 }, `room-${name}`)
  control.on('error', () => undefined)
  await connectAdmin(control, `${server.host}:${server.port}`)
  const resets: number[] = []
  const resetElsewhere: number[] = []
  const room = new Room({
    steps: (id) => (id === 'm' ? ['a', 'b', 'c'] : null),
    rules: { afterSeconds: 300, errors: 3 },
    resetSandbox: (number) => {
      resets.push(number)
      return Promise.resolve()
    },
    resetElsewhere: (number) => resetElsewhere.push(number),
    shared: {
      control,
      processId: `test-${name}-${Math.random().toString(16).slice(2, 8)}`,
      heartbeatMs: HEARTBEAT_MS,
      deadAfterMs: DEAD_AFTER_MS,
    },
  })
  await room.start()
  const made: Stack = { name, room, control, instructor: [], resets, resetElsewhere }
  if (subscribe) room.subscribe({ send: (message) => made.instructor.push(message) })
  stacks.push(made)
  return made
}

/** A process dies, as far as the others can tell: it writes and publishes nothing more (no goodbye, no heartbeat). */
function kill(process: Stack): void {
  process.control.disconnect()
}

function grid(process: Stack): Map<string, AttendeeRow> {
  return roomGrid(process.instructor)
}

/** Waits until the instructor's grid on `process` shows the row of `token` as `check` wants. */
function rowOn(process: Stack, token: string, check: (row: AttendeeRow) => boolean, what: string): Promise<AttendeeRow> {
  return eventually(() => {
    const row = grid(process).get(attendeeId(token))
    return row && check(row) ? row : undefined
  }, `${what} (on ${process.name})`)
}

const lease = (token: string, number: number) => ({ token, users: { db: number } as SandboxUsers, sandbox: { number } })
const progress = (done: Record<string, string[]>, open: string | null): ServerMessage => ({
  type: 'missionProgress',
  done,
  open: open ? { id: open, checks: {}, lines: {}, captures: {} } : null,
})

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

describe('the grid across processes', () => {
  it('shows an attendee on another process joining, progressing, renamed and leaving', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const handle = y.room.join(lease('ada', 5), 'Ada', new Page())
    await rowOn(x, 'ada', (row) => row.name === 'Ada' && row.connected === 1 && row.number > 0, 'Ada joined')
    handle.observe(progress({}, 'm'))
    await rowOn(x, 'ada', (row) => row.mission === 'm' && row.step === 'a', 'Ada on the first step')
    handle.observe(progress({ m: ['a'] }, 'm'))
    await rowOn(x, 'ada', (row) => row.step === 'b' && row.done.m?.length === 1, 'Ada on the second step')
    handle.setName('Ada L.')
    await rowOn(x, 'ada', (row) => row.name === 'Ada L.', 'the new name')
    handle.leave()
    await rowOn(x, 'ada', (row) => row.connected === 0, 'Ada gone')
    // The row stays, as it does on one process.
    expect(x.room.rows().map((row) => row.id)).toEqual([attendeeId('ada')])
  })

  it('counts tabs on two processes, and a process that dies leaves its rows offline; the attendee comes back elsewhere', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const z = await stack('z')
    x.room.join(lease('bob', 3), 'Bob', new Page())
    y.room.join(lease('bob', 3), null, new Page())
    y.room.join(lease('cy', 4), 'Cy', new Page())
    await rowOn(z, 'bob', (row) => row.connected === 2 && row.name === 'Bob', 'Bob with two tabs')
    const cyNumber = (await rowOn(z, 'cy', (row) => row.connected === 1, 'Cy')).number
    kill(y)
    await rowOn(z, 'bob', (row) => row.connected === 1, "Bob's tab on the dead process no longer counted")
    await rowOn(z, 'cy', (row) => row.connected === 0, 'Cy offline')
    await rowOn(x, 'cy', (row) => row.connected === 0, 'Cy offline')
    // Cy's page reconnects through another process: the same row, with the name it had.
    const back = new Page()
    z.room.join(lease('cy', 4), null, back)
    // Her number in the room stays hers.
    expect(back.sent[0]).toEqual({ type: 'attendee', number: cyNumber, name: 'Cy' })
    await rowOn(x, 'cy', (row) => row.connected === 1 && row.name === 'Cy', 'Cy back')
    expect(x.room.rows().filter((row) => row.number === cyNumber)).toHaveLength(1)
  })

  it('flags a stuck attendee once, on every instructor, with the rules set on any process', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const handle = y.room.join(lease('dee', 6), 'Dee', new Page())
    handle.observe(progress({}, 'm'))
    x.room.setRules({ afterSeconds: 3600, errors: 2 })
    await eventually(() => y.instructor.find((m) => m.type === 'stuckRulesChanged'), 'the rules on y')
    expect(y.room.rules).toEqual({ afterSeconds: 3600, errors: 2 })
    const error: ServerMessage = { type: 'reply', id: 1, replies: [{ t: 'err', s: 'ERR x' }], ms: 1 }
    handle.observe(error)
    handle.observe({ ...error, id: 2 })
    for (const each of [x, y]) await rowOn(each, 'dee', (row) => row.stuck === 'errors' && row.errors === 2, 'Dee stuck')
    expect(x.room.rows().filter((row) => row.stuck !== null)).toHaveLength(1)
  })

  it('exports every process’s attendees in the CSV', async () => {
    const x = await stack('x')
    const y = await stack('y')
    x.room.join(lease('eve', 1), 'Eve', new Page())
    y.room.join(lease('fay', 2), 'Fay', new Page())
    await rowOn(x, 'fay', () => true, 'Fay')
    const csv = progressCsv(x.room.rows(), [{ id: 'm', steps: ['a', 'b', 'c'] }], Date.now())
    expect(csv).toContain(`${attendeeId('eve')},Eve,true`)
    expect(csv).toContain(`${attendeeId('fay')},Fay,true`)
  })
})

describe('watch across processes', () => {
  it('relays the screen and open key of an attendee on another process, only while watched', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const page = new Page()
    const handle = y.room.join(lease('gus', 7), 'Gus', page)
    handle.viewing('session:a')
    const id = attendeeId('gus')
    await rowOn(x, 'gus', () => true, 'Gus')
    const screens: WatchScreenMessage[] = []
    const viewing: (string | null)[] = []
    const stop = x.room.watch(id, { screen: (m) => screens.push(m), viewing: (key) => viewing.push(key), sandboxEmptied: () => undefined })!
    await eventually(() => (page.watched().at(-1) === true ? true : undefined), 'Gus told he is watched')
    await eventually(() => (viewing.includes('session:a') ? true : undefined), 'the key Gus has open')
    handle.screen({ data: 'whole', cols: 80, rows: 24, reset: true })
    handle.screen({ data: '\x1b[1mHGET\x1b[0m "\xe9"\r\n', cols: 80, rows: 24, reset: false })
    handle.viewing('session:b')
    await eventually(() => (screens.length >= 2 && viewing.includes('session:b') ? true : undefined), 'the screen relayed')
    expect(screens.map(({ attendee, data, reset }) => ({ attendee, data, reset }))).toEqual([
      { attendee: id, data: 'whole', reset: true },
      { attendee: id, data: '\x1b[1mHGET\x1b[0m "\xe9"\r\n', reset: false },
    ])
    stop()
    await eventually(() => (page.watched().at(-1) === false ? true : undefined), 'Gus told the watch ended')
    handle.screen({ data: 'after', cols: 80, rows: 24, reset: false })
    // A second watch: what it gets is published after anything the first could still have got.
    const second: string[] = []
    x.room.watch(id, { screen: (m) => second.push(m.data), viewing: () => undefined, sandboxEmptied: () => undefined })
    await eventually(() => (page.watched().at(-1) === true ? true : undefined), 'watched again')
    handle.screen({ data: 'second', cols: 80, rows: 24, reset: true })
    await eventually(() => (second.includes('second') ? true : undefined), 'the second watch')
    expect(screens.map((m) => m.data)).not.toContain('after')
    expect(second).not.toContain('after')
  })

  it('follows the attendee to the process they reconnect through, and stops when the watcher’s process dies', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const z = await stack('z')
    const first = new Page()
    const onY = y.room.join(lease('hal', 8), 'Hal', first)
    await rowOn(x, 'hal', () => true, 'Hal')
    const screens: string[] = []
    x.room.watch(attendeeId('hal'), { screen: (m) => screens.push(m.data), viewing: () => undefined, sandboxEmptied: () => undefined })
    await eventually(() => (first.watched().at(-1) === true ? true : undefined), 'Hal watched on y')
    onY.leave()
    const again = new Page()
    const onZ = z.room.join(lease('hal', 8), null, again)
    await eventually(() => (again.watched().at(-1) === true ? true : undefined), 'Hal watched on z')
    onZ.screen({ data: 'from z', cols: 80, rows: 24, reset: true })
    await eventually(() => (screens.includes('from z') ? true : undefined), 'the screen from z')
    kill(x)
    await eventually(() => (again.watched().at(-1) === false ? true : undefined), 'the watch ended with its process')
  })
})

describe('broadcast, rules and reset across processes', () => {
  it('sends the announcement to every process’s attendees, and a later process starts with it and the rules', async () => {
    const x = await stack('x')
    const y = await stack('y')
    const page = new Page()
    y.room.join(lease('ida', 9), 'Ida', page)
    x.room.setRules({ afterSeconds: 120, errors: 5 })
    const announcement = x.room.announce('Step 2 now', 'm', 'b')
    await eventually(() => (page.announcements().includes(announcement.id) ? true : undefined), 'the announcement on y')
    const late = await stack('late')
    expect(late.room.announcement).toEqual(announcement)
    expect(late.room.rules).toEqual({ afterSeconds: 120, errors: 5 })
    const latePage = new Page()
    late.room.join(lease('jo', 10), null, latePage)
    expect(latePage.sent).toContainEqual({ type: 'announcement', announcement })
    await rowOn(late, 'ida', (row) => row.name === 'Ida' && row.connected === 1, 'Ida on the late process')
  })

  it("resets an attendee's sandbox from another process: their pages and watchers start over, the row too", async () => {
    const x = await stack('x')
    const y = await stack('y')
    const page = new Page()
    const handle = y.room.join(lease('kim', 11), 'Kim', page)
    handle.observe(progress({ m: ['a'] }, 'm'))
    await rowOn(x, 'kim', (row) => row.step === 'b', 'Kim on b')
    let emptied = 0
    x.room.watch(attendeeId('kim'), { screen: () => undefined, viewing: () => undefined, sandboxEmptied: () => emptied++ })
    await eventually(() => (page.watched().at(-1) === true ? true : undefined), 'Kim watched')
    expect(await x.room.resetSandbox(attendeeId('kim'))).toBe(true)
    expect(x.resets).toEqual([11])
    await eventually(() => (page.resets === 1 ? true : undefined), "Kim's page told")
    expect(y.resetElsewhere).toEqual([11])
    await eventually(() => (emptied >= 1 ? true : undefined), 'the watcher told')
    for (const each of [x, y]) await rowOn(each, 'kim', (row) => row.step === 'a' && Object.keys(row.done).length === 0, 'Kim back on a')
  })
})

describe('reconnects', () => {
  it('takes a new snapshot when its subscriber reconnects, so a change it missed shows', async () => {
    const x = await stack('x')
    const y = await stack('y')
    y.room.join(lease('lee', 12), 'Lee', new Page())
    const before = await rowOn(x, 'lee', (row) => row.name === 'Lee', 'Lee')
    // A change whose message x never hears (written without one, as if published while x was away).
    const admin = createAdminClient({ host: server.host, port: server.port, password: server.password, controlDb: 0 })
    await connectAdmin(admin, 'the control server')
    await admin.hset(
      ROOM_KEYS.rows,
      '12',
      // The stored row is keyed by the sandbox's number; the grid's `number` is the room's label.
      JSON.stringify({
        ...before,
        number: 12,
        label: before.number,
        name: 'Lee (renamed)',
        nameAt: Date.now(),
        errorTimes: [],
        progressAt: 0,
      })
    )
    admin.disconnect()
    x.room.sync!.dropSubscriber()
    await rowOn(x, 'lee', (row) => row.name === 'Lee (renamed)', 'the missed change after the reconnect')
  })

  it('fills a control Valkey that lost its data and connections again from what the processes hold', async () => {
    const x = await stack('x')
    const y = await stack('y')
    y.room.join(lease('max', 13), 'Max', new Page())
    const announcement = x.room.announce('still here', null, null)
    await rowOn(x, 'max', () => true, 'Max')
    // The control server loses everything and every connection, as a restart without its data would.
    const admin = createAdminClient({ host: server.host, port: server.port, password: server.password, controlDb: 0 })
    await connectAdmin(admin, 'the control server')
    await admin.multi().flushall().call('client', 'kill', 'type', 'pubsub').call('client', 'kill', 'type', 'normal', 'skipme', 'yes').exec()
    admin.disconnect()
    await eventually(() => (x.control.status !== 'ready' ? true : undefined), 'x disconnected')
    const late = await eventually(
      () => (x.control.status === 'ready' && y.control.status === 'ready' ? true : undefined),
      'both processes reconnected',
      15_000
    ).then(() => stack('late'))
    await rowOn(late, 'max', (row) => row.name === 'Max' && row.connected === 1, 'Max stored again by y')
    await eventually(() => (late.room.announcement?.id === announcement.id ? true : undefined), 'the announcement stored again by x')
  })
})
