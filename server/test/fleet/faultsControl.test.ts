/**
 * Faults against real processes: `npm start -- --workers 2 --valkeys 2` with its bookkeeping on a
 * control Valkey of the test's own (CONTROL_URL), which is killed with SIGKILL and started again on
 * the same port from its append-only file, as a process manager would.
 *
 * Attendees already in a sandbox keep running commands throughout, without an error reply or a
 * drop. A page arriving during the outage is told it waits for the bookkeeping server, and its
 * connection (the page's own, which retries by itself) gets in once that server is back.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { eventually } from '../helpers.ts'
import { runCommands, startTargetServer, type TargetServer } from '../targetServer.ts'
import { connectAttendee, doSomeWork, run, startAttendee, statusesSince, until, type FaultAttendee } from './faultAttendee.ts'
import { startFleet, stopFleet, type StartedFleet } from './fleetProcess.ts'

const ATTENDEES = 4
const PASSWORD = 'control-fault-pass'

describe('npm start -- --workers 2 --valkeys 2 with CONTROL_URL: the control Valkey killed and started again', () => {
  let folder = ''
  let control: TargetServer | undefined
  let fleet: StartedFleet | undefined
  const attendees: FaultAttendee[] = []

  /** The control server, durable in `folder` (appendfsync everysec, as the playground's own servers). */
  const startControl = (port?: number) =>
    startTargetServer({
      binary: inject('valkeyServer'),
      password: PASSWORD,
      databases: 4,
      settings: { appendonly: 'yes', appendfsync: 'everysec', dir: folder },
      ...(port === undefined ? {} : { port }),
    })

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'control-fault-'))
    control = await startControl()
    fleet = await startFleet(['--workers', '2', '--valkeys', '2'], {
      CONTROL_URL: `redis://:${PASSWORD}@127.0.0.1:${control.port}/0`,
      SANDBOX_MAX: '16',
    })
    for (let i = 0; i < ATTENDEES; i++) {
      const attendee = await startAttendee(fleet.port, `attendee-${i}`, `127.0.0.${i + 2}`)
      attendees.push(attendee)
      await doSomeWork(attendee)
    }
  }, 180_000)

  afterAll(async () => {
    for (const attendee of attendees) attendee.connection.stop()
    await stopFleet(fleet)
    await control?.stop()
    if (folder) await rm(folder, { recursive: true, force: true })
  }, 30_000)

  it('keeps attendees in their sandboxes working throughout; a new arrival waits with a clear status and gets in once it is back', async () => {
    expect(fleet!.output()).toContain(`bookkeeping on 127.0.0.1:${control!.port}`)
    // What the processes wrote there is in its append-only file before it dies.
    await until(async () => {
      const [info] = await runCommands(control!, [['INFO', 'persistence']])
      return /^aof_buffer_length:0\r?$/m.test(String(info)) ? true : undefined
    }, "the control server's append-only file written")

    const port = control!.port
    const killedAt = Date.now()
    process.kill(control!.pid, 'SIGKILL')

    // Attendees keep running commands while it is down, and after it is back.
    let back = false
    const answers: { attendee: FaultAttendee; replies: Reply[] }[] = []
    const busy = attendees.map(async (attendee) => {
      let afterBack = 0
      for (let i = 0; i < 5000 && afterBack < 20; i++) {
        answers.push({ attendee, replies: await run(attendee, ['HINCRBY', 'work', 'done', '1'], 10_000) })
        if (back) afterBack++
      }
    })

    const arrival = connectAttendee(fleet!.port, 'late-arrival', '127.0.0.100')
    attendees.push(arrival)
    const told = await eventually(
      () =>
        arrival.notices.find((notice) => /bookkeeping/i.test(notice.value.text))?.value.text ??
        arrival.statuses.find((status) => status.value.state === 'closed' && /bookkeeping/i.test(status.value.reason)),
      'the new arrival told it waits for the bookkeeping server',
      30_000
    ).catch((error: Error) => {
      throw new Error(`${error.message}; it got ${JSON.stringify({ statuses: arrival.statuses, notices: arrival.notices })}`)
    })
    console.log(`control Valkey down: the new arrival is told ${JSON.stringify(told)}`)
    expect(arrival.connection.status.state).not.toBe('open')
    // A status to wait on, not a failure: nothing it is told is an error.
    expect(arrival.notices.filter((notice) => notice.value.level === 'error')).toEqual([])
    const during = answers.length

    control = await startControl(port)
    back = true
    const restartedAt = Date.now()
    // Its connection tries again by itself (after the wait a refused sandbox asks for).
    await eventually(() => (arrival.connection.status.state === 'open' ? true : undefined), 'the new arrival in', 60_000)
    console.log(`control Valkey restarted: the new arrival got in ${Date.now() - restartedAt} ms after it was back`)
    expect(await run(arrival, ['SET', 'owner', arrival.name])).toEqual([{ t: 'str', s: 'OK' }])
    expect(arrival.connection.status).toMatchObject({ state: 'open', fresh: false })

    await Promise.all(busy)
    expect(during, 'commands answered while the control server was down').toBeGreaterThan(0)
    expect(answers.filter((answer) => answer.replies.some((reply) => reply.t === 'err'))).toEqual([])
    for (const attendee of attendees.slice(0, ATTENDEES)) {
      expect(statusesSince(attendee, killedAt), `${attendee.name} never dropped`).toEqual([])
      expect(await run(attendee, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: attendee.name }])
      const done = answers.filter((answer) => answer.attendee === attendee).length
      expect(await run(attendee, ['HGET', 'work', 'done'])).toEqual([{ t: 'bulk', s: String(done) }])
      expect(attendee.notices.filter((notice) => notice.at >= killedAt && notice.value.level === 'error')).toEqual([])
    }
  }, 150_000)
})
