/**
 * Inspect mode stays current (issue 14): pushed by keyspace notifications when the server has them
 * on, polled at a visible interval when it does not (the page is told why and the exact CONFIG SET
 * line), and turned on only when the user asks and the server lets this user. Changes are made by
 * another client, on the server directly, as an application would make them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import type { TestClient } from './helpers.ts'
import {
  ask,
  connectOwnValkey,
  hasFieldExpiry,
  inspectTargets,
  next,
  productOf,
  runOn,
  since,
  startOwnValkeyOn,
  TARGET_PASSWORD,
  Teardown,
  type Of,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

const VIEWER = { name: 'viewer', password: 'viewer-password-123' }

async function notifyFlags(target: TargetServer): Promise<string> {
  const [reply] = await runCommands(target, [['CONFIG', 'GET', 'notify-keyspace-events']])
  return (reply as string[])[1]!
}

/** Messages after `from` that tell the page something changed, in short (a list of 450 items would fill the screen). */
const changes = (client: TestClient, from: number) =>
  client.messages.slice(from).flatMap((m) => {
    if (m.type === 'keyView') return [`keyView ${m.key}: ${m.items.length} items, cursor ${m.cursor}`]
    if (m.type === 'fieldsChanged') return [`fieldsChanged ${m.key}: ${m.upsert.length} upserted, ${m.removed.length} removed`]
    if (m.type === 'keyChanged' || m.type === 'keys') return [`${m.type}`]
    return []
  })

