/**
 * The session-manager module (SESSION.* and CUSTOM.*), as the playground's Functions library, against
 * the real Valkey: every reply and error the module's description gives,
 * the README's example, atomicity of CREATE, and the fence (one sandbox's sessions are invisible
 * to another; no sandbox can load, replace or delete a library).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { Reply, ServerMessage } from '../../common/protocol/index.ts'
import { TestClient, appendOnlyFileWritten, bulk, eventually, int, startTestPlayground } from './helpers.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
/** RFC 3339 in UTC with the fraction as chrono trims it (Valkey's TIME has microseconds). */
const STAMP = (end: string) => new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3}|\\.\\d{6})?${end}$`)
const str = (s: string): Reply => ({ t: 'str', s })
const text = (reply: Reply) => ('s' in reply ? reply.s : '')

/** The reply message of the last command a client sent (with its `ran`). */
function lastReply(client: TestClient): Extract<ServerMessage, { type: 'reply' }> {
  const replies = client.of('reply')
  return replies[replies.length - 1]!
}

describe('the session-manager commands', () => {
  let playground: Playground
  let client: TestClient

  beforeAll(async () => {
    playground = await startTestPlayground()
    client = await TestClient.connect(playground.port)
  })
  afterAll(async () => {
    client?.close()
    await playground?.close()
  })

  it("run the module README's example with the module's replies", async () => {
    const created = await client.one('SESSION.CREATE', 'user123')
    expect(created.t).toBe('str')
    const id = text(created).replace(/^Session created: /, '')
    expect(text(created)).toBe(`Session created: ${id}`)
    expect(id).toMatch(UUID_V4)
    // The terminal is told the real command, to show it above the reply.
    expect(lastReply(client).ran).toEqual(['FCALL', 'session_create', '3', 'custom:map', 'sessions', `session:${id}`, 'user123', id])

    const list = await client.one('SESSION.LIST')
    expect(list.t).toBe('arr')
    const line = list.t === 'arr' ? text(list.a[0]!) : ''
    expect(line).toMatch(new RegExp(`^ID: ${id}, Key: user123, Created: `))
    expect(line.replace(/^.*Created: /, '')).toMatch(STAMP('\\+00:00'))

    expect(await client.one('SESSION.ADD_DATA', id, 'username', 'John Doe')).toEqual(str('OK'))
    expect(await client.one('SESSION.GET_DATA', id, 'username')).toEqual(bulk('John Doe'))

    const got = await client.one('SESSION.GET', id)
    expect(got.t).toBe('bulk')
    // The module's field order, and its timestamps with Z.
    expect(text(got)).toMatch(
      new RegExp(
        `^\\{"id":"${id}","user_key":"user123","created_at":"[^"]+","last_accessed":"[^"]+","data":\\{"username":"John Doe"\\}\\}$`
      )
    )
    const record = JSON.parse(text(got)) as { created_at: string; last_accessed: string }
    expect(record.created_at).toMatch(STAMP('Z'))
    expect(record.last_accessed).toMatch(STAMP('Z'))
    expect(Math.abs(Date.parse(record.created_at) - Date.now())).toBeLessThan(60_000)
    expect(record.last_accessed >= record.created_at).toBe(true)

    expect(await client.one('CUSTOM.GET', 'user123')).toEqual(bulk(id))
    expect(await client.one('SESSION.DELETE', id)).toEqual(int(1))
    expect(await client.one('CUSTOM.GET', 'user123')).toEqual({ t: 'nil' })
    // The session, its data and its index entry are gone.
    expect(await client.one('EXISTS', `session:${id}`, `session:${id}:data`)).toEqual(int(0))
    expect(await client.one('SESSION.LIST')).toEqual({ t: 'arr', a: [] })
  })

  it('answer for an existing key, a key mapped by hand, and unknown sessions as the module does', async () => {
    const first = text(await client.one('SESSION.CREATE', 'leia')).replace('Session created: ', '')
    expect(await client.one('SESSION.CREATE', 'leia')).toEqual(str(`Session exists: ${first}`))
    expect(await client.one('CUSTOM.SET', 'han', 'ghost-id')).toEqual(str('OK'))
    expect(await client.one('SESSION.CREATE', 'han')).toEqual(str('Session recreated: ghost-id'))
    expect(text(await client.one('SESSION.GET', 'ghost-id'))).toMatch(/^\{"id":"ghost-id","user_key":"han",/)

    // Errors carry no ERR prefix, like a module's; GET gives nil and DELETE 0.
    expect(await client.one('SESSION.ADD_DATA', 'nope', 'k', 'v')).toEqual({ t: 'err', s: 'Session not found: nope' })
    expect(await client.one('SESSION.GET_DATA', 'nope', 'k')).toEqual({ t: 'err', s: 'Session not found: nope' })
    expect(await client.one('SESSION.GET', 'nope')).toEqual({ t: 'nil' })
    expect(await client.one('SESSION.DELETE', 'nope')).toEqual(int(0))
    expect(await client.one('SESSION.GET_DATA', first, 'missing')).toEqual({ t: 'nil' })

    // The custom hashmap on its own.
    expect(await client.one('CUSTOM.DEL', 'nothing')).toEqual(int(0))
    const keys = await client.one('CUSTOM.KEYS')
    expect(keys.t === 'arr' ? keys.a.map(text).sort() : []).toEqual(['han', 'leia'])
  })

  it('check arity as the module does: missing arguments fail, extra ones are ignored except by LIST and KEYS', async () => {
    expect(await client.one('SESSION.CREATE')).toEqual({ t: 'err', s: "ERR wrong number of arguments for 'session.create' command" })
    expect(await client.one('session.add_data', 'a', 'b')).toEqual({
      t: 'err',
      s: "ERR wrong number of arguments for 'session.add_data' command",
    })
    expect(await client.one('SESSION.LIST', 'extra')).toEqual({ t: 'err', s: "ERR wrong number of arguments for 'session.list' command" })
    expect(await client.one('CUSTOM.KEYS', 'extra')).toEqual({ t: 'err', s: "ERR wrong number of arguments for 'custom.keys' command" })
    expect(await client.one('SESSION.GET', 'nope', 'extra')).toEqual({ t: 'nil' })
    // Any other name is Valkey's business, with Valkey's own error.
    expect(text(await client.one('SESSION.NOPE', 'x'))).toMatch(/^ERR unknown command 'SESSION\.NOPE'/)
  })

  it('keep data and values byte for byte, with JSON escapes in GET', async () => {
    const id = text(await client.one('SESSION.CREATE', 'bytes')).replace('Session created: ', '')
    expect(await client.one('SESSION.ADD_DATA', id, 'quote"back\\slash', 'line\nnul\x00\xff')).toEqual(str('OK'))
    expect(await client.one('SESSION.GET_DATA', id, 'quote"back\\slash')).toEqual(bulk('line\nnul\x00\xff'))
    expect(text(await client.one('SESSION.GET', id))).toContain('"data":{"quote\\"back\\\\slash":"line\\nnul\\u0000\xff"}')
  })

  it('make one session when two sockets race CREATE for one key', async () => {
    const other = await TestClient.connect(playground.port, client.token)
    const [a, b] = await Promise.all([client.one('SESSION.CREATE', 'racer'), other.one('SESSION.CREATE', 'racer')])
    const texts = [text(a), text(b)].sort()
    expect(texts[0]).toMatch(/^Session created: /)
    expect(texts[1]).toBe(`Session exists: ${texts[0]!.replace('Session created: ', '')}`)
    other.close()
  })

  it("keep each sandbox's sessions to itself", async () => {
    const id = text(await client.one('SESSION.CREATE', 'private')).replace('Session created: ', '')
    const stranger = await TestClient.connect(playground.port, null, '127.0.0.2')
    expect(await stranger.one('SESSION.GET', id)).toEqual({ t: 'nil' })
    expect(await stranger.one('SESSION.LIST')).toEqual({ t: 'arr', a: [] })
    expect(await stranger.one('CUSTOM.GET', 'private')).toEqual({ t: 'nil' })
    expect(await stranger.one('SESSION.DELETE', id)).toEqual(int(0))
    expect(text(await client.one('SESSION.GET', id))).toContain(`"id":"${id}"`)
    stranger.close()
  })

  it('let no sandbox load, replace or delete a library, in the terminal or in a script', async () => {
    const replace = "#!lua name=playground\nserver.register_function('session_list', function() return {'taken'} end)"
    for (const args of [
      ['FUNCTION', 'LOAD', 'REPLACE', replace],
      ['FUNCTION', 'DELETE', 'playground'],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'RESTORE', 'x'],
    ]) {
      expect(text(await client.one(...args)), args.join(' ')).toMatch(/^NOPERM FUNCTION is not available in the playground/)
    }
    expect(text(await client.one('EVAL', "return server.call('FUNCTION', 'DELETE', 'playground')", '0'))).toMatch(
      /^ERR This (Valkey|Redis) command is not allowed from script/
    )
    const list = await client.one('SESSION.LIST')
    expect(list.t === 'arr' && list.a.every((item) => text(item).startsWith('ID: '))).toBe(true)
    // The real command works when typed, too.
    expect(await client.one('FCALL_RO', 'custom_get', '1', 'custom:map', 'private')).toEqual(await client.one('CUSTOM.GET', 'private'))
  })

  it('answer an FCALL of their functions with bad keys or arguments with an error, and keep working', async () => {
    const cases: [string[], RegExp][] = [
      [['FCALL', 'session_get', '0'], /^ERR Command arguments must be strings or integers/],
      [['FCALL', 'session_create', '3', 'custom:map', 'sessions', 'session:x'], /^ERR Command arguments must be strings or integers/],
      [['FCALL', 'session_add_data', '1', 'session:x'], /^ERR user_function:\d+: attempt to concatenate/],
      [
        ['FCALL_RO', 'session_create', '3', 'custom:map', 'sessions', 'session:x', 'u', 'x'],
        /^ERR Can not execute a script with write flag/,
      ],
      [['FCALL', 'no_such_function', '0'], /^ERR Function not found/],
    ]
    for (const [args, expected] of cases) expect(text(await client.one(...args)), args.join(' ')).toMatch(expected)
    expect(await client.one('PING')).toEqual(str('PONG'))
    expect((await client.one('SESSION.LIST')).t).toBe('arr')
  })

  it('are in the help the terminal loads', async () => {
    const response = await fetch(`http://127.0.0.1:${playground.port}/api/command-docs`)
    const payload = (await response.json()) as { entries: { words: string[]; summary: string }[] }
    const names = payload.entries.map((entry) => entry.words.join(' '))
    for (const name of ['SESSION.CREATE', 'SESSION.GET_DATA', 'CUSTOM.KEYS']) expect(names).toContain(name)
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)))
  })
})

describe('the library after a restart of Valkey', () => {
  it('is there again and the sessions with it', async () => {
    const playground = await startTestPlayground()
    try {
      const client = await TestClient.connect(playground.port)
      const id = text(await client.one('SESSION.CREATE', 'durable')).replace('Session created: ', '')
      await appendOnlyFileWritten(playground)
      playground.embedded!.killForTest()
      await eventually(
        () => (client.of('notice').some((n) => /has been restarted; your sandbox is back/.test(n.text)) ? true : undefined),
        'the restart notice',
        20_000
      )
      // The first command after the crash may report the lost connection; after that it works.
      await client.one('PING')
      expect(await client.one('SESSION.CREATE', 'durable')).toEqual(str(`Session exists: ${id}`))
      client.close()
    } finally {
      await playground.close()
    }
  })
})
