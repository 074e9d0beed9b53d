/**
 * Two playground processes (two startPlayground instances here) on one pool server, with their
 * bookkeeping on a separate control Valkey (CONTROL_URL) that a test SIGKILLs and starts again on
 * the same port: every sandbox is handed out once across both, a token made on one resumes on the
 * other with everything it had, the per-address limit counts both, and attendees keep working
 * while the control server is down.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import WebSocket from 'ws'
import { ProxyConnection, type ConnectionStatus } from '../../../common/connection/ProxyConnection.ts'
import { memoryStore } from '../../../common/connection/stores.ts'
import { CLOSE_CODES } from '../../../common/protocol/index.ts'
import type { Playground } from '../../src/app.ts'
import { parseValkeyUrl } from '../../src/config.ts'
import { sha1 } from '../../src/sandbox/ScriptBook.ts'
import { EmbeddedValkey } from '../../src/valkey/EmbeddedValkey.ts'
import { ControlServer } from '../control/controlServer.ts'
import { until } from '../control/fixtures.ts'
import { bulk, eventually, int, ok, startTestPlayground, TestClient } from '../helpers.ts'

let pool: EmbeddedValkey
let control: ControlServer
let a: Playground
let b: Playground

/** The sandbox number, across the pool, the welcome names. */
const numberOf = (client: TestClient) => eventually(() => client.of('welcome')[0]?.sandbox, 'the welcome')

/** The playground side of a client's sockets has closed (its release, if any, is under way or done). */
async function closedOn(playground: Playground, ...clients: TestClient[]): Promise<void> {
  const left = playground.gateway.connections - clients.length
  for (const client of clients) client.close()
  await Promise.all(clients.map((client) => client.closed()))
  await eventually(() => (playground.gateway.connections <= left ? true : undefined), 'the sockets to close on the server')
  await playground.registry.settled()
}

beforeAll(async () => {
  pool = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases: 50 })
  control = await ControlServer.start(inject('valkeyServer'))
  const config = {
    valkeyUrls: [parseValkeyUrl(`redis://:${pool.password}@127.0.0.1:${pool.port}/0`)],
    controlUrl: parseValkeyUrl(`redis://127.0.0.1:${control.port}/0`),
    maxSandboxes: 48,
    sandboxesPerAddress: 4,
  }
  const timing = { control: { heartbeatMs: 200, staleMs: 1500 }, room: { heartbeatMs: 200, deadAfterMs: 1500 } }
  ;[a, b] = await Promise.all([startTestPlayground(config, timing), startTestPlayground(config, timing)])
}, 60_000)

afterAll(async () => {
  await a?.close()
  await b?.close()
  await pool?.stop()
  await control?.stop()
})

