/**
 * A dying or absent Valkey: the proxy says so clearly, recovers, and never
 * crashes. Also the VALKEY_URL mode, against a server the playground did not start.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Playground } from '../src/app.ts'
import { parseValkeyUrl } from '../src/config.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import { createAdminClient } from '../src/valkey/adminClient.ts'
import { TestClient, appendOnlyFileWritten, bulk, eventually, int, startTestPlayground } from './helpers.ts'

/** The Cantina mission's first two steps: Han's session hash, with an hour to live. */
async function openHansTab(client: TestClient): Promise<void> {
  const fields = [
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
    '2025-08-28T13:30:00',
  ]
  await client.one('HSET', 'session:han_solo', ...fields)
  await client.one('EXPIRE', 'session:han_solo', '3600')
}

describe('embedded Valkey dies', () => {
  let playground: Playground
  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(() => playground?.close())

  it('is restarted from its append-only file: the terminal is told, and keys, TTLs and mission progress are back', async () => {
    const client = await TestClient.connect(playground.port)
    const token = client.token
    await client.one('SET', 'before', 'crash')
    await openHansTab(client)
    const fieldTtl = playground.capabilities.hashFieldExpiration
    if (fieldTtl) await client.one('HEXPIRE', 'session:han_solo', '500', 'FIELDS', '1', 'table')
    client.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(
      () => client.of('missionProgress').find((m) => m.done['cantina-sessions']?.includes('open-tab')),
      'the first step to be saved as done'
    )
    const port = playground.valkey.port
    // What the kill must not lose is in the append-only file (an fsync running can hold a write back).
    await appendOnlyFileWritten(playground)
    playground.embedded!.killForTest()

    await eventually(
      () => client.of('notice').find((n) => /Valkey stopped .*restarted from its append-only file/.test(n.text)),
      'crash notice'
    )
    await eventually(
      () => client.of('notice').find((n) => /has been restarted; your sandbox is back/.test(n.text)),
      'restart notice',
      20_000
    )
    expect(playground.valkey.port).toBe(port)

    // The first command after the crash may report the lost connection; after that it works.
    const first = await client.one('PING')
    if (first.t === 'err') expect(first.s).toMatch(/^ERR /)
    expect(await client.one('SET', 'after', 'restart')).toEqual({ t: 'str', s: 'OK' })
    expect(await client.one('GET', 'after')).toEqual(bulk('restart'))
    // Everything written before the crash is back, with its TTLs still counting.
    expect(await client.one('GET', 'before')).toEqual(bulk('crash'))
    expect(await client.one('HGET', 'session:han_solo', 'credits')).toEqual(bulk('10000'))
    const ttl = await client.one('TTL', 'session:han_solo')
    expect(ttl.t === 'int' && Number(ttl.n) > 3500 && Number(ttl.n) <= 3600).toBe(true)
    if (fieldTtl) {
      const fieldLeft = await client.one('HTTL', 'session:han_solo', 'FIELDS', '1', 'table')
      expect(fieldLeft.t === 'arr' && fieldLeft.a[0]?.t === 'int' && Number(fieldLeft.a[0].n) > 400).toBe(true)
    }
    // And the mission progress, for the same browser (same token) in a new tab.
    const tab = await TestClient.connect(playground.port, token)
    expect(tab.welcome).toMatchObject({ resumed: true })
    tab.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(
      () => tab.of('missionProgress').find((m) => m.done['cantina-sessions']?.includes('open-tab')),
      'progress after the restart'
    )
    tab.close()

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

describe('the playground restarted (Ctrl-C, then npm start again)', () => {
  it('comes back with every sandbox, its TTLs and its mission progress, each browser in its own; --fresh starts empty', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'playground-restart-test-'))
    try {
      let playground = await startTestPlayground({ valkeyDataDir: dataDir })
      const han = await TestClient.connect(playground.port)
      const leia = await TestClient.connect(playground.port)
      await openHansTab(han)
      await leia.one('SET', 'leia', 'organa')
      han.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
      await eventually(() => han.of('missionProgress').find((m) => m.done['cantina-sessions']?.includes('open-tab')), 'progress saved')
      const tokens = { han: han.token, leia: leia.token }
      han.close()
      leia.close()
      await playground.close()

      playground = await startTestPlayground({ valkeyDataDir: dataDir })
      const hanAgain = await TestClient.connect(playground.port, tokens.han)
      const leiaAgain = await TestClient.connect(playground.port, tokens.leia)
      expect(hanAgain.welcome).toMatchObject({ resumed: true, fresh: false })
      expect(await hanAgain.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
      const ttl = await hanAgain.one('TTL', 'session:han_solo')
      expect(ttl.t === 'int' && Number(ttl.n) > 3500).toBe(true)
      expect(await hanAgain.one('EXISTS', 'leia')).toEqual(int(0))
      expect(await leiaAgain.one('GET', 'leia')).toEqual(bulk('organa'))
      hanAgain.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
      await eventually(() => hanAgain.of('missionProgress').find((m) => m.done['cantina-sessions']?.includes('open-tab')), 'progress back')
      hanAgain.close()
      leiaAgain.close()
      await playground.close()

      playground = await startTestPlayground({ valkeyDataDir: dataDir, fresh: true })
      const afterFresh = await TestClient.connect(playground.port, tokens.han)
      expect(afterFresh.welcome).toMatchObject({ fresh: true })
      expect(await afterFresh.one('DBSIZE')).toEqual(int(0))
      afterFresh.close()
      await playground.close()
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  it('refuses to start on a data folder another running playground uses', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'playground-lock-test-'))
    try {
      const first = await startTestPlayground({ valkeyDataDir: dataDir })
      await expect(startTestPlayground({ valkeyDataDir: dataDir })).rejects.toThrow(
        /another playground \(pid \d+\) is using the data folder/
      )
      await first.close()
      // Once it has stopped, the folder is free again.
      const second = await startTestPlayground({ valkeyDataDir: dataDir })
      await second.close()
    } finally {
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
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
    const first = await startTestPlayground({ valkeyUrls: [url()] })
    expect(first.embedded).toBeNull()
    const [, events] = (await first.admin.call('config', 'get', 'notify-keyspace-events')) as string[]
    expect(events).toMatch(/K/)
    const client = await TestClient.connect(first.port)
    await client.one('HSET', 'session:han_solo', 'username', 'hsolo')
    const token = client.token
    client.close()
    await first.close()

    // A new proxy finds the registry in the control database: same token, same data.
    const second = await startTestPlayground({ valkeyUrls: [url()] })
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
    const playground = await startTestPlayground({ valkeyUrls: [url()], maxSandboxes: 7 })
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
    await expect(startTestPlayground({ valkeyUrls: [parseValkeyUrl('redis://127.0.0.1:1/0')] })).rejects.toThrow(
      /cannot connect to Valkey at 127\.0\.0\.1:1/
    )
  })
})
