/**
 * Steps that need more than their mission: the one-time-password lesson's `FNX` and `HGETDEL`
 * steps, detected by capability on real servers.
 *
 * On the test server (Valkey 9.1) both steps run, and missions.test.ts walks them with every
 * shown response compared byte for byte. Here, a Valkey whose HGETDEL is renamed away stands in
 * for a server with field expiry but without HGETDEL (its version string still says 9.1, which
 * must not matter): the step says what it needs, is never checked, and the rest of the lesson
 * still runs and checks itself.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { parseValkeyUrl } from '../src/config.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import type { MissionDoc, MissionProgressMessage } from '../../common/protocol/index.ts'
import { startTestPlayground } from './helpers.ts'
import { runMissionDoc } from './missionDocRun.ts'
import { openPageTerminal } from './pageTerminal.ts'

const started: EmbeddedValkey[] = []
afterAll(async () => {
  await Promise.all(started.map((valkey) => valkey.stop()))
})

const docOf = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/api/missions/field-expiry`)).json()) as MissionDoc
const stepOf = (doc: MissionDoc, id: string) => doc.steps.find((step) => step.id === id)!

describe('steps that need a feature of their own', () => {
  let playground: Playground
  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    await playground?.close()
  })

  it('on the test server, the FNX and HGETDEL steps say what they need and run where it is there', async () => {
    const { capabilities } = playground
    const doc = await docOf(playground.port)
    expect(stepOf(doc, 'fnx').requires).toEqual(['hsetex-fnx'])
    expect(stepOf(doc, 'consume').requires).toEqual(['hgetdel'])
    if (!capabilities.hashFieldExpiration) {
      // Valkey 8: the whole mission is unavailable, and so are both steps.
      expect(doc.available).toBe(false)
      expect([capabilities.hashFieldGetDel, capabilities.hashFieldSetIfAbsent]).toEqual([false, false])
      return
    }
    expect(stepOf(doc, 'fnx').unavailable).toEqual(capabilities.hashFieldSetIfAbsent ? null : expect.stringMatching(/FNX/))
    expect(stepOf(doc, 'consume').unavailable).toEqual(capabilities.hashFieldGetDel ? null : expect.stringMatching(/HGETDEL/))
    // What the server itself says decides, whatever its version string (Valkey reports redis_version 7.2.4).
    const knows = (await playground.admin.call('command', 'info', 'hgetdel')) as unknown[]
    expect(capabilities.hashFieldGetDel).toBe(knows[0] != null)
  })

  it('on a server without HGETDEL, that step says so and is never checked, and the rest of the lesson runs', async (context) => {
    // Only a server that has HGETDEL can have it renamed away (Valkey 8 refuses to start so; the test above covers it).
    if (!playground.capabilities.hashFieldGetDel) return context.skip()
    const valkey = await EmbeddedValkey.start({
      binary: inject('valkeyServer'),
      databases: 8,
      // The server keeps HGETDEL under another name only: COMMAND INFO hgetdel answers nil.
      settings: { 'rename-command HGETDEL': 'hgetdel-renamed-for-this-test' },
    })
    started.push(valkey)
    const withoutGetDel = await startTestPlayground({
      valkeyUrls: [parseValkeyUrl(`redis://:${valkey.password}@127.0.0.1:${valkey.port}/0`)],
      maxSandboxes: 4,
    })
    const terminal = await openPageTerminal(withoutGetDel.port, withoutGetDel.capabilities.valkeyVersion)
    try {
      expect(withoutGetDel.capabilities).toMatchObject({ hashFieldExpiration: true, hashFieldGetDel: false, hashFieldSetIfAbsent: true })
      const doc = await docOf(withoutGetDel.port)
      expect(doc.available).toBe(true)
      expect(stepOf(doc, 'consume').unavailable).toMatch(
        /^This step needs HGETDEL \(Valkey 9\.1 or later\), which this server \(Valkey .+\) does not have\.$/
      )
      expect(doc.steps.filter((step) => step.unavailable !== null).map((step) => step.id)).toEqual(['consume'])

      let progress = null as MissionProgressMessage | null
      terminal.connection.on('missions', (message) => (progress = message))
      // Every other step runs and checks itself; the HGETDEL step is skipped and never done.
      await runMissionDoc(terminal, doc)
      // The session is gone by now, so "the code cannot be used again" would hold if it were read.
      expect(progress!.open!.checks['consume']).toEqual([false, false])

      // Even a learner who types the step's command cannot tick it here.
      expect(await terminal.output('HGETDEL session:leia FIELDS 1 otp')).toMatch(/^\(error\) ERR unknown command 'HGETDEL'/)
      // An error never satisfies a check, and the step is not read at all: a PING is a barrier for its report.
      await terminal.output('PING')
      expect(progress!.done['field-expiry']).not.toContain('consume')
      expect(progress!.open!.checks['consume']).toEqual([false, false])
    } finally {
      terminal.close()
      await withoutGetDel.close()
    }
  }, 90_000)
})
