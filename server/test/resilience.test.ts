/**
 * A dying or absent Valkey: the proxy says so clearly, recovers, and never
 * crashes. Also the VALKEY_URL mode, against a server the playground did not start.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Playground } from '../src/app.ts'
import { parseValkeyUrl } from '../src/config.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import { createAdminClient } from '../src/valkey/adminClient.ts'
import { TestClient, bulk, eventually, int, startTestPlayground } from './helpers.ts'

describe('embedded Valkey dies', () => {
  let playground: Playground
  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(() => playground?.close())

  it('is restarted, the terminal is told, and the sandbox works again', async () => {
    const client = await TestClient.connect(playground.port)
    await client.one('SET', 'before', 'crash')
    const port = playground.valkey.port
    playground.embedded!.killForTest()

    await eventually(() => client.of('notice').find((n) => /stopped unexpectedly/.test(n.text)), 'crash notice')
    await eventually(() => client.of('notice').find((n) => /has been restarted/.test(n.text)), 'restart notice', 20_000)
    expect(playground.valkey.port).toBe(port)

    // The first command after the crash may report the lost connection; after that it works.
    const first = await client.one('PING')
    if (first.t === 'err') expect(first.s).toMatch(/^ERR /)
    expect(await client.one('SET', 'after', 'restart')).toEqual({ t: 'str', s: 'OK' })
    expect(await client.one('GET', 'after')).toEqual(bulk('restart'))
    // The embedded server keeps nothing on disk: the old key is gone, and the terminal was told.
    expect(await client.one('EXISTS', 'before')).toEqual(int(0))

    // The inspector's keyspace subscription comes back by itself (it retries with back-off).
    const listed = client.messages.length
    client.sendJson({ type: 'watchKeys', pattern: '*' })
    await eventually(() => client.messages.slice(listed).find((m) => m.type === 'keys'), 'key list')
    const mark = client.messages.length
    // A new key each time: an event for it can only come through the re-established subscription.
    const seen = () => client.messages.slice(mark).some((m) => m.type === 'keyChanged' && m.key.startsWith('fresh:'))
    for (let i = 0; i < 60 && !seen(); i++) {
      await client.one('HSET', `fresh:${i}`, 'f', 'v')
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(seen()).toBe(true)
    client.close()
  })
})

describe('VALKEY_URL: a server the playground did not start', () => {
  let external: EmbeddedValkey | null = null
  /** A new, empty server for each test, with keyspace notifications off. */
  async function freshExternal(): Promise<void> {
    await external?.stop()
    external = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 8, settings: { 'notify-keyspace-events': '' } })
  }
  afterAll(() => external?.stop())

  const url = () => parseValkeyUrl(`redis://:${external!.password}@127.0.0.1:${external!.port}/0`)

  it('works without starting a child, turns notifications on, and survives a proxy restart', async () => {
    await freshExternal()
    const first = await startTestPlayground({ valkeyUrl: url() })
    expect(first.embedded).toBeNull()
    const [, events] = (await first.admin.call('config', 'get', 'notify-keyspace-events')) as string[]
    expect(events).toMatch(/K/)
    const client = await TestClient.connect(first.port)
    await client.one('HSET', 'session:han_solo', 'username', 'hsolo')
    const token = client.token
    client.close()
    await first.close()

    // A new proxy finds the registry in the control database: same token, same data.
    const second = await startTestPlayground({ valkeyUrl: url() })
    const again = await TestClient.connect(second.port, token)
    expect(again.welcome).toMatchObject({ resumed: true })
    expect(await again.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
    again.close()
    await second.close()
  })

  it('never hands out a database that already holds data it did not create', async () => {
    await freshExternal()
    const admin = createAdminClient(url())
    await admin.connect()
    await admin.call('eval', "redis.call('SELECT', '1') return redis.call('SET', 'foreign', 'data')", '0')
    admin.disconnect()
    const playground = await startTestPlayground({ valkeyUrl: url(), maxSandboxes: 7 })
    const clients = await Promise.all(Array.from({ length: 3 }, () => TestClient.connect(playground.port)))
    for (const client of clients) {
      const info = await client.one('CLIENT', 'INFO')
      expect((info as { s: string }).s).not.toMatch(/\bdb=1\b/)
      expect(await client.one('EXISTS', 'foreign')).toEqual(int(0))
      client.close()
    }
    await playground.close()
  })

  it('stops with a clear message when the server cannot be reached', async () => {
    await expect(startTestPlayground({ valkeyUrl: parseValkeyUrl('redis://127.0.0.1:1/0') })).rejects.toThrow(
      /cannot connect to Valkey at 127\.0\.0\.1:1/
    )
  })
})
