/**
 * `npm start -- --workers N` as processes: N workers share the one port, the primary replaces one
 * that is killed, relays an embedded Valkey's restart to every worker, and on SIGTERM (or its own
 * SIGKILL) leaves no worker, no valkey-server and no listening port behind.
 *
 * Two workers may hand out the same database until sandbox allocation is shared across
 * processes, so nothing here depends on which sandbox a socket gets.
 */
import net from 'node:net'
import os from 'node:os'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import { eventually, TestClient } from '../helpers.ts'
import { startTargetServer } from '../targetServer.ts'
import {
  answeringPids,
  closedWithin,
  descendants,
  healthPid,
  portOpen,
  running,
  sameWorker,
  spawnFleet,
  startFleet,
  stillRunningAfter,
  stopFleet,
  type StartedFleet,
} from './fleetProcess.ts'

const notices = (client: TestClient) => client.messages.flatMap((message) => (message.type === 'notice' ? [message.text] : []))

describe('npm start -- --workers 2', () => {
  let fleet: StartedFleet | undefined
  const clients: TestClient[] = []

  beforeAll(async () => {
    fleet = await startFleet(['--workers', '2'])
  }, 150_000)

  afterAll(async () => {
    for (const client of clients) client.close()
    await stopFleet(fleet)
  }, 30_000)

  it('serves on two workers, with one banner and one instructor key that both accept', async () => {
    const { port, workerPids, instructorKey } = fleet!
    expect(workerPids).toHaveLength(2)
    expect(new Set(workerPids).size).toBe(2)
    expect(fleet!.output().match(/Open:/g)).toHaveLength(1)
    expect(fleet!.output().match(/Instructor \(keep this one to yourself\)/g)).toHaveLength(1)
    // The primary hands connections out in turn: new connections reach both workers.
    expect([...(await answeringPids(port, 2))].sort()).toEqual([...workerPids].sort())

    const accepted = new Map<number, number>()
    for (let attempt = 0; attempt < 20 && accepted.size < 2; attempt++) {
      const { pid, status } = await sameWorker(port, '/api/instructor/progress.csv', { authorization: `Bearer ${instructorKey}` })
      accepted.set(pid, status)
    }
    expect([...accepted.keys()].sort()).toEqual([...workerPids].sort())
    expect([...accepted.values()]).toEqual([200, 200])

    // Attendees on new connections, so one on each worker, get in and run a command. One after the
    // other: each signs in to its sandbox before the next one's worker may hand out the same one.
    for (let i = 0; i < 2; i++) {
      const client = await TestClient.connect(port)
      clients.push(client)
      expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    }
  }, 60_000)

  it("restarts the embedded Valkey when a worker asks (a script that wrote and never ends), and every worker's attendees hear of it", async () => {
    const [runner, ...others] = clients
    runner!.sendJson({ type: 'command', id: 900, args: ['EVAL', "server.call('SET','x','1') local i=0 while true do i=i+1 end", '0'] })
    // SCRIPT KILL cannot stop it, so after the script timeout (5 s) the worker asks the primary.
    for (const client of [runner!, ...others]) {
      await eventually(
        () => (notices(client).some((text) => text.includes('restarted to stop a script that could not be stopped')) ? true : undefined),
        'the notice that Valkey is being restarted',
        30_000
      )
      await eventually(
        () => (notices(client).some((text) => text.includes('Valkey has been restarted')) ? true : undefined),
        'the notice that Valkey is back',
        30_000
      )
    }
  }, 90_000)

  it('replaces a worker killed with SIGKILL while the other keeps answering', async () => {
    const { port, workerPids } = fleet!
    const [victim, survivor] = workerPids as [number, number]
    const killedAt = Date.now()
    process.kill(victim, 'SIGKILL')
    await eventually(
      () => (fleet!.output().includes(`worker ${victim} exited (SIGKILL); starting another`) ? true : undefined),
      'the primary noticing',
      10_000
    )
    // The survivor answers at once; a connection handed to the victim as it died may fail.
    const answered = new Set<number>()
    for (let attempt = 0; attempt < 50 && !answered.has(survivor); attempt++) {
      answered.add(await healthPid(port).catch(() => 0))
    }
    expect(answered.has(survivor)).toBe(true)
    expect(Date.now() - killedAt).toBeLessThan(5000)

    const replacement = Number(
      await eventually(() => /worker (\d+) is serving/.exec(fleet!.output())?.[1], 'the replacement serving', 60_000)
    )
    expect([victim, survivor]).not.toContain(replacement)
    expect([...(await answeringPids(port, 2))].sort()).toEqual([survivor, replacement].sort())
    expect(await running(victim)).toBe(false)
    fleet!.workerPids = [survivor, replacement]
  }, 90_000)

  it('stops every worker and valkey-server on SIGTERM, and nothing listens afterwards', async () => {
    const { child, port, valkeyPort, workerPids } = fleet!
    const started = await descendants(child.pid!)
    expect(started).toEqual(expect.arrayContaining(workerPids))
    expect(valkeyPort).not.toBeNull()
    expect(await portOpen(valkeyPort!)).toBe(true)

    child.kill('SIGTERM')
    expect(await fleet!.ended).toEqual({ code: 0, signal: null })
    expect(fleet!.output()).toContain('SIGTERM: stopping the playground and its workers')
    expect(await stillRunningAfter(started, 15_000)).toEqual([])
    expect(await portOpen(port)).toBe(false)
    expect(await portOpen(valkeyPort!)).toBe(false)
  }, 60_000)
})

