/**
 * Bad input at the WebSocket edge: every malformed frame gets a clear answer,
 * nothing crashes, and the sandbox keeps working afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Playground } from '../src/app.ts'
import { CLOSE_CODES, LIMITS } from '../../common/protocol/index.ts'
import { TestClient, bulk, eventually, startTestPlayground } from './helpers.ts'

let playground: Playground

beforeAll(async () => {
  playground = await startTestPlayground()
})
afterAll(() => playground?.close())

describe('malformed frames', () => {
  it('answers each bad frame with an error message and keeps the socket open', async () => {
    const client = await TestClient.connect(playground.port)
    const frames: (string | Buffer)[] = [
      'not json at all',
      '{"type":',
      '[]',
      'null',
      '42',
      JSON.stringify({ type: 'launch-missiles' }),
      JSON.stringify({ noType: true }),
      JSON.stringify({ type: 'command', id: -1, args: ['PING'] }),
      JSON.stringify({ type: 'command', id: 1.5, args: ['PING'] }),
      JSON.stringify({ type: 'command', id: 1, args: [] }),
      JSON.stringify({ type: 'command', id: 1, args: 'PING' }),
      JSON.stringify({ type: 'command', id: 1, args: [42] }),
      JSON.stringify({ type: 'command', id: 1, args: ['GET', 'caf\u00e9\u20ac'] }),
      JSON.stringify({ type: 'hello', v: 1, token: null }),
      Buffer.from([0, 1, 2, 255]),
    ]
    for (const frame of frames) client.ws.send(frame)
    await eventually(() => (client.of('error').length === frames.length ? true : undefined), 'an error per bad frame')
    expect(client.of('error').map((e) => e.code)).toEqual([
      'bad_json',
      'bad_json',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'unknown_type',
      'unknown_type',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
      'bad_frame',
    ])
    expect(client.closeCode).toBeNull()
    expect(JSON.stringify(client.of('error'))).not.toMatch(/at .*\.ts:\d+/) // no stack traces
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    client.close()
  })

  it('refuses commands before the handshake', async () => {
    const client = await TestClient.open(playground.port)
    client.sendJson({ type: 'command', id: 1, args: ['PING'] })
    await eventually(() => client.of('error')[0], 'error')
    expect(client.of('error')[0]!.code).toBe('not_ready')
    client.close()
  })

  it('closes with a reason when the protocol version is wrong', async () => {
    const client = await TestClient.open(playground.port)
    client.sendJson({ type: 'hello', v: 999, token: null })
    await client.closed()
    expect(client.closeCode).toBe(CLOSE_CODES.versionMismatch)
    expect(client.closeReason).toMatch(/protocol v999 is not supported/)
  })

  it('closes a socket that never says hello', async () => {
    const quick = await startTestPlayground({}, { helloTimeoutMs: 200 })
    const client = await TestClient.open(quick.port)
    await client.closed()
    expect(client.closeCode).toBe(CLOSE_CODES.noHello)
    expect(client.closeReason).toBe('expected a hello message first')
    await quick.close()
  })

  it('closes the socket on a frame larger than the limit (1009), and the server lives on', async () => {
    const client = await TestClient.connect(playground.port)
    client.ws.send('x'.repeat(LIMITS.maxFrameBytes + 1))
    await client.closed()
    expect(client.closeCode).toBe(1009)
    const next = await TestClient.connect(playground.port, client.token)
    expect(await next.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    next.close()
  })

  it('refuses a command over the byte limit with an error, not a crash', async () => {
    const client = await TestClient.connect(playground.port)
    client.sendJson({ type: 'command', id: 7, args: ['SET', 'k', 'v'.repeat(LIMITS.maxCommandBytes)] })
    await eventually(() => client.of('error')[0], 'error')
    expect(client.of('error')[0]!.code).toBe('too_large')
    client.close()
  })

  it('rejects WebSocket upgrades from another site, and on other paths', async () => {
    const foreign = new WebSocket(`ws://127.0.0.1:${playground.port}/ws`, { origin: 'https://evil.example' })
    const status = await new Promise<number>((resolve) =>
      foreign.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0))
    )
    expect(status).toBe(403)
    const wrongPath = new WebSocket(`ws://127.0.0.1:${playground.port}/not-here`)
    const status2 = await new Promise<number>((resolve) =>
      wrongPath.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0))
    )
    expect(status2).toBe(404)
  })

  it('rejects a DNS-rebinding page (its Origin and Host agree on a name that is not ours) and accepts real origins', async () => {
    const status = (options: { origin: string; host: string }) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${playground.port}/ws`, { origin: options.origin, headers: { host: options.host } })
        ws.on('open', () => (ws.close(), resolve(101)))
        ws.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0))
        ws.on('error', () => undefined)
      })
    const port = playground.port
    expect(await status({ origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).toBe(403)
    expect(await status({ origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` })).toBe(101)
    expect(await status({ origin: `http://localhost:${port}`, host: `localhost:${port}` })).toBe(101)
    expect(await status({ origin: `http://192.168.1.20:${port}`, host: `192.168.1.20:${port}` })).toBe(101)
  })
})

describe('binary and unusual values', () => {
  it('round-trips every byte value through a key and value', async () => {
    const client = await TestClient.connect(playground.port)
    let all = ''
    for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte)
    await client.one('HSET', `bin\x00key\xff`, `field\x00\x01`, all)
    expect(await client.one('HGET', `bin\x00key\xff`, `field\x00\x01`)).toEqual(bulk(all))
    expect(await client.one('HKEYS', `bin\x00key\xff`)).toEqual({ t: 'arr', a: [bulk('field\x00\x01')] })
    client.close()
  })

  it('pipelines a burst of commands and answers all of them in order', async () => {
    const client = await TestClient.connect(playground.port)
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1)
    for (const id of ids) client.sendJson({ type: 'command', id, args: ['INCR', 'counter'] })
    await eventually(() => (client.of('reply').length === ids.length ? true : undefined), '1000 replies')
    expect(client.of('reply').map((r) => r.id)).toEqual(ids)
    expect(client.of('reply').map((r) => (r.replies[0] as { n: string }).n)).toEqual(ids.map(String))
    client.close()
  })
})

describe('replies no page can be sent', () => {
  it('a reply nested thousands of levels deep is an error reply, and the playground and the socket live on', async () => {
    const client = await TestClient.connect(playground.port)
    const reply = await client.one('EVAL', 'local t={} local c=t for i=1,3000 do c[1]={} c=c[1] end return t', '0')
    expect(reply).toEqual({ t: 'err', s: expect.stringContaining('nested more than 128 levels deep') })
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    // Another browser was never affected.
    const other = await TestClient.connect(playground.port)
    expect(await other.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    client.close()
    other.close()
  })

  it('a reply larger than the limit (MGET of 16 MB values of NUL bytes) is an error reply, and the next command works', async () => {
    const client = await TestClient.connect(playground.port)
    await client.one('EVAL', "for i=1,3 do server.call('SET', 'nul'..i, string.rep('\\0', 16*1024*1024 - 1)) end return 1", '0')
    const reply = await client.one('MGET', 'nul1', 'nul2', 'nul3')
    expect(reply).toEqual({ t: 'err', s: expect.stringContaining('larger than 32 MB') })
    expect(await client.one('STRLEN', 'nul1')).toEqual({ t: 'int', n: String(16 * 1024 * 1024 - 1) })
    expect(await client.one('DEL', 'nul1', 'nul2', 'nul3')).toEqual({ t: 'int', n: '3' })
    client.close()
  })
})
