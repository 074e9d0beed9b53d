/**
 * What Valkey shares between databases through scripting, fenced per sandbox: the script cache
 * (loaded scripts, SCRIPT EXISTS / SHOW, EVALSHA, eviction by other sandboxes' EVALs) and the
 * Lua VM's settings (cjson, the random seed, the garbage collector).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { sha1 } from '../src/sandbox/ScriptBook.ts'
import { TestClient, bulk, int, isError, startTestPlayground } from './helpers.ts'

describe('scripts across sandboxes', () => {
  let playground: Playground
  let alice: TestClient
  let bob: TestClient

  beforeAll(async () => {
    playground = await startTestPlayground()
    alice = await TestClient.connect(playground.port)
    bob = await TestClient.connect(playground.port)
  })
  afterAll(async () => {
    alice?.close()
    bob?.close()
    await playground?.close()
  })

  it('a script one sandbox loaded is invisible to another: EVALSHA, SCRIPT EXISTS and SCRIPT SHOW', async () => {
    const body = "return 'alice only'"
    expect(await alice.one('SCRIPT', 'LOAD', body)).toEqual(bulk(sha1(body)))
    expect(await alice.one('EVALSHA', sha1(body), '0')).toEqual(bulk('alice only'))
    expect(await alice.one('SCRIPT', 'EXISTS', sha1(body))).toEqual({ t: 'arr', a: [int(1)] })

    const noScript = await bob.one('EVALSHA', sha1(body), '0')
    expect(isError(noScript, /^NOSCRIPT/)).toBe(true)
    expect(await bob.one('SCRIPT', 'EXISTS', sha1(body))).toEqual({ t: 'arr', a: [int(0)] })
    expect(isError(await bob.one('SCRIPT', 'SHOW', sha1(body)), /^NOSCRIPT/)).toBe(true)
    // The owner sees its script as written, not the line the proxy adds (SCRIPT SHOW: Valkey 8.0+).
    expect(await alice.one('SCRIPT', 'SHOW', sha1(body))).toEqual(bulk(body))
  })

  it("another sandbox's 600 distinct EVALs do not evict a sandbox's scripts", async () => {
    const body = "return 'still here'"
    expect(await alice.one('EVAL', body, '0')).toEqual(bulk('still here'))
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => bob.one('EVAL', `return ${batch * 100 + i}`, '0')))
    }
    expect(await alice.one('EVALSHA', sha1(body), '0')).toEqual(bulk('still here'))
  }, 60_000)

  it("SCRIPT EXISTS answers from the book: 1 for a script another sandbox's 520 EVALs pushed out of Valkey's cache", async () => {
    const body = "return 'evicted but mine'"
    expect(await alice.one('EVAL', body, '0')).toEqual(bulk('evicted but mine'))
    for (let batch = 0; batch < 4; batch++) {
      await Promise.all(Array.from({ length: 130 }, (_, i) => bob.one('EVAL', `return ${1000 + batch * 130 + i}`, '0')))
    }
    expect(await alice.one('SCRIPT', 'EXISTS', sha1(body), sha1('return 0'))).toEqual({ t: 'arr', a: [int(1), int(0)] })
    expect(await alice.one('EVALSHA', sha1(body), '0')).toEqual(bulk('evicted but mine'))
    // Valkey still judges the form of the command.
    expect(isError(await alice.one('SCRIPT', 'EXISTS'))).toBe(true)
  }, 60_000)

  it("one sandbox's cjson settings, random seed and stopped garbage collector do not reach another's scripts", async () => {
    await alice.one(
      'EVAL',
      "cjson.encode_number_precision(3) cjson.encode_max_depth(2) collectgarbage('stop') math.randomseed(42) return 1",
      '0'
    )
    expect(await bob.one('EVAL', 'return cjson.encode({3.14159265358979})', '0')).toEqual(bulk('[3.1415926535898]'))
    expect(await bob.one('EVAL', 'return cjson.encode({{{1}}})', '0')).toEqual(bulk('[[[1]]]'))
    // Every script's random numbers start from the same seed, whatever another script seeded.
    const first = await bob.one('EVAL', 'return math.random(1000000)', '0')
    await alice.one('EVAL', 'math.randomseed(7) return 1', '0')
    expect(await bob.one('EVAL', 'return math.random(1000000)', '0')).toEqual(first)
    // The collector runs: 200,000 short-lived tables (about 8 MB) do not pile up.
    const grew = await bob.one(
      'EVAL',
      "local before = collectgarbage('count') for i=1,200000 do local t = {i} end return math.floor(collectgarbage('count') - before)",
      '0'
    )
    expect(grew.t === 'int' && Number(grew.n) < 4000).toBe(true)
  })

  it("one sandbox's changes to the string metatable (writable on Valkey 8) do not reach another's scripts", async () => {
    // Valkey 9 refuses the change (a read-only table); Valkey 8 allows it, for every later script.
    await alice.one(
      'EVAL',
      "pcall(function() local m = getmetatable('') m.__index = {rep = function() return 'taken' end} m.__len = 1 end) return 1",
      '0'
    )
    expect(await bob.one('EVAL', "return ('ab'):rep(2)", '0')).toEqual(bulk('abab'))
    expect(await bob.one('EVAL', "local n = 0 for _ in pairs(getmetatable('')) do n = n + 1 end return n", '0')).toEqual(int(1))
  })
})