describe('sandboxes shared by two playground processes', () => {
  it('40 concurrent arrivals split over both get 40 different databases', async () => {
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) => TestClient.connect((i % 2 ? a : b).port, null, `127.0.1.${(i % 20) + 1}`))
    )
    const numbers = await Promise.all(clients.map(numberOf))
    expect(new Set(numbers).size).toBe(40)
    // And each really is alone in its database.
    await Promise.all(clients.map((client, i) => client.one('SET', `mine:${i}`, String(i))))
    const lists = await Promise.all(clients.map((client) => client.one('KEYS', '*')))
    lists.forEach((list, i) => expect(list).toEqual({ t: 'arr', a: [bulk(`mine:${i}`)] }))
    for (const client of clients) await client.one('FLUSHDB')
    await closedOn(a, ...clients.filter((_, i) => i % 2))
    await closedOn(b, ...clients.filter((_, i) => !(i % 2)))
  }, 60_000)

  it("a tab of the sandbox on the other process keeps this tab's pattern subscriptions, when it opens and when it subscribes too", async () => {
    const listener = await TestClient.connect(a.port, null, '127.0.2.1')
    await listener.run('PSUBSCRIBE', 'news:*')
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('psubscribe')), 'confirmation')
    // Opening a tab on the other process configures the sandbox's users there, where this pattern is
    // unknown; Valkey would disconnect the subscriber if its user lost the pattern.
    const tab = await TestClient.connect(b.port, listener.token, '127.0.2.1')
    expect(await tab.one('PUBLISH', 'news:1', 'after the tab opened')).toEqual(int(1))
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('after the tab opened')), 'the first message')
    // The other tab subscribes to a pattern of its own: grants are added, not rebuilt.
    const other = await TestClient.connect(b.port, listener.token, '127.0.2.1')
    await other.run('PSUBSCRIBE', 'sports:*')
    await eventually(() => other.of('push').find((m) => JSON.stringify(m.reply).includes('psubscribe')), 'the other confirmation')
    expect(await tab.one('PUBLISH', 'news:2', 'after the other subscribed')).toEqual(int(1))
    await eventually(
      () => listener.of('push').find((m) => JSON.stringify(m.reply).includes('after the other subscribed')),
      'the second message'
    )
    expect(await tab.one('PUBLISH', 'sports:1', 'goal')).toEqual(int(1))
    await eventually(() => other.of('push').find((m) => JSON.stringify(m.reply).includes('goal')), 'the other tab message')
    expect(listener.of('mode').at(-1)).toEqual({ type: 'mode', subscribed: true })
    await closedOn(a, listener)
    await closedOn(b, tab, other)
  })

  it('a token made on one process resumes on the other with its data, mission progress, captured values and scripts', async () => {
    const first = await TestClient.connect(a.port)
    const number = await numberOf(first)
    const fields = [
      'username',
      'hsolo',
      'species',
      'human',
      'credits',
      '10000',
      'table',
      'booth_7',
      'drinks_ordered',
      '2',
      'last_activity',
      'now',
    ]
    await first.one('HSET', 'session:han_solo', ...fields)
    await first.one('EXPIRE', 'session:han_solo', '3600')
    first.sendJson({ type: 'missionOpen', id: 'cantina-sessions' })
    await eventually(() => first.of('missionProgress').find((m) => m.done['cantina-sessions']?.includes('open-tab')), 'a step done')
    first.sendJson({ type: 'missionOpen', id: 'session-manager' })
    const created = await first.one('SESSION.CREATE', 'user123')
    const id = /([0-9a-f-]{36})/.exec((created as { s: string }).s)?.[1]
    expect(id).toBeDefined()
    const captured = () => first.of('missionProgress').find((m) => m.open?.id === 'session-manager' && m.open.captures.id === id)
    await eventually(captured, 'the session id to be captured')
    const loaded = await first.one('SCRIPT', 'LOAD', "return 'loaded on A'")
    expect(loaded).toEqual(bulk(sha1("return 'loaded on A'")))
    expect(await first.one('EVAL', 'return 42', '0')).toEqual(int(42))
    // Both scripts have reached the control server's book of this sandbox (written behind the terminal).
    await until(
      async () => ((await a.control.call('hexists', `playground:scripts:${number}`, sha1('return 42'))) === 1 ? true : undefined),
      'the script book in the control server'
    )
    const token = first.token
    await closedOn(a, first)

    const second = await TestClient.connect(b.port, token)
    expect(second.welcome).toMatchObject({ token, resumed: true, fresh: false })
    expect(await numberOf(second)).toBe(number)
    expect(await second.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
    expect(await second.one('EVALSHA', sha1("return 'loaded on A'"), '0')).toEqual(bulk('loaded on A'))
    expect(await second.one('EVALSHA', sha1('return 42'), '0')).toEqual(int(42))
    expect(await second.one('SCRIPT', 'EXISTS', sha1("return 'loaded on A'"), sha1('return 42'), sha1('never ran'))).toEqual({
      t: 'arr',
      a: [int(1), int(1), int(0)],
    })
    second.sendJson({ type: 'missionOpen', id: 'session-manager' })
    await eventually(
      () => second.of('missionProgress').find((m) => m.open?.captures.id === id && m.done['cantina-sessions']?.includes('open-tab')),
      'the progress and captured id on the other process'
    )
    await second.one('FLUSHDB')
    await closedOn(b, second)
  }, 30_000)

  it('the per-address limit counts the sandboxes given by both processes', async () => {
    const from = '127.0.2.1'
    const held = [
      await TestClient.connect(a.port, null, from),
      await TestClient.connect(b.port, null, from),
      await TestClient.connect(a.port, null, from),
      await TestClient.connect(b.port, null, from),
    ]
    for (const playground of [a, b]) {
      const refused = await TestClient.open(playground.port, { from })
      refused.sendJson({ type: 'hello', v: 1, token: null })
      await refused.closed()
      expect(refused.closeCode).toBe(CLOSE_CODES.sandboxUnavailable)
      expect(refused.of('notice')[0]?.text).toMatch(/this address already holds 4 sandboxes/)
    }
    // A reload on the other process is no new sandbox.
    const reload = await TestClient.connect(b.port, held[0]!.token, from)
    expect(reload.welcome).toMatchObject({ resumed: true })
    await closedOn(a, held[0]!, held[2]!)
    await closedOn(b, held[1]!, held[3]!, reload)
  })

  it('a sandbox open on one process is not released when its other tab, on the other process, closes', async () => {
    const onA = await TestClient.connect(a.port)
    const number = await numberOf(onA)
    const onB = await TestClient.connect(b.port, onA.token)
    expect(onB.welcome).toMatchObject({ resumed: true })
    // Neither tab stored anything: the last one to close releases it, and that is not this one.
    await closedOn(b, onB)
    const again = await TestClient.connect(b.port, onA.token)
    expect(again.welcome).toMatchObject({ resumed: true, fresh: false })
    expect(await numberOf(again)).toBe(number)
    expect(await onA.one('SET', 'still', 'mine')).toEqual(ok)
    expect(await again.one('GET', 'still')).toEqual(bulk('mine'))
    await again.one('DEL', 'still')
    await closedOn(b, again)
    await closedOn(a, onA)
  })
})

