/**
 * A pool of existing servers (VALKEY_URL as a comma list), a bookkeeping server of its own
 * (CONTROL_URL), and the servers start-up refuses, with what to change.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { parseValkeyUrl, parseValkeyUrls } from '../src/config.ts'
import { SERVER_STRIDE } from '../src/pool/sandboxNumber.ts'
import { createAdminClient } from '../src/valkey/adminClient.ts'
import { EmbeddedValkey } from '../src/valkey/EmbeddedValkey.ts'
import { runInDb } from '../src/valkey/runInDb.ts'
import { TestClient, bulk, eventually, startTestPlayground } from './helpers.ts'

/** Servers this file starts itself: plain valkey-servers, no data folder. */
const started: EmbeddedValkey[] = []
async function server(databases = 8): Promise<EmbeddedValkey> {
  const valkey = await EmbeddedValkey.start({ binary: inject('valkeyServer'), databases })
  started.push(valkey)
  return valkey
}
afterAll(async () => {
  await Promise.all(started.map((valkey) => valkey.stop()))
})

const url = (valkey: EmbeddedValkey, db = '') => `redis://:${valkey.password}@127.0.0.1:${valkey.port}${db}`
const numberOf = (client: TestClient) => eventually(() => client.of('welcome')[0]?.sandbox, 'the welcome')

describe('VALKEY_URL with two servers', () => {
  it('lends sandboxes from both, keeps the bookkeeping on the first, and a new process finds every sandbox again', async () => {
    const [first, second] = [await server(), await server()]
    const targets = parseValkeyUrls(`${url(first, '/0')},${url(second)}`)
    const playground = await startTestPlayground({ valkeyUrls: targets, maxSandboxes: 4 })
    expect(playground.embeddedPool).toBeNull()
    expect(playground.registry.capacity).toBe(8)
    const one = await TestClient.connect(playground.port)
    const two = await TestClient.connect(playground.port)
    expect([await numberOf(one), await numberOf(two)]).toEqual([1, SERVER_STRIDE + 1])
    await two.one('HSET', 'session:han', 'username', 'hsolo')
    const token = two.token
    one.close()
    two.close()
    await playground.close()

    // The data is on the second server; the registry on the first's database 0.
    const admin = createAdminClient(targets[1]!)
    await admin.connect()
    expect(await runInDb(admin, 1, ['HGET', 'session:han', 'username'])).toEqual(['hsolo'])
    admin.disconnect()

    const again = await startTestPlayground({ valkeyUrls: targets, maxSandboxes: 4 })
    const back = await TestClient.connect(again.port, token)
    expect(back.welcome).toMatchObject({ resumed: true })
    expect(await numberOf(back)).toBe(SERVER_STRIDE + 1)
    expect(await back.one('HGET', 'session:han', 'username')).toEqual(bulk('hsolo'))
    back.close()
    await again.close()
  })

  it('keeps the bookkeeping on CONTROL_URL when it is given, and none of it on the pool', async () => {
    const [first, second, control] = [await server(), await server(), await server()]
    const playground = await startTestPlayground({
      valkeyUrls: parseValkeyUrls(`${url(first)},${url(second)}`),
      controlUrl: parseValkeyUrl(url(control, '/3'), 'CONTROL_URL'),
    })
    const client = await TestClient.connect(playground.port)
    await client.one('SET', 'k', 'v')
    const admin = createAdminClient(parseValkeyUrl(url(control, '/3')))
    await admin.connect()
    expect(Number(await admin.call('hlen', 'playground:sandboxes'))).toBe(1)
    admin.disconnect()
    expect(Number(await playground.admin.call('exists', 'playground:sandboxes'))).toBe(0)
    client.close()
    await playground.close()
  })
})

describe('servers start-up refuses', () => {
  it('one with too few databases, saying which server and what to set', async () => {
    const [good, small] = [await server(), await server(1)]
    await expect(startTestPlayground({ valkeyUrls: parseValkeyUrls(`${url(good)},${url(small)}`), maxSandboxes: 5 })).rejects.toThrow(
      new RegExp(
        `^server 2 of 2 in the pool: Valkey at 127\\.0\\.0\\.1:${small.port} has only 1 database\\(s\\), and the playground keeps ` +
          `database 0 for itself: sandboxes need more\\. Set 'databases 6' in its configuration`
      )
    )
  })

  it('one whose user may not administer it, naming the user and what to grant', async () => {
    const valkey = await server()
    const admin = createAdminClient(parseValkeyUrl(url(valkey)))
    await admin.connect()
    await admin.call('acl', 'setuser', 'teacher', 'on', '>secret-password', '~*', '&*', '+@all', '-@admin')
    admin.disconnect()
    await expect(
      startTestPlayground({ valkeyUrls: [parseValkeyUrl(`redis://teacher:secret-password@127.0.0.1:${valkey.port}/0`)] })
    ).rejects.toThrow(
      /^Valkey at 127\.0\.0\.1:\d+: user 'teacher' may not run ACL SETUSER \(NOPERM[^)]*\)\. .*give 'teacher' every command \(ACL SETUSER teacher on \+@all ~\* &\*\)/
    )
  })
})
