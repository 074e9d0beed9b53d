/**
 * The instructor room across two real playground processes (two startPlayground instances here,
 * on one VALKEY_URL): the instructor's socket and CSV on one, the attendee's socket on the other.
 * One attendee only: until sandboxes are handed out through the control Valkey, two processes
 * could give out the same database.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { PROTOCOL_VERSION, type AttendeeRow } from '../../../common/protocol/index.ts'
import type { Playground } from '../../src/app.ts'
import { parseValkeyUrl } from '../../src/config.ts'
import { EmbeddedValkey } from '../../src/valkey/EmbeddedValkey.ts'
import { eventually, startTestPlayground, TEST_INSTRUCTOR_KEY, TestClient } from '../helpers.ts'
import { roomGrid } from '../roomGrid.ts'

let shared: EmbeddedValkey
let first: Playground
let second: Playground
const clients: TestClient[] = []

beforeAll(async () => {
  shared = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 8 })
  const valkeyUrl = parseValkeyUrl(`redis://:${shared.password}@127.0.0.1:${shared.port}/0`)
  first = await startTestPlayground({ valkeyUrls: [valkeyUrl], maxSandboxes: 6 })
  second = await startTestPlayground({ valkeyUrls: [valkeyUrl], maxSandboxes: 6 })
})

afterAll(async () => {
  for (const client of clients) client.close()
  await first?.close()
  await second?.close()
  await shared?.stop()
})

function grid(client: TestClient): Map<string, AttendeeRow> {
  return roomGrid(client.messages)
}

describe('two playground processes', () => {
  it('show an attendee of one on the instructor page of the other, watch them, and export them in the CSV', async () => {
    const teacher = await TestClient.open(first.port)
    clients.push(teacher)
    teacher.sendJson({ type: 'instructorHello', v: PROTOCOL_VERSION, key: TEST_INSTRUCTOR_KEY })
    await eventually(() => teacher.of('room')[0], 'the room')

    const ada = await TestClient.open(second.port)
    clients.push(ada)
    ada.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token: null, name: 'Ada' })
    const number = (await eventually(() => ada.of('attendee')[0], 'the attendee number')).number
    const row = await eventually(
      () => [...grid(teacher).values()].find((each) => each.number === number && each.connected === 1),
      'Ada on the other process'
    )
    expect(row.name).toBe('Ada')

    ada.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(() => (grid(teacher).get(row.id)?.step === 'open-tab' ? true : undefined), 'Ada on the first step')

    teacher.sendJson({ type: 'watchAttendee', attendee: row.id })
    await eventually(() => ada.of('watched').at(-1)?.on || undefined, 'Ada told she is watched')
    ada.sendJson({ type: 'screen', data: 'hello from the other process', cols: 80, rows: 24, reset: true })
    await eventually(() => teacher.of('watchScreen').find((m) => m.data === 'hello from the other process'), 'the screen relayed')

    const response = await fetch(`http://127.0.0.1:${first.port}/api/instructor/progress.csv`, {
      headers: { authorization: `Bearer ${TEST_INSTRUCTOR_KEY}` },
    })
    // After "connected": when they joined (ISO 8601), then where they are.
    expect(await response.text()).toMatch(new RegExp(`${row.id},Ada,true,\\d{4}-[\\d:.T-]+Z,cantina-sessions,open-tab`))

    teacher.sendJson({ type: 'broadcast', text: 'from the first process', mission: null, step: null })
    await eventually(() => ada.of('announcement').find((m) => m.announcement.text === 'from the first process'), 'the announcement')

    // A sandbox that holds something stays when its tab closes, and so does its row (the write's
    // keyspace event marks it used; it reaches Ada's inspector in the same dispatch).
    await ada.run('SET', 'ada', 'was here')
    await eventually(() => ada.of('keyEvents').find((m) => m.list.some((e) => e.key === 'ada')), "the event of Ada's write")
    ada.close()
    await eventually(() => (grid(teacher).get(row.id)?.connected === 0 ? true : undefined), 'Ada gone')
  })
})
