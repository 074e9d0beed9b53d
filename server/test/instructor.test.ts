/**
 * The instructor view against the real embedded Valkey: the key is required on every socket and
 * request, room data reaches only the instructor, the grid follows attendees' progress, names and
 * errors, stuck flags follow the rules, a watch relays exactly what the attendee's page sent and
 * reads their sandbox read-only, broadcasts reach attendees, and a reset empties one sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { CLOSE_CODES, INSTRUCTOR_MESSAGE_TYPES, PROTOCOL_VERSION, type AttendeeRow } from '../../common/protocol/index.ts'
import { eventually, int, isError, startTestPlayground, TEST_INSTRUCTOR_KEY, TestClient } from './helpers.ts'
import { roomGrid } from './roomGrid.ts'

/** Message kinds meant for the instructor page alone. */
const INSTRUCTOR_ONLY = INSTRUCTOR_MESSAGE_TYPES

let skew = 0
let playground: Playground
const clients: TestClient[] = []

async function attendee(name: string | null = null, from?: string): Promise<TestClient> {
  const client = await TestClient.open(playground.port, from ? { from } : {})
  clients.push(client)
  client.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token: null, name })
  await eventually(() => client.welcome ?? undefined, 'welcome')
  // The room's own message with the attendee's number follows the welcome: numberOf reads it.
  await eventually(() => client.of('attendee')[0], 'the attendee number')
  return client
}

async function instructor(key: unknown = TEST_INSTRUCTOR_KEY): Promise<TestClient> {
  const client = await TestClient.open(playground.port)
  clients.push(client)
  client.sendJson({ type: 'instructorHello', v: PROTOCOL_VERSION, key })
  return client
}

/** The instructor's current view of the room: the full list, then every change applied in order. */
function grid(client: TestClient): Map<string, AttendeeRow> {
  return roomGrid(client.messages)
}

const rowOf = (client: TestClient, number: number) => [...grid(client).values()].find((row) => row.number === number)
const numberOf = (client: TestClient) => client.of('attendee')[0]!.number

beforeAll(async () => {
  playground = await startTestPlayground({ maxSandboxes: 40, sandboxesPerAddress: 40 }, { now: () => Date.now() + skew })
})

afterAll(async () => {
  for (const client of clients) client.close()
  await playground?.close()
})

describe('the instructor key', () => {
  it('opens the instructor socket only with the exact key', async () => {
    const teacher = await instructor()
    await eventually(() => teacher.of('room')[0], 'the room')
    expect(teacher.of('instructorWelcome')[0]!.rules).toEqual({ afterSeconds: 300, errors: 3 })

    for (const wrong of ['', 'test-instructor-key-012345678', `${TEST_INSTRUCTOR_KEY}x`, TEST_INSTRUCTOR_KEY.toUpperCase()]) {
      const guess = await instructor(wrong)
      await guess.closed()
      expect(guess.closeCode).toBe(CLOSE_CODES.badInstructorKey)
      expect(guess.messages.filter((m) => INSTRUCTOR_ONLY.has(m.type))).toEqual([])
    }
  })

  it('refuses an attendee token as the key, and a missing one', async () => {
    const student = await attendee()
    const guess = await instructor(student.token)
    await guess.closed()
    expect(guess.closeCode).toBe(CLOSE_CODES.badInstructorKey)

    const missing = await TestClient.open(playground.port)
    clients.push(missing)
    missing.sendJson({ type: 'instructorHello', v: PROTOCOL_VERSION })
    await eventually(() => missing.of('error')[0], 'an error')
    expect(missing.of('error')[0]!.message).toMatch(/instructorHello.key/)
    expect(missing.messages.filter((m) => INSTRUCTOR_ONLY.has(m.type))).toEqual([])
  })

  it('refuses instructor messages from attendee sockets, and instructorHello after a hello', async () => {
    const student = await attendee()
    const other = await attendee()
    for (const frame of [
      { type: 'watchAttendee', attendee: '0123456789abcdef' },
      { type: 'broadcast', text: 'I am the teacher now', mission: null, step: null },
      { type: 'resetSandbox', attendee: '0123456789abcdef' },
      { type: 'stuckRules', rules: { afterSeconds: 5, errors: 1 } },
      { type: 'withdrawAnnouncement' },
      { type: 'clearHelp', attendee: '0123456789abcdef' },
    ]) {
      student.sendJson(frame)
    }
    await eventually(() => (student.of('error').length >= 6 ? true : undefined), 'six refusals')
    expect(student.of('error').map((error) => error.code)).toEqual(Array(6).fill('forbidden'))
    student.sendJson({ type: 'instructorHello', v: PROTOCOL_VERSION, key: TEST_INSTRUCTOR_KEY })
    await eventually(() => (student.of('error').length >= 7 ? true : undefined), 'a seventh refusal')
    expect(student.of('error')[6]!.message).toMatch(/hello was already received/)
    // Nothing reached the other attendee either (checked once their own socket is synced).
    await other.sync()
    expect(other.of('announcement')).toEqual([])
  })

  it('refuses instructor messages on a socket that has not said hello', async () => {
    const anonymous = await TestClient.open(playground.port)
    clients.push(anonymous)
    anonymous.sendJson({ type: 'watchAttendee', attendee: null })
    await eventually(() => anonymous.of('error')[0], 'a refusal')
    expect(anonymous.of('error')[0]!.code).toBe('forbidden')
  })

  it('guards the CSV export with the key on every request', async () => {
    const url = `http://127.0.0.1:${playground.port}/api/instructor/progress.csv`
    const student = await attendee()
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${student.token}` },
      { authorization: TEST_INSTRUCTOR_KEY },
    ] as Record<string, string>[]) {
      const response = await fetch(url, { headers })
      expect(response.status).toBe(401)
      expect(await response.text()).not.toContain('attendee,')
    }
    const response = await fetch(url, { headers: { authorization: `Bearer ${TEST_INSTRUCTOR_KEY}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/csv/)
    const text = await response.text()
    expect(text.split('\r\n')[0]).toMatch(/^attendee,name,connected,joined,mission,step/)
    expect(text).toContain(`Attendee ${numberOf(student)}`)
  })
})

