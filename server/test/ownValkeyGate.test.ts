/**
 * Inspect mode writes nothing unless asked (issue 14). Read-only, every command the server's own
 * table flags as writing or administrative, and every script that may write, is refused with the
 * gate's message before it reaches the server, inside MULTI too; what would break the terminal's
 * reply pairing is refused in every mode. With --write, writes run but what can empty or stop the
 * server still needs --dangerous. After each refusal the data is checked by another client.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { bulk, eventually, int, ok } from './helpers.ts'
import {
  connectOwnValkey,
  err,
  inspectTargets,
  arr,
  readOnlyRefusal,
  runOn,
  startOwnValkeyOn,
  str,
  takesDownRefusal,
  TARGET_PASSWORD,
  Teardown,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

/** Refused in every mode, --dangerous included: each would break one-reply-per-command. */
const PAIRING_REFUSALS: [string[], string][] = [
  [
    ['MONITOR'],
    'ERR MONITOR streams every command forever; the terminal pairs one reply with each command. Run valkey-cli MONITOR in a shell instead',
  ],
  [['CLIENT', 'REPLY', 'OFF'], 'ERR CLIENT REPLY would make the server skip replies the terminal waits for'],
  [['HELLO', '3'], 'NOPROTO this terminal speaks RESP2, like valkey-cli by default; HELLO 3 is not available'],
]

const WRITE_SCRIPT = "return redis.call('SET', KEYS[1], 'from-script')"
/** A function that writes (not flagged no-writes): FCALL may run it, FCALL_RO may not. */
const LIBRARY = "#!lua name=gatelib\nredis.register_function('touch', function(keys) return redis.call('SET', keys[1], 'f') end)"

/** What the data looks like, read by another client: refusals must leave it exactly so. */
const snapshot = (target: TargetServer) =>
  runOn(target, 0, [['GET', 'gate:s'], ['HGETALL', 'gate:h'], ['TTL', 'gate:s'], ['EXISTS', 'gate:new', 'a'], ['DBSIZE']])

