import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { loadOwnValkeyConfig, parseInspectUrl } from './ownValkeyConfig.ts'

const here = fileURLToPath(import.meta.url)

describe('inspect mode settings', () => {
  it('is off unless a URL is given, and says so for its flags alone', () => {
    expect(loadOwnValkeyConfig({}, [])).toBeNull()
    expect(() => loadOwnValkeyConfig({}, ['--write'])).toThrow(/only applies with --inspect/)
  })

  it('reads the URL from the arguments or INSPECT_URL, arguments first', () => {
    expect(loadOwnValkeyConfig({}, ['--inspect', 'redis://app:s%3Acret@cache.local:6390/3'])).toEqual({
      target: { host: 'cache.local', port: 6390, username: 'app', password: 's:cret', db: 3, tls: null },
      key: null,
      write: false,
      dangerous: false,
      keysUpTo: 10_000,
    })
    expect(loadOwnValkeyConfig({ INSPECT_URL: 'redis://a:1' }, ['--inspect=valkey://b:2'])!.target).toMatchObject({
      host: 'b',
      port: 2,
      db: 0,
    })
    expect(loadOwnValkeyConfig({ INSPECT_URL: 'redis://[::1]:7000' }, [])!.target).toMatchObject({ host: '::1', port: 7000 })
  })

  it('takes TLS from rediss:// with a CA file or without verification', () => {
    expect(loadOwnValkeyConfig({}, ['--inspect', 'rediss://h:6380', '--tls-ca', here])!.target.tls).toEqual({
      caFile: here,
      insecure: false,
    })
    expect(loadOwnValkeyConfig({ INSPECT_TLS_INSECURE: '1' }, ['--inspect', 'valkeys://h'])!.target.tls).toEqual({
      caFile: null,
      insecure: true,
    })
    expect(() => loadOwnValkeyConfig({}, ['--inspect', 'rediss://h', '--tls-ca', '/no/such/ca.pem'])).toThrow(/no such file/)
    expect(() => parseInspectUrl('redis://h', { caFile: null, insecure: true })).toThrow(/need a rediss/)
  })

  it('allows writes only when asked, and the dangerous ones only with writes', () => {
    expect(loadOwnValkeyConfig({}, ['--inspect', 'redis://h', '--write'])).toMatchObject({ write: true, dangerous: false })
    expect(loadOwnValkeyConfig({ INSPECT_WRITE: 'yes', INSPECT_DANGEROUS: 'true' }, ['--inspect', 'redis://h'])).toMatchObject({
      write: true,
      dangerous: true,
    })
    expect(() => loadOwnValkeyConfig({}, ['--inspect', 'redis://h', '--dangerous'])).toThrow(/only applies with --write/)
  })

  it('explains what is wrong', () => {
    expect(() => loadOwnValkeyConfig({}, ['--inspect'])).toThrow(/needs a value/)
    expect(() => loadOwnValkeyConfig({}, ['--inspect', 'http://h'])).toThrow(/must start with redis/)
    expect(() => loadOwnValkeyConfig({}, ['--inspect', 'not a url'])).toThrow(/needs a URL/)
    expect(() => loadOwnValkeyConfig({}, ['--inspect', 'redis://h/x'])).toThrow(/database must be a number/)
    expect(() => loadOwnValkeyConfig({ INSPECT_KEY: 'short' }, ['--inspect', 'redis://h'])).toThrow(/INSPECT_KEY/)
    expect(() => loadOwnValkeyConfig({ INSPECT_KEYS_UP_TO: '-1' }, ['--inspect', 'redis://h'])).toThrow(/INSPECT_KEYS_UP_TO/)
  })
})
