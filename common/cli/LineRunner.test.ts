import { describe, expect, it } from 'vitest'
import type { Reply } from '../protocol/index.ts'
import { LineRunner, type CommandResult, type Transport } from './LineRunner.ts'

function runner(answer: (args: string[]) => CommandResult, now?: () => number) {
  const sent: string[][] = []
  const transport: Transport = {
    run: (args) => {
      sent.push(args)
      return Promise.resolve(answer(args))
    },
    cancel: () => undefined,
  }
  return { runner: new LineRunner({ transport, now, help: (args) => `help for ${args.slice(1).join(' ')}\n` }), sent }
}
const reply = (r: Reply, ms = 1): CommandResult => ({ replies: [r], ms })

describe('LineRunner', () => {
  it('prints the time taken when a command took 500 ms or more', async () => {
    let clock = 0
    const { runner: r } = runner(
      () => reply({ t: 'nil' }, 1012),
      () => clock
    )
    const planned = r.plan('BLPOP k 1')
    clock = 1015
    expect(await planned.output()).toBe('(nil)\n(1.01s)\n')
  })

  it('does not blame a line for the time it waited behind earlier ones', async () => {
    let clock = 0
    const { runner: r } = runner(
      () => reply({ t: 'int', n: '1' }, 2),
      () => clock
    )
    const planned = r.plan('INCR a')
    clock = 5000
    expect(await planned.output()).toBe('(integer) 1\n')
  })

  it('answers client-side commands locally, as valkey-cli does', async () => {
    const { runner: r, sent } = runner(() => reply({ t: 'nil' }))
    expect(await r.plan('restart').output()).toBe("Use 'restart' only in Lua debugging mode.\n")
    expect(await r.plan(':set nohints').output()).toBe('')
    expect(r.hints).toBe(false)
    expect(await r.plan(':set colours').output()).toBe("unknown valkey-cli preference 'colours'\n")
    expect(await r.plan(':foo').output()).toBe("unknown valkey-cli internal command ':foo'\n")
    expect(await r.plan('help hset').output()).toBe('help for hset\n')
    expect(await r.plan('3 help hset').output()).toBe('help for hset\n')
    expect(await r.plan('quit').output()).toMatch(/keeps this session open/)
    expect(await r.plan('connect example.com 6379').output()).toMatch(/not available in the playground/)
    expect(sent).toEqual([])
    // With other arity these are ordinary commands, as in valkey-cli.
    await r.plan('connect x').output()
    await r.plan('clear now').output()
    expect(sent).toEqual([
      ['connect', 'x'],
      ['clear', 'now'],
    ])
  })

  it('keeps sensitive lines out of saved history and skips a bad repeat count entirely', () => {
    const { runner: r } = runner(() => reply({ t: 'str', s: 'OK' }))
    expect(r.plan('AUTH secret').history).toBe('add-sensitive')
    expect(r.plan('2 AUTH secret').history).toBe('add-sensitive')
    expect(r.plan('-1 PING').history).toBe('skip')
    expect(r.plan('GET "open').history).toBe('add')
    expect(r.plan('   ').history).toBe('skip')
  })

  it('tracks MULTI/EXEC/DISCARD/RESET where valkey-cli does', async () => {
    const { runner: r } = runner((args) => reply(args[0] === 'MULTI' ? { t: 'str', s: 'OK' } : { t: 'err', s: 'ERR x' }))
    await r.plan('MULTI').output()
    expect(r.inMulti).toBe(true)
    await r.plan('DISCARD').output() // an error reply: valkey-cli keeps (TX)
    expect(r.inMulti).toBe(true)
    await r.plan('EXEC').output() // EXEC leaves (TX) whatever its reply
    expect(r.inMulti).toBe(false)
  })

  it('sends a large repeat count in waves and prints every reply', async () => {
    let n = 0
    const { runner: r, sent } = runner(() => reply({ t: 'int', n: String(++n) }))
    const output = await r.plan('2500 INCR a').output()
    expect(sent).toHaveLength(2500)
    expect(output.split('\n').filter(Boolean)).toHaveLength(2500)
    expect(output.endsWith('(integer) 2500\n')).toBe(true)
  })

  it('follows the database as valkey-cli does: SELECT that succeeds, back on a failed EXEC or DISCARD, 0 on RESET', async () => {
    const answers: Record<string, Reply> = { select: { t: 'str', s: 'OK' }, multi: { t: 'str', s: 'OK' }, discard: { t: 'str', s: 'OK' } }
    let execReply: Reply = { t: 'arr', a: [] }
    const moves: number[] = []
    const lines = new LineRunner({
      transport: {
        run: (args) => {
          const name = args[0]!.toLowerCase()
          if (name === 'select' && args[1] === '99') return Promise.resolve(reply({ t: 'err', s: 'ERR DB index is out of range' }))
          if (name === 'reset') return Promise.resolve(reply({ t: 'str', s: 'RESET' }))
          return Promise.resolve(reply(name === 'exec' ? execReply : (answers[name] ?? { t: 'nil' })))
        },
        cancel: () => undefined,
      },
      onDb: (db) => moves.push(db),
    })
    const run = (line: string) => lines.plan(line).output()
    await run('SELECT 2')
    expect(lines.db).toBe(2)
    await run('SELECT 99')
    expect(lines.db).toBe(2)
    // Inside MULTI the SELECT is QUEUED, not an error: the prompt moves at once...
    await run('MULTI')
    await run('SELECT 5')
    expect(lines.db).toBe(5)
    // ...and comes back when the transaction did not run.
    execReply = { t: 'err', s: 'EXECABORT Transaction discarded because of previous errors.' }
    await run('EXEC')
    expect(lines.db).toBe(2)
    await run('MULTI')
    await run('SELECT 7')
    await run('DISCARD')
    expect(lines.db).toBe(2)
    execReply = { t: 'arr', a: [{ t: 'str', s: 'OK' }] }
    await run('MULTI')
    await run('SELECT 4')
    await run('EXEC')
    expect(lines.db).toBe(4)
    await run('RESET')
    expect(lines.db).toBe(0)
    expect(moves).toEqual([2, 5, 2, 7, 2, 4, 0])
  })
})
