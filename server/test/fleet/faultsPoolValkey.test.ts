/**
 * Faults against real processes: `npm start -- --workers 2 --valkeys 2`, and the pool's second
 * valkey-server killed with SIGKILL (its pid found through /proc: the process listening on the port
 * the banner names). Its keeper, the cluster primary, starts it again from its append-only file.
 *
 * Only the attendees whose sandbox is on that server (number >= 100000) hear of it, and get back
 * every write that was in the append-only file when it died (the test waits until the file holds
 * each one before the kill: with appendfsync everysec up to a second of writes may be lost, never
 * one already written). The attendees on the other server see nothing and keep getting answers.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { eventually } from '../helpers.ts'
import { numberOf, run, startAttendee, statusesSince, until, type FaultAttendee } from './faultAttendee.ts'
import { descendants, healthPid, startFleet, stopFleet, type StartedFleet } from './fleetProcess.ts'
import { appendOnlyFileHolds, pidListeningOn, poolPorts, workerServing } from './procView.ts'

/** Attendees are added until both workers serve one of each server, at most this many. */
const MOST_ATTENDEES = 12
const SECOND_SERVER = 100_000

const RESTARTING = /Valkey stopped \(.*\) and is being restarted from its append-only file/
const RESTARTED = /Valkey has been restarted/

/**
 * Lets new connections go to the workers in turn (the primary hands them out round-robin) until
 * the next one is `pid`'s: with two workers, once the other one answered. At most 10 connections.
 */
async function nextConnectionTo(port: number, pid: number): Promise<void> {
  for (let i = 0; i < 10 && (await healthPid(port)) === pid; i++);
}

describe('npm start -- --workers 2 --valkeys 2: a pool valkey-server killed with SIGKILL', () => {
  let fleet: StartedFleet | undefined
  const attendees: FaultAttendee[] = []
  const serving = new Map<FaultAttendee, number | null>()

  const onSecond = (attendee: FaultAttendee) => numberOf(attendee) >= SECOND_SERVER
  /** Whether both workers serve an attendee of server 1 and one of server 0. */
  const spread = () =>
    fleet!.workerPids.every((pid) =>
      [true, false].every((second) => attendees.some((a) => serving.get(a) === pid && onSecond(a) === second))
    )

  beforeAll(async () => {
    fleet = await startFleet(['--workers', '2', '--valkeys', '2'], { SANDBOX_MAX: '16' })
    // Each worker then hears of the crash for attendees of its own, so when they have heard, it has
    // handled the crash, and anything it sent the others would be there before their next reply.
    // New sandboxes alternate between the servers, and new connections between the workers; so
    // that they do not pair up, attendees go to the workers two by two (W0 W0 W1 W1 ...).
    while (attendees.length < MOST_ATTENDEES && (attendees.length < 4 || !spread())) {
      await nextConnectionTo(fleet.port, fleet.workerPids[Math.floor(attendees.length / 2) % 2]!)
      const attendee = await startAttendee(fleet.port, `attendee-${attendees.length}`, `127.0.0.${attendees.length + 2}`)
      attendees.push(attendee)
      serving.set(attendee, await workerServing(fleet.port, attendee.from, fleet.workerPids))
      expect(await run(attendee, ['SET', 'owner', attendee.name])).toEqual([{ t: 'str', s: 'OK' }])
    }
  }, 180_000)

  afterAll(async () => {
    for (const attendee of attendees) attendee.connection.stop()
    await stopFleet(fleet)
  }, 30_000)

  it('restarts that server from its append-only file; only its attendees hear of it, the others keep being answered', async () => {
    expect(spread(), 'both workers serve attendees of both servers').toBe(true)
    const victims = attendees.filter(onSecond)
    const others = attendees.filter((attendee) => !onSecond(attendee))
    const port = poolPorts(fleet!.output())[1]!
    const pid = await pidListeningOn(port, await descendants(fleet!.child.pid!))
    expect(pid, 'the second valkey-server').not.toBeNull()

    // Acknowledged writes, each waited for until the append-only file holds it (short strings:
    // stored as they are, even in a rewritten file's RDB preamble).
    const written = new Map<FaultAttendee, string>()
    for (const attendee of victims) {
      const value = randomBytes(6).toString('hex')
      expect(await run(attendee, ['SET', 'durable', value])).toEqual([{ t: 'str', s: 'OK' }])
      written.set(attendee, value)
    }
    for (const value of written.values()) {
      await until(async () => ((await appendOnlyFileHolds(pid!, value)) ? true : undefined), `${value} in the append-only file`)
    }

    const killedAt = Date.now()
    process.kill(pid!, 'SIGKILL')

    // The other server's attendees keep working while this one restarts.
    const heard = (attendee: FaultAttendee, text: RegExp) =>
      attendee.notices.some((notice) => notice.at >= killedAt && text.test(notice.value.text))
    const othersReplies: { attendee: FaultAttendee; replies: Reply[]; ms: number }[] = []
    const busy = others.map(async (attendee) => {
      for (let i = 0; i < 2000 && !victims.every((victim) => heard(victim, RESTARTED)); i++) {
        const sent = Date.now()
        othersReplies.push({ attendee, replies: await run(attendee, ['INCR', 'during'], 10_000), ms: Date.now() - sent })
      }
    })
    for (const victim of victims) {
      await eventually(() => (heard(victim, RESTARTING) ? true : undefined), `${victim.name} told its server is restarting`, 30_000)
      await eventually(() => (heard(victim, RESTARTED) ? true : undefined), `${victim.name} told its server is back`, 60_000)
    }
    await Promise.all(busy)
    const slowest = Math.max(...othersReplies.map((reply) => reply.ms))
    console.log(
      `pool valkey-server ${pid} killed: back for its attendees after ${Date.now() - killedAt} ms; ` +
        `${othersReplies.length} commands of the other server's attendees meanwhile, the slowest ${slowest} ms`
    )
    expect(othersReplies.length).toBeGreaterThan(0)
    expect(othersReplies.filter((reply) => reply.replies.some((r) => r.t === 'err'))).toEqual([])

    // The server came back on its port, a new process, with every write it had written out.
    const restarted = await until(async () => {
      const now = await pidListeningOn(port, await descendants(fleet!.child.pid!))
      return now !== null && now !== pid ? now : undefined
    }, 'the second valkey-server listening again')
    expect(restarted).not.toBe(pid)
    for (const victim of victims) {
      expect(await run(victim, ['GET', 'durable'])).toEqual([{ t: 'bulk', s: written.get(victim)! }])
      expect(await run(victim, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: victim.name }])
      expect(await run(victim, ['INCR', 'after'])).toEqual([{ t: 'int', n: '1' }])
    }
    for (const attendee of others) {
      // A reply after every worker handled the crash (see beforeAll): any notice to it came before.
      expect(await run(attendee, ['GET', 'owner'])).toEqual([{ t: 'bulk', s: attendee.name }])
      expect(attendee.notices.filter((notice) => notice.at >= killedAt).map((n) => n.value)).toEqual([])
      expect(statusesSince(attendee, killedAt), `${attendee.name} never dropped`).toEqual([])
    }
  }, 150_000)
})
