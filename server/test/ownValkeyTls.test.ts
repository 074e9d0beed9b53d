/**
 * Inspect mode over TLS (rediss://, issue 14), where the server's build can serve it (Debian's
 * Valkey 8 and Redis 7 can; the Valkey 9 this project builds has no TLS, and its tests are skipped
 * with that reason): with the CA given (--tls-ca) it works; without the CA it refuses to start with
 * the certificate error; with --tls-insecure it works without the CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestClient } from './helpers.ts'
import { ask, connectOwnValkey, inspectTargets, runOn, startOwnValkeyOn, TARGET_PASSWORD, Teardown } from './ownValkeyHelpers.ts'
import { startTargetServer, supportsTls, type TargetServer } from './targetServer.ts'

describe.each(inspectTargets())('inspect mode over TLS ($name)', (spec) => {
  const teardown = new Teardown()
  let target: TargetServer | null = null

  beforeAll(async () => {
    if (!(await supportsTls(spec.binary))) return
    target = teardown.add(await startTargetServer({ binary: spec.binary, password: TARGET_PASSWORD, tls: true }), (t) => t.stop())
    await runOn(target, 0, [
      ['HSET', 'tls:h', 'over', 'tls'],
      ['SET', 'tls:s', 'secure'],
    ])
  })
  afterAll(() => teardown.run())

  /** Keys listed, a hash opened and a command answered: the whole page works over this connection. */
  async function works(client: TestClient) {
    const keys = await ask(client, { type: 'watchKeys', pattern: '*' }, 'keys')
    expect(keys.keys.map((k) => [k.key, k.type]).sort()).toEqual([
      ['tls:h', 'hash'],
      ['tls:s', 'string'],
    ])
    const view = await ask(client, { type: 'openKey', key: 'tls:h', match: '*' }, 'keyView')
    expect(view.fields).toEqual([{ field: 'over', value: 'tls', expiresAt: null }])
    expect(await client.one('GET', 'tls:s')).toEqual({ t: 'bulk', s: 'secure' })
  }

  it('works over rediss:// with the CA that signed the server’s certificate', async (context) => {
    if (!target) return context.skip('this build of the server has no TLS')
    const inspect = teardown.add(await startOwnValkeyOn(target, { tls: { caFile: target.tls!.caFile, insecure: false } }), (i) => i.close())
    const client = teardown.client(await connectOwnValkey(inspect.port))
    expect(client.welcome!.server.inspect).toMatchObject({ tls: true, readOnly: true })
    await works(client)
  })

  it('refuses to start without the CA, saying the certificate could not be verified', async (context) => {
    if (!target) return context.skip('this build of the server has no TLS')
    // The test CA is in no system store, so verification must fail: never silently unverified.
    // The server sends its chain up to that CA, so the error names a self-signed certificate in it.
    await expect(startOwnValkeyOn(target, { tls: { caFile: null, insecure: false } })).rejects.toThrow(
      new RegExp(
        `^cannot inspect 127\\.0\\.0\\.1:${target.port}: self-signed certificate in certificate chain \\(give the CA that signed it with --tls-ca FILE, or --tls-insecure to skip the check for a test server\\)$`
      )
    )
  })

  it('works without the CA when told not to verify (--tls-insecure)', async (context) => {
    if (!target) return context.skip('this build of the server has no TLS')
    const inspect = teardown.add(await startOwnValkeyOn(target, { tls: { caFile: null, insecure: true } }), (i) => i.close())
    const client = teardown.client(await connectOwnValkey(inspect.port))
    expect(client.welcome!.server.inspect).toMatchObject({ tls: true })
    await works(client)
  })
})
