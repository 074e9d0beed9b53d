/**
 * Faults against real processes: `npm start -- --workers 2 --valkeys 2` (node scripts/start.mjs), one
 * worker killed with SIGKILL, then the primary stopped with SIGTERM.
 *
 * Attendees are the page's own reconnecting connection, each from a loopback address of its own, so
 * /proc tells which worker holds whose socket. Each has data, a mission step done and a captured
 * session id. The killed worker's attendees come back (to the other worker, or its replacement) in
 * the same sandbox with all of that; the other worker's attendees never drop. How long each took from
 * the drop to its welcome is printed (not asserted: this machine is shared and noisy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../helpers.ts'
import {
  doSomeWork,
  dropToOpenMs,
  droppedSince,
  MISSION,
  numberOf,
  progressAfter,
  run,
  runUntilAnswered,
  startAttendee,
  statusesSince,
  type FaultAttendee,
} from './faultAttendee.ts'
import {
  closedWithin,
  descendants,
  portOpen,
  running,
  startFleet,
  stillRunningAfter,
  stopFleet,
  type StartedFleet,
} from './fleetProcess.ts'
import { pidListeningOn, poolPorts, workerServing } from './procView.ts'

const ATTENDEES = 6

describe('npm start -- --workers 2 --valkeys 2: a worker killed with SIGKILL, then SIGTERM', () => {
  let fleet: StartedFleet | undefined
  const attendees: FaultAttendee[] = []
  /** The session id each attendee's mission captured. */
  const captured = new Map<FaultAttendee, string>()

  beforeAll(async () => {
    fleet = await startFleet(['--workers', '2', '--valkeys', '2'], { SANDBOX_MAX: '16' })
    for (let i = 0; i < ATTENDEES; i++) {
      // One at a time: each gets its sandbox before the next one asks.
      const attendee = await startAttendee(fleet.port, `attendee-${i}`, `127.0.0.${i + 2}`)
      attendees.push(attendee)
      captured.set(attendee, await doSomeWork(attendee))
    }
  }, 180_000)

  afterAll(async () => {
    for (const attendee of attendees) attendee.connection.stop()
    await stopFleet(fleet)
  }, 30_000)

  it('gives every attendee a sandbox of its own, on both servers and both workers', async () => {
    for (const attendee of attendees) expect(await run(attendee, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: attendee.name }])
    expect(new Set(attendees.map(numberOf)).size).toBe(ATTENDEES)
    // Sandbox numbers from 100000 on are the second server's.
    expect(new Set(attendees.map((attendee) => numberOf(attendee) >= 100_000))).toEqual(new Set([true, false]))
    const workers = await Promise.all(attendees.map((a) => workerServing(fleet!.port, a.from, fleet!.workerPids)))
    expect(new Set(workers)).toEqual(new Set(fleet!.workerPids))
  })

  it("brings the killed worker's attendees back in the same sandbox, with data, progress and captures; the others never drop", async () => {
    const { port, workerPids } = fleet!
    const victim = workerPids[0]!
    const serving = new Map<FaultAttendee, number | null>()
    for (const attendee of attendees) serving.set(attendee, await workerServing(port, attendee.from, workerPids))
    const onVictim = attendees.filter((attendee) => serving.get(attendee) === victim)
    const others = attendees.filter((attendee) => !onVictim.includes(attendee))
    expect(onVictim.length).toBeGreaterThan(0)
    expect(others.length).toBeGreaterThan(0)
    const numbers = new Map(attendees.map((attendee) => [attendee, numberOf(attendee)]))

    const killedAt = Date.now()
    process.kill(victim, 'SIGKILL')

    // The other worker's attendees are answered while the victim's come back.
    await Promise.all(others.map((attendee) => run(attendee, ['INCR', 'during'], 10_000)))
    // A command in flight when the socket dropped fails; the page's connection holds the next one until it is back.
    await Promise.all(onVictim.map((attendee) => runUntilAnswered(attendee, ['PING'])))
    for (const attendee of onVictim) {
      expect(droppedSince(attendee, killedAt), `${attendee.name} dropped`).toBe(true)
      await eventually(() => (attendee.connection.status.state === 'open' ? true : undefined), `${attendee.name} back`, 30_000)
    }

    expect(await running(victim)).toBe(false)
    const replacement = Number(
      await eventually(() => /worker (\d+) is serving/.exec(fleet!.output())?.[1], 'the replacement serving', 60_000)
    )
    fleet!.workerPids = [workerPids[1]!, replacement]

    const times = onVictim.map((attendee) => ({ name: attendee.name, ms: dropToOpenMs(attendee, killedAt) }))
    console.log(`worker ${victim} killed: drop to resumed welcome, per attendee: ${times.map((t) => `${t.name} ${t.ms} ms`).join(', ')}`)

    for (const attendee of onVictim) {
      const opens = statusesSince(attendee, killedAt).filter((status) => status.value.state === 'open')
      for (const open of opens) expect(open.value, `${attendee.name}'s welcome`).toMatchObject({ resumed: true, fresh: false })
      expect(numberOf(attendee), `${attendee.name}'s sandbox number`).toBe(numbers.get(attendee))
      expect(await run(attendee, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: attendee.name }])
      expect(await run(attendee, ['HGET', 'session:demo-1', 'user_key'])).toEqual([{ t: 'bulk', s: 'alice' }])
      // The page opens its mission again on the new connection: the step is still done, the id still captured.
      const progress = await progressAfter(attendee, killedAt, (p) => p.open?.id === MISSION, 'progress on the new connection')
      expect(progress.done[MISSION]).toContain('record')
      expect(progress.open!.captures.id).toBe(captured.get(attendee))
      expect(await run(attendee, ['EXISTS', `session:${captured.get(attendee)}`])).toEqual([{ t: 'int', n: '1' }])
      // And it keeps working there.
      expect(await run(attendee, ['HSET', 'session:demo-1', 'last_accessed', '2026-01-01T11:00:00Z'])).toEqual([{ t: 'int', n: '0' }])
      expect(attendee.notices.filter((notice) => notice.at >= killedAt).map((notice) => notice.value)).toEqual([])
    }
    for (const attendee of others) {
      expect(statusesSince(attendee, killedAt), `${attendee.name} never dropped`).toEqual([])
      expect(await run(attendee, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: attendee.name }])
      expect(attendee.notices.filter((notice) => notice.at >= killedAt).map((notice) => notice.value)).toEqual([])
    }
  }, 120_000)

  it('stops every worker (the replacement too) and both valkey-servers on SIGTERM, and nothing listens afterwards', async () => {
    const { child, port, workerPids } = fleet!
    const started = await descendants(child.pid!)
    expect(started).toEqual(expect.arrayContaining(workerPids))
    const valkeyPorts = poolPorts(fleet!.output())
    expect(valkeyPorts).toHaveLength(2)
    const valkeyPids = await Promise.all(valkeyPorts.map((valkeyPort) => pidListeningOn(valkeyPort, started)))
    for (const pid of valkeyPids) expect(pid, 'a valkey-server below the primary').not.toBeNull()

    for (const attendee of attendees) attendee.connection.stop()
    child.kill('SIGTERM')
    expect(await fleet!.ended).toEqual({ code: 0, signal: null })
    expect(await stillRunningAfter(started, 15_000)).toEqual([])
    expect(await portOpen(port)).toBe(false)
    for (const valkeyPort of valkeyPorts) expect(await closedWithin(valkeyPort, 5000)).toBe(true)
  }, 60_000)
})