describe.each(inspectTargets())('inspect mode live or polled ($name)', (spec) => {
  const teardown = new Teardown()
  /** notify-keyspace-events KEA, as an operator who wants them sets it. */
  let notifying: TargetServer
  /** notify-keyspace-events '' (the servers' default). */
  let quiet: TargetServer
  let onNotifying: OwnValkeyServer
  let onQuiet: OwnValkeyServer
  let fieldExpiry: boolean

  beforeAll(async () => {
    const stopped = (server: TargetServer) => teardown.add(server, (t) => t.stop())
    ;[notifying, quiet] = await Promise.all([
      startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD, notifications: 'KEA' }).then(stopped),
      startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD }).then(stopped),
    ])
    fieldExpiry = await hasFieldExpiry(notifying)
    await runOn(notifying, 0, [['HSET', 'live:h', 'a', '1']])
    await runOn(quiet, 0, [
      ['HSET', 'poll:h', 'a', '1'],
      ['SET', 'poll:gone', 'soon'],
      ['RPUSH', 'poll:list', ...Array.from({ length: 450 }, (_, i) => `item:${i}`)],
      // May read notify-keyspace-events but not change it: a shared server's monitoring user, say.
      ['ACL', 'SETUSER', VIEWER.name, 'on', `>${VIEWER.password}`, '~*', '&*', '+@all', '-config|set'],
    ])
    onNotifying = teardown.add(await startOwnValkeyOn(notifying), (i) => i.close())
    onQuiet = teardown.add(await startOwnValkeyOn(quiet), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('with notifications on, says so and pushes changes another client makes, without polling', async () => {
    const client = teardown.client(await connectOwnValkey(onNotifying.port))
    await next(client, 'live', 0, (m) => m.mode === 'notifications')
    expect(since(client, 'live', 0).at(-1)).toEqual({
      type: 'live',
      mode: 'notifications',
      flags: await notifyFlags(notifying),
      reason: null,
      enableLine: null,
      pollSeconds: 2,
      polledAt: null,
    })
    await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    const view = await ask(client, { type: 'openKey', key: 'live:h', match: '*' }, 'keyView')
    expect(view.fields).toEqual([{ field: 'a', value: '1', expiresAt: null }])

    let from = client.messages.length
    await runOn(notifying, 0, [
      ['HSET', 'live:h', 'b', '2'],
      ['SET', 'live:new', 'x'],
    ])
    const changed = await next(client, 'fieldsChanged', from, (m) => m.upsert.some((f) => f.field === 'b'))
    expect(changed).toMatchObject({ key: 'live:h', upsert: [{ field: 'b', value: '2', expiresAt: null }], removed: [] })
    expect(changed.meta).toMatchObject({ type: 'hash', length: 2 })
    const appeared = await next(client, 'keyChanged', from, (m) => m.key === 'live:new')
    expect(appeared.info).toEqual({ key: 'live:new', type: 'string', expiresAt: null })
    await next(client, 'keyEvents', from, (m) => m.list.some((e) => e.key === 'live:new'))
    expect(since(client, 'keyEvents', from).flatMap((m) => m.list.map((e) => [e.key, e.event]))).toEqual(
      expect.arrayContaining([
        ['live:h', 'hset'],
        ['live:new', 'set'],
      ])
    )

    from = client.messages.length
    await runOn(notifying, 0, [['HDEL', 'live:h', 'a']])
    const removed = await next(client, 'fieldsChanged', from)
    expect(removed).toMatchObject({ upsert: [], removed: ['a'] })

    if (fieldExpiry) {
      from = client.messages.length
      const [, expires] = await runOn(notifying, 0, [
        ['HPEXPIRE', 'live:h', '600000', 'FIELDS', '1', 'b'],
        ['HPEXPIRETIME', 'live:h', 'FIELDS', '1', 'b'],
      ])
      const ttl = await next(client, 'fieldsChanged', from)
      expect(ttl.upsert).toEqual([{ field: 'b', value: '2', expiresAt: (expires as number[])[0] }])
    }
    // Nothing was polled: no live message carries a poll time.
    expect(since(client, 'live', 0).map((m) => m.polledAt)).toEqual(since(client, 'live', 0).map(() => null))
  })

  it('with notifications on, shows a changed list again as far as it was loaded, and still complete', async () => {
    await runOn(notifying, 0, [['RPUSH', 'live:list', ...Array.from({ length: 450 }, (_, i) => `item:${i}`)]])
    const client = teardown.client(await connectOwnValkey(onNotifying.port))
    await ask(client, { type: 'openKey', key: 'live:list', match: '*' }, 'keyView')
    await ask(client, { type: 'moreItems', key: 'live:list', cursor: '200' }, 'itemsPage')
    expect((await ask(client, { type: 'moreItems', key: 'live:list', cursor: '400' }, 'itemsPage')).cursor).toBe('0')
    const from = client.messages.length
    await runOn(notifying, 0, [['LSET', 'live:list', '5', 'changed']])
    const view = await next(client, 'keyView', from)
    expect(view.items).toHaveLength(450)
    expect(view.items[5]).toEqual({ kind: 'list', index: 5, value: 'changed' })
    // All 450 are shown, so there is nothing more to load.
    expect(view.cursor).toBe('0')
  })

  it('with notifications off, says why with the exact CONFIG SET line, and polls at the interval chosen', async () => {
    const client = teardown.client(await connectOwnValkey(onQuiet.port))
    const live = await next(client, 'live', 0)
    expect(live).toEqual({
      type: 'live',
      mode: 'polling',
      flags: '',
      reason: 'keyspace notifications are off on this server',
      enableLine: 'CONFIG SET notify-keyspace-events KA',
      pollSeconds: 2,
      polledAt: null,
    })
    const faster = await ask(client, { type: 'pollEvery', seconds: 1 }, 'live')
    expect(faster).toMatchObject({ mode: 'polling', pollSeconds: 1 })
    const keys = await ask(client, { type: 'watchKeys', pattern: 'poll:*' }, 'keys')
    expect(keys.keys.map((k) => k.key).sort()).toEqual(['poll:gone', 'poll:h', 'poll:list'])
    await ask(client, { type: 'openKey', key: 'poll:h', match: '*' }, 'keyView')

    const from = client.messages.length
    const changedAt = Date.now()
    await runOn(quiet, 0, [
      ['HSET', 'poll:h', 'b', '2'],
      ['SET', 'poll:new', 'x', 'EX', '600'],
      ['DEL', 'poll:gone'],
    ])
    // Within a few polls of one second.
    const changed = await next(client, 'fieldsChanged', from, () => true, 5000)
    expect(changed).toMatchObject({ key: 'poll:h', upsert: [{ field: 'b', value: '2', expiresAt: null }], removed: [] })
    const appeared = await next(client, 'keyChanged', from, (m) => m.key === 'poll:new', 5000)
    expect(appeared.info).toMatchObject({ key: 'poll:new', type: 'string' })
    const gone = await next(client, 'keyChanged', from, (m) => m.key === 'poll:gone', 5000)
    expect(gone.info).toBeNull()
    // Each poll reads the database list too: a database that gets its first key appears.
    await runOn(quiet, 7, [['SET', 'elsewhere', '1']])
    const databases = await next(client, 'databases', from, (m) => m.list.some((d) => d.db === 7), 5000)
    expect(databases.list).toEqual([
      { db: 0, keys: 3, expires: 1 },
      { db: 7, keys: 1, expires: 0 },
    ])
    await runOn(quiet, 7, [['DEL', 'elsewhere']])
    // The poll that found the change ends by telling the page when it read.
    const polled = await next(client, 'live', client.messages.indexOf(changed), (m) => m.polledAt !== null)
    expect(polled).toMatchObject({ mode: 'polling', pollSeconds: 1 })
    expect(polled.polledAt!).toBeGreaterThanOrEqual(changedAt)
  })

  it('says nothing on a poll that finds nothing new', async () => {
    const client = teardown.client(await connectOwnValkey(onQuiet.port))
    await ask(client, { type: 'pollEvery', seconds: 1 }, 'live', (m) => m.pollSeconds === 1)
    await ask(client, { type: 'watchKeys', pattern: 'poll:*' }, 'keys')
    await ask(client, { type: 'openKey', key: 'poll:h', match: '*' }, 'keyView')
    // Two polls later (each ends with a live message carrying its time), the page was told nothing.
    const from = client.messages.length
    const first = await next(client, 'live', from, (m) => m.polledAt !== null, 5000)
    await next(client, 'live', from, (m) => m.polledAt !== null && m.polledAt > first.polledAt!, 5000)
    expect(changes(client, from)).toEqual([])
  })

  it('says nothing either on a poll after a list was paged to its end', async () => {
    const client = teardown.client(await connectOwnValkey(onQuiet.port))
    await ask(client, { type: 'pollEvery', seconds: 1 }, 'live', (m) => m.pollSeconds === 1)
    const view = await ask(client, { type: 'openKey', key: 'poll:list', match: '*' }, 'keyView')
    expect(view.cursor).toBe('200')
    await ask(client, { type: 'moreItems', key: 'poll:list', cursor: '200' }, 'itemsPage')
    const end = await ask(client, { type: 'moreItems', key: 'poll:list', cursor: '400' }, 'itemsPage')
    expect(end.cursor).toBe('0')
    const from = client.messages.length
    const first = await next(client, 'live', from, (m) => m.polledAt !== null, 5000)
    await next(client, 'live', from, (m) => m.polledAt !== null && m.polledAt > first.polledAt!, 5000)
    expect(changes(client, from)).toEqual([])
  })

  it('reports the server’s refusal when a user who may not CONFIG SET asks to turn notifications on', async () => {
    const viewing = teardown.add(await startOwnValkeyOn(quiet, { user: VIEWER }), (i) => i.close())
    const client = teardown.client(await connectOwnValkey(viewing.port))
    // This user may read the setting, so the line is offered.
    expect(await next(client, 'live', 0)).toMatchObject({ mode: 'polling', flags: '', enableLine: 'CONFIG SET notify-keyspace-events KA' })
    const notice = await ask(client, { type: 'enableNotifications' }, 'notice')
    const noPermission =
      productOf(spec) === 'redis'
        ? "NOPERM this user has no permissions to run the 'config|set' command"
        : "NOPERM User viewer has no permissions to run the 'config|set' command"
    expect(notice).toEqual({
      type: 'notice',
      level: 'error',
      text: `The server refused CONFIG SET notify-keyspace-events KA: ${noPermission}`,
    })
    expect(await notifyFlags(quiet)).toBe('')
    expect(since(client, 'live', 0).every((m) => m.mode === 'polling')).toBe(true)
  })

  it('turns notifications on when asked, then pushes changes instead of polling', async () => {
    const client = teardown.client(await connectOwnValkey(onQuiet.port))
    await next(client, 'live', 0, (m) => m.mode === 'polling')
    // The slowest poll: a change seen well within 60 s now can only have been pushed.
    await ask(client, { type: 'pollEvery', seconds: 60 }, 'live', (m) => m.pollSeconds === 60)
    await ask(client, { type: 'openKey', key: 'poll:h', match: '*' }, 'keyView')
    const from = client.messages.length
    client.sendJson({ type: 'enableNotifications' })
    const notice = await next(client, 'notice', from)
    const flags = await notifyFlags(quiet)
    expect(flags).toMatch(/^(?=.*K)(?=.*A)[AKE]+$/)
    expect(notice).toEqual({
      type: 'notice',
      level: 'info',
      text: `Keyspace notifications are on (notify-keyspace-events ${flags}); changes are pushed from now on.`,
    })
    const live: Of<'live'> = await next(client, 'live', from, (m) => m.mode === 'notifications')
    expect(live).toEqual({ type: 'live', mode: 'notifications', flags, reason: null, enableLine: null, pollSeconds: 60, polledAt: null })
    // Going live reads what the page shows once more (no events were listened for while polling). A change made before that
    // read arrives in its keyView, not as a change (this test once timed out waiting for one), so the change comes after it.
    await next(client, 'keyView', from, (m) => m.key === 'poll:h')

    const changedFrom = client.messages.length
    await runOn(quiet, 0, [['HSET', 'poll:h', 'c', '3']])
    // Any bound under the 60 s poll proves a push.
    const pushed = await next(client, 'fieldsChanged', changedFrom, (m) => m.upsert.some((f) => f.field === 'c'))
    expect(pushed.upsert).toEqual([{ field: 'c', value: '3', expiresAt: null }])
    expect(since(client, 'keyEvents', changedFrom).flatMap((m) => m.list.map((e) => e.event))).toContain('hset')
  })
})