describe('npm start -- --workers 2 stopped as a terminal or a process manager stops it', () => {
  it.each([
    ['Ctrl-C (SIGINT to the whole process group, workers included)', 'group'],
    ['a closed terminal (SIGHUP to the primary)', 'hup'],
    ['SIGTERM to npm itself', 'npm'],
  ] as const)(
    'stops everything on %s',
    async (_name, how) => {
      const fleet = await startFleet(['--workers', '2'], {}, { group: how === 'group', npm: how === 'npm' })
      try {
        const started = await descendants(fleet.child.pid!)
        expect(started).toEqual(expect.arrayContaining(fleet.workerPids))
        if (how === 'group') process.kill(-fleet.child.pid!, 'SIGINT')
        else fleet.child.kill(how === 'hup' ? 'SIGHUP' : 'SIGTERM')
        await fleet.ended
        expect(await stillRunningAfter(started, 15_000)).toEqual([])
        expect(await closedWithin(fleet.port, 5000)).toBe(true)
        expect(await closedWithin(fleet.valkeyPort!, 5000)).toBe(true)
        if (how !== 'npm') {
          expect(await fleet.ended).toEqual({ code: 0, signal: null })
          expect(fleet.output()).toContain(`${how === 'group' ? 'SIGINT' : 'SIGHUP'}: stopping the playground and its workers`)
          // Each worker closed when the primary asked, not on the signal itself.
          expect(fleet.output()).not.toMatch(/worker \d+ exited/)
        }
      } finally {
        await stopFleet(fleet)
      }
    },
    150_000
  )
})

describe('npm start -- --workers auto', () => {
  it('runs one worker per core, and they all exit by themselves when the primary is killed with SIGKILL', async () => {
    const cores = Math.min(64, os.availableParallelism())
    const fleet = await startFleet(['--workers', 'auto'])
    try {
      expect(fleet.workerPids).toHaveLength(cores)
      expect((await answeringPids(fleet.port, cores)).size).toBe(cores)
      const started = await descendants(fleet.child.pid!)
      expect(started).toEqual(expect.arrayContaining(fleet.workerPids))

      // Nothing in the primary runs: the workers see their IPC channel close, the guards their pipe.
      fleet.child.kill('SIGKILL')
      await fleet.ended
      expect(await stillRunningAfter(started, 15_000)).toEqual([])
      expect(await closedWithin(fleet.port, 5000)).toBe(true)
      expect(await closedWithin(fleet.valkeyPort!, 5000)).toBe(true)
    } finally {
      await stopFleet(fleet)
    }
  }, 150_000)
})

