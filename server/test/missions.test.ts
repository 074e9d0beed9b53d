/**
 * The mission doc test: every command block of every mission is typed into
 * a fresh sandbox in document order, through the page's own terminal
 * pipeline, and what the terminal prints must be the response the mission
 * shows (wildcards only where declared). After each step's blocks, the
 * server's own checks must report that step done, so a mission's checks
 * are proven reachable by its own commands.
 *
 * On a server without a feature a mission needs (field expiry on Valkey 8),
 * the test asserts that the mission is listed as unavailable and that
 * opening it checks nothing.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { MissionCatalog } from '../src/missions/MissionCatalog.ts'
import type { MissionDoc, MissionProgressMessage, MissionSummary } from '../../common/protocol/index.ts'
import { eventually, startTestPlayground, TestClient, testConfig } from './helpers.ts'
import { runMissionDoc } from './missionDocRun.ts'
import { memoryTokenStore, openPageTerminal } from './pageTerminal.ts'

const catalog = new MissionCatalog(testConfig().missionsDir)
const missionIds =
  catalog.errors.length === 0
    ? catalog.list({ address: '', valkeyVersion: '', embedded: true, features: { hashFieldExpiration: true } }).map((mission) => mission.id)
    : []

describe('missions', () => {
  let playground: Playground

  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    await playground?.close()
  })

  const api = async <T>(path: string) => {
    const response = await fetch(`http://127.0.0.1:${playground.port}${path}`)
    return { status: response.status, body: (await response.json()) as T }
  }

  it('every file in missions/ is a valid mission, and the six lessons are there', () => {
    expect(catalog.errors).toEqual([])
    expect(missionIds).toEqual([
      'cantina-sessions',
      'cantina-challenges',
      'field-expiry',
      'session-manager',
      'token-sessions',
      'framework-sessions',
    ])
  })

  it('lists the missions with what this server can run', async () => {
    const { body } = await api<{ missions: MissionSummary[] }>('/api/missions')
    const fieldExpiry = body.missions.find((mission) => mission.id === 'field-expiry')!
    expect(fieldExpiry.requires).toEqual(['hash-field-expiration'])
    if (playground.capabilities.hashFieldExpiration) {
      expect(fieldExpiry).toMatchObject({ available: true, unavailable: null })
    } else {
      expect(fieldExpiry.available).toBe(false)
      expect(fieldExpiry.unavailable).toMatch(/hash field expiration \(Valkey 9\.0 or later\)/)
    }
    expect(body.missions.find((mission) => mission.id === 'cantina-sessions')).toMatchObject({ available: true, minutes: 12 })
    expect((await api('/api/missions/no-such-mission')).status).toBe(404)
    expect((await api('/api/missions/..%2f..%2fetc')).status).toBe(404)
  })

  it.each(missionIds)(
    '%s: every shown response is what Valkey answers, and every step checks itself',
    async (id) => {
      const { body: doc } = await api<MissionDoc>(`/api/missions/${id}`)
      const terminal = await openPageTerminal(playground.port, playground.capabilities.valkeyVersion)
      try {
        if (doc.available) return await runMissionDoc(terminal, doc)
        // Not runnable here: it is shown, never checked.
        const seen: MissionProgressMessage[] = []
        terminal.connection.on('missions', (message) => seen.push(message))
        terminal.connection.mission({ type: 'missionOpen', id })
        await eventually(() => seen[0], 'first progress message')
        expect(seen[0]!.open).toBeNull()
        await terminal.output('HSET session:leia username "leia"')
        // A barrier: a mission this server runs, opened after the HSET was answered. Evaluations
        // run one at a time, so its first report comes after any report about the HSET.
        terminal.connection.mission({ type: 'missionOpen', id: 'cantina-sessions' })
        await eventually(() => seen.find((message) => message.open?.id === 'cantina-sessions'), 'the progress of a runnable mission')
        expect(seen.filter((message) => message.open !== null && message.open.id !== 'cantina-sessions')).toEqual([])
      } finally {
        terminal.close()
      }
    },
    60_000
  )

  it('shows each check live, keeps progress per sandbox across reconnects, and forgets it on reset', async () => {
    const tokens = memoryTokenStore()
    const version = playground.capabilities.valkeyVersion
    const first = await openPageTerminal(playground.port, version, tokens)
    let progress = null as MissionProgressMessage | null
    first.connection.on('missions', (message) => (progress = message))
    first.connection.mission({ type: 'missionOpen', id: 'cantina-sessions' })
    await first.output(
      'HSET session:han_solo username "hsolo" species "human" credits 10000 table "booth_7" drinks_ordered 2 last_activity "2025-08-28T13:30:00"'
    )
    await eventually(() => (progress?.done['cantina-sessions']?.includes('open-tab') ? true : undefined), 'first step done')
    // A later step shows which of its checks hold right now.
    expect(progress!.open!.checks['partial-update']).toEqual([false, false, false])
    await first.output('HSET session:han_solo credits 9500')
    await eventually(() => (progress!.open!.checks['partial-update']![0] ? true : undefined), 'credits check to hold')
    expect(progress!.open!.checks['partial-update']).toEqual([true, false, false])
    expect(progress!.done['cantina-sessions']).toEqual(['open-tab'])
    first.close()

    // Same browser (same token): the checkmark is still there, even before opening the mission.
    const again = await openPageTerminal(playground.port, version, tokens)
    let resumed = null as MissionProgressMessage | null
    again.connection.on('missions', (message) => (resumed = message))
    again.connection.mission({ type: 'missionOpen', id: null })
    await eventually(() => resumed ?? undefined, 'progress after reconnect')
    expect(resumed!.done['cantina-sessions']).toEqual(['open-tab'])
    expect(resumed!.open).toBeNull()

    // Another browser has its own progress.
    const other = await openPageTerminal(playground.port, version)
    let theirs = null as MissionProgressMessage | null
    other.connection.on('missions', (message) => (theirs = message))
    other.connection.mission({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(() => theirs ?? undefined, 'progress of another browser')
    expect(theirs!.done).toEqual({})
    other.close()

    // Reset empties the sandbox first, so the first step (whose data is still there) cannot pass again.
    again.connection.mission({ type: 'missionOpen', id: 'cantina-sessions' })
    again.connection.mission({ type: 'missionReset', id: 'cantina-sessions' })
    await eventually(
      () => (resumed!.done['cantina-sessions'] === undefined && resumed!.open ? true : undefined),
      'progress to be forgotten'
    )
    expect(await again.output('DBSIZE')).toBe('(integer) 0\n')
    // A barrier: an HGET answers (nil) on the empty sandbox, which ticks the first of the two
    // `ran` checks of read-fields (the step stays open). Evaluations run one at a time, so the
    // report of that tick comes after any report of an evaluation begun before it.
    await again.output('HGET session:han_solo credits')
    await eventually(() => (resumed!.open!.checks['read-fields']?.[0] ? true : undefined), "the HGET's check reported")
    expect(resumed!.done['cantina-sessions']).toBeUndefined()
    expect(resumed!.open!.checks['open-tab']).toEqual([false, false])
    again.close()
  })

  it('rejects malformed mission frames and unknown missions without closing the socket', async () => {
    const client = await TestClient.connect(playground.port)
    client.sendJson({ type: 'missionOpen', id: '../../etc/passwd' })
    client.sendJson({ type: 'missionOpen', id: 42 })
    client.sendJson({ type: 'missionOpen' })
    client.sendJson({ type: 'missionReset', id: null })
    await eventually(() => (client.of('error').length === 4 ? true : undefined), 'four errors')
    expect(client.of('error').every((error) => error.code === 'bad_frame')).toBe(true)
    client.sendJson({ type: 'missionOpen', id: 'no-such-mission' })
    await eventually(() => client.of('missionProgress')[0], 'progress for an unknown mission')
    expect(client.of('missionProgress')[0]!.open).toBeNull()
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    client.close()
  })
})

describe('the mission doc test itself', () => {
  it('fails a step whose checks already hold before the learner did anything', async () => {
    const missionsDir = fileURLToPath(new URL('./fixtures/vacuous-missions', import.meta.url))
    const playground = await startTestPlayground({ missionsDir })
    const terminal = await openPageTerminal(playground.port, playground.capabilities.valkeyVersion)
    try {
      const doc = (await (await fetch(`http://127.0.0.1:${playground.port}/api/missions/vacuous`)).json()) as MissionDoc
      await expect(runMissionDoc(terminal, doc)).rejects.toThrow(/step nothing is done before any of its commands ran/)
    } finally {
      terminal.close()
      await playground.close()
    }
  })
})