/** The ws package's WebSocket in the shape the page's connection takes. */
class NodeSocket extends WebSocket {
  constructor(url: string) {
    super(url)
  }
}

describe('the control server restarting under both processes', () => {
  it('attendees in a sandbox keep working, a new arrival is told to wait and gets in once it is back', async () => {
    const inside = await TestClient.connect(a.port)
    await inside.one('HSET', 'session:leia', 'name', 'leia')
    await eventually(() => inside.of('keyEvents').find((m) => m.list.some((e) => e.key === 'session:leia')), 'the write seen')
    const token = inside.token

    await control.kill()
    // Commands keep running, writes included, and a reload on the same process gets the same sandbox.
    expect(await inside.one('HSET', 'session:leia', 'planet', 'alderaan')).toEqual(int(1))
    expect(await inside.one('HGET', 'session:leia', 'name')).toEqual(bulk('leia'))
    const reload = await TestClient.connect(a.port, token)
    expect(reload.welcome).toMatchObject({ resumed: true })
    expect(await reload.one('HGET', 'session:leia', 'planet')).toEqual(bulk('alderaan'))

    // A new arrival, with the page's own connection: told to wait, and it keeps trying.
    const notices: string[] = []
    const statuses: ConnectionStatus[] = []
    const arrival = new ProxyConnection({
      url: `ws://127.0.0.1:${b.port}/ws`,
      WebSocket: NodeSocket,
      tokens: memoryStore(),
      names: memoryStore(),
    })
    arrival.on('notice', (text) => notices.push(text))
    arrival.on('status', (status) => statuses.push(status))
    try {
      arrival.start()
      await eventually(
        () => statuses.find((s) => s.state === 'closed' && s.code === CLOSE_CODES.bookkeepingUnavailable && s.retryInMs !== null),
        'the arrival to be told to wait'
      )
      expect(notices.join('\n')).toMatch(/bookkeeping server is not reachable; you will get your sandbox as soon as it is back/)

      // Back, and empty: what the processes knew is written back.
      await control.launch(false)
      await eventually(() => (arrival.status.state === 'open' ? true : undefined), 'the arrival to get in', 30_000)
      expect(await arrival.run(['SET', 'arrived', 'yes']).then((result) => result.replies)).toEqual([ok])
      expect(await inside.one('HGET', 'session:leia', 'planet')).toEqual(bulk('alderaan'))

      // The sandbox made before the outage is still known to everyone: its token resumes on the other process.
      await closedOn(a, inside, reload)
      const elsewhere = await TestClient.connect(b.port, token)
      expect(elsewhere.welcome).toMatchObject({ resumed: true, fresh: false })
      expect(await elsewhere.one('HGET', 'session:leia', 'planet')).toEqual(bulk('alderaan'))
      await elsewhere.one('FLUSHDB')
      await closedOn(b, elsewhere)
    } finally {
      arrival.stop()
    }
  }, 60_000)
})
