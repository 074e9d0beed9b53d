/**
 * Inspect mode's developer tools (issue 22, points 26 and 27) against a real Valkey 9 (and Valkey
 * 8 and Redis 7 when given): a search for a text across the values of 2,000 keys of every type,
 * walked with SCAN and bounded (matches, keys, elements per key), stoppable, replaced by a newer
 * one; and the server view (slow log, clients, memory, keyspace) read on request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ELEMENTS_PER_KEY } from '../src/inspector/KeySearch.ts'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import type { KeySearchMessage } from '../../common/protocol/index.ts'
import { eventually, type TestClient } from './helpers.ts'
import {
  ask,
  connectOwnValkey,
  inspectTargets,
  next,
  runOn,
  since,
  startOwnValkeyOn,
  TARGET_PASSWORD,
  Teardown,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

/** Seeds 2,000 keys under sess: in one script (a few hundred of each type), and a few to find among them. */
const SEED = `
for i = 1, 1200 do redis.call('SET', 'sess:str:' .. i, '{"user":"user' .. i .. '","cart":[' .. i .. ']}') end
for i = 1, 400 do redis.call('HSET', 'sess:h:' .. i, 'name', 'user' .. i, 'lastAccessedTime', '1700000000000') end
for i = 1, 100 do redis.call('RPUSH', 'sess:l:' .. i, 'a' .. i, 'b' .. i, 'c' .. i) end
for i = 1, 100 do redis.call('SADD', 'sess:s:' .. i, 'm' .. i, 'n' .. i) end
for i = 1, 100 do redis.call('ZADD', 'sess:z:' .. i, i, 'z' .. i) end
for i = 1, 99 do redis.call('XADD', 'sess:x:' .. i, '1-' .. i, 'event', 'login' .. i) end
for i = 1, ${ELEMENTS_PER_KEY + 5000} do redis.call('HSET', 'sess:big', 'f' .. i, 'v' .. i) end
return redis.call('DBSIZE')`

/** Where "Ada" is: one key of each type among the 2,000, and one outside the pattern. */
const ADA: [string[], { key: string; type: string; where: string | null }][] = [
  [['SET', 'sess:str:777', '{"user":"Ada Lovelace","cart":[]}'], { key: 'sess:str:777', type: 'string', where: null }],
  [['HSET', 'sess:h:123', 'name', 'ada'], { key: 'sess:h:123', type: 'hash', where: 'name' }],
  [['LSET', 'sess:l:5', '2', 'by ADA'], { key: 'sess:l:5', type: 'list', where: '2' }],
  [['SADD', 'sess:s:6', 'adam'], { key: 'sess:s:6', type: 'set', where: null }],
  [['ZADD', 'sess:z:7', '2.5', 'Ada'], { key: 'sess:z:7', type: 'zset', where: '2.5' }],
  [['XADD', 'sess:x:8', '2-0', 'who', 'Ada'], { key: 'sess:x:8', type: 'stream', where: '2-0' }],
]