describe.each(inspectTargets())('inspect mode refuses what it must ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let readOnly: OwnValkeyServer
  let before: unknown[]
  const connect = async (server: OwnValkeyServer) => teardown.client(await connectOwnValkey(server.port))

  beforeAll(async () => {
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD }), (t) => t.stop())
    await runOn(target, 0, [
      ['SET', 'gate:s', 'original'],
      ['HSET', 'gate:h', 'f', '1'],
    ])
    expect(await runCommands(target, [['FUNCTION', 'LOAD', LIBRARY]])).toEqual(['gatelib'])
    before = await snapshot(target)
    expect(before).toEqual(['original', ['f', '1'], -1, 0, 2])
    readOnly = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('read-only: refuses writes, administration and scripts that may write, word for word, and leaves the data alone', async () => {
    const client = await connect(readOnly)
    const refused: [string[], string][] = [
      [['SET', 'gate:s', 'changed'], readOnlyRefusal('SET', 'writes')],
      [['HSET', 'gate:h', 'f', '2'], readOnlyRefusal('HSET', 'writes')],
      [['DEL', 'gate:s'], readOnlyRefusal('DEL', 'writes')],
      [['EXPIRE', 'gate:s', '10'], readOnlyRefusal('EXPIRE', 'writes')],
      [['FLUSHDB'], readOnlyRefusal('FLUSHDB', 'writes')],
      [['FLUSHALL'], readOnlyRefusal('FLUSHALL', 'writes')],
      [['CONFIG', 'SET', 'maxmemory', '1'], readOnlyRefusal('CONFIG SET', 'admin')],
      [['EVAL', WRITE_SCRIPT, '1', 'gate:new'], readOnlyRefusal('EVAL', 'script')],
      [['FCALL', 'touch', '1', 'gate:new'], readOnlyRefusal('FCALL', 'script')],
      [['SHUTDOWN'], readOnlyRefusal('SHUTDOWN', 'admin')],
      [['DEBUG', 'SLEEP', '0'], readOnlyRefusal('DEBUG', 'admin')],
      // A few more that change the server without touching a key; judged by their own subcommand entries.
      [['SWAPDB', '0', '9'], readOnlyRefusal('SWAPDB', 'writes')],
      [['FUNCTION', 'DELETE', 'gatelib'], readOnlyRefusal('FUNCTION DELETE', 'writes')],
      [['SCRIPT', 'FLUSH'], readOnlyRefusal('SCRIPT FLUSH', 'script')],
      [['CLIENT', 'PAUSE', '10'], readOnlyRefusal('CLIENT PAUSE', 'admin')],
      [['CLIENT', 'KILL', 'ID', '999999'], readOnlyRefusal('CLIENT KILL', 'admin')],
      [['ACL', 'SETUSER', 'intruder', 'on'], readOnlyRefusal('ACL SETUSER', 'admin')],
    ]
    // Lower case is judged the same (the table is looked up by name, not by spelling).
    refused.push([['set', 'gate:new', 'x'], readOnlyRefusal('SET', 'writes')])
    for (const [args, refusal] of refused) expect([args.join(' '), await client.run(...args)]).toEqual([args.join(' '), [err(refusal)]])
    expect(await snapshot(target)).toEqual(before)
    expect(
      await runCommands(target, [
        ['FUNCTION', 'LIST', 'LIBRARYNAME', 'gatelib'],
        ['ACL', 'GETUSER', 'intruder'],
      ])
    ).toEqual([[expect.arrayContaining(['library_name', 'gatelib'])], null])
    // Reads go through, and so do the diagnostics that only read the server's state.
    for (const line of [
      ['CONFIG', 'GET', 'maxmemory'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'INFO'],
      ['SLOWLOG', 'GET', '5'],
      ['LATENCY', 'LATEST'],
      ['MEMORY', 'STATS'],
      ['INFO', 'server'],
      ['ACL', 'WHOAMI'],
      ['COMMAND', 'COUNT'],
    ]) {
      const [reply] = await client.run(...line)
      expect([line.join(' '), reply!.t]).not.toEqual([line.join(' '), 'err'])
    }
    expect(await client.one('CONFIG', 'GET', 'maxmemory')).toEqual(arr(bulk('maxmemory'), bulk('0')))
    expect(await client.one('GET', 'gate:s')).toEqual(bulk('original'))
    expect(await client.one('HGET', 'gate:h', 'f')).toEqual(bulk('1'))
    expect(await client.one('TTL', 'gate:s')).toEqual(int(-1))
  })

  it('read-only: a refusal inside MULTI makes EXEC fail, as any rejected command would', async () => {
    const client = await connect(readOnly)
    expect(await client.one('MULTI')).toEqual(ok)
    expect(await client.one('GET', 'gate:s')).toEqual(str('QUEUED'))
    expect(await client.one('SET', 'a', 'b')).toEqual(err(readOnlyRefusal('SET', 'writes')))
    expect(await client.one('EXEC')).toEqual(err('EXECABORT Transaction discarded because of previous errors.'))
    // Out of the transaction again: the connection goes on normally.
    expect(await client.one('GET', 'gate:s')).toEqual(bulk('original'))
    expect(await snapshot(target)).toEqual(before)
  })

  it('read-only: the same in one pipelined paste, where the refusal is decided before MULTI is answered', async () => {
    const client = await connect(readOnly)
    client.sendJson({
      type: 'commands',
      list: [
        { id: 901, args: ['MULTI'] },
        { id: 902, args: ['SET', 'a', 'b'] },
        { id: 903, args: ['HSET', 'gate:h', 'f', '9'] },
        { id: 904, args: ['EXEC'] },
        { id: 905, args: ['HGET', 'gate:h', 'f'] },
      ],
    })
    const replies = await Promise.all([901, 902, 903, 904, 905].map((id) => eventually(() => client.replyTo(id), `reply ${id}`)))
    expect(replies).toEqual([
      [ok],
      [err(readOnlyRefusal('SET', 'writes'))],
      [err(readOnlyRefusal('HSET', 'writes'))],
      [err('EXECABORT Transaction discarded because of previous errors.')],
      [bulk('1')],
    ])
    expect(await snapshot(target)).toEqual(before)
  })

  it('read-only: EVAL_RO and FCALL_RO run, and the server itself stops a read-only script that writes', async () => {
    const client = await connect(readOnly)
    expect(await client.one('EVAL_RO', "return redis.call('GET', KEYS[1])", '1', 'gate:s')).toEqual(bulk('original'))
    const sha = createHash('sha1').update(WRITE_SCRIPT).digest('hex')
    const reply = await client.one('EVAL_RO', WRITE_SCRIPT, '1', 'gate:new')
    // Valkey 9 no longer names the script's sha in this error; Valkey 8 and Redis 7 do.
    expect(reply.t).toBe('err')
    expect(reply.t === 'err' && reply.s).toMatch(
      new RegExp(`^ERR Write commands are not allowed from read-only scripts\\. script: (${sha}, )?on @user_script:1\\.$`)
    )
    // The function is not flagged no-writes, so the server refuses it under FCALL_RO.
    const fcall = await client.one('FCALL_RO', 'touch', '1', 'gate:new')
    expect(fcall).toEqual(err('ERR Can not execute a script with write flag using *_ro command.'))
    expect(await snapshot(target)).toEqual(before)
  })

  it('refuses what would break the terminal’s reply pairing in every mode, and the terminal goes on', async () => {
    const writable = teardown.add(await startOwnValkeyOn(target, { write: true, dangerous: true }), (i) => i.close())
    for (const server of [readOnly, writable]) {
      const client = await connect(server)
      for (const [args, refusal] of PAIRING_REFUSALS) expect(await client.run(...args)).toEqual([err(refusal)])
      expect(await client.one('PING')).toEqual(str('PONG'))
    }
  })

  it('--write: writes run, FLUSHDB, FLUSHALL, SHUTDOWN and DEBUG are still refused', async () => {
    const writable = teardown.add(await startOwnValkeyOn(target, { write: true }), (i) => i.close())
    const client = await connect(writable)
    expect(client.welcome!.server.inspect).toMatchObject({ readOnly: false, dangerous: false })
    expect(await client.one('SET', 'gate:new', 'written')).toEqual(ok)
    expect(await client.one('EVAL', WRITE_SCRIPT, '1', 'gate:script')).toEqual(ok)
    for (const [args, name] of [
      [['FLUSHDB'], 'FLUSHDB'],
      [['FLUSHALL', 'ASYNC'], 'FLUSHALL'],
      [['SHUTDOWN', 'NOSAVE'], 'SHUTDOWN'],
      [['DEBUG', 'SLEEP', '0'], 'DEBUG'],
    ] as const) {
      expect(await client.run(...args)).toEqual([err(takesDownRefusal(name))])
    }
    // Inside MULTI the same refusal aborts the transaction: nothing of it runs.
    expect(await client.one('MULTI')).toEqual(ok)
    expect(await client.one('SET', 'gate:multi', '1')).toEqual(str('QUEUED'))
    expect(await client.one('FLUSHDB')).toEqual(err(takesDownRefusal('FLUSHDB')))
    expect(await client.one('EXEC')).toEqual(err('EXECABORT Transaction discarded because of previous errors.'))
    expect(await runOn(target, 0, [['GET', 'gate:new'], ['GET', 'gate:script'], ['EXISTS', 'gate:multi'], ['DBSIZE']])).toEqual([
      'written',
      'from-script',
      0,
      4,
    ])
    await runOn(target, 0, [['DEL', 'gate:new', 'gate:script']])
  })

  it('--write --dangerous: FLUSHDB runs (on a throwaway database), the others stay untouched', async () => {
    const dangerous = teardown.add(await startOwnValkeyOn(target, { write: true, dangerous: true }), (i) => i.close())
    const client = await connect(dangerous)
    expect(client.welcome!.server.inspect).toMatchObject({ readOnly: false, dangerous: true })
    expect(await client.one('SELECT', '9')).toEqual(ok)
    expect(await client.one('SET', 'throwaway', '1')).toEqual(ok)
    expect(await client.one('DBSIZE')).toEqual(int(1))
    expect(await client.one('FLUSHDB')).toEqual(ok)
    expect(await client.one('DBSIZE')).toEqual(int(0))
    expect(await snapshot(target)).toEqual(before)
  })
})