describe('npm start -- --workers with servers of its own (VALKEY_URL)', () => {
  it('serves on both workers and on SIGTERM stops them, leaving the external server alone', async () => {
    const server = await startTargetServer({ binary: inject('valkeyServer'), password: 'fleet-test-pass', databases: 12 })
    try {
      const fleet = await startFleet(['--workers', '2'], {
        VALKEY_URL: `redis://:fleet-test-pass@127.0.0.1:${server.port}/0`,
        SANDBOX_MAX: '8',
      })
      try {
        expect(fleet.output()).toContain(`(2 workers, Valkey `)
        expect(fleet.output()).toContain(` at 127.0.0.1:${server.port})`)
        expect(fleet.valkeyPort).toBeNull()
        expect([...(await answeringPids(fleet.port, 2))].sort()).toEqual([...fleet.workerPids].sort())
        const attendee = await TestClient.connect(fleet.port)
        expect(await attendee.one('PING')).toEqual({ t: 'str', s: 'PONG' })
        attendee.close()

        const started = await descendants(fleet.child.pid!)
        fleet.child.kill('SIGTERM')
        expect(await fleet.ended).toEqual({ code: 0, signal: null })
        expect(await stillRunningAfter(started, 15_000)).toEqual([])
        expect(await portOpen(fleet.port)).toBe(false)
        expect(await running(server.pid)).toBe(true)
      } finally {
        await stopFleet(fleet)
      }
    } finally {
      await server.stop()
    }
  }, 150_000)
})

describe('npm start -- --workers when workers cannot start', () => {
  it('stops after 5 worker exits within 30 s, says why, and stops its valkey-server too', async () => {
    // Another program holds the port: every worker's listen fails.
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as net.AddressInfo).port
    try {
      const fleet = spawnFleet(['--workers', '2'], { PORT: String(port) })
      // Everything it starts, sampled while it runs (the primary is gone at the end).
      const seen = new Set<number>()
      let ended = false
      void fleet.ended.then(() => (ended = true))
      for (let sample = 0; sample < 600 && !ended; sample++) {
        for (const pid of await descendants(fleet.child.pid!)) seen.add(pid)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(await fleet.ended).toEqual({ code: 1, signal: null })
      const output = fleet.output()
      expect(output).toMatch(
        /Stopping the playground: workers keep exiting \(5 worker exits within 30 s; the last one could not start: .*EADDRINUSE/
      )
      // Five exits, and at most the one replacement already forked when the fifth came.
      const failures = output.match(/^\[worker \d+\] could not start: .*EADDRINUSE/gm)?.length ?? 0
      expect(failures).toBeGreaterThanOrEqual(5)
      expect(failures).toBeLessThanOrEqual(6)
      expect(output).not.toContain('Press Ctrl-C to stop.')
      expect(seen.size).toBeGreaterThan(0)
      expect(await stillRunningAfter([...seen], 15_000)).toEqual([])
    } finally {
      holder.close()
    }
  }, 150_000)
})

describe('npm start with a wrong --workers', () => {
  it.each([
    [['--workrs', '2'], /Unknown option '--workrs'[^]*--workers <value>/],
    [['--workers', '0'], /--workers must be a whole number from 1 to 64, or auto \(one per core\) \(got '0'\)/],
    [['--workers', 'x'], /--workers must be a whole number from 1 to 64, or auto \(one per core\) \(got 'x'\)/],
  ])(
    '%j stops before starting anything, with a clear message and exit code 2',
    async (args, message) => {
      const fleet = spawnFleet(args)
      expect(await fleet.ended).toEqual({ code: 2, signal: null })
      expect(fleet.output()).toMatch(/^Configuration error: /m)
      expect(fleet.output()).toMatch(message)
      expect(fleet.output()).not.toContain('Valkey')
    },
    60_000
  )
})