describe('the grid', () => {
  it('shows names and mission progress live, and never sends room data to attendees', async () => {
    const teacher = await instructor()
    const ada = await attendee('Ada')
    const bob = await attendee()
    // Two rows are two changes: each may come in its own roomChanged, in either order.
    expect((await eventually(() => rowOf(teacher, numberOf(ada)), 'Ada in the grid')).name).toBe('Ada')
    expect((await eventually(() => rowOf(teacher, numberOf(bob)), 'Bob in the grid')).name).toBeNull()

    ada.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(() => (rowOf(teacher, numberOf(ada))?.step === 'open-tab' ? true : undefined), 'Ada on the first step')
    await ada.run(
      'HSET',
      'session:han_solo',
      'username',
      'hsolo',
      'species',
      'human',
      'credits',
      '10000',
      'table',
      'booth_7',
      'drinks_ordered',
      '2',
      'last_activity',
      'x'
    )
    await eventually(() => (rowOf(teacher, numberOf(ada))?.step === 'expire' ? true : undefined), 'Ada on the second step')
    expect(rowOf(teacher, numberOf(ada))!.done['cantina-sessions']).toEqual(['open-tab'])

    bob.sendJson({ type: 'setName', name: '  Bob  ' })
    await eventually(() => (rowOf(teacher, numberOf(bob))?.name === 'Bob' ? true : undefined), 'Bob renamed')
    // A sandbox that holds something stays when its tab closes, and so does its row. The keyspace
    // event of the write marks it as holding something; it reaches Bob's inspector in the same
    // dispatch, so his keyEvents say it has been seen before the tab closes.
    await bob.run('SET', 'bob', 'was here')
    await eventually(() => bob.of('keyEvents').find((m) => m.list.some((e) => e.key === 'bob')), "the event of Bob's write")
    bob.close()
    await eventually(() => (rowOf(teacher, numberOf(bob))?.connected === 0 ? true : undefined), 'Bob gone')

    await ada.sync()
    for (const client of [ada, bob]) expect(client.messages.filter((m) => INSTRUCTOR_ONLY.has(m.type))).toEqual([])
  })

  it('counts error replies and flags stuck attendees by errors and by time, as the rules say', async () => {
    const teacher = await instructor()
    const cara = await attendee('Cara')
    cara.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(() => (rowOf(teacher, numberOf(cara))?.step === 'open-tab' ? true : undefined), 'Cara on a step')
    teacher.sendJson({ type: 'stuckRules', rules: { afterSeconds: 60, errors: 2 } })
    await eventually(() => teacher.of('stuckRulesChanged')[0], 'rules changed')

    expect(isError((await cara.run('HSET', 'session:han_solo'))[0])).toBe(true)
    await eventually(() => (rowOf(teacher, numberOf(cara))?.errors === 1 ? true : undefined), 'one error counted')
    expect(rowOf(teacher, numberOf(cara))!.stuck).toBeNull()
    await cara.run('NOSUCHCOMMAND')
    await eventually(() => (rowOf(teacher, numberOf(cara))?.stuck === 'errors' ? true : undefined), 'stuck by errors')

    // Progress clears the step's errors; time on the next step then flags it.
    await cara.run(
      'HSET',
      'session:han_solo',
      'username',
      'hsolo',
      'species',
      'human',
      'credits',
      '1',
      'table',
      't',
      'drinks_ordered',
      '2',
      'last_activity',
      'x'
    )
    await eventually(() => (rowOf(teacher, numberOf(cara))?.step === 'expire' ? true : undefined), 'next step')
    await eventually(() => (rowOf(teacher, numberOf(cara))?.stuck === null ? true : undefined), 'no longer stuck')
    expect(rowOf(teacher, numberOf(cara))!.errors).toBe(2)
    skew += 61_000
    await eventually(() => (rowOf(teacher, numberOf(cara))?.stuck === 'time' ? true : undefined), 'stuck by time')
    teacher.sendJson({ type: 'stuckRules', rules: { afterSeconds: 3600, errors: 2 } })
    await eventually(() => (rowOf(teacher, numberOf(cara))?.stuck === null ? true : undefined), 'the new rule applies at once')
  })

  it('refuses stuck rules and ids out of bounds', async () => {
    const teacher = await instructor()
    await eventually(() => teacher.of('room')[0], 'the room')
    teacher.sendJson({ type: 'stuckRules', rules: { afterSeconds: 1, errors: 2 } })
    teacher.sendJson({ type: 'watchAttendee', attendee: '../../etc' })
    teacher.sendJson({ type: 'resetSandbox', attendee: 12 })
    await eventually(() => (teacher.of('error').length >= 3 ? true : undefined), 'three refusals')
    expect(teacher.of('error').map((error) => error.code)).toEqual(['bad_frame', 'bad_frame', 'bad_frame'])
  })
})

