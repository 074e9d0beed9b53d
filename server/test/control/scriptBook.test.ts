/**
 * Script books kept in the control Valkey: a sandbox's scripts, loaded through one playground
 * process, are known to another process (EVALSHA, SCRIPT EXISTS, SCRIPT SHOW), within the limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { ScriptBook, sha1, MAX_SCRIPTS } from '../../src/sandbox/ScriptBook.ts'
import { ScriptStore } from '../../src/control/ScriptStore.ts'
import { ControlServer } from './controlServer.ts'
import { startInstance, stopInstance, until, type Instance } from './fixtures.ts'

describe('script book in the control server', () => {
  let server: ControlServer
  let one: Instance
  let two: Instance
  const bookOf = (instance: Instance) =>
    new ScriptBook('', null, new ScriptStore(instance.link, { maxScripts: MAX_SCRIPTS, maxBytes: 4 << 20 }))

  beforeAll(async () => {
    server = await ControlServer.start(inject('valkeyServer'))
    one = await startInstance(server.port, 'one')
    two = await startInstance(server.port, 'two')
  })
  afterAll(async () => {
    for (const instance of [one, two]) if (instance) await stopInstance(instance)
    await server?.stop()
  })

  it("a second process knows the first one's scripts once it has loaded the sandbox's book", async () => {
    const first = bookOf(one)
    const second = bookOf(two)
    const body = "return 'loaded elsewhere'"
    const loaded = first.fence(100_007, ['SCRIPT', 'LOAD', body])!
    expect(loaded.mapReply!({ t: 'bulk', s: 'x' })).toEqual({ t: 'bulk', s: sha1(body) })
    // Before loading, the second process knows nothing of it: Valkey itself answers NOSCRIPT.
    expect(second.fence(100_007, ['EVALSHA', sha1(body), '0'])!.args[1]).toBe('ffffffffffffffffffffffffffffffffffffffff')
    await until(
      async () => ((await new ScriptStore(two.link, { maxScripts: 1, maxBytes: 1 }).read(100_007)).length === 1 ? true : undefined),
      'the book to be stored'
    )
    await second.load(100_007)
    const evalsha = second.fence(100_007, ['EVALSHA', sha1(body), '0'])!
    expect(evalsha.args.slice(0, 2)).toEqual(['EVAL', body])
    expect(await two.control.call(evalsha.args[0]!, ...evalsha.args.slice(1))).toBe('loaded elsewhere')
    const exists = second.fence(100_007, ['SCRIPT', 'EXISTS', sha1(body), sha1('other')])!
    const reply = await two.control.call(exists.args[0]!, ...exists.args.slice(1))
    expect(exists.mapReply!({ t: 'arr', a: (reply as number[]).map((n) => ({ t: 'int', n: String(n) })) })).toEqual({
      t: 'arr',
      a: [
        { t: 'int', n: '1' },
        { t: 'int', n: '0' },
      ],
    })
    // Another sandbox (same database number on another server) does not see it.
    expect(second.fence(7, ['SCRIPT', 'EXISTS', sha1(body)])!.args[2]).toBe('ffffffffffffffffffffffffffffffffffffffff')
    // A sandbox that changes hands loses its book everywhere.
    await first.forget(100_007)
    const third = bookOf(two)
    await third.load(100_007)
    expect(third.fence(100_007, ['EVALSHA', sha1(body), '0'])!.args[0]).toBe('EVALSHA')
  })

  it('the stored book keeps the most recent 500 scripts, as the one in memory does', async () => {
    const book = bookOf(one)
    for (let i = 0; i < MAX_SCRIPTS + 20; i++) book.fence(42, ['EVAL', `return ${i}`, '0'])
    const store = new ScriptStore(two.link, { maxScripts: MAX_SCRIPTS, maxBytes: 4 << 20 })
    const stored = await until(async () => {
      const scripts = await store.read(42)
      return scripts.some((s) => s.body === `return ${MAX_SCRIPTS + 19}`) ? scripts : undefined
    }, 'the last script to be stored')
    expect(stored).toHaveLength(MAX_SCRIPTS)
    expect(stored[0]!.body).toBe('return 20')
  })
})
