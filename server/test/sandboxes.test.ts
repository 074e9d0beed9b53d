/**
 * Sandboxes against the real embedded Valkey: each browser its own database,
 * kept across reloads, recycled when idle, and a clear answer when full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { CLOSE_CODES } from '../src/protocol.ts'
import { TestClient, bulk, eventually, int, ok, startTestPlayground } from './helpers.ts'

describe('sandboxes', () => {
  let playground: Playground

  beforeAll(async () => {
    playground = await startTestPlayground({ maxSandboxes: 16 })
  })
  afterAll(() => playground?.close())

  it('runs the core loop: HSET and HGET in a new sandbox', async () => {
    const client = await TestClient.connect(playground.port)
    expect(client.welcome).toMatchObject({ resumed: false, fresh: false })
    expect(client.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await client.one('HSET', 'session:han_solo', 'username', 'hsolo', 'species', 'human')).toEqual(int(2))
    expect(await client.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
    client.close()
  })

  it('keeps two browsers apart: keys, KEYS, SCAN, DBSIZE and FLUSHDB see one sandbox only', async () => {
    const a = await TestClient.connect(playground.port)
    const b = await TestClient.connect(playground.port)
    expect(a.token).not.toBe(b.token)
    await a.one('HSET', 'session:han_solo', 'username', 'hsolo')
    await a.one('SET', 'only:a', '1')
    await b.one('SET', 'only:b', '1')

    expect(await b.one('EXISTS', 'session:han_solo')).toEqual(int(0))
    expect(await a.one('KEYS', '*')).toEqual({ t: 'arr', a: expect.arrayContaining([bulk('session:han_solo'), bulk('only:a')]) })
    expect(await b.one('KEYS', '*')).toEqual({ t: 'arr', a: [bulk('only:b')] })
    expect(await b.one('SCAN', '0', 'COUNT', '1000')).toEqual({ t: 'arr', a: [bulk('0'), { t: 'arr', a: [bulk('only:b')] }] })
    expect(await a.one('DBSIZE')).toEqual(int(2))
    expect(await b.one('DBSIZE')).toEqual(int(1))

    expect(await b.one('FLUSHDB')).toEqual(ok)
    expect(await b.one('DBSIZE')).toEqual(int(0))
    expect(await a.one('DBSIZE')).toEqual(int(2))
    a.close()
    b.close()
  })

  it('returns to the same sandbox with the same token (a reload), and to a new one without', async () => {
    const first = await TestClient.connect(playground.port)
    await first.one('SET', 'remember', 'me')
    const token = first.token
    first.close()

    const reloaded = await TestClient.connect(playground.port, token)
    expect(reloaded.welcome).toMatchObject({ token, resumed: true, fresh: false })
    expect(await reloaded.one('GET', 'remember')).toEqual(bulk('me'))

    const other = await TestClient.connect(playground.port, null)
    expect(await other.one('GET', 'remember')).toEqual({ t: 'nil' })
    reloaded.close()
    other.close()
  })

  it('gives a new sandbox (and says so) for a token it does not know', async () => {
    const client = await TestClient.connect(playground.port, 'made-up-token')
    expect(client.welcome).toMatchObject({ fresh: true, resumed: false })
    expect(client.token).not.toBe('made-up-token')
    client.close()
  })

  it('lets two tabs of one browser share the sandbox', async () => {
    const tab1 = await TestClient.connect(playground.port)
    const tab2 = await TestClient.connect(playground.port, tab1.token)
    await tab1.one('SET', 'shared', 'yes')
    expect(await tab2.one('GET', 'shared')).toEqual(bulk('yes'))
    tab1.close()
    tab2.close()
  })
})

describe('sandbox capacity', () => {
  let playground: Playground

  beforeAll(async () => {
    playground = await startTestPlayground({ maxSandboxes: 2 })
  })
  afterAll(() => playground?.close())

  it('refuses a browser clearly when every sandbox is taken, without crashing', async () => {
    const a = await TestClient.connect(playground.port)
    const b = await TestClient.connect(playground.port)
    const c = await TestClient.open(playground.port)
    c.sendJson({ type: 'hello', v: 1, token: null })
    await c.closed()
    expect(c.closeCode).toBe(CLOSE_CODES.sandboxUnavailable)
    expect(c.of('notice')[0]?.text).toMatch(/No sandbox is free: all 2 sandboxes are in use/)
    // The server is still fine for the browsers it has.
    expect(await a.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    a.close()
    b.close()
  })
})

describe('sandbox recycling', () => {
  let playground: Playground
  let skew = 0

  beforeAll(async () => {
    playground = await startTestPlayground(
      { maxSandboxes: 2, sandboxIdleMs: 60_000 },
      { sweepIntervalMs: 3_600_000, now: () => Date.now() + skew }
    )
  })
  afterAll(() => playground?.close())

  it('flushes and reuses a sandbox that stayed idle past the limit, never one in use', async () => {
    const idle = await TestClient.connect(playground.port)
    await idle.one('SET', 'left', 'behind')
    const idleToken = idle.token
    idle.close()
    const busy = await TestClient.connect(playground.port)
    await busy.one('SET', 'still', 'here')
    await eventually(() => (playground.gateway.connections === 1 ? true : undefined), 'idle socket to close')

    // Sweep with the clock moved past the idle limit (for real, that takes hours).
    skew = 61_000
    expect(await playground.registry.sweep()).toBe(1)

    expect(await busy.one('GET', 'still')).toEqual(bulk('here'))
    const back = await TestClient.connect(playground.port, idleToken)
    expect(back.welcome).toMatchObject({ fresh: true })
    expect(await back.one('DBSIZE')).toEqual(int(0))
    back.close()
    busy.close()
  })
})
