/**
 * A pool of two embedded valkey-servers in one playground (`npm start -- --valkeys 2`): sandboxes
 * spread over both, and a server in trouble (a runaway script, a SIGKILL) is restarted alone,
 * with only its own sandboxes told.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Playground } from '../src/app.ts'
import { PROTOCOL_VERSION, type Reply, type ServerMessage } from '../../common/protocol/index.ts'
import { SERVER_STRIDE } from '../src/pool/sandboxNumber.ts'
import type { ValkeyNode } from '../src/pool/ValkeyNode.ts'
import { runInDb } from '../src/valkey/runInDb.ts'
import { TEST_INSTRUCTOR_KEY, TestClient, appendOnlyFileWritten, bulk, eventually, int, startTestPlayground } from './helpers.ts'

const WRITE_THEN_LOOP = "server.call('SET','x','1') local i=0 while true do i=i+1 end"

/** The sandbox number, across the pool, the welcome names. */
const numberOf = (client: TestClient) => eventually(() => client.of('welcome')[0]?.sandbox, 'the welcome')

const serverOf = async (client: TestClient) => Math.floor((await numberOf(client)) / SERVER_STRIDE)

/** The valkey-server process behind a node (not its guard shell). */
async function pidOf(node: ValkeyNode): Promise<number> {
  const info = String(await node.admin.call('info', 'server'))
  return Number(/^process_id:(\d+)/m.exec(info)![1])
}

const notices = (client: TestClient) => client.of('notice').map((notice: Extract<ServerMessage, { type: 'notice' }>) => notice.text)

/**
 * One attendee on server 0 and one on server 1. Which server a new sandbox goes to depends on
 * what earlier tests left, so sockets are opened until both servers have one (bounded); all of
 * them stay open until `close` (closing one would hand its sandbox straight to the next).
 */
async function oneOnEachServer(playground: Playground): Promise<{ on: [TestClient, TestClient]; close(): void }> {
  const opened: TestClient[] = []
  const found: (TestClient | undefined)[] = [undefined, undefined]
  for (let i = 0; i < 8 && !(found[0] && found[1]); i++) {
    const client = await TestClient.connect(playground.port)
    opened.push(client)
    found[await serverOf(client)] ??= client
  }
  expect(found.every(Boolean)).toBe(true)
  return { on: [found[0]!, found[1]!], close: () => opened.forEach((client) => client.close()) }
}

/**
 * Sends one command and resolves with its replies and how long the page waited for them, timed
 * on the socket's own message event (the polling of TestClient.one would add up to 20 ms).
 */
function timedCommand(client: TestClient, id: number, args: string[]): Promise<{ replies: Reply[]; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.ws.off('message', onMessage)
      reject(new Error(`no reply to ${args.join(' ')} within 20 s`))
    }, 20_000)
    const onMessage = (data: unknown) => {
      const message = JSON.parse(String(data)) as ServerMessage
      const list = message.type === 'replies' ? message.list : message.type === 'reply' ? [message] : []
      const mine = list.find((reply) => reply.id === id)
      if (!mine) return
      clearTimeout(timer)
      client.ws.off('message', onMessage)
      resolve({ replies: mine.replies, ms: performance.now() - started })
    }
    client.ws.on('message', onMessage)
    client.sendJson({ type: 'command', id, args })
  })
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN
}

