/**
 * Isolation between sandboxes on the real server: what an attendee may not
 * do, what they may not read, and proof that Valkey itself (its ACL), not
 * only the proxy, enforces it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { Reply } from '../../common/protocol/index.ts'
import { createAdminClient } from '../src/valkey/adminClient.ts'
import { TestClient, bulk, eventually, int, isError, ok, startTestPlayground } from './helpers.ts'

let playground: Playground
let alice: TestClient
let bob: TestClient
let aliceDb: number

async function dbOf(client: TestClient): Promise<number> {
  const info = await client.one('CLIENT', 'INFO')
  return Number(/\bdb=(\d+)/.exec(info.t === 'bulk' ? info.s : '')?.[1])
}

beforeAll(async () => {
  playground = await startTestPlayground()
  alice = await TestClient.connect(playground.port)
  bob = await TestClient.connect(playground.port)
  await alice.one('HSET', 'session:han_solo', 'username', 'hsolo', 'species', 'human')
  await bob.one('SET', 'bob:key', 'bob-value')
  aliceDb = await dbOf(alice)
})
afterAll(async () => {
  alice?.close()
  bob?.close()
  await playground?.close()
})

/** Alice's and Bob's data, to prove nothing changed after an attempt. */
async function expectDataIntact(): Promise<void> {
  expect(await alice.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
  expect(await bob.one('GET', 'bob:key')).toEqual(bulk('bob-value'))
  expect(await alice.one('DBSIZE')).toEqual(int(1))
  expect(await bob.one('DBSIZE')).toEqual(int(1))
}

describe('commands that would leave the sandbox or harm the server', () => {
  const refused: string[][] = [
    ['SELECT', '0'],
    ['SELECT', '1'],
    ['MOVE', 'session:han_solo', '0'],
    ['SWAPDB', '0', '1'],
    ['COPY', 'session:han_solo', 'stolen', 'DB', '0'],
    ['FLUSHALL'],
    ['FLUSHALL', 'ASYNC'],
    ['CONFIG', 'GET', 'maxmemory'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['DEBUG', 'SLEEP', '0'],
    ['SHUTDOWN', 'NOSAVE'],
    ['MODULE', 'LIST'],
    ['ACL', 'LIST'],
    ['ACL', 'WHOAMI'],
    ['REPLICAOF', 'NO', 'ONE'],
    ['SLAVEOF', 'NO', 'ONE'],
    ['MIGRATE', '127.0.0.1', '1', 'session:han_solo', '0', '100'],
    ['CLIENT', 'KILL', 'ID', '1'],
    ['CLIENT', 'PAUSE', '100'],
    ['CLIENT', 'LIST'],
    ['client', 'list'],
    ['MONITOR'],
    ['SAVE'],
    ['BGSAVE'],
    ['BGREWRITEAOF'],
    ['FAILOVER'],
    ['CLUSTER', 'INFO'],
    ['SLOWLOG', 'GET'],
    ['COMMANDLOG', 'GET', '10', 'slow'],
    ['LATENCY', 'LATEST'],
    ['MEMORY', 'STATS'],
    ['FUNCTION', 'FLUSH'],
    ['SCRIPT', 'FLUSH'],
    ['AUTH', 'default', 'guess'],
    ['HELLO', '2', 'AUTH', 'default', 'guess'],
  ]

  it.each(refused.map((args) => [args.join(' '), args]))('%s is refused with a clear error', async (_, args) => {
    const reply = await alice.one(...(args as string[]))
    expect(reply.t).toBe('err')
    expect((reply as { s: string }).s).toMatch(/^(NOPERM|ERR) /)
  })

  it('left both sandboxes untouched', expectDataIntact)

  it('also refuses them inside scripts, which only Valkey itself can check', async () => {
    const attempts = [
      "return server.call('SELECT', 0)",
      "return redis.call('SELECT', '0')",
      "redis.call('SELECT', '0') return redis.call('DBSIZE')",
      "return redis.call('FLUSHALL')",
      "return redis.call('SWAPDB', '0', '1')",
      "return redis.call('MOVE', 'session:han_solo', '0')",
      "return redis.call('COPY', 'session:han_solo', 'x', 'DB', '0')",
      "return redis.call('CONFIG', 'GET', 'maxmemory')",
      "return redis.call('PUBLISH', 'news', 'from a script')",
      "return redis.call('PUBSUB', 'CHANNELS')",
      "return redis.call('SCRIPT', 'FLUSH')",
      "return redis.call('FUNCTION', 'FLUSH')",
    ]
    for (const script of attempts) {
      const reply = await alice.one('EVAL', script, '0')
      expect(reply, script).toMatchObject({ t: 'err' })
    }
    await expectDataIntact()
  })

  it('is enforced by the ACL user in Valkey (checked with ACL DRYRUN, bypassing the proxy)', async () => {
    const user = `playground-sandbox-${aliceDb}`
    // DRYRUN judges database access by the caller's database, so ask from Alice's.
    const inAlicesDb = createAdminClient({ ...playground.valkey, controlDb: aliceDb })
    await inAlicesDb.connect()
    const dryrun = async (...command: string[]) => {
      try {
        return String(await inAlicesDb.call('acl', 'dryrun', user, ...command))
      } catch (error) {
        return (error as Error).message
      }
    }
    for (const command of [
      ['FLUSHALL'],
      ['CONFIG', 'GET', 'x'],
      ['CLIENT', 'LIST'],
      ['SLOWLOG', 'GET'],
      ['MONITOR'],
      ['SHUTDOWN'],
      ['DEBUG', 'SLEEP', '0'],
      ['PUBSUB', 'CHANNELS'],
      ['PSUBSCRIBE', '__keyspace@*__:*'],
      ['SUBSCRIBE', 'news'],
      ['PUBLISH', 'news', 'x'],
      ['SELECT', '0'],
      ['MEMORY', 'STATS'],
      ['SCRIPT', 'FLUSH'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['FUNCTION', 'LIST'],
    ]) {
      expect(await dryrun(...command), command.join(' ')).not.toBe('OK')
    }
    for (const command of [
      ['KEYS', '*'],
      ['FLUSHDB'],
      ['HSET', 'h', 'f', 'v'],
      ['EVAL', 'return 1', '0'],
      ['MULTI'],
      ['SORT', 'l'],
      ['PUBLISH', `playground:${aliceDb}:news`, 'x'],
    ]) {
      expect(await dryrun(...command), command.join(' ')).toBe('OK')
    }
    inAlicesDb.disconnect()
  })

  it('makes EXEC fail when a refused command was queued in MULTI', async () => {
    expect(await alice.one('MULTI')).toEqual(ok)
    expect(await alice.one('HSET', 'session:han_solo', 'credits', '1')).toEqual({ t: 'str', s: 'QUEUED' })
    expect(isError(await alice.one('FLUSHALL'), /^NOPERM/)).toBe(true)
    expect(isError(await alice.one('EXEC'), /^EXECABORT/)).toBe(true)
    expect(await alice.one('HEXISTS', 'session:han_solo', 'credits')).toEqual(int(0))
  })

  it('keeps RESET, HELLO 3 and QUIT from breaking or leaving the sandbox', async () => {
    expect(await alice.one('RESET')).toEqual({ t: 'str', s: 'RESET' })
    expect(await alice.one('HGET', 'session:han_solo', 'username')).toEqual(bulk('hsolo'))
    expect(isError(await alice.one('HELLO', '3'), /^NOPROTO/)).toBe(true)
    expect(isError(await alice.one('QUIT'))).toBe(true)
    expect(await alice.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    await expectDataIntact()
  })
})

describe('workshop commands keep working', () => {
  it('runs KEYS, SCAN, DBSIZE, EXPIRE, TTL, harmless EVAL, MULTI/EXEC and FLUSHDB', async () => {
    const carol = await TestClient.connect(playground.port)
    await carol.one('HSET', 'session:luke', 'username', 'lskywalker')
    expect(await carol.one('KEYS', 'session:*')).toEqual({ t: 'arr', a: [bulk('session:luke')] })
    expect(await carol.one('SCAN', '0', 'MATCH', 'session:*', 'COUNT', '100', 'TYPE', 'hash')).toEqual({
      t: 'arr',
      a: [bulk('0'), { t: 'arr', a: [bulk('session:luke')] }],
    })
    expect(await carol.one('EXPIRE', 'session:luke', '3600')).toEqual(int(1))
    expect(await carol.one('TTL', 'session:luke')).toEqual(int(3600))
    expect(await carol.one('EVAL', "return redis.call('HGET', KEYS[1], ARGV[1])", '1', 'session:luke', 'username')).toEqual(
      bulk('lskywalker')
    )
    expect(await carol.one('MULTI')).toEqual(ok)
    await carol.one('HINCRBY', 'session:luke', 'drinks', '1')
    await carol.one('HGET', 'session:luke', 'drinks')
    expect(await carol.one('EXEC')).toEqual({ t: 'arr', a: [int(1), bulk('1')] })
    expect(await carol.one('DBSIZE')).toEqual(int(1))
    expect(await carol.one('FLUSHDB')).toEqual(ok)
    expect(await carol.one('DBSIZE')).toEqual(int(0))
    carol.close()
    await expectDataIntact()
  })

  it('allows COPY within the sandbox where Valkey can fence databases (9.1+)', async () => {
    const reply = await alice.one('COPY', 'session:han_solo', 'session:copy')
    if (playground.capabilities.databaseAcl) {
      expect(reply).toEqual(int(1))
      await alice.one('DEL', 'session:copy')
    } else {
      expect(reply.t).toBe('err')
    }
  })
})

describe('reading is leaking too', () => {
  it('scopes INFO to the sandbox: own keyspace line only, no command statistics', async () => {
    const keyspace = (await alice.one('INFO', 'keyspace')) as { s: string }
    const dbLines = keyspace.s.split('\r\n').filter((line) => /^db\d+:/.test(line))
    expect(dbLines).toEqual([expect.stringMatching(new RegExp(`^db${aliceDb}:keys=1,`))])
    const everything = (await alice.one('INFO', 'everything')) as { s: string }
    expect(everything.s).toMatch(/# Server/)
    expect(everything.s).not.toMatch(/cmdstat_|errorstat_|latency_percentiles_usec_/)
    expect(everything.s.split('\r\n').filter((line) => /^db\d+[:_]/.test(line) && !line.startsWith(`db${aliceDb}`))).toEqual([])
  })

  it('shows only its own connection in CLIENT INFO', async () => {
    const info = (await bob.one('CLIENT', 'INFO')) as { s: string }
    expect(info.s).toMatch(new RegExp(`user=playground-sandbox-${await dbOf(bob)}\\b`))
    expect(info.s.trim().split('\n')).toHaveLength(1)
  })

  it('keeps pub/sub channels apart, and working inside a sandbox', async () => {
    const bobTab2 = await TestClient.connect(playground.port, bob.token)
    expect(await bob.run('SUBSCRIBE', 'news')).toEqual([])
    await eventually(
      () => bob.of('push').find((m) => m.reply.t === 'arr' && m.reply.a[0]?.t === 'bulk' && m.reply.a[0].s === 'subscribe'),
      'subscribe confirmation'
    )
    expect(bob.of('mode').at(-1)).toEqual({ type: 'mode', subscribed: true })

    // Alice publishes on the same name: nobody of hers listens, Bob gets nothing.
    expect(await alice.one('PUBLISH', 'news', 'from alice')).toEqual(int(0))
    // Bob's other tab publishes: Bob receives it, with the channel name he used.
    expect(await bobTab2.one('PUBLISH', 'news', 'from bob')).toEqual(int(1))
    const message = await eventually(
      () => bob.of('push').find((m) => m.reply.t === 'arr' && m.reply.a[0]?.t === 'bulk' && m.reply.a[0].s === 'message'),
      'message'
    )
    expect(message.reply).toEqual({ t: 'arr', a: [bulk('message'), bulk('news'), bulk('from bob')] })
    expect(JSON.stringify(bob.messages)).not.toContain('from alice')

    // Server-wide channel lists are scoped too.
    expect(await bobTab2.one('PUBSUB', 'CHANNELS')).toEqual({ t: 'arr', a: [bulk('news')] })
    expect(await alice.one('PUBSUB', 'CHANNELS')).toEqual({ t: 'arr', a: [] })
    expect(await alice.one('PUBSUB', 'NUMSUB', 'news')).toEqual({ t: 'arr', a: [bulk('news'), int(0)] })
    bobTab2.close()
  })

  it('never delivers another sandbox keyspace events, even to a PSUBSCRIBE on every database', async () => {
    const eve = await TestClient.connect(playground.port)
    const tab = await TestClient.connect(playground.port, eve.token)
    await eve.run('PSUBSCRIBE', '__keyspace@*__:*', '*')
    await eventually(() => (eve.of('push').length >= 2 ? true : undefined), 'psubscribe confirmations')
    await alice.one('HSET', 'session:han_solo', 'secret', 'value')
    await alice.one('PUBLISH', 'anything', 'x')
    await alice.one('HDEL', 'session:han_solo', 'secret')
    // A barrier on Eve's subscriber connection: her other tab publishes on a channel her '*'
    // matches. Valkey delivers it after anything Alice's commands (answered already) sent her.
    expect(await tab.one('PUBLISH', 'barrier', 'after alice')).toEqual(int(1))
    const isBarrier = (m: { reply: Reply }) => JSON.stringify(m.reply).includes('after alice')
    await eventually(() => eve.of('push').find(isBarrier), 'the barrier message')
    const seen = JSON.stringify(eve.messages)
    expect(seen).not.toContain('han_solo')
    expect(seen).not.toContain('anything')
    expect(
      eve
        .of('push')
        .filter((m) => !isBarrier(m))
        .every((m) => (m.reply as { a: Reply[] }).a[0]?.t === 'bulk' && (m.reply as { a: { s: string }[] }).a[0]!.s === 'psubscribe')
    ).toBe(true)
    tab.close()
    eve.close()
  })
})

describe('pattern subscriptions', () => {
  it('a non-ASCII pattern subscribes and receives (it went to Valkey as text before and was refused)', async () => {
    const listener = await TestClient.connect(playground.port)
    const tab = await TestClient.connect(playground.port, listener.token)
    const pattern = Buffer.from('café*', 'utf8').toString('latin1')
    await listener.run('PSUBSCRIBE', pattern)
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('psubscribe')), 'confirmation')
    expect(JSON.stringify(listener.of('push'))).not.toMatch(/NOPERM/)
    await tab.one('PUBLISH', Buffer.from('café1', 'utf8').toString('latin1'), 'crème')
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('pmessage')), 'the message')
    listener.close()
    tab.close()
  })

  it("another tab of the same browser opening keeps the first tab's pattern subscriptions", async () => {
    const listener = await TestClient.connect(playground.port)
    await listener.run('PSUBSCRIBE', 'news:*')
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('psubscribe')), 'confirmation')
    // Opening a tab configures the sandbox's users again; the pattern in use must stay allowed, or
    // Valkey disconnects the subscriber.
    const tab = await TestClient.connect(playground.port, listener.token)
    expect(await tab.one('PUBLISH', 'news:1', 'still listening')).toEqual(int(1))
    await eventually(() => listener.of('push').find((m) => JSON.stringify(m.reply).includes('still listening')), 'the message')
    expect(listener.of('mode').at(-1)).toEqual({ type: 'mode', subscribed: true })
    listener.close()
    tab.close()
  })

  it('subscribing and unsubscribing again and again does not pile up ACL rules', async () => {
    const client = await TestClient.connect(playground.port)
    const db = await dbOf(client)
    for (let i = 0; i < 50; i++) {
      await client.run('PSUBSCRIBE', `round${i}:*`)
      await client.run('PUNSUBSCRIBE', `round${i}:*`)
    }
    await client.run('PSUBSCRIBE', 'last:*')
    await eventually(() => client.of('push').find((m) => JSON.stringify(m.reply).includes('last:*')), 'last confirmation')
    const user = (await playground.admin.call('acl', 'getuser', `playground-sandbox-${db}-sub`)) as unknown[]
    const channels = String(user[user.indexOf('channels') + 1])
    // The sandbox's own prefix rule, plus the patterns in use now: not fifty.
    expect(channels.split('&').filter(Boolean).length).toBeLessThanOrEqual(3)
    client.close()
  })

  it('a refused subscription does not leave the terminal waiting in subscribed mode', async () => {
    const client = await TestClient.connect(playground.port)
    const limit = Array.from({ length: 101 }, (_, i) => `many${i}:*`)
    const reply = await client.run('PSUBSCRIBE', ...limit)
    expect(JSON.stringify(reply)).toContain('at most 100 pattern subscriptions')
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    client.close()
  })
})
