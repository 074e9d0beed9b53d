/**
 * Inspect mode at the sizes real servers have (issue 14): a hash of 100,000 fields is paged and
 * searched by value on the server, and a database of 1,000,000 keys is listed a page at a time
 * with SCAN (never KEYS, which blocks the server), where the terminal refuses KEYS and suggests
 * SCAN. Against every target: Valkey 9, Valkey 8, Redis 7.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import { LIMITS } from '../../common/protocol/index.ts'
import { MAX_MATCHES } from '../src/inspector/ValueSearch.ts'
import { PAGE_FIELDS } from '../src/inspector/KeyReader.ts'
import { bulk, int, ok } from './helpers.ts'
import {
  ask,
  connectOwnValkey,
  inspectTargets,
  keysRefusal,
  next,
  runOn,
  since,
  startOwnValkeyOn,
  TARGET_PASSWORD,
  Teardown,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

const FIELDS = 100_000
const KEYS = 1_000_000
const BIG_DB = 5
/** Fields whose value holds the searched text; the rest hold `v:<n>`. */
const NEEDLES = new Set([31_337, 77_777, 99_998])
const valueOf = (n: number) => (NEEDLES.has(n) ? `found-Needle-${n}` : `v:${n}`)

/** How many times the server has run KEYS (INFO commandstats), to prove the key list never does. */
/** How often the server has run a command so far (INFO commandstats). */
async function calls(target: TargetServer, command: string): Promise<number> {
  const [info] = await runCommands(target, [['INFO', 'commandstats']])
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(String(info))?.[1] ?? 0)
}

const keysCalls = (target: TargetServer) => calls(target, 'keys')