describe('a pool of two embedded servers', () => {
  let playground: Playground
  beforeAll(async () => {
    playground = await startTestPlayground({ valkeys: 2, maxSandboxes: 8 }, { scriptTimeoutMs: 2000 })
  })
  afterAll(() => playground?.close())

  it('spreads new sandboxes over both servers, each on its own server, and never moves one that holds data', async () => {
    expect(playground.pool.nodes).toHaveLength(2)
    expect(playground.registry.capacity).toBe(16)
    const clients = [await TestClient.connect(playground.port)]
    for (let i = 1; i < 4; i++) clients.push(await TestClient.connect(playground.port))
    const numbers = await Promise.all(clients.map(numberOf))
    // Least filled first, the first server among equals.
    expect(numbers).toEqual([1, SERVER_STRIDE + 1, 2, SERVER_STRIDE + 2])

    // The key is really in that server's database, and nowhere on the other.
    await clients[1]!.one('SET', 'where', 'second server')
    const second = playground.pool.node(1)
    expect(await runInDb(second.admin, 1, ['GET', 'where'])).toEqual(['second server'])
    expect(await runInDb(playground.pool.node(0).admin, 1, ['EXISTS', 'where'])).toEqual([0])
    const token = clients[1]!.token
    for (const client of clients) client.close()

    // Back with its token (after the three others were released): the same sandbox, same server.
    await eventually(() => (playground.registry.size === 1 ? true : undefined), 'the unused sandboxes to be released')
    const again = await TestClient.connect(playground.port, token)
    expect(again.welcome).toMatchObject({ resumed: true })
    expect(await numberOf(again)).toBe(SERVER_STRIDE + 1)
    expect(await again.one('GET', 'where')).toEqual(bulk('second server'))
    // The registry hash (bookkeeping database of the first server) names it by its number.
    const stored = (await playground.control.call('hvals', 'playground:sandboxes')) as string[]
    expect(stored.map((record) => (JSON.parse(record) as { db: number }).db)).toContain(SERVER_STRIDE + 1)
    await again.one('DEL', 'where')
    again.close()

    const health = (await (await fetch(`http://127.0.0.1:${playground.port}/healthz`)).json()) as { servers: unknown[] }
    expect(health.servers).toEqual(playground.pool.nodes.map((node) => ({ address: node.where, valkey: 'ready' })))
  })

  it('a runaway script on server A restarts A only: an attendee on B gets every reply right and no notice', async () => {
    // A is the first server, which also holds the bookkeeping database.
    const pair = await oneOnEachServer(playground)
    onTestFinished(() => pair.close())
    const [author, bystander] = pair.on
    const [a, b] = [0, 1]
    await author.one('SET', 'mine', 'before')
    const pids = [await pidOf(playground.pool.node(0)), await pidOf(playground.pool.node(1))]

    author.sendJson({ type: 'command', id: 900_000, args: ['EVAL', WRITE_THEN_LOOP, '0'] })
    const latencies: number[] = []
    const restarted = () => notices(author).some((text) => /has been restarted/.test(text))
    const deadline = Date.now() + 30_000
    // B's attendee keeps typing until server A is back (bounded by the deadline).
    for (let i = 1; !(restarted() && author.replyTo(900_000)) && Date.now() < deadline; i++) {
      const { replies, ms } = await timedCommand(bystander, 800_000 + i, ['HINCRBY', 'counts', 'n', '1'])
      latencies.push(ms)
      expect(replies).toEqual([int(i)])
    }
    expect(JSON.stringify(author.replyTo(900_000))).toContain('restarted Valkey from its append-only file')
    expect(restarted()).toBe(true)
    const sorted = [...latencies].sort((x, y) => x - y)
    console.log(
      `server B during server A's restart: ${sorted.length} commands, p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`
    )

    // Only A was restarted; B's process is the same one.
    expect(await pidOf(playground.pool.node(b))).toBe(pids[b])
    expect(await pidOf(playground.pool.node(a))).not.toBe(pids[a])
    await bystander.sync()
    expect(notices(bystander)).toEqual([])
    expect(bystander.of('reply').filter((reply) => reply.replies[0]?.t === 'err')).toEqual([])
    // The author's sandbox is as it was before the script (the first command may report the lost connection).
    const first = await author.one('GET', 'mine')
    if (first.t === 'err') expect(await author.one('GET', 'mine')).toEqual(bulk('before'))
    else expect(first).toEqual(bulk('before'))
    expect(await author.one('EXISTS', 'x')).toEqual(int(0))
  }, 60_000)

  it("SIGKILL of server A's valkey-server: only A's sandboxes are told, and A comes back from its append-only file", async () => {
    const pair = await oneOnEachServer(playground)
    onTestFinished(() => pair.close())
    const [onB, onA] = pair.on
    const a = 1
    await onA.one('HSET', 'session:leia', 'username', 'leia', 'credits', '10000')
    await onB.one('SET', 'other', 'server')
    const nodeA = playground.pool.node(a)
    const port = nodeA.target.port
    await appendOnlyFileWritten(nodeA)
    process.kill(await pidOf(nodeA), 'SIGKILL')

    await eventually(() => notices(onA).find((text) => /Valkey stopped .*restarted from its append-only file/.test(text)), 'crash notice')
    await eventually(() => notices(onA).find((text) => /has been restarted; your sandbox is back/.test(text)), 'restart notice', 20_000)
    expect(nodeA.target.port).toBe(port)
    // The first command after the crash may report the lost connection; after that it works.
    const first = await onA.one('HGET', 'session:leia', 'username')
    if (first.t === 'err') expect(first.s).toMatch(/^ERR /)
    expect(await onA.one('HGET', 'session:leia', 'credits')).toEqual(bulk('10000'))
    expect(await onA.one('HGET', 'session:leia', 'username')).toEqual(bulk('leia'))

    expect(await onB.one('GET', 'other')).toEqual(bulk('server'))
    await onB.sync()
    expect(notices(onB)).toEqual([])
  }, 60_000)

  it('the instructor watches and resets a sandbox on the second server, not its namesake database on the first', async () => {
    const pair = await oneOnEachServer(playground)
    onTestFinished(() => pair.close())
    const [onFirst, onSecond] = pair.on
    await onFirst.one('SET', 'first', 'stays')
    await onSecond.one('HSET', 'session:finn', 'user', 'finn')
    const teacher = await TestClient.open(playground.port)
    onTestFinished(() => teacher.close())
    teacher.sendJson({ type: 'instructorHello', v: PROTOCOL_VERSION, key: TEST_INSTRUCTOR_KEY })
    await eventually(() => teacher.of('instructorWelcome')[0], 'the instructor welcome')
    // The room's row of the attendee on the second server (its number in the room is not the sandbox's).
    const number = (await eventually(() => onSecond.of('attendee')[0], 'the attendee message')).number
    const id = playground.room.rows().find((row) => row.number === number)!.id

    teacher.sendJson({ type: 'watchAttendee', attendee: id })
    await eventually(() => teacher.of('watching').at(-1)?.attendee === id || undefined, 'watching')
    teacher.sendJson({ type: 'watchKeys', pattern: '*' })
    const keys = await eventually(() => teacher.of('keys').at(-1), 'the key list')
    expect(keys.keys.map((key) => key.key)).toEqual(['session:finn'])
    teacher.sendJson({ type: 'openKey', key: 'session:finn', match: '*' })
    await eventually(() => teacher.of('keyView').at(-1), 'the key view')
    await onSecond.one('HSET', 'session:finn', 'table', '7')
    await eventually(() => teacher.of('fieldsChanged').find((m) => m.upsert.some((field) => field.field === 'table')), 'a live change')

    teacher.sendJson({ type: 'resetSandbox', attendee: id })
    const done = await eventually(() => teacher.of('instructorDone').find((m) => m.action === 'resetSandbox'), 'the reset')
    expect(done.ok).toBe(true)
    expect(await onSecond.one('DBSIZE')).toEqual(int(0))
    expect(await onFirst.one('GET', 'first')).toEqual(bulk('stays'))
  })
})
