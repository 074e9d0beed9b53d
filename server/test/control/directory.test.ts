/**
 * The sandbox directory shared by several playground processes through a real control Valkey:
 * four directory instances on their own connections stand for four processes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { placeOf } from '../../src/pool/sandboxNumber.ts'
import { SandboxRefusedError } from '../../src/control/SandboxDirectory.ts'
import { ControlServer } from './controlServer.ts'
import { POOL, request, startInstance, stopInstance, tokenHash, until, type Instance } from './fixtures.ts'

describe('sandbox directory across processes', () => {
  let server: ControlServer
  let instances: Instance[] = []

  beforeAll(async () => {
    server = await ControlServer.start(inject('valkeyServer'))
  })
  afterEach(async () => {
    await Promise.all(instances.map(stopInstance))
    instances = []
    const flush = await startInstance(server.port, 'flush')
    await flush.control.call('flushall')
    await stopInstance(flush)
  })
  afterAll(async () => {
    await server?.stop()
  })

  const start = async (count: number, timing?: { heartbeatMs: number; staleMs: number }) => {
    const started = await Promise.all(Array.from({ length: count }, (_, i) => startInstance(server.port, `p${i}`, timing)))
    instances.push(...started)
    return started
  }

  it('200 concurrent claims from 4 processes are all distinct and spread evenly across the servers', async () => {
    const processes = await start(4)
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => processes[i % 4]!.directory.attach(request())))
    const numbers = results.map((result) => result.record.number)
    expect(new Set(numbers).size).toBe(200)
    expect(results.every((result) => result.outcome === 'claimed')).toBe(true)
    const perServer = [0, 0, 0]
    for (const number of numbers) perServer[placeOf(number).server]!++
    // Each claim takes the least-filled server: the counts differ by at most one.
    expect(Math.max(...perServer) - Math.min(...perServer)).toBeLessThanOrEqual(1)
    // Each server's lowest free numbers went first.
    expect(numbers.filter((n) => placeOf(n).server === 1).sort((a, b) => a - b)[0]).toBe(100_000)
  }, 30_000)

  it('the pool being full is refused, and no number is given twice', async () => {
    const processes = await start(2)
    const small = [{ server: 0, dbs: [1, 2, 3] }]
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => processes[i % 2]!.directory.attach(request({ candidates: small })))
    )
    const given = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.record.number] : []))
    expect(given.sort()).toEqual([1, 2, 3])
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []))
    expect(refused.every((error) => error instanceof SandboxRefusedError && error.reason === 'full')).toBe(true)
  })

  it('the per-address limit holds across processes', async () => {
    const processes = await start(4)
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => processes[i % 4]!.directory.attach(request({ address: '10.0.0.7', perAddress: 5 })))
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5)
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as SandboxRefusedError] : []))
    expect(refusals.every((error) => error.reason === 'address-limit')).toBe(true)
    // Another address is not affected.
    await expect(processes[0]!.directory.attach(request({ address: '10.0.0.8', perAddress: 5 }))).resolves.toBeTruthy()
  })

  it('a sandbox live in another process is not released unused; the last close releases it and its token comes back', async () => {
    const [a, b] = await start(2)
    const { record } = await a!.directory.attach(request())
    expect((await b!.directory.attach(request({ tokenHash: record.tokenHash }))).outcome).toBe('resumed')
    expect(await a!.directory.connectionClosed(record.number, { releaseIfUnused: true })).toBe('kept')
    expect(await b!.directory.connectionClosed(record.number, { releaseIfUnused: true })).toBe('marked')
    // Until the database is flushed and the recycle finished, the number is given to nobody.
    const meanwhile = await a!.directory
      .attach(request({ candidates: [{ server: placeOf(record.number).server, dbs: [placeOf(record.number).db] }] }))
      .catch((e: Error) => e)
    expect(meanwhile).toBeInstanceOf(SandboxRefusedError)
    expect(await b!.directory.finishRecycle(record.number)).toBe(true)
    // The browser coming back gets its token back, with a new empty sandbox.
    const back = await a!.directory.attach(request({ tokenHash: record.tokenHash }))
    expect(back.outcome).toBe('returned')
    expect(back.record.tokenHash).toBe(record.tokenHash)
  })

  it('a used sandbox stays after its last close, and a stale cached `used: false` written back does not clear it', async () => {
    const [a, b] = await start(2)
    const { record } = await a!.directory.attach(request())
    await b!.directory.markUsed(record.number)
    expect(await a!.directory.connectionClosed(record.number, { releaseIfUnused: true })).toBe('kept')
    const snapshot = await b!.directory.load([0, 1, 2])
    expect(snapshot.records.find((r) => r.number === record.number)?.used).toBe(true)
  })

  it('a process whose heartbeat stopped no longer pins its sandboxes', async () => {
    const [a, b] = await start(2, { heartbeatMs: 100, staleMs: 500 })
    const { record } = await a!.directory.attach(request())
    await a!.link.stop() // as if SIGKILLed: no more beats, nothing cleaned up
    expect(await b!.directory.beginRecycle(record.number, record.tokenHash)).toBe('live')
    await until(
      async () => ((await b!.directory.beginRecycle(record.number, record.tokenHash)) === 'marked' ? true : undefined),
      'the stale process to stop pinning'
    )
    expect(await b!.directory.finishRecycle(record.number)).toBe(true)
  })

  it('a resume racing with a recycle either wins before the mark or finds nothing after it', async () => {
    const [a, b, c] = await start(3)
    for (let round = 0; round < 40; round++) {
      const { record } = await a!.directory.attach(request())
      await a!.directory.markUsed(record.number)
      expect(await a!.directory.connectionClosed(record.number, { releaseIfUnused: true })).toBe('kept')
      const [recycle, resumed] = await Promise.all([
        b!.directory.beginRecycle(record.number, record.tokenHash),
        c!.directory.resume(record.tokenHash),
      ])
      if (resumed) {
        expect(recycle).toBe('live')
        expect(resumed.number).toBe(record.number)
        await c!.directory.connectionClosed(record.number)
        expect(await b!.directory.beginRecycle(record.number, record.tokenHash)).toBe('marked')
      } else {
        expect(recycle).toBe('marked')
      }
      expect(await b!.directory.finishRecycle(record.number)).toBe(true)
      // After the recycle the token gets a new sandbox, never the recycled one half-way.
      expect((await c!.directory.attach(request({ tokenHash: record.tokenHash }))).outcome).toBe('claimed')
    }
  }, 30_000)

  it('one sweeper at a time across processes', async () => {
    const processes = await start(4)
    const won = await Promise.all(processes.map((p) => p.directory.lockSweep(10_000)))
    expect(won.filter(Boolean)).toHaveLength(1)
    const winner = processes[won.indexOf(true)]!
    const other = processes[(won.indexOf(true) + 1) % 4]!
    await other.directory.unlockSweep() // not its lock: nothing happens
    expect(await other.directory.lockSweep(10_000)).toBe(false)
    await winner.directory.unlockSweep()
    expect(await other.directory.lockSweep(10_000)).toBe(true)
  })

  it('a foreign database is skipped and never given out', async () => {
    const [a, b] = await start(2)
    const candidates = [{ server: 0, dbs: [1, 2] }]
    const result = await a!.directory.attach(request({ candidates, isEmpty: async (n) => n !== 1 }))
    expect(result.record.number).toBe(2)
    expect((await b!.directory.load([0])).foreign).toEqual([1])
    await expect(b!.directory.attach(request({ candidates }))).rejects.toBeInstanceOf(SandboxRefusedError)
    expect(await b!.directory.unmarkForeign(1)).toBe(true)
    expect((await b!.directory.attach(request({ candidates }))).record.number).toBe(1)
  })

  it('all processes share one ACL secret', async () => {
    const processes = await start(4)
    const secrets = await Promise.all(processes.map((p) => p.secret.get()))
    expect(new Set(secrets).size).toBe(1)
    expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads back records an older version wrote (JSON only) and adopts them as used', async () => {
    const [a] = await start(1)
    const th = tokenHash()
    await a!.control.call(
      'hset',
      'playground:sandboxes',
      th,
      JSON.stringify({ db: 7, tokenHash: th, createdAt: 1, lastSeenAt: 2, address: '' })
    )
    const snapshot = await a!.directory.load([0])
    expect(snapshot.records).toEqual([{ number: 7, tokenHash: th, createdAt: 1, lastSeenAt: 2, address: '', used: true }])
    expect((await a!.directory.attach(request({ tokenHash: th }))).record.number).toBe(7)
    expect(POOL).toHaveLength(3)
  })
})
