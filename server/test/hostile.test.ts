/**
 * A hostile attendee, in one table: more than fifty attempts to read, write, block or harm
 * what lies outside their sandbox, through commands, scripts, transactions, pub/sub, the
 * inspector and mission messages, and the HTTP API. Each attempt must be refused or stay inside
 * the sandbox; afterwards the victim's data, the victim's loaded script and the playground itself
 * must be exactly as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { Reply } from '../../common/protocol/index.ts'
import { sha1 } from '../src/sandbox/ScriptBook.ts'
import { TestClient, bulk, eventually, int, startTestPlayground } from './helpers.ts'

type Attempt = { name: string; args: string[]; allowed?: (reply: Reply) => boolean }

const refused = (reply: Reply) => reply.t === 'err'
const text = (reply: Reply) => JSON.stringify(reply)

const VICTIM_SCRIPT = "return 'victim secret'"

const commands: Attempt[] = [
  { name: 'SELECT another database', args: ['SELECT', '0'] },
  { name: 'SELECT a high database', args: ['SELECT', '15'] },
  { name: 'MOVE a key to another database', args: ['MOVE', 'mine', '0'] },
  { name: 'SWAPDB', args: ['SWAPDB', '0', '1'] },
  { name: 'FLUSHALL', args: ['FLUSHALL'] },
  { name: 'FLUSHALL ASYNC', args: ['FLUSHALL', 'ASYNC'] },
  { name: 'COPY into another database', args: ['COPY', 'mine', 'elsewhere', 'DB', '0'] },
  { name: 'CONFIG SET maxmemory', args: ['CONFIG', 'SET', 'maxmemory', '1'] },
  { name: 'CONFIG GET requirepass', args: ['CONFIG', 'GET', 'requirepass'] },
  { name: 'CONFIG REWRITE', args: ['CONFIG', 'REWRITE'] },
  { name: 'DEBUG SLEEP', args: ['DEBUG', 'SLEEP', '5'] },
  { name: 'DEBUG SEGFAULT', args: ['DEBUG', 'SEGFAULT'] },
  { name: 'SHUTDOWN', args: ['SHUTDOWN', 'NOSAVE'] },
  { name: 'ACL SETUSER', args: ['ACL', 'SETUSER', 'evil', 'on', '>pw', '~*', '+@all'] },
  { name: 'ACL LIST', args: ['ACL', 'LIST'] },
  { name: 'ACL GETUSER default', args: ['ACL', 'GETUSER', 'default'] },
  { name: 'AUTH as default', args: ['AUTH', 'default', 'guess'] },
  { name: 'HELLO with AUTH', args: ['HELLO', '2', 'AUTH', 'default', 'guess'] },
  { name: 'CLIENT LIST', args: ['CLIENT', 'LIST'] },
  { name: 'CLIENT KILL', args: ['CLIENT', 'KILL', 'TYPE', 'normal'] },
  { name: 'CLIENT PAUSE', args: ['CLIENT', 'PAUSE', '10000'] },
  { name: 'CLIENT UNBLOCK someone', args: ['CLIENT', 'UNBLOCK', '1'] },
  { name: 'CLIENT NO-EVICT', args: ['CLIENT', 'NO-EVICT', 'on'] },
  { name: 'MONITOR', args: ['MONITOR'] },
  { name: 'SLOWLOG GET', args: ['SLOWLOG', 'GET'] },
  { name: 'LATENCY DOCTOR', args: ['LATENCY', 'DOCTOR'] },
  { name: 'MEMORY STATS', args: ['MEMORY', 'STATS'] },
  { name: 'MEMORY PURGE', args: ['MEMORY', 'PURGE'] },
  { name: 'SCRIPT FLUSH', args: ['SCRIPT', 'FLUSH'] },
  { name: 'SCRIPT KILL', args: ['SCRIPT', 'KILL'] },
  { name: 'FUNCTION LOAD', args: ['FUNCTION', 'LOAD', "#!lua name=evil\nserver.register_function('f', function() return 1 end)"] },
  { name: 'FUNCTION FLUSH', args: ['FUNCTION', 'FLUSH'] },
  { name: 'MODULE LOAD', args: ['MODULE', 'LOAD', '/tmp/evil.so'] },
  { name: 'REPLICAOF', args: ['REPLICAOF', '127.0.0.1', '1'] },
  { name: 'MIGRATE', args: ['MIGRATE', '127.0.0.1', '1', 'mine', '0', '1000'] },
  { name: 'SAVE', args: ['SAVE'] },
  { name: 'BGREWRITEAOF', args: ['BGREWRITEAOF'] },
  { name: 'RESTORE raw data', args: ['RESTORE', 'evil', '0', '\x00\x01'] },
  { name: 'SYNC', args: ['SYNC'] },
  { name: 'CLUSTER INFO', args: ['CLUSTER', 'INFO'] },
  { name: 'OBJECT on the victim key name (own sandbox only)', args: ['OBJECT', 'ENCODING', 'victim:data'], allowed: (r) => r.t === 'nil' },
  { name: 'EVAL SELECT inside a script', args: ['EVAL', "return server.call('SELECT', '0')", '0'] },
  { name: 'EVAL FLUSHALL inside a script', args: ['EVAL', "return server.call('FLUSHALL')", '0'] },
  { name: 'EVAL CONFIG inside a script', args: ['EVAL', "return server.call('CONFIG', 'SET', 'maxmemory', '1')", '0'] },
  { name: 'EVAL SWAPDB inside a script', args: ['EVAL', "return server.call('SWAPDB', '0', '1')", '0'] },
  { name: 'EVAL MOVE inside a script', args: ['EVAL', "return redis.call('MOVE', 'mine', '0')", '0'] },
  { name: 'EVAL writing a global', args: ['EVAL', 'evil = 1 return evil', '0'] },
  // The memory guard gives each script its own `server` and `_G` in front of the shared ones:
  // replacing those changes only that one script.
  {
    name: 'EVAL replacing server (its own name only)',
    args: ['EVAL', "server = {} return 'replaced'", '0'],
    allowed: (r) => r.t === 'bulk' && r.s === 'replaced',
  },
  {
    name: 'EVAL rawset on _G (its own table only)',
    args: ['EVAL', "rawset(_G, 'server', {}) return type(server.call)", '0'],
    allowed: (r) => r.t === 'bulk' && r.s === 'function',
  },
  {
    name: 'EVAL reaching the shared globals behind the guard',
    args: ['EVAL', 'return tostring(getmetatable(_G))', '0'],
    allowed: (r) => r.t === 'bulk' && r.s === 'false',
  },
  {
    name: 'EVAL loading code outside the guard',
    args: ['EVAL', "local f, e = loadstring('return server') if f then return 'loaded' end return e", '0'],
    allowed: (r) => r.t === 'bulk' && /not available/.test(r.s),
  },
  { name: 'EVALSHA of the victim script', args: ['EVALSHA', sha1(VICTIM_SCRIPT), '0'] },
  {
    name: 'SCRIPT EXISTS of the victim script',
    args: ['SCRIPT', 'EXISTS', sha1(VICTIM_SCRIPT)],
    allowed: (r) => text(r) === text({ t: 'arr', a: [int(0)] }),
  },
  { name: 'SCRIPT SHOW of the victim script', args: ['SCRIPT', 'SHOW', sha1(VICTIM_SCRIPT)] },
  { name: 'KEYS * (own keys only)', args: ['KEYS', '*'], allowed: (r) => !text(r).includes('victim') },
  { name: 'SCAN everything (own keys only)', args: ['SCAN', '0', 'COUNT', '100000'], allowed: (r) => !text(r).includes('victim') },
  { name: 'RANDOMKEY (own keys only)', args: ['RANDOMKEY'], allowed: (r) => !text(r).includes('victim') },
  { name: 'INFO keyspace (own database only)', args: ['INFO', 'keyspace'], allowed: (r) => (text(r).match(/db\d+:/g) ?? []).length <= 1 },
  { name: 'INFO commandstats (others’ activity)', args: ['INFO', 'commandstats'], allowed: (r) => !text(r).includes('cmdstat_') },
  { name: 'PUBSUB CHANNELS (own channels only)', args: ['PUBSUB', 'CHANNELS', '*'], allowed: (r) => !text(r).includes('victim') },
  {
    name: 'PUBLISH to the victim channel name (reaches nobody)',
    args: ['PUBLISH', 'victim-news', 'spoofed'],
    allowed: (r) => text(r) === text(int(0)),
  },
]

describe('a hostile attendee', () => {
  let playground: Playground
  let victim: TestClient
  let attacker: TestClient
  let victimDb = 0

  beforeAll(async () => {
    playground = await startTestPlayground()
    victim = await TestClient.connect(playground.port)
    attacker = await TestClient.connect(playground.port)
    await victim.one('HSET', 'victim:data', 'secret', 'value')
    await victim.one('EXPIRE', 'victim:data', '3600')
    expect(await victim.one('SCRIPT', 'LOAD', VICTIM_SCRIPT)).toEqual(bulk(sha1(VICTIM_SCRIPT)))
    await victim.run('SUBSCRIBE', 'victim-news')
    await eventually(() => victim.of('push')[0], 'the victim subscription')
    await attacker.one('SET', 'mine', 'x')
    const info = await victim.one('CLIENT', 'INFO')
    victimDb = Number(/\bdb=(\d+)/.exec(info.t === 'bulk' ? info.s : '')?.[1])
  })
  afterAll(async () => {
    victim?.close()
    attacker?.close()
    await playground?.close()
  })

  it.each(commands)('$name: refused or kept inside the sandbox', async ({ args, allowed }) => {
    const reply = await attacker.one(...args)
    expect((allowed ?? refused)(reply), text(reply)).toBe(true)
    expect(text(reply)).not.toMatch(/victim secret|value/)
  })

  it('transactions cannot smuggle a refused command through', async () => {
    for (const inner of [['SELECT', '0'], ['FLUSHALL'], ['CONFIG', 'SET', 'maxmemory', '1'], ['SWAPDB', '0', '1']]) {
      expect(await attacker.one('MULTI')).toEqual({ t: 'str', s: 'OK' })
      await attacker.run(...inner)
      const exec = await attacker.one('EXEC')
      expect(exec.t, `MULTI ${inner.join(' ')} EXEC`).toBe('err')
    }
  })

  it('pub/sub, the inspector and mission messages see only the own sandbox', async () => {
    await attacker.run('PSUBSCRIBE', '*')
    await attacker.run('SUBSCRIBE', '__keyspace@0__:*', `__keyspace@${victimDb}__:*`)
    const spy = await TestClient.connect(playground.port)
    spy.sendJson({ type: 'watchKeys', pattern: '*' })
    spy.sendJson({ type: 'openKey', key: 'victim:data', match: '*' })
    spy.sendJson({ type: 'moreFields', key: 'victim:data', cursor: '999999' })
    spy.sendJson({ type: 'openKey', key: 'x'.repeat(5000), match: '*' })
    spy.sendJson({ type: 'missionOpen', id: 'no-such-mission' })
    spy.sendJson({ type: 'missionReset', id: 'cantina-sessions' })
    await eventually(() => spy.of('keys')[0], 'the spy key list')
    // The reset empties the spy's sandbox last, and then its inspector reads its list and its open
    // key again, behind everything the frames before asked for: once that key view is in, every
    // answer to the spy is.
    const again = await eventually(() => spy.of('keys')[1], 'the spy key list read again after the reset')
    await eventually(() => spy.messages.slice(spy.messages.indexOf(again)).find((m) => m.type === 'keyView'), 'the open key read again')
    await eventually(() => spy.of('missionProgress')[0], 'the progress of the unknown mission')
    expect(JSON.stringify(spy.messages)).not.toContain('secret')
    expect(spy.of('keys')[0]!.keys).toEqual([])
    expect(JSON.stringify(attacker.messages)).not.toContain('victim:data')
    await attacker.run('PUNSUBSCRIBE')
    await attacker.run('UNSUBSCRIBE')
    await eventually(() => attacker.of('mode').find((m) => !m.subscribed), 'the attacker back from subscribed mode')
    spy.close()
  })

  it('the HTTP API gives nothing away and refuses odd paths', async () => {
    const base = `http://127.0.0.1:${playground.port}`
    for (const path of [
      '/api/missions/..%2f..%2fpackage.json',
      '/api/missions/%2e%2e',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/api/nothing',
    ]) {
      const response = await fetch(base + path)
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(await response.text(), path).not.toMatch(/"dependencies"|root:x:/)
    }
    const long = await fetch(`${base}/api/missions/${'a'.repeat(10_000)}`)
    expect(long.status).toBeGreaterThanOrEqual(400)
  })

  it('afterwards the victim, its script and the playground are exactly as before', async () => {
    expect(await attacker.one('PING')).toEqual({ t: 'str', s: 'PONG' })
    const fresh = await TestClient.connect(playground.port, victim.token)
    expect(await fresh.one('HGET', 'victim:data', 'secret')).toEqual(bulk('value'))
    const ttl = await fresh.one('TTL', 'victim:data')
    expect(ttl.t === 'int' && Number(ttl.n) > 3500).toBe(true)
    expect(await fresh.one('EVALSHA', sha1(VICTIM_SCRIPT), '0')).toEqual(bulk('victim secret'))
    expect(await fresh.one('DBSIZE')).toEqual(int(1))
    // Nobody's spoofed message reached the victim's subscription.
    expect(JSON.stringify(victim.of('push'))).not.toContain('spoofed')
    fresh.close()
  })
})
