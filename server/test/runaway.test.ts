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
    expect(victim.of('notice').some((notice) => /restarted/.test(notice.text))).toBe(false)
    await expectVictimIntact(victim, playground)
    victim.close()
    author.close()
  }, 30_000)

  it("one attendee's Ctrl-C never stops another attendee's script", async () => {
    const runner = await TestClient.connect(playground.port)
    const other = await TestClient.connect(playground.port)
    // Its connection to Valkey is open, so its next command is sent at once.
    expect(await other.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    // Runs about 3 s, writes nothing, ends by itself: under the 5 s limit.
    runner.sendJson({
      type: 'command',
      id: 900_007,
      args: [
        'EVAL',
        "local t=server.call('TIME') local s=tonumber(t[1]) while tonumber(server.call('TIME')[1]) < s+3 do end return 'done'",
        '0',
      ],
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    other.sendJson({ type: 'command', id: 900_008, args: ['EVAL', 'return 1', '0'] })
    other.sendJson({ type: 'cancel' })
    const mine = await eventually(() => runner.replyTo(900_007), 'the long script to end', 15_000)
    expect(mine).toEqual([bulk('done')])
    runner.close()
    other.close()
  }, 30_000)
})
