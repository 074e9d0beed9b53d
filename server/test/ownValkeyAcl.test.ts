/**
 * The read-only ACL user the README recommends for inspect mode (issue 14), so that the server
 * enforces read-only too: it can read every key and hash, list databases (INFO), tell reads from
 * writes (COMMAND) and subscribe to keyspace notifications, and nothing else. Inspect mode signed
 * in as it works even with --write, where the server itself refuses the write, and explains that it
 * polls because the user may not read notify-keyspace-events. The same recipe on every target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OwnValkeyServer } from '../src/ownValkey/startOwnValkey.ts'
import type { FieldInfo } from '../../common/protocol/index.ts'
import { bulk, int } from './helpers.ts'
import {
  ask,
  connectOwnValkey,
  err,
  hasFieldExpiry,
  inspectTargets,
  next,
  productOf,
  runOn,
  startOwnValkeyOn,
  TARGET_PASSWORD,
  Teardown,
  versionOf,
} from './ownValkeyHelpers.ts'
import { runCommands, startTargetServer, type TargetServer } from './targetServer.ts'

const INSPECTOR = { name: 'inspector', password: 'inspector-password-123' }
/** The README's recipe, argument by argument. */
const RECIPE = [
  'on',
  `>${INSPECTOR.password}`,
  '~*',
  'resetchannels',
  '&__keyspace@*__:*',
  '-@all',
  '+@read',
  '+@connection',
  '-@dangerous',
  '+info',
  '+psubscribe',
  '+punsubscribe',
]

