/**
 * Runaway scripts on the shared server: whatever one sandbox's script does, every other sandbox
 * gets normal replies again within seconds and loses nothing, and only the script's own sandbox
 * is told what happened to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { Reply } from '../../common/protocol/index.ts'
import { TestClient, bulk, eventually, int, startTestPlayground } from './helpers.ts'

const WRITE_THEN_LOOP = "server.call('SET','x','1') local i=0 while true do i=i+1 end"
const LOOP_ONLY = 'local i=0 while true do i=i+1 end'

/** A victim sandbox with data of every kind the issue names: keys, values, TTLs, field TTLs, progress. */
async function victimWithData(playground: Playground): Promise<TestClient> {
  const victim = await TestClient.connect(playground.port)
  await victim.one(
    'HSET',
    'session:leia',
    'username',
    'leia',
    'species',
    'human',
    'credits',
    '10000',
    'table',
    'booth_1',
    'drinks_ordered',
    '0',
    'last_activity',
    '2025-08-28T13:30:00'
  )
  await victim.one('EXPIRE', 'session:leia', '3600')
  if (playground.capabilities.hashFieldExpiration) await victim.one('HEXPIRE', 'session:leia', '900', 'FIELDS', '1', 'table')
  await victim.one('SET', 'counter', '41')
  return victim
}

async function expectVictimIntact(victim: TestClient, playground: Playground): Promise<void> {
  expect(await victim.one('HGET', 'session:leia', 'username')).toEqual(bulk('leia'))
  const ttl = await victim.one('TTL', 'session:leia')
  expect(ttl.t === 'int' && Number(ttl.n) > 3500).toBe(true)
  if (playground.capabilities.hashFieldExpiration) {
    const left = await victim.one('HTTL', 'session:leia', 'FIELDS', '1', 'table')
    expect(left.t === 'arr' && left.a[0]?.t === 'int' && Number(left.a[0].n) > 800).toBe(true)
  }
  expect(await victim.one('INCR', 'counter')).toEqual(int(42))
}

/** Polls PING until it is answered PONG (bounded: 15 s). */
async function untilServed(client: TestClient): Promise<void> {
  const deadline = Date.now() + 15_000
  let reply: Reply = { t: 'nil' }
  while (Date.now() < deadline) {
    reply = await client.one('PING')
    if (reply.t === 'str' && reply.s === 'PONG') return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  expect(reply).toEqual({ t: 'str', s: 'PONG' })
}

describe('runaway scripts', () => {
  let playground: Playground
  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(() => playground?.close())

  it.each([
    ['a script that wrote, then loops', [['EVAL', WRITE_THEN_LOOP, '0']]],
    ['the same inside MULTI/EXEC', [['MULTI'], ['EVAL', WRITE_THEN_LOOP, '0'], ['EXEC']]],
  ])(
    '%s: Valkey is restarted from disk, nobody loses anything, and its author is told',
    async (_name, commands) => {
      const victim = await victimWithData(playground)
      const author = await TestClient.connect(playground.port)
      await author.one('SET', 'mine', 'before')
      const ids: number[] = []
      for (const [i, args] of commands.entries()) {
        const id = 900_000 + i
        ids.push(id)
        author.sendJson({ type: 'command', id, args })
      }
      const lastId = ids.at(-1)!
      const reply = await eventually(() => author.replyTo(lastId), 'the script command to be answered', 20_000)
      const text = JSON.stringify(reply)
      expect(text).toContain('restarted Valkey from its append-only file')
      await untilServed(victim)
      await expectVictimIntact(victim, playground)
      // The script changed nothing, its author's earlier data is there.
      await untilServed(author)
      expect(await author.one('EXISTS', 'x')).toEqual(int(0))
      expect(await author.one('GET', 'mine')).toEqual(bulk('before'))
      victim.close()
      author.close()
    },
    40_000
  )

  it('a script that only loops is stopped with SCRIPT KILL; nobody else is disturbed', async () => {
    const victim = await victimWithData(playground)
    const author = await TestClient.connect(playground.port)
    const reply = await author.one('EVAL', LOOP_ONLY, '0')
    expect(reply).toEqual({ t: 'err', s: expect.stringMatching(/killed/i) })
    // Checked after the victim's own commands went through Valkey, not the moment the author is answered.
    await expectVictimIntact(victim, playground)
    await victim.sync()
    expect(victim.of('notice').some((notice) => /restarted/.test(notice.text))).toBe(false)
    victim.close()
    author.close()
  }, 30_000)

  it("one attendee's Ctrl-C never stops another attendee's script", async () => {
    const runner = await TestClient.connect(playground.port)
    const other = await TestClient.connect(playground.port)
    // Their connections to Valkey are open, so each next command is written at once.
    expect(await runner.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    expect(await other.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    // Runs about 3 s, writes nothing, ends by itself: under the 5 s limit.
    const script = "local t=server.call('TIME') local s=tonumber(t[1]) while tonumber(server.call('TIME')[1]) < s+3 do end return 'done'"
    // The other attendee's command must wait behind the running script (Valkey answers it BUSY past
    // busy-reply-threshold) while their Ctrl-C is handled. The script is sent first and the
    // runner's socket synced, so the proxy has handled it; its BUSY answer proves the other
    // command came second. Should it have run first all the same, the round is played again
    // (bounded: 3 rounds).
    for (let round = 0; ; round++) {
      const mine = 900_100 + 2 * round
      const theirs = mine + 1
      runner.sendJson({ type: 'command', id: mine, args: ['EVAL', script, '0'] })
      await runner.sync()
      other.sendJson({ type: 'command', id: theirs, args: ['EVAL', 'return 1', '0'] })
      other.sendJson({ type: 'cancel' })
      expect(await eventually(() => runner.replyTo(mine), 'the long script to end', 15_000)).toEqual([bulk('done')])
      const [answer] = await eventually(() => other.replyTo(theirs), "the other attendee's command")
      if (answer?.t === 'err' && answer.s.startsWith('BUSY')) break
      if (round === 2) throw new Error(`the other attendee's command never waited behind the script: ${JSON.stringify(answer)}`)
    }
    runner.close()
    other.close()
  }, 30_000)
})
