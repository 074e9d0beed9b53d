/**
 * Inspect mode (issue 14) shows what is already in someone's server: every database with keys,
 * the key list with types and expiry, and a readable, paged view of every type, against a real
 * Valkey 9, Valkey 8 and Redis 7 seeded by another client. Every figure the page gets is checked
 * against what the server itself answers (PEXPIRETIME, HPEXPIRETIME, OBJECT ENCODING, MEMORY USAGE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { PROTOCOL_VERSION, type CollectionItem, type FieldInfo } from '../../common/protocol/index.ts'
import { bulk, int, ok, TestClient } from './helpers.ts'
import {
  arr,
  ask,
  BEARER,
  connectOwnValkey,
  hasFieldExpiry,
  inspectTargets,
  next,
  productOf,
  runOn,
  since,
  startOwnValkeyOn,
  str,
  TARGET_PASSWORD,
  Teardown,
  versionOf,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

const PROFILE = '{"city":"Paris","tags":["a","b"],"admin":false}'
/** Not UTF-8: the page gets these bytes as they are (one char per byte) and shows them escaped. */
const AVATAR = '\x00\xff\x10\x80'
const byField = (fields: FieldInfo[]) => [...fields].sort((a, b) => (a.field < b.field ? -1 : 1))
const listItems = (from: number, to: number): CollectionItem[] =>
  Array.from({ length: to - from }, (_, i) => ({ kind: 'list', index: from + i, value: `item:${from + i}` }))