describe.each(inspectTargets())('inspect mode as the read-only ACL user ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer
  let inspect: OwnValkeyServer
  let fieldExpiry: boolean
  /** The server's own refusal for this user, as each product words it. */
  const noPermission = (command: string) =>
    productOf(spec) === 'redis'
      ? `NOPERM this user has no permissions to run the '${command}' command`
      : `NOPERM User ${INSPECTOR.name} has no permissions to run the '${command}' command`

  beforeAll(async () => {
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD }), (t) => t.stop())
    fieldExpiry = await hasFieldExpiry(target)
    expect(await runCommands(target, [['ACL', 'SETUSER', INSPECTOR.name, ...RECIPE]])).toEqual(['OK'])
    await runOn(target, 0, [['HSET', 'acl:h', 'name', 'Ann', 'otp', '4242']])
    if (fieldExpiry) await runOn(target, 0, [['HEXPIRE', 'acl:h', '900', 'FIELDS', '1', 'otp']])
    await runOn(target, 2, [['SET', 'acl:s', 'two']])
    inspect = teardown.add(await startOwnValkeyOn(target, { user: INSPECTOR, write: true }), (i) => i.close())
  })
  afterAll(() => teardown.run())

  it('starts and names the server and the user (INFO and COMMAND are allowed)', async () => {
    const client = teardown.client(await connectOwnValkey(inspect.port))
    expect(client.welcome!.server).toMatchObject({
      valkeyVersion: versionOf(spec),
      features: { hashFieldExpiration: fieldExpiry },
      inspect: { readOnly: false, user: INSPECTOR.name, product: productOf(spec) },
    })
    expect((await next(client, 'databases', 0)).list).toEqual([
      { db: 0, keys: 1, expires: 0 },
      { db: 2, keys: 1, expires: 0 },
    ])
  })

  it('reads keys and hashes, field TTLs included where the server has them', async () => {
    const client = teardown.client(await connectOwnValkey(inspect.port))
    const keys = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(keys.keys).toEqual([{ key: 'acl:h', type: 'hash', expiresAt: null }])
    const view = await ask(client, { type: 'openKey', key: 'acl:h', match: '*' }, 'keyView')
    expect(view.meta).toMatchObject({ type: 'hash', length: 2 })
    const [otpExpires] = fieldExpiry ? ((await runOn(target, 0, [['HPEXPIRETIME', 'acl:h', 'FIELDS', '1', 'otp']]))[0] as number[]) : [null]
    expect([...view.fields].sort((a: FieldInfo, b: FieldInfo) => (a.field < b.field ? -1 : 1))).toEqual([
      { field: 'name', value: 'Ann', expiresAt: null },
      { field: 'otp', value: '4242', expiresAt: otpExpires },
    ])
    await ask(client, { type: 'selectDb', db: 2 }, 'inspectorDb')
    const other = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(other.keys).toEqual([{ key: 'acl:s', type: 'string', expiresAt: null }])
    expect(await client.one('HGET', 'acl:h', 'name')).toEqual(bulk('Ann'))
    expect(await client.one('DBSIZE')).toEqual(int(1))
  })

  it('lets --write pass a SET that the server then refuses for this user, and nothing is written', async () => {
    const client = teardown.client(await connectOwnValkey(inspect.port))
    expect(await client.one('SET', 'acl:new', 'x')).toEqual(err(noPermission('set')))
    expect(await client.one('HSET', 'acl:h', 'name', 'Bob')).toEqual(err(noPermission('hset')))
    // KEYS on a small database passes the gate and is refused by the user's -@dangerous.
    expect(await client.one('KEYS', '*')).toEqual(err(noPermission('keys')))
    expect(await client.one('CONFIG', 'SET', 'notify-keyspace-events', 'KA')).toEqual(err(noPermission('config|set')))
    expect(
      await runOn(target, 0, [
        ['EXISTS', 'acl:new'],
        ['HGET', 'acl:h', 'name'],
      ])
    ).toEqual([0, 'Ann'])
  })

  it('searches values across keys with this user, and the server view shows what it may read and says what it may not', async () => {
    const client = teardown.client(await connectOwnValkey(inspect.port))
    await ask(client, { type: 'selectDb', db: 0 }, 'inspectorDb')
    const done = await ask(
      client,
      { type: 'searchKeys', id: 5, pattern: 'acl:*', text: 'ann', maxMatches: 10, maxKeys: 100 },
      'keySearch',
      (m) => m.state !== 'running'
    )
    expect(done).toMatchObject({ state: 'done', keysScanned: 1, keysMatched: 1, error: null })
    const view = await ask(client, { type: 'serverView' }, 'serverView')
    expect(view.keyspace).toEqual([
      { db: 0, keys: 1, expires: 0 },
      { db: 2, keys: 1, expires: 0 },
    ])
    expect(Number(view.info!.used_memory)).toBeGreaterThan(0)
    expect([view.slowlog, view.clients, view.memory]).toEqual([null, null, null])
    expect(view.errors.map((line) => line.replace(/:.*/, ''))).toEqual(['SLOWLOG GET', 'CLIENT LIST', 'MEMORY STATS'])
    expect(view.errors.every((line) => line.includes('NOPERM'))).toBe(true)
  })

  it('polls, and says it is because this user may not read notify-keyspace-events', async () => {
    const client = teardown.client(await connectOwnValkey(inspect.port))
    expect(await next(client, 'live', 0)).toEqual({
      type: 'live',
      mode: 'polling',
      flags: null,
      reason:
        'this user may not read notify-keyspace-events (CONFIG GET is refused), so the page reads what it shows again; keyspace events that do arrive are shown at once',
      enableLine: null,
      pollSeconds: 2,
      polledAt: null,
    })
    // Polling works with this user's rights: a change made elsewhere shows up.
    await ask(client, { type: 'pollEvery', seconds: 1 }, 'live', (m) => m.pollSeconds === 1)
    await ask(client, { type: 'openKey', key: 'acl:h', match: '*' }, 'keyView')
    const from = client.messages.length
    await runOn(target, 0, [['HSET', 'acl:h', 'name', 'Bea']])
    const changed = await next(client, 'fieldsChanged', from, () => true, 5000)
    expect(changed.upsert).toEqual([{ field: 'name', value: 'Bea', expiresAt: null }])
    await runOn(target, 0, [['HSET', 'acl:h', 'name', 'Ann']])
  })

  it('says which grant is missing when the user may not subscribe to keyspace notifications', async () => {
    // The recipe without its channel rule: PSUBSCRIBE itself is allowed, the channel is not.
    const noChannels = { name: 'nochannels', password: 'nochannels-password-123' }
    const recipe = RECIPE.filter((rule) => !rule.startsWith('&')).map((rule) => (rule.startsWith('>') ? `>${noChannels.password}` : rule))
    expect(await runCommands(target, [['ACL', 'SETUSER', noChannels.name, ...recipe]])).toEqual(['OK'])
    const server = teardown.add(await startOwnValkeyOn(target, { user: noChannels }), (i) => i.close())
    const client = teardown.client(await connectOwnValkey(server.port))
    const refusal =
      productOf(spec) === 'redis'
        ? 'NOPERM this user has no permissions to access one of the channels used as arguments'
        : 'NOPERM No permissions to access a channel'
    const live = await next(client, 'live', 0, (m) => m.reason?.startsWith('this user may not subscribe') === true)
    expect(live).toEqual({
      type: 'live',
      mode: 'polling',
      flags: null,
      reason: `this user may not subscribe to keyspace notifications (${refusal}); grant it &__keyspace@*__:* to see changes live`,
      enableLine: null,
      pollSeconds: 2,
      polledAt: null,
    })
  })
})