describe('watch', () => {
  it('relays exactly what the watched page sent, to the watching instructor only, until it stops', async () => {
    const teacher = await instructor()
    const bystander = await instructor()
    const dana = await attendee('Dana')
    const eve = await attendee('Eve')
    const id = (await eventually(() => rowOf(teacher, numberOf(dana)), 'Dana')).id
    await eventually(() => rowOf(teacher, numberOf(eve)), 'Eve')
    const eveId = rowOf(teacher, numberOf(eve))!.id

    teacher.sendJson({ type: 'watchAttendee', attendee: id })
    await eventually(() => dana.of('watched').at(-1)?.on || undefined, 'Dana told she is watched')
    // Eve's socket has everything the watch could have sent it once her ping is answered.
    await eve.sync()
    expect(eve.of('watched')).toEqual([])

    // Bytes as the page's terminal printed them: escapes, CR LF, latin1 bytes beyond ASCII.
    const screen = '\x1b[1;32m127.0.0.1:6379>\x1b[0m HGET k f\r\n"\xe9t\xe9"\r\n'
    dana.sendJson({ type: 'screen', data: 'whole screen', cols: 80, rows: 24, reset: true })
    dana.sendJson({ type: 'screen', data: screen, cols: 80, rows: 24, reset: false })
    eve.sendJson({ type: 'screen', data: 'not watched', cols: 80, rows: 24, reset: false })
    await eventually(() => (teacher.of('watchScreen').length >= 2 ? true : undefined), 'the screen relayed')
    // Eve's screen has been handled once her ping is answered; anything it relayed is in the
    // instructors' sockets before their own pings are answered.
    await eve.sync()
    await Promise.all([teacher.sync(), bystander.sync()])
    expect(teacher.of('watchScreen').map(({ data, reset, attendee }) => ({ data, reset, attendee }))).toEqual([
      { data: 'whole screen', reset: true, attendee: id },
      { data: screen, reset: false, attendee: id },
    ])
    expect(bystander.of('watchScreen')).toEqual([])
    expect(teacher.messages.some((m) => m.type === 'watchScreen' && m.attendee === eveId)).toBe(false)

    teacher.sendJson({ type: 'watchAttendee', attendee: null })
    await eventually(() => (dana.of('watched').at(-1)?.on === false ? true : undefined), 'Dana told the watch ended')
    const relayed = teacher.of('watchScreen').length
    dana.sendJson({ type: 'screen', data: 'after the watch', cols: 80, rows: 24, reset: false })
    await dana.sync()
    await teacher.sync()
    expect(teacher.of('watchScreen').length).toBe(relayed)
  })

  it("shows the watched sandbox's keys live, and the watch cannot run commands", async () => {
    const teacher = await instructor()
    const finn = await attendee('Finn')
    const other = await attendee('Other')
    await other.run('HSET', 'other:secret', 'f', 'v')
    await finn.run('HSET', 'session:finn', 'user', 'finn')
    const id = (await eventually(() => rowOf(teacher, numberOf(finn)), 'Finn')).id
    teacher.sendJson({ type: 'watchAttendee', attendee: id })
    await eventually(() => teacher.of('watching').at(-1)?.attendee === id || undefined, 'watching')
    finn.sendJson({ type: 'openKey', key: 'session:finn', match: '*' })
    await eventually(() => teacher.of('watchViewing').find((m) => m.attendee === id && m.key === 'session:finn'), "Finn's open key")
    await other.sync()
    expect(other.of('watchViewing')).toEqual([])
    teacher.sendJson({ type: 'watchKeys', pattern: '*' })
    const keys = await eventually(() => teacher.of('keys').at(-1), 'the key list')
    expect(keys.keys.map((key) => key.key)).toEqual(['session:finn'])
    teacher.sendJson({ type: 'openKey', key: 'session:finn', match: '*' })
    const view = await eventually(() => teacher.of('keyView').at(-1), 'the key view')
    expect(view.fields.map((field) => [field.field, field.value])).toEqual([['user', 'finn']])

    await finn.run('HSET', 'session:finn', 'table', '7')
    await eventually(() => teacher.of('fieldsChanged').find((m) => m.upsert.some((field) => field.field === 'table')), 'a live change')

    teacher.sendJson({ type: 'command', id: 1, args: ['FLUSHDB'] })
    await eventually(() => teacher.of('error').at(-1), 'the command refused')
    expect(teacher.of('error').at(-1)!.code).toBe('not_ready')
    expect(await finn.one('HLEN', 'session:finn')).toEqual(int(2))
  })
})

