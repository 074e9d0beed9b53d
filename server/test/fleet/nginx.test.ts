/**
 * The playground behind a real nginx running deploy/nginx/valkey-playground.conf: the page over
 * https, its socket over wss:// on the same origin, http redirected to https, the visitor's own
 * address seen through X-Forwarded-For (TRUSTED_PROXIES), and idle timeouts longer than the heartbeat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../../common/protocol/index.ts'
import { HEARTBEAT_MS } from '../../src/http/socketEdge.ts'
import { bulk, eventually, int, TestClient } from '../helpers.ts'
import { get, startNginx, type Nginx } from './nginx.ts'
import { startPlaygroundProcess, type PlaygroundProcess } from './playgroundProcess.ts'

describe('one playground behind nginx (HTTPS)', () => {
  let playground: PlaygroundProcess | null = null
  let nginx: Nginx | null = null
  const clients: TestClient[] = []

  beforeAll(async () => {
    // nginx reaches the playground from 127.0.0.1; one sandbox per visitor address makes the
    // address the playground believes visible from outside.
    playground = await startPlaygroundProcess({ TRUSTED_PROXIES: '127.0.0.1', SANDBOX_PER_ADDRESS: '1' })
    nginx = await startNginx([playground.port])
  }, 150_000)
  afterAll(async () => {
    for (const client of clients) client.close()
    await nginx?.stop()
    await playground?.stop()
  })

  const origin = () => `https://127.0.0.1:${nginx!.port}`

  /** A visitor's page on nginx's origin, from the loopback address `from`: its socket, once welcomed (or refused). */
  async function visit(from: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const client = await TestClient.open(nginx!.port, { ca: nginx!.ca, origin: origin(), from, headers })
    clients.push(client)
    client.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token: null })
    await eventually(() => (client.welcome || client.closeCode !== null ? true : undefined), 'welcome or close')
    return client
  }

  it('serves the page over https', async () => {
    const page = await get(`${origin()}/`, nginx!.ca)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<div id="root">')
  })

  it('redirects http to the same address over https', async () => {
    const answer = await get(`http://127.0.0.1:${nginx!.httpPort}/?room=a`)
    expect(answer.status).toBe(301)
    expect(answer.headers.location).toBe(`${origin()}/?room=a`)
    expect((await get(answer.headers.location!, nginx!.ca)).status).toBe(200)
  })

  it('carries the page’s socket over wss:// on the same origin: welcome, then commands', async () => {
    const client = await visit('127.0.0.2')
    expect(client.welcome).toMatchObject({ resumed: false })
    expect(await client.one('HSET', 'session:leia', 'rank', 'general')).toEqual(int(1))
    expect(await client.one('HGET', 'session:leia', 'rank')).toEqual(bulk('general'))
  })

  it('still turns away a page on another site (the Host nginx passes on is the one the browser sent)', async () => {
    await expect(TestClient.open(nginx!.port, { ca: nginx!.ca, origin: 'https://evil.example', from: '127.0.0.2' })).rejects.toThrow(/403/)
  })

  it('sees each visitor’s own address, not nginx’s, and believes no address a visitor forges', async () => {
    const first = await visit('127.0.0.3')
    expect(first.welcome).not.toBeNull()
    // The same visitor again: its one sandbox is taken, whatever it claims to be.
    const forged: Record<string, string>[] = [{}, { 'X-Forwarded-For': '10.9.8.7' }]
    for (const headers of forged) {
      const again = await visit('127.0.0.3', headers)
      expect(again.welcome).toBeNull()
      expect(again.closeCode).toBe(CLOSE_CODES.sandboxUnavailable)
      expect(again.closeReason).toMatch(/this address already holds 1 sandboxes/)
    }
    // Another visitor gets in: had the playground seen nginx's address, it would be refused too.
    const other = await visit('127.0.0.4')
    expect(other.welcome).not.toBeNull()
  })

  it('keeps an idle socket open well past the heartbeat (read from the file nginx runs)', () => {
    const ws = /location = \/ws \{([^}]*)\}/.exec(nginx!.site)?.[1] ?? ''
    const seconds = (name: string) => {
      const match = new RegExp(`^\\s*${name} (\\d+)(ms|s|m)?;`, 'm').exec(ws)
      if (!match) throw new Error(`${name} is not set for /ws`)
      return (Number(match[1]) * { ms: 0.001, s: 1, m: 60 }[match[2] ?? 's']!) as number
    }
    for (const name of ['proxy_read_timeout', 'proxy_send_timeout']) {
      // nginx's default, 60 s, is two heartbeats; the page's own heartbeat (20 s) keeps the other way busy.
      expect(seconds(name) * 1000, name).toBeGreaterThanOrEqual(3 * HEARTBEAT_MS)
    }
  })
})