describe.each(inspectTargets())('inspect mode shows every type ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer
  let fieldExpiry: boolean
  /** The server's own answers, read by another client after seeding. */
  let facts: { userExpires: number; greetingExpires: number; otpExpires: number | null }
  const connect = async () => teardown.client(await connectOwnValkey(inspect.port))

  beforeAll(async () => {
    // Notifications on: nothing is polled, so every message in these tests answers a request.
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD, notifications: 'KEA' }), (t) =>
      t.stop()
    )
    fieldExpiry = await hasFieldExpiry(target)
    const queue = Array.from({ length: 450 }, (_, i) => `item:${i}`)
    const log: string[][] = Array.from({ length: 250 }, (_, i) => ['XADD', 'log', `${i + 1}-0`, 'n', String(i + 1)])
    const seeded = await runOn(target, 0, [
      ['HSET', 'user:1', 'name', 'Ann', 'age', '30', 'profile', PROFILE, 'otp', '123456'],
      // Raw bytes through Lua: the test client would send a JS string as UTF-8.
      ['EVAL', "return redis.call('HSET', KEYS[1], 'avatar', string.char(0, 255, 16, 128))", '1', 'user:1'],
      ['EXPIRE', 'user:1', '3600'],
      ['SET', 'greeting', 'hello world', 'EX', '1000'],
      ['RPUSH', 'queue', ...queue],
      ['SADD', 'tags', 'red', 'green', 'blue'],
      // Fractions that doubles hold exactly, so every server prints the same digits.
      ['ZADD', 'scores', '1.5', 'low', '2.25', 'mid', '10.125', 'high', '-0.5', 'neg'],
      ['XADD', 'events', '1-1', 'a', '1'],
      ['XADD', 'events', '2-0', 'b', '2', 'c', '3'],
      ['XADD', 'events', '3-5', 'd', '4'],
      ...log,
    ])
    expect(seeded.filter((reply) => reply instanceof Error)).toEqual([])
    await runOn(target, 3, [
      ['SET', 'db3:a', 'A', 'EX', '500'],
      ['HSET', 'db3:h', 'f', 'v'],
      ['RPUSH', 'db3:l', 'x', 'y'],
    ])
    if (fieldExpiry) await runOn(target, 0, [['HEXPIRE', 'user:1', '600', 'FIELDS', '1', 'otp']])
    const [userExpires, greetingExpires, otp] = await runOn(target, 0, [
      ['PEXPIRETIME', 'user:1'],
      ['PEXPIRETIME', 'greeting'],
      ...(fieldExpiry ? [['HPEXPIRETIME', 'user:1', 'FIELDS', '1', 'otp']] : []),
    ])
    facts = {
      userExpires: userExpires as number,
      greetingExpires: greetingExpires as number,
      otpExpires: fieldExpiry ? (otp as number[])[0]! : null,
    }
    inspect = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('greets with what the server is, and lists exactly the databases that have keys', async () => {
    const client = await connect()
    expect(client.welcome!.server).toEqual({
      address: `127.0.0.1:${target.port}`,
      valkeyVersion: versionOf(spec),
      features: { hashFieldExpiration: fieldExpiry },
      embedded: false,
      inspect: { readOnly: true, dangerous: false, db: 0, user: null, tls: false, product: productOf(spec) },
    })
    const databases = await next(client, 'databases', 0)
    expect(databases.list).toEqual([
      { db: 0, keys: 7, expires: 2 },
      { db: 3, keys: 3, expires: 1 },
    ])
  })

  it('lists the keys with their type and absolute expiry', async () => {
    const client = await connect()
    const keys = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(keys.cursor).toBe('0')
    expect([...keys.keys].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual([
      { key: 'events', type: 'stream', expiresAt: null },
      { key: 'greeting', type: 'string', expiresAt: facts.greetingExpires },
      { key: 'log', type: 'stream', expiresAt: null },
      { key: 'queue', type: 'list', expiresAt: null },
      { key: 'scores', type: 'zset', expiresAt: null },
      { key: 'tags', type: 'set', expiresAt: null },
      { key: 'user:1', type: 'hash', expiresAt: facts.userExpires },
    ])
    // A pattern narrows the list on the server (SCAN MATCH).
    const users = await ask(client, { type: 'watchKeys', pattern: 'user:*' }, 'keys', (m) => m.pattern === 'user:*')
    expect(users.keys.map((k) => k.key)).toEqual(['user:1'])
  })

  it('opens a hash: JSON and binary values exact, field TTLs where the server has them, encoding and memory as the server says', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'user:1', match: '*' }, 'keyView')
    const [encoding, memory] = await runOn(target, 0, [
      ['OBJECT', 'ENCODING', 'user:1'],
      ['MEMORY', 'USAGE', 'user:1', 'SAMPLES', '0'],
    ])
    expect(view).toMatchObject({ key: 'user:1', match: '*', cursor: '0', items: [], value: null })
    expect(view.meta).toEqual({ type: 'hash', expiresAt: facts.userExpires, length: 5, encoding, memory, memoryExact: true })
    expect(byField(view.fields)).toEqual([
      { field: 'age', value: '30', expiresAt: null },
      { field: 'avatar', value: AVATAR, expiresAt: null },
      { field: 'name', value: 'Ann', expiresAt: null },
      // Valkey 9 (HPEXPIRETIME exists): the field's absolute expiry; Valkey 8 and Redis 7.0: none.
      { field: 'otp', value: '123456', expiresAt: facts.otpExpires },
      { field: 'profile', value: PROFILE, expiresAt: null },
    ])
    if (fieldExpiry) expect(facts.otpExpires! - view.now).toBeGreaterThan(590_000)
    // A field filter is applied by the server (HSCAN MATCH).
    const filtered = await ask(client, { type: 'openKey', key: 'user:1', match: 'a*' }, 'keyView', (m) => m.match === 'a*')
    expect(byField(filtered.fields).map((f) => f.field)).toEqual(['age', 'avatar'])
  })

  it('opens a string with its value', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'greeting', match: '*' }, 'keyView')
    const [encoding, memory] = await runOn(target, 0, [
      ['OBJECT', 'ENCODING', 'greeting'],
      ['MEMORY', 'USAGE', 'greeting', 'SAMPLES', '0'],
    ])
    expect(view).toEqual({
      type: 'keyView',
      key: 'greeting',
      meta: { type: 'string', expiresAt: facts.greetingExpires, length: 11, encoding, memory, memoryExact: true },
      match: '*',
      fields: [],
      items: [],
      cursor: '0',
      value: 'hello world',
      now: view.now,
    })
  })

  it('pages a list of 450 by index: 200, 200, 50 and the end', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'queue', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'list', length: 450, expiresAt: null })
    expect(view.items).toEqual(listItems(0, 200))
    expect(view.cursor).toBe('200')
    const second = await ask(client, { type: 'moreItems', key: 'queue', cursor: '200' }, 'itemsPage')
    expect(second).toMatchObject({ key: 'queue', items: listItems(200, 400), cursor: '400' })
    const last = await ask(client, { type: 'moreItems', key: 'queue', cursor: '400' }, 'itemsPage')
    expect(last).toMatchObject({ key: 'queue', items: listItems(400, 450), cursor: '0' })
  })

  it('opens a set with its members', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'tags', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'set', length: 3 })
    expect(view.cursor).toBe('0')
    // A set has no order: compared sorted.
    expect([...view.items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))).toEqual([
      { kind: 'set', value: 'blue' },
      { kind: 'set', value: 'green' },
      { kind: 'set', value: 'red' },
    ])
  })

  it('opens a sorted set in rank order with the scores as the server prints them', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'scores', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'zset', length: 4 })
    expect(view.cursor).toBe('0')
    expect(view.items).toEqual([
      { kind: 'zset', value: 'neg', score: '-0.5' },
      { kind: 'zset', value: 'low', score: '1.5' },
      { kind: 'zset', value: 'mid', score: '2.25' },
      { kind: 'zset', value: 'high', score: '10.125' },
    ])
  })

  it('opens a stream oldest first with ids and fields, and pages a long one after the last id read', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'events', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'stream', length: 3, encoding: 'stream' })
    expect(view.cursor).toBe('0')
    expect(view.items).toEqual([
      { kind: 'stream', id: '1-1', fields: ['a', '1'] },
      { kind: 'stream', id: '2-0', fields: ['b', '2', 'c', '3'] },
      { kind: 'stream', id: '3-5', fields: ['d', '4'] },
    ])
    const entries = (from: number, to: number): CollectionItem[] =>
      Array.from({ length: to - from }, (_, i) => ({ kind: 'stream', id: `${from + i}-0`, fields: ['n', String(from + i)] }))
    const log = await ask(client, { type: 'openKey', key: 'log', match: '*' }, 'keyView', (m) => m.key === 'log')
    expect(log.items).toEqual(entries(1, 201))
    expect(log.cursor).toBe('200-0')
    const rest = await ask(client, { type: 'moreItems', key: 'log', cursor: '200-0' }, 'itemsPage')
    expect(rest).toMatchObject({ key: 'log', items: entries(201, 251), cursor: '0' })
  })

  it('opens a key that does not exist as nothing', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'no-such-key', match: '*' }, 'keyView')
    expect(view).toMatchObject({ meta: null, fields: [], items: [], value: null, cursor: '0' })
  })

  it('switches to database 3 and then shows only its keys', async () => {
    const client = await connect()
    await next(client, 'databases', 0)
    const switched = await ask(client, { type: 'selectDb', db: 3 }, 'inspectorDb')
    expect(switched).toEqual({ type: 'inspectorDb', db: 3 })
    const keys = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(keys.cursor).toBe('0')
    expect([...keys.keys].sort((a, b) => (a.key < b.key ? -1 : 1)).map((k) => [k.key, k.type, k.expiresAt !== null])).toEqual([
      ['db3:a', 'string', true],
      ['db3:h', 'hash', false],
      ['db3:l', 'list', false],
    ])
    const hash = await ask(client, { type: 'openKey', key: 'db3:h', match: '*' }, 'keyView')
    expect(hash.fields).toEqual([{ field: 'f', value: 'v', expiresAt: null }])
    // Database 0's keys are not there.
    const other = await ask(client, { type: 'openKey', key: 'queue', match: '*' }, 'keyView', (m) => m.key === 'queue')
    expect(other.meta).toBeNull()
  })

  it('never shows a wrong database list when the page switches database at once', async () => {
    const truth = [
      [
        { db: 0, keys: 7, expires: 2 },
        { db: 3, keys: 3, expires: 1 },
      ],
    ]
    const check = async (client: TestClient) => {
      await next(client, 'inspectorDb', 0)
      await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
      await next(client, 'databases', 0)
      expect(since(client, 'databases', 0).map((m) => m.list)).toEqual(truth)
      client.close()
    }
    // Sent with the hello, the switch surely finds the first list still being read for database
    // 0: the moment a page that follows the terminal's SELECT at once can hit by chance.
    const eager = teardown.client(await TestClient.open(inspect.port, { headers: BEARER }))
    eager.sendJson({ type: 'hello', v: PROTOCOL_VERSION, token: null, name: null })
    eager.sendJson({ type: 'selectDb', db: 3 })
    await check(eager)
    // And as a page does it: after the welcome.
    for (let attempt = 0; attempt < 5; attempt++) {
      const client = await connect()
      client.sendJson({ type: 'selectDb', db: 3 })
      await check(client)
    }
  })

  it('runs SELECT in the terminal, and KEYS on a small database sees only that database', async () => {
    const client: TestClient = await connect()
    expect(await client.one('DBSIZE')).toEqual(int(7))
    expect(await client.one('SELECT', '3')).toEqual(ok)
    const keys = await client.one('KEYS', '*')
    expect(keys.t === 'arr' ? [...keys.a].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : keys).toEqual([
      bulk('db3:a'),
      bulk('db3:h'),
      bulk('db3:l'),
    ])
    expect(await client.one('DBSIZE')).toEqual(int(3))
    expect(await client.one('LRANGE', 'db3:l', '0', '-1')).toEqual(arr(bulk('x'), bulk('y')))
    expect(await client.one('GET', 'greeting')).toEqual({ t: 'nil' })
  })

  it('goes back to the database SELECT chose (inside MULTI too) when its connection is lost', async () => {
    const client = await connect()
    expect(await client.one('MULTI')).toEqual(ok)
    expect(await client.one('SELECT', '3')).toEqual(str('QUEUED'))
    expect(await client.one('EXEC')).toEqual(arr(ok))
    expect(await client.one('DBSIZE')).toEqual(int(3))
    // Another client ends the terminal's connection, as a restart or an operator's CLIENT KILL would.
    const id = await client.one('CLIENT', 'ID')
    expect(await runCommands(target, [['CLIENT', 'KILL', 'ID', id.t === 'int' ? id.n : 'none']])).toEqual([1])
    let reply = await client.one('DBSIZE')
    // Sent before the terminal saw its connection close, a command fails once, saying so; the next opens a new one.
    if (reply.t === 'err') {
      expect(reply.s).toMatch(/^ERR connection to Valkey (lost|is closed)/)
      reply = await client.one('DBSIZE')
    }
    expect(reply).toEqual(int(3))
  })
})