describe.each(inspectTargets())('inspect mode searches values across keys and shows the server ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer
  let client: TestClient
  let searchId = 1

  /** Runs a search to its end; every keySearch message of it, in order. */
  const search = async (fields: { pattern?: string; text: string; maxMatches?: number; maxKeys?: number }) => {
    const id = searchId++
    const from = client.messages.length
    client.sendJson({ type: 'searchKeys', id, pattern: 'sess:*', maxMatches: 100, maxKeys: 100_000, ...fields })
    await next(client, 'keySearch', from, (m) => m.id === id && m.state !== 'running', 30_000)
    return since(client, 'keySearch', from).filter((m) => m.id === id)
  }
  const last = (messages: KeySearchMessage[]) => messages.at(-1)!
  const matches = (messages: KeySearchMessage[]) => messages.flatMap((m) => m.matches)

  beforeAll(async () => {
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD }), (t) => t.stop())
    expect(await runOn(target, 0, [['EVAL', SEED, '0']])).toEqual([2000])
    await runOn(target, 0, [...ADA.map(([command]) => command), ['SET', 'other:1', 'Ada']])
    inspect = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
    client = teardown.client(await connectOwnValkey(inspect.port))
  })
  afterAll(() => teardown.run())

  it('finds the text in every type, only under the pattern, with progress that only grows', async () => {
    const messages = await search({ text: 'ada' })
    expect(last(messages)).toMatchObject({ state: 'done', error: null, keysScanned: 2000, keysMatched: ADA.length, partialKeys: 1 })
    const found = matches(messages)
    expect(found.map(({ key, type, where }) => ({ key, type, where })).sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(
      ADA.map(([, match]) => match).sort((a, b) => (a.key < b.key ? -1 : 1))
    )
    expect(found.find((m) => m.key === 'sess:str:777')!.preview).toBe('{"user":"Ada Lovelace","cart":[]}')
    const counts = messages.map((m) => m.keysScanned)
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
  })

  it('stops at the match limit and at the key budget', async () => {
    const capped = await search({ text: 'user', maxMatches: 10 })
    expect(last(capped)).toMatchObject({ state: 'matchLimit', keysMatched: 10 })
    expect(matches(capped)).toHaveLength(10)
    const budget = await search({ text: 'nothing like this', maxKeys: 300 })
    expect(last(budget)).toMatchObject({ state: 'keyBudget', keysScanned: 300, keysMatched: 0 })
  })

  it('is stopped by the page, or by a newer search, and goes on answering', async () => {
    const from = client.messages.length
    client.sendJson({ type: 'searchKeys', id: 900, pattern: 'sess:*', text: 'ada', maxMatches: 100, maxKeys: 100_000 })
    client.sendJson({ type: 'stopKeySearch', id: 900 })
    client.sendJson({ type: 'searchKeys', id: 901, pattern: 'sess:*', text: 'ada', maxMatches: 100, maxKeys: 100_000 })
    client.sendJson({ type: 'searchKeys', id: 902, pattern: 'other:*', text: 'ada', maxMatches: 100, maxKeys: 100_000 })
    const ended = await Promise.all(
      [900, 901, 902].map((id) => next(client, 'keySearch', from, (m) => m.id === id && m.state !== 'running', 30_000))
    )
    expect(ended.map((m) => m.state)).toEqual(['stopped', 'stopped', 'done'])
    expect(
      since(client, 'keySearch', from)
        .filter((m) => m.id === 902)
        .flatMap((m) => m.matches)
    ).toEqual([{ key: 'other:1', type: 'string', where: null, preview: 'Ada' }])
  })

  it('refuses a malformed search with the reason', async () => {
    const refusal = await ask(client, { type: 'searchKeys', id: 1, pattern: '*', text: '  ', maxMatches: 1, maxKeys: 1 } as never, 'error')
    expect(refusal.message).toMatch(/searchKeys.text must be 1 to 256 characters/)
  })

  it('reads the server view on request: slow log, clients, memory, INFO and the keyspace', async () => {
    await runCommands(target, [
      ['CONFIG', 'SET', 'slowlog-log-slower-than', '0'],
      ['GET', 'sess:str:1'],
    ])
    const view = await ask(client, { type: 'serverView' }, 'serverView')
    await runCommands(target, [['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']])
    expect(view.errors).toEqual([])
    expect(view.slowlog!.length).toBeGreaterThan(0)
    expect(view.slowlog!.entries.some((entry) => entry.args[0] === 'GET' && entry.args[1] === 'sess:str:1')).toBe(true)
    expect(view.clients!.list.some((entry) => entry.name === 'hash-playground-server-view')).toBe(true)
    expect(view.clients!.total).toBe(view.clients!.list.length)
    expect(Number(view.info!.used_memory)).toBeGreaterThan(0)
    expect(view.info!.connected_clients).toMatch(/^\d+$/)
    expect(view.memory!['keys.count']).toBe(2001)
    expect(view.keyspace).toEqual([{ db: 0, keys: 2001, expires: 0 }])
  })

  it('a flood of server-view requests costs a couple of reads, not one per frame, and the view still answers', async () => {
    const views = () => client.messages.filter((message) => message.type === 'serverView').length
    const before = views()
    for (let i = 0; i < 200; i++) client.sendJson({ type: 'serverView' })
    await eventually(() => (views() > before ? true : undefined), 'a view after the flood')
    // One more ask after the flood is answered too (a read made after it, not a stale one).
    const settled = views()
    client.sendJson({ type: 'serverView' })
    await eventually(() => (views() > settled ? true : undefined), 'the view asked for after the flood')
    // One read in flight and one more after it while frames arrive: far fewer than the 201 asks.
    expect(views() - before).toBeLessThan(20)
  })
})
