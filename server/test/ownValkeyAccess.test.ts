/**
 * Inspect mode's page key (issue 14): it shows someone's own database, so every request and every
 * socket must present the key, as a notebook server asks for its token. The printed link's
 * `?key=` is traded once for an HttpOnly cookie and taken out of the address; programs may send
 * `Authorization: Bearer`. An address that keeps presenting wrong keys is refused for a while,
 * even with the right one, while other addresses are not.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { TestClient } from './helpers.ts'
import { BEARER, connectOwnValkey, INSPECT_KEY, inspectTargets, startOwnValkeyOn, TARGET_PASSWORD, Teardown } from './ownValkeyHelpers.ts'
import { startTargetServer, type TargetServer } from './targetServer.ts'

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A GET, from `from` (a loopback address standing for another visitor) when given. */
function get(port: number, path: string, options: { headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: options.headers ?? {},
        ...(options.from ? { localAddress: options.from } : {}),
        timeout: 10_000,
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
      }
    )
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)))
    request.on('error', reject)
  })
}

/** The upgrade's refusal, as the ws client reports a non-101 answer. */
const refusedWith = (status: number) => `Unexpected server response: ${status}`

describe.each(inspectTargets())('inspect mode needs its key ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer

  beforeAll(async () => {
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD }), (t) => t.stop())
    inspect = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('prints a link that carries the key', () => {
    expect(inspect.url).toBe(`http://127.0.0.1:${inspect.port}/?key=${INSPECT_KEY}`)
    expect(inspect.address).toBe(`http://127.0.0.1:${inspect.port}/`)
  })

  it('refuses a socket without the key or with a wrong one (401), and greets one with the right Bearer key', async () => {
    await expect(TestClient.open(inspect.port)).rejects.toThrow(refusedWith(401))
    await expect(TestClient.open(inspect.port, { headers: { authorization: 'Bearer not-the-key-0123456789' } })).rejects.toThrow(
      refusedWith(401)
    )
    await expect(TestClient.open(inspect.port, { headers: { authorization: INSPECT_KEY } })).rejects.toThrow(refusedWith(401))
    const client = teardown.client(await connectOwnValkey(inspect.port, { headers: BEARER }))
    expect(client.welcome!.server.inspect).toMatchObject({ readOnly: true })
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
  })

  it('refuses a page request without the key with an explanation (401)', async () => {
    const answer = await get(inspect.port, '/')
    expect(answer.status).toBe(401)
    expect(answer.headers['cache-control']).toBe('no-store')
    expect(answer.body).toContain('<h1>This inspector needs its key</h1>')
    expect((await get(inspect.port, '/?key=wrong-key-0123456789')).status).toBe(401)
    expect((await get(inspect.port, '/healthz')).status).toBe(401)
    expect((await get(inspect.port, '/api/command-docs')).status).toBe(401)
  })

  it('trades ?key= for an HttpOnly cookie and an address without the key; the cookie then opens the page and the socket', async () => {
    const first = await get(inspect.port, `/?key=${INSPECT_KEY}`)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/#/inspect')
    expect(first.headers['referrer-policy']).toBe('no-referrer')
    const setCookie = first.headers['set-cookie'] ?? []
    expect(setCookie).toHaveLength(1)
    expect(setCookie[0]).toMatch(/^vhp-inspect-[0-9a-f]{12}=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict$/)
    // The cookie holds a value derived from the key, never the key itself.
    expect(setCookie[0]).not.toContain(INSPECT_KEY)
    const cookie = setCookie[0]!.split(';')[0]!

    // Other paths keep their own query, without the key.
    const deep = await get(inspect.port, `/healthz?x=1&key=${INSPECT_KEY}`)
    expect(deep.status).toBe(303)
    expect(deep.headers.location).toBe('/healthz?x=1')

    // Past the key: this test's inspector has no built page (webRoot null), which it says with 503.
    const page = await get(inspect.port, '/', { headers: { cookie } })
    expect(page.status).toBe(503)
    expect(page.body).toBe('the web app is not built; run `npm start`\n')
    const health = await get(inspect.port, '/healthz', { headers: { cookie } })
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toEqual({ mode: 'inspect', server: `127.0.0.1:${target.port}`, live: 'polling' })
    const docs = await get(inspect.port, '/api/command-docs', { headers: BEARER })
    expect(docs.status).toBe(200)
    expect((await get(inspect.port, '/', { headers: { cookie: `${cookie.split('=')[0]}=forged` } })).status).toBe(401)

    const client = teardown.client(await connectOwnValkey(inspect.port, { headers: { cookie } }))
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
  })

  it('refuses an address for a while after ten wrong keys, even with the right one; other addresses still get in', async () => {
    for (let i = 0; i < 10; i++) {
      await expect(
        TestClient.open(inspect.port, { from: '127.0.0.2', headers: { authorization: `Bearer wrong-key-${i}-0123456789` } })
      ).rejects.toThrow(refusedWith(401))
    }
    await expect(TestClient.open(inspect.port, { from: '127.0.0.2', headers: BEARER })).rejects.toThrow(refusedWith(401))
    expect((await get(inspect.port, `/?key=${INSPECT_KEY}`, { from: '127.0.0.2' })).status).toBe(401)
    const other = teardown.client(await connectOwnValkey(inspect.port, { from: '127.0.0.3' }))
    expect(await other.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    expect((await get(inspect.port, `/?key=${INSPECT_KEY}`, { from: '127.0.0.3' })).status).toBe(303)
  })
})