describe.each(inspectTargets())('inspect mode at scale ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer
  const connect = async () => teardown.client(await connectOwnValkey(inspect.port))

  beforeAll(async () => {
    // Notifications on: no poller re-reads 2,000 listed keys in the background while the tests measure.
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD, notifications: 'KEA' }), (t) =>
      t.stop()
    )
    const batches: string[][] = []
    for (let start = 0; start < FIELDS; start += 1000) {
      const args = ['HSET', 'big']
      for (let n = start; n < start + 1000; n++) args.push(`f:${n}`, valueOf(n))
      batches.push(args)
    }
    const seeded = await runOn(target, 0, [...batches, ['DBSIZE']])
    expect(seeded.at(-1)).toBe(1)
    // DEBUG POPULATE makes a million string keys (k:0 ... k:999999) in under a second on all three servers.
    expect(await runOn(target, BIG_DB, [['DEBUG', 'POPULATE', String(KEYS), 'k', '8'], ['DBSIZE']])).toEqual(['OK', KEYS])
    inspect = teardown.add(await startOwnValkeyOn(target), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('opens a 100,000-field hash a page at a time and pages through all of it exactly once', async () => {
    const client = await connect()
    const view = await ask(client, { type: 'openKey', key: 'big', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'hash', length: FIELDS, memoryExact: false })
    // A page is at least PAGE_FIELDS fields (HSCAN COUNT 1000 batches until it has that many), never the whole hash.
    expect(view.fields.length).toBeGreaterThanOrEqual(PAGE_FIELDS)
    expect(view.fields.length).toBeLessThan(5000)
    expect(view.cursor).not.toBe('0')
    const seen = new Map<string, string>()
    for (const field of view.fields) seen.set(field.field, field.value)
    let cursor = view.cursor
    let pages = 1
    const repeated: string[] = []
    while (cursor !== '0' && pages < 1000) {
      const page = await ask(client, { type: 'moreFields', key: 'big', cursor }, 'fieldsPage', (m) => m.key === 'big')
      for (const field of page.fields) {
        if (seen.has(field.field)) repeated.push(field.field)
        seen.set(field.field, field.value)
      }
      cursor = page.cursor
      pages++
    }
    expect(cursor).toBe('0')
    // A later page never repeats a field the page already has, and together they are the whole hash.
    expect(repeated).toEqual([])
    expect(seen.size).toBe(FIELDS)
    for (const n of [0, 1, 31_337, 50_000, 99_999]) expect(seen.get(`f:${n}`)).toBe(valueOf(n))
  })

  it('searches the values of the whole hash on the server: exactly the fields that hold the text', async () => {
    const client = await connect()
    await ask(client, { type: 'openKey', key: 'big', match: '*' }, 'keyView')
    const from = client.messages.length
    // Case does not matter, as in the page's own filter.
    client.sendJson({ type: 'searchValues', key: 'big', text: 'NEEDLE' })
    const last = await next(client, 'valueMatches', from, (m) => m.done)
    const found = since(client, 'valueMatches', from).flatMap((m) => m.fields)
    expect(found.sort((a, b) => (a.field < b.field ? -1 : 1))).toEqual(
      [...NEEDLES].sort().map((n) => ({ field: `f:${n}`, value: valueOf(n), expiresAt: null }))
    )
    expect(last).toMatchObject({ key: 'big', text: 'NEEDLE', done: true, capped: false })
    // Every field looked at once (HSCAN of a hash that does not change returns each field once).
    expect(last.scanned).toBe(FIELDS)
  })

  it('stops a search that matches everything at the most one search returns', async () => {
    const client = await connect()
    await ask(client, { type: 'openKey', key: 'big', match: '*' }, 'keyView')
    const from = client.messages.length
    client.sendJson({ type: 'searchValues', key: 'big', text: 'v:' })
    const last = await next(client, 'valueMatches', from, (m) => m.done)
    expect(last).toMatchObject({ done: true, capped: true })
    const found = since(client, 'valueMatches', from).flatMap((m) => m.fields)
    expect(found.length).toBe(MAX_MATCHES)
    expect(new Set(found.map((f) => f.field)).size).toBe(MAX_MATCHES)
    expect(found.every((f) => f.value === `v:${f.field.slice(2)}`)).toBe(true)
    expect(last.scanned).toBeLessThan(FIELDS)
  })

  it('lists a database of 1,000,000 keys a page of 2,000 at a time with SCAN, never KEYS', async () => {
    const keysBefore = await keysCalls(target)
    const client = await connect()
    // After the first list (a switch before it is ownValkeyViews' concern).
    await next(client, 'databases', 0)
    await ask(client, { type: 'selectDb', db: BIG_DB }, 'inspectorDb')
    const first = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    const truth = [
      { db: 0, keys: 1, expires: 0 },
      { db: BIG_DB, keys: KEYS, expires: 0 },
    ]
    // The list the page was given is the server's, and it was not sent again for the switch (nothing changed).
    expect(since(client, 'databases', 0).map((m) => m.list)).toEqual([truth])
    expect(first.keys.length).toBeGreaterThanOrEqual(LIMITS.inspectorKeys)
    expect(first.keys.length).toBeLessThan(LIMITS.inspectorKeys + 2000)
    expect(first.cursor).not.toBe('0')
    expect(first.keys.every((k) => /^k:\d+$/.test(k.key) && k.type === 'string' && k.expiresAt === null)).toBe(true)
    const listed = new Set(first.keys.map((k) => k.key))
    expect(listed.size).toBe(first.keys.length)

    const second = await ask(client, { type: 'moreKeys', pattern: '*', cursor: first.cursor }, 'keysPage')
    expect(second.keys.length).toBeGreaterThanOrEqual(LIMITS.inspectorKeys)
    expect(second.cursor).not.toBe('0')
    expect(second.cursor).not.toBe(first.cursor)
    for (const info of second.keys) expect(listed.has(info.key)).toBe(false)
    expect(await keysCalls(target)).toBe(keysBefore)
  })

  it('answers a pattern that matches nothing in a million keys in bounded time, with a cursor to go on', async () => {
    const client = await connect()
    await ask(client, { type: 'selectDb', db: BIG_DB }, 'inspectorDb')
    const scansBefore = await calls(target, 'scan')
    const page = await ask(client, { type: 'watchKeys', pattern: 'nothing:*' }, 'keys', (m) => m.pattern === 'nothing:*', 20_000)
    // Exactly 50 SCAN batches of 1,000: a twentieth of the database, never all of it (bounded by
    // work, not by a clock).
    expect(page.keys).toEqual([])
    expect(page.cursor).not.toBe('0')
    expect((await calls(target, 'scan')) - scansBefore).toBe(50)
  })

  it('refuses KEYS in the terminal on the million-key database (suggesting SCAN), and allows DBSIZE, SCAN and KEYS on a small one', async () => {
    const client = await connect()
    const before = await keysCalls(target)
    expect(await client.one('KEYS', '*')).toEqual({ t: 'arr', a: [bulk('big')] })
    expect(await client.one('SELECT', String(BIG_DB))).toEqual(ok)
    expect(await client.one('KEYS', '*')).toEqual({ t: 'err', s: keysRefusal(KEYS) })
    expect(await client.one('KEYS', 'k:1')).toEqual({ t: 'err', s: keysRefusal(KEYS) })
    expect(await client.one('DBSIZE')).toEqual(int(KEYS))
    const scan = await client.one('SCAN', '0', 'MATCH', 'k:12345', 'COUNT', '1000')
    expect(scan.t).toBe('arr')
    // Only the one allowed KEYS (on database 0, of one key) reached the server.
    expect(await keysCalls(target)).toBe(before + 1)
  })

  it('refuses KEYS on the million-key database with --write too, and allows it with --dangerous', async () => {
    const writable = teardown.add(await startOwnValkeyOn(target, { db: BIG_DB, write: true }), (i) => i.close())
    const client = teardown.client(await connectOwnValkey(writable.port))
    expect(await client.one('KEYS', '*')).toEqual({ t: 'err', s: keysRefusal(KEYS) })
    // The threshold is the database's size: a smaller one is fine.
    expect(await client.one('SELECT', '0')).toEqual(ok)
    expect(await client.one('KEYS', '*')).toEqual({ t: 'arr', a: [bulk('big')] })
    // --dangerous lets KEYS through whatever the size; a pattern that finds one key keeps the reply small.
    const dangerous = teardown.add(await startOwnValkeyOn(target, { db: BIG_DB, write: true, dangerous: true }), (i) => i.close())
    const brave = teardown.client(await connectOwnValkey(dangerous.port))
    expect(await brave.one('KEYS', 'k:123456')).toEqual({ t: 'arr', a: [bulk('k:123456')] })
  })
})