describe('broadcast and reset', () => {
  it('sends the announcement to every attendee, and to one who joins later', async () => {
    const teacher = await instructor()
    const gina = await attendee('Gina')
    teacher.sendJson({ type: 'broadcast', text: 'Move on to step 2', mission: 'cantina-sessions', step: 'expire' })
    const done = await eventually(() => teacher.of('instructorDone').at(-1), 'the broadcast acknowledged')
    expect(done.ok).toBe(true)
    const seen = await eventually(() => gina.of('announcement').at(-1), 'the announcement')
    expect(seen.announcement).toMatchObject({ text: 'Move on to step 2', mission: 'cantina-sessions', step: 'expire' })
    const late = await attendee('Late')
    const again = await eventually(() => late.of('announcement').at(-1), 'the announcement for a late joiner')
    expect(again.announcement.id).toBe(seen.announcement.id)
    expect(teacher.of('announcement')).toEqual([])

    teacher.sendJson({ type: 'broadcast', text: 'x', mission: 'no-such-mission', step: null })
    await eventually(() => (teacher.of('instructorDone').length >= 2 ? true : undefined), 'the refusal')
    expect(teacher.of('instructorDone').at(-1)!.ok).toBe(false)
    teacher.sendJson({ type: 'broadcast', text: 'two\nlines', mission: null, step: null })
    await eventually(() => teacher.of('error').at(-1), 'a two-line text refused')
  })

  it('withdraws the announcement for everyone, and a later joiner never sees it', async () => {
    const teacher = await instructor()
    const jo = await attendee('Jo')
    teacher.sendJson({ type: 'broadcast', text: 'Break: back at 10:45', mission: null, step: null })
    const sent = await eventually(() => jo.of('announcement').find((m) => m.announcement.text === 'Break: back at 10:45'), 'the break')
    teacher.sendJson({ type: 'withdrawAnnouncement' })
    const withdrawn = await eventually(() => jo.of('announcement').find((m) => m.announcement.withdrawn), 'the withdrawal')
    expect(withdrawn.announcement.id).toBeGreaterThan(sent.announcement.id)
    await eventually(() => teacher.of('announcementChanged').find((m) => m.announcement.withdrawn), 'the instructor told')
    const late = await attendee('Late again')
    await eventually(() => late.of('helpState')[0], 'the room messages after welcome')
    expect(late.of('announcement')).toEqual([])
    teacher.sendJson({ type: 'withdrawAnnouncement' })
    await eventually(
      () => teacher.of('instructorDone').find((m) => m.action === 'withdrawAnnouncement' && !m.ok),
      'nothing left to withdraw'
    )
  })

  it("raises an attendee's help flag on the grid, and the instructor lowers it on their pages", async () => {
    const teacher = await instructor()
    const kim = await attendee('Kim')
    expect(await eventually(() => kim.of('helpState')[0], 'the flag state after joining')).toEqual({ type: 'helpState', on: false })
    kim.sendJson({ type: 'askHelp', on: true })
    const flagged = await eventually(() => (rowOf(teacher, numberOf(kim))?.help ? rowOf(teacher, numberOf(kim)) : undefined), 'the flag')
    await eventually(() => kim.of('helpState').find((m) => m.on), 'her page told')
    teacher.sendJson({ type: 'clearHelp', attendee: flagged!.id })
    await eventually(() => (rowOf(teacher, numberOf(kim))?.help === null ? true : undefined), 'the flag lowered')
    await eventually(() => (kim.of('helpState').at(-1)?.on === false && kim.of('helpState').length === 3 ? true : undefined), 'told')
    kim.sendJson({ type: 'askHelp', on: 'yes' })
    expect((await eventually(() => kim.of('error').at(-1), 'a refusal')).message).toMatch(/askHelp.on/)
  })

  it("empties one attendee's sandbox and progress, and no one else's", async () => {
    const teacher = await instructor()
    const hana = await attendee('Hana')
    const ivan = await attendee('Ivan')
    hana.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await hana.run(
      'HSET',
      'session:han_solo',
      'username',
      'hsolo',
      'species',
      'human',
      'credits',
      '1',
      'table',
      't',
      'drinks_ordered',
      '2',
      'last_activity',
      'x'
    )
    await ivan.run('SET', 'ivan', 'keeps this')
    await eventually(() => (rowOf(teacher, numberOf(hana))?.step === 'expire' ? true : undefined), 'Hana progressed')
    const id = rowOf(teacher, numberOf(hana))!.id

    teacher.sendJson({ type: 'resetSandbox', attendee: id })
    const done = await eventually(() => teacher.of('instructorDone').find((m) => m.action === 'resetSandbox'), 'the reset')
    expect(done.ok).toBe(true)
    expect(await hana.one('DBSIZE')).toEqual(int(0))
    expect(await ivan.one('DBSIZE')).toEqual(int(1))
    await eventually(() => hana.of('notice').find((notice) => /instructor reset your sandbox/.test(notice.text)), 'Hana told')
    await eventually(
      () => (hana.of('missionProgress').at(-1)?.done['cantina-sessions'] === undefined ? true : undefined),
      'progress forgotten'
    )
    await eventually(() => (rowOf(teacher, numberOf(hana))?.step === 'open-tab' ? true : undefined), 'back on the first step')
    expect(ivan.of('notice').some((notice) => /reset/.test(notice.text))).toBe(false)

    teacher.sendJson({ type: 'resetSandbox', attendee: 'ffffffffffffffff' })
    await eventually(
      () => (teacher.of('instructorDone').filter((m) => m.action === 'resetSandbox').length >= 2 ? true : undefined),
      'unknown id'
    )
    expect(teacher.of('instructorDone').at(-1)!.ok).toBe(false)
  })
})
