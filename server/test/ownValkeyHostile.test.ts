/**
 * Bad input on inspect mode's new paths: bogus frames of every inspector message kind, the
 * playground's own kinds, a database that does not exist, replies deeper or larger than the proxy
 * keeps, and garbage in the HTTP requests the page key guards. Each gets a clear answer, nothing
 * crashes, and the socket (or the server) works afterwards. Run on Valkey 9 only: none of this
 * depends on which server is inspected.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { ERROR_CODES, LIMITS, type Reply } from '../../common/protocol/index.ts'
import type { TestClient } from './helpers.ts'
import { ask, connectOwnValkey, inspectTargets, next, startOwnValkeyOn, TARGET_PASSWORD, Teardown } from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

const pong: Reply = { t: 'str', s: 'PONG' }

/** A raw GET with any headers, to see the status the server answers (or that it answers at all). */
function status(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, timeout: 10_000 }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode ?? 0))
    })
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)))
    request.on('error', reject)
  })
}

describe('inspect mode under bad input', () => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer
  let client: TestClient

  beforeAll(async () => {
    const valkey9 = inspectTargets()[0]!
    target = teardown.add(await startTargetServer({ binary: valkey9.binary, password: TARGET_PASSWORD }), (t) => t.stop())
    // 40 values of 1 MB: one HSCAN page of them is larger than a reply the proxy keeps (32 MB).
    const megabyte = 'x'.repeat(1024 * 1024)
    const fields: string[] = []
    for (let i = 0; i < 40; i++) fields.push(`f${i}`, megabyte)
    await runCommands(target, [
      ['HSET', 'huge', ...fields],
      ['HSET', 'small', 'a', '1'],
    ])
    inspect = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
    client = teardown.client(await connectOwnValkey(inspect.port))
  })
  afterAll(() => teardown.run())

  it('answers every malformed inspector frame with an error and keeps the socket open', async () => {
    const bad: [unknown, string][] = [
      [{ type: 'moreKeys', pattern: '*', cursor: 'abc' }, ERROR_CODES.badFrame],
      [{ type: 'moreKeys', pattern: 'x'.repeat(LIMITS.maxInspectorText + 1), cursor: '0' }, ERROR_CODES.badFrame],
      [{ type: 'moreItems', key: 'k', cursor: '1-2-3' }, ERROR_CODES.badFrame],
      [{ type: 'moreItems', key: 'k', cursor: '9'.repeat(21) }, ERROR_CODES.badFrame],
      [{ type: 'searchValues', key: 'k', text: 'y'.repeat(257) }, ERROR_CODES.badFrame],
      [{ type: 'searchValues', key: 'k', text: 42 }, ERROR_CODES.badFrame],
      [{ type: 'searchValues', key: '\u0100', text: 'a' }, ERROR_CODES.badFrame],
      [{ type: 'selectDb', db: -1 }, ERROR_CODES.badFrame],
      [{ type: 'selectDb', db: 1.5 }, ERROR_CODES.badFrame],
      [{ type: 'selectDb', db: '0' }, ERROR_CODES.badFrame],
      [{ type: 'pollEvery', seconds: 0 }, ERROR_CODES.badFrame],
      [{ type: 'pollEvery', seconds: 61 }, ERROR_CODES.badFrame],
      [{ type: 'searchKeys', id: 1, pattern: '*', text: 'a', maxMatches: 1001, maxKeys: 1 }, ERROR_CODES.badFrame],
      [{ type: 'searchKeys', id: 1, pattern: '\u0100', text: 'a', maxMatches: 1, maxKeys: 1 }, ERROR_CODES.badFrame],
      [{ type: 'searchKeys', id: 'x', pattern: '*', text: 'a', maxMatches: 1, maxKeys: 1 }, ERROR_CODES.badFrame],
      [{ type: 'stopKeySearch', id: null }, ERROR_CODES.badFrame],
      // The playground's own kinds mean nothing here.
      [{ type: 'missionOpen', id: 'cantina-sessions' }, ERROR_CODES.forbidden],
      [{ type: 'instructorHello', v: 1, key: 'x' }, ERROR_CODES.forbidden],
      [{ type: 'setName', name: 'Eve' }, ERROR_CODES.forbidden],
      [{ type: 'hello', v: 1, token: null, name: null }, ERROR_CODES.badFrame],
    ]
    for (const [frame, code] of bad) {
      const from = client.messages.length
      client.sendJson(frame)
      const answer = await next(client, 'error', from)
      expect(answer.code, JSON.stringify(frame).slice(0, 80)).toBe(code)
    }
    const from = client.messages.length
    client.ws.send('{not json')
    expect((await next(client, 'error', from)).code).toBe(ERROR_CODES.badJson)
    client.ws.send(Buffer.from([0, 1, 2]), { binary: true })
    expect((await next(client, 'error', from, (m) => m.code === ERROR_CODES.badFrame)).message).toContain('binary frames')
    expect(await client.run('PING')).toEqual([pong])
  })

  it('a database that does not exist is said so, and choosing another one works', async () => {
    const from = client.messages.length
    client.sendJson({ type: 'selectDb', db: 999_999 })
    await next(client, 'inspectorDb', from, (m) => m.db === 999_999)
    client.sendJson({ type: 'watchKeys', pattern: '*' })
    const notice = await next(client, 'notice', from, (m) => m.text.includes('cannot use database 999999'))
    expect(notice.text).toMatch(/^The inspector could not read what it shows: cannot use database 999999: ERR DB index is out of range/)
    // A search there fails with the server's words, and ends.
    const failed = await ask(client, { type: 'searchKeys', id: 77, pattern: '*', text: 'a', maxMatches: 1, maxKeys: 1 }, 'keySearch')
    expect(failed).toMatchObject({ id: 77, state: 'failed', error: expect.stringMatching(/cannot use database 999999/) as unknown })
    await ask(client, { type: 'selectDb', db: 0 }, 'inspectorDb', (m) => m.db === 0)
    const keys = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(keys.keys.map((k) => k.key).sort()).toEqual(['huge', 'small'])
  })

  it('a key whose page is larger than a reply may be is said so, in the inspector and the terminal, and both go on', async () => {
    const from = client.messages.length
    client.sendJson({ type: 'openKey', key: 'huge', match: '*' })
    const notice = await next(client, 'notice', from, (m) => m.text.includes('larger than 32 MB'), 20_000)
    expect(notice.text).toBe(
      'The inspector could not read what it shows: ERR the reply is larger than 32 MB, more than the playground shows; ask for less (a range, SCAN, HSCAN)'
    )
    expect(await client.run('HGETALL', 'huge')).toEqual([
      { t: 'err', s: 'ERR the reply is larger than 32 MB, more than the playground shows; ask for less (a range, SCAN, HSCAN)' },
    ])
    const view = await ask(client, { type: 'openKey', key: 'small', match: '*' }, 'keyView', (m) => m.key === 'small')
    expect(view.fields).toEqual([{ field: 'a', value: '1', expiresAt: null }])
    expect(await client.run('PING')).toEqual([pong])
  })

  it('a reply nested deeper than the proxy keeps (a read-only script) is an error reply, and the terminal goes on', async () => {
    const script = 'local t = {} local c = t for i = 1, 300 do c[1] = {} c = c[1] end return t'
    const [reply] = await client.run('EVAL_RO', script, '0')
    expect(reply).toEqual({ t: 'err', s: 'ERR the reply is nested more than 128 levels deep, more than the playground shows' })
    expect(await client.run('PING')).toEqual([pong])
  })

  it('answers garbage in the requests the key guards with 401 or 431, never a crash', async () => {
    const port = inspect.port
    expect(await status(port, '/', { cookie: `${'a'.repeat(3000)}=${'b'.repeat(3000)}; ;;=; x` })).toBe(401)
    expect(await status(port, `/?key=${'k'.repeat(8000)}`)).toBe(401)
    expect(await status(port, '/?key=%E0%A4%A')).toBe(401)
    expect(await status(port, '/%E0%A4%A')).toBe(401)
    expect(await status(port, '/', { authorization: 'Bearer' })).toBe(401)
    expect(await status(port, '/', { authorization: `Bearer ${'z'.repeat(5000)}` })).toBe(401)
    // Larger than Node's header limit: refused before anything of ours runs.
    expect(await status(port, '/', { cookie: 'c'.repeat(20_000) })).toBe(431)
    // And it still answers the right key.
    expect(await status(port, '/healthz', { authorization: 'Bearer inspect-test-key-0123456789' })).toBe(200)
  })
})
