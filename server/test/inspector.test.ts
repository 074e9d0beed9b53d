/**
 * The inspector's server side against a real Valkey: key list, opened hash,
 * targeted updates pushed by keyspace notifications, TTLs, isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import type { FieldInfo, ServerMessage } from '../../common/protocol/index.ts'
import { EXACT_MEMORY_UP_TO } from '../src/inspector/KeyReader.ts'
import { eventually, int, isError, startTestPlayground, TestClient } from './helpers.ts'

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>

/** Waits for the next message of a type after `from` that passes the check. */
function next<T extends ServerMessage['type']>(client: TestClient, type: T, from: number, check: (m: Of<T>) => boolean = () => true) {
  return eventually(() => client.messages.slice(from).find((m): m is Of<T> => m.type === type && check(m as Of<T>)), `a ${type} message`)
}

const fieldsOf = (list: FieldInfo[]) => Object.fromEntries(list.map((f) => [f.field, f.value]))

describe('the inspector', () => {
  let playground: Playground
  const clients: TestClient[] = []
  const connect = async () => {
    const client = await TestClient.connect(playground.port)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    playground = await startTestPlayground()
  })
  afterAll(async () => {
    clients.forEach((client) => client.close())
    await playground?.close()
  })

  it('lists keys with type and expiry, and keeps the list live', async () => {
    const client = await connect()
    await client.run('HSET', 'session:han_solo', 'username', 'hsolo')
    await client.run('SET', 'plain', 'x', 'EX', '100')
    let mark = client.messages.length
    client.sendJson({ type: 'watchKeys', pattern: '*' })
    const keys = await next(client, 'keys', mark)
    expect(keys.keys.map((k) => [k.key, k.type]).sort()).toEqual([
      ['plain', 'string'],
      ['session:han_solo', 'hash'],
    ])
    const plain = keys.keys.find((k) => k.key === 'plain')!
    expect(plain.expiresAt! - keys.now).toBeGreaterThan(95_000)

    mark = client.messages.length
    await client.run('DEL', 'plain')
    expect((await next(client, 'keyChanged', mark, (m) => m.key === 'plain')).info).toBeNull()
    mark = client.messages.length
    await client.run('LPUSH', 'queue', 'a')
    expect((await next(client, 'keyChanged', mark, (m) => m.key === 'queue')).info?.type).toBe('list')
    await next(client, 'keyEvents', mark, (m) => m.list.some((e) => e.key === 'queue' && e.event === 'lpush'))
  })

  it('shows exact memory (SAMPLES 0) for ordinary keys, and labels the estimate for very large ones', async () => {
    const client = await connect()
    // A few large values among small ones: five samples would miss most of the bytes.
    const args = ['HSET', 'mem:h']
    for (let i = 0; i < 40; i++) args.push(`small${i}`, 'x')
    for (let i = 0; i < 3; i++) args.push(`big${i}`, 'v'.repeat(5000))
    await client.run(...args)
    let mark = client.messages.length
    client.sendJson({ type: 'openKey', key: 'mem:h', match: '*' })
    const view = await next(client, 'keyView', mark)
    const exact = await client.run('MEMORY', 'USAGE', 'mem:h', 'SAMPLES', '0')
    expect(exact).toEqual([int(view.meta!.memory)])
    expect(view.meta).toMatchObject({ memoryExact: true })
    expect(view.meta!.memory).toBeGreaterThan(15_000)

    const many = ['HSET', 'mem:large']
    for (let i = 0; i <= EXACT_MEMORY_UP_TO; i++) many.push(`f${i}`, 'v')
    await client.run(...many)
    mark = client.messages.length
    client.sendJson({ type: 'openKey', key: 'mem:large', match: '*' })
    const large = await next(client, 'keyView', mark)
    expect(large.meta).toMatchObject({ length: EXACT_MEMORY_UP_TO + 1, memoryExact: false })
    expect(large.meta!.memory).toBeGreaterThan(0)
  })

  it('opens a hash and pushes only the fields that changed', async () => {
    const client = await connect()
    await client.run('HSET', 'h', 'a', '1', 'b', '2', 'bin', '\x00\xff')
    let mark = client.messages.length
    client.sendJson({ type: 'openKey', key: 'h', match: '*' })
    const view = await next(client, 'keyView', mark)
    expect(view.meta).toMatchObject({ type: 'hash', length: 3, encoding: 'listpack' })
    expect(view.meta!.memory).toBeGreaterThan(0)
    expect(fieldsOf(view.fields)).toEqual({ a: '1', b: '2', bin: '\x00\xff' })
    expect(view.cursor).toBe('0')

    // The HSET's own event may still be on its way (a refresh sends fieldsChanged even when
    // nothing changed): wait for the change this command made.
    mark = client.messages.length
    await client.run('HINCRBY', 'h', 'a', '41')
    let change = await next(client, 'fieldsChanged', mark, (m) => m.upsert.some((f) => f.field === 'a'))
    expect(change.upsert).toEqual([{ field: 'a', value: '42', expiresAt: null }])
    expect(change.removed).toEqual([])

    mark = client.messages.length
    await client.run('HDEL', 'h', 'b')
    change = await next(client, 'fieldsChanged', mark)
    expect(change.removed).toEqual(['b'])
    expect(change.meta?.length).toBe(2)

    mark = client.messages.length
    await client.run('EXPIRE', 'h', '50')
    change = await next(client, 'fieldsChanged', mark)
    expect(change.meta!.expiresAt! - change.now).toBeGreaterThan(45_000)
    mark = client.messages.length
    await client.run('PERSIST', 'h')
    change = await next(client, 'fieldsChanged', mark)
    expect(change.meta!.expiresAt).toBeNull()

    mark = client.messages.length
    await client.run('DEL', 'h')
    expect((await next(client, 'keyView', mark)).meta).toBeNull()
  })

  it('coalesces a burst and ends with the exact final state', async () => {
    const client = await connect()
    await client.run('HSET', 'counter', 'n', '0')
    client.sendJson({ type: 'openKey', key: 'counter', match: '*' })
    await next(client, 'keyView', 0)
    const mark = client.messages.length
    const ids = Array.from({ length: 1000 }, (_, i) => ({ id: 10_000 + i, args: ['HINCRBY', 'counter', 'n', '1'] }))
    client.sendJson({ type: 'commands', list: ids })
    await next(client, 'fieldsChanged', mark, (m) => m.upsert.some((f) => f.value === '1000'))
    const changes = client.messages.slice(mark).filter((m) => m.type === 'fieldsChanged')
    expect(changes.length).toBeLessThan(200) // coalesced, not one read per command
  })

  it('updates one field of a large hash without reloading it', async () => {
    const client = await connect()
    const args = ['HSET', 'big']
    for (let i = 0; i < 5000; i++) args.push(`field:${i}`, `value:${i}`)
    await client.run(...args)
    let mark = client.messages.length
    client.sendJson({ type: 'openKey', key: 'big', match: '*' })
    const view = await next(client, 'keyView', mark)
    expect(view.meta).toMatchObject({ type: 'hash', length: 5000, encoding: 'hashtable' })
    expect(view.fields.length).toBeGreaterThanOrEqual(200)
    expect(view.cursor).not.toBe('0')

    mark = client.messages.length
    client.sendJson({ type: 'moreFields', key: 'big', cursor: view.cursor })
    const page = await next(client, 'fieldsPage', mark)
    expect(page.fields.length).toBeGreaterThan(0)

    mark = client.messages.length
    await client.run('HSET', 'big', 'field:4999', 'changed')
    const change = await next(client, 'fieldsChanged', mark, (m) => m.upsert.some((f) => f.value === 'changed'))
    expect(change.upsert).toEqual([{ field: 'field:4999', value: 'changed', expiresAt: null }])
    // A reload would be queued on the inspector before a request made now: the key list.
    const barrier = client.messages.length
    client.sendJson({ type: 'watchKeys', pattern: '*' })
    await next(client, 'keys', barrier)
    expect(client.messages.slice(mark).some((m) => m.type === 'keyView')).toBe(false)
  })

  it('filters fields by pattern', async () => {
    const client = await connect()
    await client.run('HSET', 'user', 'name', 'Ann', 'nick', 'an', 'age', '30')
    const mark = client.messages.length
    client.sendJson({ type: 'openKey', key: 'user', match: 'n*' })
    const view = await next(client, 'keyView', mark)
    expect(Object.keys(fieldsOf(view.fields)).sort()).toEqual(['name', 'nick'])
  })

  it('shows field TTLs and drops a field when Valkey expires it; without field expiration (Valkey 8) there are none', async () => {
    const client = await connect()
    await client.run('HSET', 'hf', 'keep', '1', 'gone', '2')
    client.sendJson({ type: 'openKey', key: 'hf', match: '*' })
    const view = await next(client, 'keyView', 0)
    expect(view.fields.map((field) => field.expiresAt)).toEqual([null, null])
    if (!playground.capabilities.hashFieldExpiration) {
      // The view was read without HPEXPIRETIME, and the server indeed has no such command.
      expect(isError(await client.one('HPEXPIRE', 'hf', '300', 'FIELDS', '1', 'gone'))).toBe(true)
      return
    }
    // A TTL long enough to be read before it runs out, however slow the machine; then a short one
    // to watch Valkey expire the field.
    let mark = client.messages.length
    await client.run('HPEXPIRE', 'hf', '300000', 'FIELDS', '1', 'gone')
    const change = await next(client, 'fieldsChanged', mark, (m) => m.upsert.some((f) => f.expiresAt !== null))
    expect(change.upsert[0]!.field).toBe('gone')
    expect(change.upsert[0]!.expiresAt! - change.now).toBeLessThanOrEqual(300_000)
    expect(change.upsert[0]!.expiresAt! - change.now).toBeGreaterThan(290_000)
    mark = client.messages.length
    await client.run('HPEXPIRE', 'hf', '300', 'FIELDS', '1', 'gone')
    const removed = await next(client, 'fieldsChanged', mark, (m) => m.removed.includes('gone'))
    expect(removed.meta?.length).toBe(1)
    await next(client, 'keyEvents', mark, (m) => m.list.some((e) => e.key === 'hf' && e.event === 'hexpired'))
  })

  it('sees a FLUSHDB, which sends no notifications', async () => {
    const client = await connect()
    await client.run('SET', 'a', '1')
    client.sendJson({ type: 'watchKeys', pattern: '*' })
    await next(client, 'keys', 0)
    const mark = client.messages.length
    await client.run('FLUSHDB')
    expect((await next(client, 'keys', mark)).keys).toEqual([])
  })

  it('never tells one sandbox about another one’s keys or events', async () => {
    const alice = await connect()
    const bob = await connect()
    alice.sendJson({ type: 'watchKeys', pattern: '*' })
    bob.sendJson({ type: 'watchKeys', pattern: '*' })
    await next(alice, 'keys', 0)
    await next(bob, 'keys', 0)
    bob.sendJson({ type: 'openKey', key: 'secret:alice', match: '*' })
    await next(bob, 'keyView', 0)
    const mark = bob.messages.length
    await alice.run('HSET', 'secret:alice', 'pin', '1234')
    await next(alice, 'keyChanged', 0, (m) => m.key === 'secret:alice')
    // Had Alice's event reached Bob's inspector, it would have been in the same dispatch as hers,
    // and whatever it sent him is queued before a request he makes now: his key list again.
    const barrier = bob.messages.length
    bob.sendJson({ type: 'watchKeys', pattern: '*' })
    await next(bob, 'keys', barrier)
    const seen = JSON.stringify(bob.messages.slice(mark))
    expect(seen).not.toContain('secret:alice')
    expect(seen).not.toContain('1234')
  })

  it('rejects malformed inspector frames without closing', async () => {
    const client = await connect()
    const mark = client.messages.length
    client.sendJson({ type: 'watchKeys', pattern: 42 })
    client.sendJson({ type: 'openKey', key: 'x'.repeat(5000) })
    client.sendJson({ type: 'moreFields', key: 'k', cursor: 'abc' })
    await eventually(() => (client.messages.slice(mark).filter((m) => m.type === 'error').length === 3 ? true : undefined), 'three errors')
    expect(await client.one('PING')).toEqual({ t: 'str', s: 'PONG' })
  })
})
